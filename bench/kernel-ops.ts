import { parseArgs } from 'node:util';
import { outcomeName } from '../src/evm/outcome.js';
import type { KernelMode } from '../src/gpu/kernel-policy.js';
import { addr, asm, customExecutor, gpuBlock, gpuCall, snapshotOf, type Case } from '../test/gpu/interpreter-harness.js';
import { closeTestGpu } from '../test/support/gpu.js';

/**
 * What one opcode costs in a kernel, one run. Not a test: it reports, it asserts
 * nothing about time. Each body runs inside the same counting loop (JUMPDEST, the
 * body, PUSH 1 ADD DUP1 PUSH n GT PUSH 2 JUMPI: eight opcodes of its own) in one
 * invocation, n times; the figure is the time per iteration, and the body's cost is
 * that less the empty loop's. A run that does not stop normally with the expected step
 * count is refused, not reported. With --callee the loop runs in a frame the
 * transaction calls (what the compiled kernel leaves to the interpreter).
 *
 *   npx tsx bench/kernel-ops.ts [--kernel interpreter|compiled] [--iterations 30000] [--bodies empty,add] [--callee]
 *
 * On lavapipe every figure is CPU time of the software rasteriser: compare kernels
 * and versions side by side, in one run or alternating runs.
 */
const BODIES: Record<string, { code: string; steps: number }> = {
  empty: { code: '', steps: 0 },
  push_pop: { code: 'PUSH 7 POP', steps: 2 },
  push32_pop: { code: `PUSH32 0x${'ab'.repeat(32)} POP`, steps: 2 },
  add: { code: 'PUSH 7 PUSH 9 ADD POP', steps: 4 },
  mul: { code: 'PUSH 7 PUSH 9 MUL POP', steps: 4 },
  dup_swap: { code: 'DUP1 DUP1 SWAP1 POP POP', steps: 5 },
  mstore: { code: 'PUSH 7 PUSH 64 MSTORE', steps: 3 },
  mload: { code: 'PUSH 64 MLOAD POP', steps: 3 },
  calldataload: { code: 'PUSH 4 CALLDATALOAD POP', steps: 3 },
  caller: { code: 'CALLER POP', steps: 2 },
  sload_warm: { code: 'PUSH 3 SLOAD POP', steps: 3 },
  sstore: { code: 'PUSH 7 PUSH 3 SSTORE', steps: 3 },
  keccak64: { code: 'PUSH 64 PUSH 0 KECCAK256 POP', steps: 4 },
  balance_self: { code: 'ADDRESS BALANCE POP', steps: 3 },
};

const { values } = parseArgs({
  options: {
    kernel: { type: 'string', default: 'interpreter' },
    iterations: { type: 'string', default: '30000' },
    bodies: { type: 'string', default: Object.keys(BODIES).join(',') },
    callee: { type: 'boolean', default: false },
    reps: { type: 'string', default: '3' },
  },
});
const n = Number(values.iterations);
const names = values.bodies.split(',');
for (const name of names) if (!(name in BODIES)) throw new Error(`unknown body ${name}: one of ${Object.keys(BODIES).join(', ')}`);
const CALLEE = addr(0xbeef);
// The caller's own opcodes: five PUSHes, GAS, CALL and STOP.
const callerSteps = values.callee ? 9 : 0;

const ex = await customExecutor({ kernel: values.kernel as KernelMode, maxStepsPerDispatch: 100_000_000 });
const block = gpuBlock({ fork: 'Prague' });
let empty: number | undefined;
console.log(`kernel ${values.kernel}${values.callee ? ' (loop in a callee)' : ''}, ${n} iterations, best of ${values.reps} after one untimed run`);
for (const name of names) {
  const body = BODIES[name];
  const loop = asm(`PUSH 0 JUMPDEST ${body.code} PUSH 1 ADD DUP1 PUSH ${n} GT PUSH 2 JUMPI STOP`);
  const code = values.callee ? asm(`PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH 0 PUSH ${0xbeef} GAS CALL STOP`) : loop;
  const storage = new Map([[3n, 5n]]);
  const c: Case = {
    name, code, gas: 1_000_000_000n, storage, data: new Uint8Array(68),
    accounts: values.callee ? [{ address: CALLEE, code: loop, storage }] : [],
    warm: values.callee ? [CALLEE] : [],
  };
  const state = snapshotOf(c, 0);
  const calls = [gpuCall(c, 0)];
  const want = callerSteps + 2 + n * (8 + body.steps);
  let best = Infinity;
  let kernel = '';
  for (let rep = 0; rep <= Number(values.reps); rep++) {
    const t = performance.now();
    const [r] = await ex.execute(block, state, calls);
    const ms = performance.now() - t;
    const outcome = outcomeName(r.outcome);
    if (outcome !== 'Stop' || r.steps !== want) throw new Error(`${name}: ended ${outcome} after ${r.steps} steps, not Stop after ${want}`);
    kernel = r.kernel ?? '';
    if (rep > 0) best = Math.min(best, ms);
  }
  const perIteration = (best * 1e6) / n;
  empty ??= name === 'empty' ? perIteration : undefined;
  const extra = empty === undefined ? '' : `, body ${Math.round(perIteration - empty)} ns`;
  console.log(`${name.padEnd(13)} ${kernel.padEnd(11)} ${Math.round(perIteration)} ns an iteration${extra}`);
}
await closeTestGpu();
