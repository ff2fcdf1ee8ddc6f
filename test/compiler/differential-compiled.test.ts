// The whole differential opcode suite of the interpreter kernel, against
// @ethereumjs/evm, with every call run through its code's compiled program.
import './force-compiled.js';
import '../gpu/interpreter-arith.test.js';
import '../gpu/interpreter-control.test.js';
import '../gpu/interpreter-env.test.js';
import '../gpu/interpreter-memory.test.js';
import '../gpu/interpreter-storage.test.js';
import '../gpu/interpreter-results.test.js';
import '../gpu/interpreter-fuzz.test.js';
import '../gpu/interpreter-calls.test.js';
import '../gpu/interpreter-creates.test.js';
