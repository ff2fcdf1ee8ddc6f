//! requires: u256/core u256/mul u256/divrem u256/arith u256/compare u256/bitwise
// The whole 256-bit library, for kernels that implement every arithmetic,
// comparison and bitwise opcode (the interpreter, the differential tests).
