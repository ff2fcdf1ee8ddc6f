import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { ProgramCache } from '../src/compiler/cache.js';
import { compileProgram } from '../src/compiler/compile.js';
import type { Engine } from '../src/engine/engine.js';
import { GpuEngine } from '../src/engine/gpu.js';
import { ReferenceEngine } from '../src/engine/reference.js';
import { compiledPipeline, compiledPipelineMs, GpuCallExecutor, interpreterPipeline, type GpuBlockContext, type GpuCall, type GpuCallResult, type GpuStateSnapshot } from '../src/gpu/call-executor.js';
import { gpuContext } from '../src/gpu/device.js';
import type { BatchResult, Hex, WireBatch } from '../src/model/shapes.js';
import { formatResult, jsonCodec } from '../src/wire/format.js';
import { parseBatch } from '../src/wire/parse.js';
import { validateBatch } from '../src/wire/validate.js';
import { erc20TransferBatch } from './workloads/erc20.js';

/**
 * Issue #4's benchmark, one run. Not a test: it reports and asserts nothing about time,
 * but it refuses to report speed for results that differ.
 *
 * 1. Compile time (host: stages 1 to 7) for Uniswap V2's ERC20 and UniswapV2Pair, and
 *    the one-time creation of the compiled-program kernel's pipeline on this device
 *    (shared by every program), next to the interpreter kernel's.
 * 2. Kernel: the top-level frames of N ERC-20 transfers through GpuCallExecutor, on the
 *    interpreter kernel and on compiled programs (pack, upload, dispatch, read back),
 *    with the host-side packing timed apart; both results must be identical.
 * 3. End to end: the same batch on engines `gpu` (compiled), `gpu-interpreter` and
 *    `reference`, tx/s; results must equal the reference's.
 *
 * 4. With --op-costs: what one opcode costs inside a loop, on each kernel: the loop
 *    alone (all inline when compiled), then with one MSTORE, MLOAD, CALLDATALOAD,
 *    SLOAD or KECCAK256 per iteration, which both kernels run in step().
 *
 *   npx tsx bench/compiler.ts [--transfers 10000] [--reps 5] [--op-costs]
 */
const { values } = parseArgs({
  options: { transfers: { type: 'string', default: '10000' }, reps: { type: 'string', default: '5' }, 'op-costs': { type: 'boolean', default: false } },
});
const transfers = Number(values.transfers);
const reps = Number(values.reps);
const require = createRequire(import.meta.url);
const artifact = (name: string) => {
  const j = require(`@uniswap/v2-core/build/${name}.json`) as { evm: { deployedBytecode: { object: string } } };
  return Uint8Array.from(Buffer.from(j.evm.deployedBytecode.object, 'hex'));
};
const bytes = (h: Hex) => Uint8Array.from(Buffer.from(h.slice(2), 'hex'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r0 = (x: number) => Math.round(x);

/** The frames the gpu engine would run for the batch's transfers, built directly from the workload. */
function frames(wire: WireBatch): { block: GpuBlockContext; state: GpuStateSnapshot; calls: GpuCall[] } {
  const accounts: GpuStateSnapshot['accounts'] = new Map();
  for (const [a, acc] of Object.entries(wire.pre)) {
    const code = acc.code ? bytes(acc.code) : new Uint8Array(0);
    const storage = new Map<bigint, bigint>(Object.entries(acc.storage ?? {}).map(([k, v]) => [BigInt(k), BigInt(v as string)]));
    accounts.set(a.toLowerCase(), { balance: BigInt(acc.balance ?? '0x0'), nonce: BigInt(acc.nonce ?? '0x0'), code, codeHash: keccak_256(code), storage });
  }
  const coinbase = bytes(wire.env.coinbase);
  const calls = wire.txs.map((tx): GpuCall => {
    const t = tx as { from: Hex; to: Hex; data: Hex; gas: Hex };
    const data = bytes(t.data);
    const calldataGas = data.reduce((g, b) => g + (b === 0 ? 4 : 16), 0);
    return {
      address: bytes(t.to), caller: bytes(t.from), origin: bytes(t.from), value: 0n, data, gasPrice: 8n,
      gas: BigInt(t.gas) - 21_000n - BigInt(calldataGas), code: accounts.get(t.to.toLowerCase())!.code, isCreate: false,
      warmAddresses: [bytes(t.from), bytes(t.to), coinbase], warmSlots: [], blobVersionedHashes: [],
    };
  });
  const block: GpuBlockContext = {
    fork: 'Prague', coinbase, number: BigInt(wire.env.number), timestamp: BigInt(wire.env.timestamp), gasLimit: BigInt(wire.env.gasLimit),
    chainId: 1n, baseFee: 7n, prevRandao: 0n, blobBaseFee: 1n, blockHashes: new Map(),
  };
  return { block, state: { accounts }, calls };
}

const observable = (rs: GpuCallResult[]) =>
  JSON.stringify(rs.map((r) => [r.outcome, r.gasLeft, r.refund, r.returnData, r.logs, r.storageWrites, r.storageReads, r.accountReads, r.steps, r.stoppedAt]), (_, v) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v);

function comparable(r: BatchResult): string {
  const wire = formatResult(r, jsonCodec) as unknown as { results: { engine?: string }[]; stats?: unknown };
  for (const t of wire.results) delete t.engine;
  delete wire.stats;
  return JSON.stringify(wire);
}

const ctx = await gpuContext();
console.log(`adapter: ${ctx.adapterName}${ctx.software ? ' (software: only ratios taken side by side mean anything)' : ''}`);

// 1. Compile times.
console.log('\n## Compile');
for (const name of ['ERC20', 'UniswapV2Pair']) {
  const code = artifact(name);
  compileProgram(code, 'Prague'); // JIT warm-up of the compiler itself
  const ms = median(Array.from({ length: 5 }, () => {
    const t = performance.now();
    compileProgram(code, 'Prague');
    return performance.now() - t;
  }));
  const s = compileProgram(code, 'Prague').stats;
  console.log(`${name}: ${s.codeBytes} bytes, ${s.instructions} instructions, ${s.blocks} blocks, ${s.fragments} fragments (${s.inlined} instructions inline, ${s.interpreted} left to the interpreter), program ${s.programWords * 4} bytes: compile ${ms.toFixed(1)} ms (median of 5)`);
}
let t = performance.now();
await interpreterPipeline(ctx.device);
console.log(`interpreter kernel pipeline: ${r0(performance.now() - t)} ms (once per device)`);
t = performance.now();
await compiledPipeline(ctx.device);
console.log(`compiled-program kernel pipeline: ${r0(compiledPipelineMs(ctx.device) ?? performance.now() - t)} ms (once per device, shared by every program)`);

// 2. Kernel.
console.log(`\n## Kernel: ${transfers} ERC-20 transfer frames`);
const { block, state, calls } = frames(erc20TransferBatch({ transfers }));
const programs = new ProgramCache({ dir: false });
const interp = new GpuCallExecutor(ctx, { kernel: 'interpreter' });
const compiled = new GpuCallExecutor(ctx, { kernel: 'compiled', programs });
// Repetitions alternate between the kernels, so load from other processes hits both alike; the best and the median are reported.
await interp.execute(block, state, calls.slice(0, 64));
await compiled.execute(block, state, calls.slice(0, 64));
const runs = { interp: [] as number[], compiled: [] as number[] };
let outA: GpuCallResult[] = [];
let outB: GpuCallResult[] = [];
for (let i = 0; i < reps; i++) {
  let t0 = performance.now();
  outA = await interp.execute(block, state, calls);
  runs.interp.push(performance.now() - t0);
  t0 = performance.now();
  outB = await compiled.execute(block, state, calls);
  runs.compiled.push(performance.now() - t0);
}
const a = { ms: Math.min(...runs.interp), med: median(runs.interp), out: outA };
const b = { ms: Math.min(...runs.compiled), med: median(runs.compiled), out: outB };
const identical = observable(a.out) === observable(b.out);
const ok = b.out.filter((r) => r.outcome <= 2).length;
console.log(`results identical (outcome, gas, refund, return data, logs, reads, writes, steps, stop pc): ${identical}; ${ok}/${transfers} succeeded; ${b.out.filter((r) => r.kernel === 'compiled').length} ran compiled`);
console.log(`steps per call: ${a.out[0].steps}`);
console.log(`interpreter kernel: best ${r0(a.ms)} ms (median ${r0(a.med)}), ${r0(transfers / (a.ms / 1000))} frames/s`);
console.log(`compiled programs:  best ${r0(b.ms)} ms (median ${r0(b.med)}), ${r0(transfers / (b.ms / 1000))} frames/s  (${(a.ms / b.ms).toFixed(2)}x best, ${(a.med / b.med).toFixed(2)}x median)`);
const { packBatch } = await import('../src/gpu/pack.js');
const packMs = Math.min(...Array.from({ length: reps }, () => {
  const t0 = performance.now();
  packBatch(block, state, calls, { stepBudget: 1e6, memoryBytes: 65536, returnBytes: 1024, logs: 8, logDataBytes: 2048, journalEntries: 64, accessedEntries: 32, transientEntries: 32 });
  return performance.now() - t0;
}));
console.log(`of which host packing (best): ${r0(packMs)} ms; without it: interpreter ${r0(a.ms - packMs)} ms, compiled ${r0(b.ms - packMs)} ms (${((a.ms - packMs) / (b.ms - packMs)).toFixed(2)}x)`);

// 4. Per-opcode costs (before the end-to-end part, which loads the host for a minute).
if (values['op-costs']) {
  console.log('\n## Opcode costs: 512 calls, 2000 loop iterations each, best of interleaved runs');
  const { asm } = await import('../test/gpu/interpreter-harness.js');
  const loop = (body: string) => asm(`PUSH 0 JUMPDEST ${body} PUSH 1 ADD DUP1 PUSH 2000 GT PUSH 2 JUMPI STOP`);
  const bodies: [string, string][] = [
    ['loop alone', ''],
    ['+ MSTORE', 'DUP1 PUSH 64 MSTORE'],
    ['+ MLOAD', 'PUSH 64 MLOAD POP'],
    ['+ CALLDATALOAD', 'PUSH 4 CALLDATALOAD POP'],
    ['+ SLOAD (warm)', 'PUSH 1 SLOAD POP'],
    ['+ KECCAK256 (64 bytes)', 'PUSH 64 PUSH 0 KECCAK256 POP'],
  ];
  const self = new Uint8Array(20).fill(0xaa);
  const costs = new Map<string, Record<string, number>>();
  for (const [name, body] of bodies) {
    const code = loop(body);
    const st: GpuStateSnapshot = { accounts: new Map([[`0x${'aa'.repeat(20)}`, { balance: 0n, nonce: 1n, code, codeHash: keccak_256(code), storage: new Map([[1n, 5n]]) }]]) };
    const cs: GpuCall[] = Array.from({ length: 512 }, () => ({
      address: self, caller: self, origin: self, value: 0n, data: new Uint8Array(68).fill(1), gasPrice: 1n, gas: 10_000_000n, code, isCreate: false,
      warmAddresses: [self], warmSlots: [], blobVersionedHashes: [],
    }));
    const best: Record<string, number> = { interpreter: Infinity, compiled: Infinity };
    await interp.execute(block, st, cs.slice(0, 2));
    await compiled.execute(block, st, cs.slice(0, 2));
    for (let i = 0; i < reps; i++) {
      for (const [k, ex] of [['interpreter', interp], ['compiled', compiled]] as const) {
        const t0 = performance.now();
        await ex.execute(block, st, cs);
        best[k] = Math.min(best[k], performance.now() - t0);
      }
    }
    costs.set(name, best);
  }
  const base = costs.get('loop alone')!;
  for (const [name, best] of costs) {
    const extra = (k: string) => (name === 'loop alone' ? '' : `, +${(((best[k] - base[k]) / (512 * 2000)) * 1e6).toFixed(0)} ns per opcode-call`);
    console.log(`${name.padEnd(24)} interpreter ${r0(best.interpreter)} ms${extra('interpreter')}; compiled ${r0(best.compiled)} ms${extra('compiled')} (${(best.interpreter / best.compiled).toFixed(2)}x)`);
  }
}

// 3. End to end.
console.log(`\n## End to end: ${transfers} ERC-20 transfers`);
const run = async (engine: Engine) => {
  const wire = erc20TransferBatch({ transfers });
  validateBatch(wire);
  const batch = parseBatch(wire);
  const t0 = performance.now();
  const result = await engine.execute(batch);
  return { ms: performance.now() - t0, result };
};
const gpu = new GpuEngine();
const gpuInterp = new GpuEngine({ name: 'gpu-interpreter', kernel: 'interpreter' });
try {
  // Warm-up: kernels built and the token compiled (a later batch finds its program cached).
  const warmWire = erc20TransferBatch({ transfers: 64 });
  await gpu.execute(parseBatch(warmWire));
  await gpuInterp.execute(parseBatch(warmWire));
  const ref = await run(new ReferenceEngine());
  const g = await run(gpu);
  const gi = await run(gpuInterp);
  const tps = (ms: number) => r0(transfers / (ms / 1000));
  console.log(`identical to the reference: gpu ${comparable(g.result) === comparable(ref.result)}, gpu-interpreter ${comparable(gi.result) === comparable(ref.result)}`);
  console.log(`reference:       ${r0(ref.ms)} ms, ${tps(ref.ms)} tx/s`);
  console.log(`gpu-interpreter: ${r0(gi.ms)} ms, ${tps(gi.ms)} tx/s  wave ${r0(gi.result.stats.timingsMs?.wave ?? NaN)} ms`);
  console.log(`gpu (compiled):  ${r0(g.ms)} ms, ${tps(g.ms)} tx/s  wave ${r0(g.result.stats.timingsMs?.wave ?? NaN)} ms`);
  console.log(`engines: gpu ${JSON.stringify(g.result.stats.engines)}, gpu-interpreter ${JSON.stringify(gi.result.stats.engines)}`);
  console.log(`program cache: ${JSON.stringify(compiled.programs.report().map((e) => ({ key: e.key.slice(0, 12), calls: e.calls, source: e.source, ms: e.ms && +e.ms.toFixed(1), reason: e.reason })))}`);
  if (!identical || comparable(g.result) !== comparable(ref.result) || comparable(gi.result) !== comparable(ref.result)) process.exitCode = 1;
} finally {
  await gpu.close();
}
