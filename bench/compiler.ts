import { sameResult } from '../src/engine/compare.js';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { ProgramCache } from '../src/compiler/cache.js';
import { compileProgram } from '../src/compiler/compile.js';
import { ContractKernels } from '../src/compiler/contract-kernels.js';
import { emitWgsl } from '../src/compiler/emit-wgsl.js';
import { buildProgram } from '../src/compiler/fragments.js';
import { contractKernelSource } from '../src/compiler/kernel-source.js';
import type { Engine } from '../src/engine/engine.js';
import { EngineRegistry } from '../src/registry/registry.js';
import { ReferenceEngine } from '../src/engine/reference.js';
import type { GpuCall, GpuCallResult, GpuStateSnapshot } from '../src/gpu/abi.js';
import { interpreterPipeline } from '../src/gpu/kernel-policy.js';
import { compilerExecutor } from '../src/compiler/executor.js';
import { COMPILED_PIPELINE, compiledPipeline } from '../src/compiler/kernel-policy.js';
import type { BatchResult } from '../src/model/shapes.js';
import { parseBatch } from '../src/wire/parse.js';
import { validateBatch } from '../src/wire/validate.js';
import { erc20TransferBatch } from './workloads/erc20.js';
import { callFrames } from './workloads/call-frames.js';

/**
 * Issue #4's benchmark, one run. Not a test: it reports and asserts nothing about time,
 * but it refuses to report speed for results that differ.
 *
 * Three kernels run the same frames: the interpreter kernel; compiled *programs* run by
 * one shared kernel (the program back end); and a *contract kernel*, the contract's own
 * pipeline with its fragments written as WGSL (the WGSL back end, emit-wgsl.ts and
 * ContractKernels).
 *
 * 1. Compile: host time of the program back end (stages 1 to 7) and of the WGSL back
 *    end (fragments and WGSL emission), with sizes, for Uniswap V2's ERC20 and
 *    UniswapV2Pair; the one-time pipelines of the interpreter and program kernels. With
 *    --contract-pipelines, the pipeline of ERC20's contract kernel (UniswapV2Pair's is
 *    measured last, as nothing else needs it), each capped at --pipeline-timeout-s:
 *    minutes on lavapipe.
 * 2. Kernel: the top-level frames of N ERC-20 transfers through GpuCallExecutor on each
 *    kernel (pack, upload, dispatch, read back), repetitions interleaved, with the
 *    host-side packing timed apart; results must be identical field by field (all but
 *    the `kernel` label) or no speed is printed.
 * 3. End to end: the same batch on engines `gpu` (compiled programs; contract kernels
 *    as the executor's default: off on a software adapter), `gpu-interpreter` and
 *    `reference`, tx/s; results must equal the reference's.
 * 4. With --op-costs: what one opcode costs inside a loop, on each kernel: the loop
 *    alone (all inline when compiled), then with one MSTORE, MLOAD, CALLDATALOAD,
 *    SLOAD or KECCAK256 per iteration, which every kernel runs in step(). The contract
 *    kernel column needs each loop's own pipeline (a few seconds each on lavapipe).
 *
 *   npx tsx bench/compiler.ts [--transfers 10000] [--reps 5] [--op-costs]
 *     [--contract-pipelines] [--pipeline-timeout-s 600] [--pipeline-max-gb 12]
 *
 * A pipeline's creation cannot be cancelled: past the timeout it goes on in the
 * background (and holds the driver's compile queue); past the memory cap (the process's
 * resident size, checked twice a second while waiting) the bench prints what it has
 * and exits, since lavapipe's compile of a large contract grows without bound.
 */
const { values } = parseArgs({
  options: {
    transfers: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '5' },
    'op-costs': { type: 'boolean', default: false },
    'contract-pipelines': { type: 'boolean', default: false },
    'pipeline-timeout-s': { type: 'string', default: '600' },
    'pipeline-max-gb': { type: 'string', default: '12' },
  },
});
const transfers = Number(values.transfers);
const reps = Number(values.reps);
const pipelineTimeoutS = Number(values['pipeline-timeout-s']);
const pipelineMaxGb = Number(values['pipeline-max-gb']);
const require = createRequire(import.meta.url);
const artifact = (name: string) => {
  const j = require(`@uniswap/v2-core/build/${name}.json`) as { evm: { deployedBytecode: { object: string } } };
  return Uint8Array.from(Buffer.from(j.evm.deployedBytecode.object, 'hex'));
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r0 = (x: number) => Math.round(x);


/** Every field of every result but the `kernel` label, as text (bigints and bytes spelled out). */
const fieldsOf = (r: GpuCallResult) => {
  const { kernel: _kernel, ...rest } = r;
  return JSON.stringify(rest, (_, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
};

/** Undefined when `b` equals `a` field by field (the `kernel` label aside); else where they first differ. */
function difference(a: GpuCallResult[], b: GpuCallResult[]): string | undefined {
  if (a.length !== b.length) return `${a.length} results against ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (fieldsOf(a[i]) === fieldsOf(b[i])) continue;
    const fa = JSON.parse(fieldsOf(a[i])) as Record<string, unknown>;
    const fb = JSON.parse(fieldsOf(b[i])) as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((k) => JSON.stringify(fa[k]) !== JSON.stringify(fb[k]));
    return `call ${i}: ${fields.map((k) => `${k} ${JSON.stringify(fa[k])} against ${JSON.stringify(fb[k])}`).join('; ')}`.slice(0, 600);
  }
  return undefined;
}

/** The promise's value, or why not: `timeout` after `s` seconds, `memory` once the process's resident size passes `maxGb` (the work itself goes on: a pipeline's creation cannot be cancelled). */
async function within<T>(p: Promise<T>, s: number, maxGb: number): Promise<{ value?: T; stopped?: 'timeout' | 'memory'; peakGb: number }> {
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let peakGb = process.memoryUsage.rss() / 2 ** 30;
  const stop = new Promise<'timeout' | 'memory'>((res) => {
    timer = setTimeout(() => res('timeout'), s * 1000);
    poll = setInterval(() => {
      peakGb = Math.max(peakGb, process.memoryUsage.rss() / 2 ** 30);
      if (peakGb > maxGb) res('memory');
    }, 500);
  });
  const r = await Promise.race([p.then((value) => ({ value })), stop]);
  clearTimeout(timer);
  clearInterval(poll);
  return typeof r === 'string' ? { stopped: r, peakGb } : { value: r.value, peakGb };
}

let pipelineTimedOut = false;
async function contractPipeline(code: Uint8Array): Promise<{ ready: boolean; line: string }> {
  const t0 = performance.now();
  const r = await within(contracts.wait(code, 'Prague'), pipelineTimeoutS, pipelineMaxGb);
  const e = contracts.report().find((x) => x.key === ProgramCache.key(code, 'Prague'))!;
  const mem = `process peak ${r.peakGb.toFixed(1)} GB`;
  if (r.stopped === 'memory') {
    console.log(`contract kernel pipeline (${e.fragments} fragments): over ${pipelineMaxGb} GB of memory after ${r0((performance.now() - t0) / 1000)} s, not created; exiting (its creation cannot be stopped otherwise)`);
    process.exit(process.exitCode ?? 3);
  }
  pipelineTimedOut ||= r.stopped === 'timeout';
  if (r.stopped === 'timeout') return { ready: false, line: `over ${pipelineTimeoutS} s (not created; ${mem}; its creation goes on in the background)` };
  if (!r.value) return { ready: false, line: `none: ${e.reason}${e.error ? ` (${e.error.slice(0, 300)})` : ''}` };
  return { ready: true, line: `${r0(e.pipelineMs ?? performance.now() - t0)} ms (emission included: ${r0(e.emitMs ?? NaN)} ms; ${mem})` };
}

// The engines at the end share this registry's device, so every kernel is compiled once.
const registry = new EngineRegistry();
const session = await registry.gpu.session();
const ctx = session.ctx;
const contracts = new ContractKernels(ctx.device, { dir: false });
console.log(`adapter: ${ctx.adapterName}${ctx.software ? ' (software: only ratios taken side by side mean anything)' : ''}`);
console.log(`options: --transfers ${transfers} --reps ${reps}${values['op-costs'] ? ' --op-costs' : ''}${values['contract-pipelines'] ? ` --contract-pipelines --pipeline-timeout-s ${pipelineTimeoutS}` : ''}`);

// 1. Compile times.
const hostMedian = (f: () => void) => {
  f(); // JIT warm-up
  return median(Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  }));
};
console.log('\n## Compile');
console.log('program back end (host, stages 1 to 7):');
for (const name of ['ERC20', 'UniswapV2Pair']) {
  const code = artifact(name);
  const ms = hostMedian(() => compileProgram(code, 'Prague'));
  const s = compileProgram(code, 'Prague').stats;
  console.log(`  ${name}: ${s.codeBytes} bytes, ${s.instructions} instructions, ${s.blocks} blocks, ${s.fragments} fragments (${s.inlined} instructions inline, ${s.interpreted} left to the interpreter), program ${s.programWords * 4} bytes: compile ${ms.toFixed(1)} ms (median of 5)`);
}
console.log('WGSL back end (host: fragments, then the WGSL of fast_fragment(); then linked into a kernel):');
for (const name of ['ERC20', 'UniswapV2Pair']) {
  const code = artifact(name);
  const emitMs = hostMedian(() => emitWgsl(buildProgram(code, 'Prague'), name));
  const emitted = emitWgsl(buildProgram(code, 'Prague'), name);
  const linkMs = hostMedian(() => contractKernelSource(emitted.wgsl, emitted.withProgram));
  const kernelBytes = contractKernelSource(emitted.wgsl, emitted.withProgram).length;
  console.log(`  ${name}: ${emitted.fragments} fragments, WGSL ${emitted.wgsl.length} bytes: emission ${emitMs.toFixed(1)} ms (median of 5); linked kernel ${kernelBytes} bytes, linking ${linkMs.toFixed(1)} ms`);
}
let t = performance.now();
await interpreterPipeline(session.pipelines);
console.log(`interpreter kernel pipeline: ${r0(performance.now() - t)} ms (once per device)`);
t = performance.now();
await compiledPipeline(session.pipelines);
console.log(`compiled-program kernel pipeline: ${r0(session.pipelines.ms(COMPILED_PIPELINE) ?? performance.now() - t)} ms (once per device, shared by every program)`);
const erc20Code = artifact('ERC20');
let contractReady = false;
if (values['contract-pipelines']) {
  const p = await contractPipeline(erc20Code);
  contractReady = p.ready;
  console.log(`contract kernel pipeline, ERC20 (one per contract and device): ${p.line}`);
  console.log('contract kernel pipeline, UniswapV2Pair: measured at the end (nothing else needs it)');
} else {
  console.log('contract kernel pipelines: not created (--contract-pipelines; minutes on lavapipe)');
}

// 2. Kernel.
console.log(`\n## Kernel: ${transfers} ERC-20 transfer frames`);
const { block, state, calls } = callFrames(erc20TransferBatch({ transfers }));
const interp = compilerExecutor(session, { kernel: 'interpreter' });
const compiled = compilerExecutor(session, { kernel: 'compiled', programs: new ProgramCache({ dir: false }), contractKernels: 'off' });
const contract = compilerExecutor(session, { kernel: 'compiled', programs: new ProgramCache({ dir: false }), contractKernels: 'wait', contractFragments: 'all', contracts });
// A contract kernel of only the fragments a sample transfer entered (src/compiler/profile.ts): seconds to create on lavapipe, not minutes.
const sampledKernels = new ContractKernels(ctx.device, { dir: false });
const sampled = compilerExecutor(session, { kernel: 'compiled', programs: new ProgramCache({ dir: false }), contractKernels: 'wait', contractFragments: 'entered', contracts: sampledKernels });
const kernels = [
  ['interpreter kernel', interp],
  ['compiled programs', compiled],
  ['contract, sampled', sampled],
  ...(contractReady ? ([['contract kernel', contract]] as const) : []),
] as const;
if (calls.some((c) => c.code.length !== erc20Code.length || !c.code.every((b, i) => b === erc20Code[i]))) throw new Error('the workload runs a code other than ERC20.json');
// First dispatches timed apart: a driver may compile a pipeline's shader at its first use.
for (const [name, ex] of kernels) {
  const t0 = performance.now();
  await ex.execute(block, state, calls.slice(0, 64));
  console.log(`first dispatch (64 calls), ${name}: ${r0(performance.now() - t0)} ms`);
}
for (const e of sampledKernels.report()) {
  console.log(`contract kernel of sampled fragments: ${e.fragments} of ${e.totalFragments} fragments, WGSL ${e.wgslBytes} bytes, emission ${r0(e.emitMs ?? NaN)} ms, pipeline ${r0(e.pipelineMs ?? NaN)} ms (sample and emission included; its first dispatch above adds the driver's compile at first use)${e.reason ? `; ${e.reason} ${e.error ?? ''}` : ''}`);
}
// Repetitions alternate between the kernels, so load from other processes hits them alike; the best and the median are reported.
const runs = kernels.map(() => [] as number[]);
const outs = kernels.map(() => [] as GpuCallResult[]);
for (let i = 0; i < reps; i++) {
  for (let k = 0; k < kernels.length; k++) {
    const t0 = performance.now();
    outs[k] = await kernels[k][1].execute(block, state, calls);
    runs[k].push(performance.now() - t0);
  }
}
const diffs = kernels.slice(1).map(([name], k) => [name, difference(outs[0], outs[k + 1])] as const);
const identical = diffs.every(([, d]) => !d);
const ok = outs[0].filter((r) => r.outcome <= 2).length;
console.log(`results identical field by field (all but the kernel label), ${kernels.map(([n]) => n).join(', ')}: ${identical}; ${ok}/${transfers} succeeded; steps per call ${outs[0][0].steps}`);
console.log(`ran on: ${kernels.map(([n], k) => `${n}: ${JSON.stringify(Object.fromEntries(['interpreter', 'compiled', 'contract'].map((l) => [l, outs[k].filter((r) => r.kernel === l).length])))}`).join('; ')}`);
for (const [name, d] of diffs) if (d) console.log(`DIFFERENT, interpreter kernel against ${name}: ${d}`);
const packMs = await (async () => {
  const { packBatch } = await import('../src/gpu/pack.js');
  const { limits } = await import('../src/gpu/limits.js');
  return Math.min(...Array.from({ length: reps }, () => {
    const t0 = performance.now();
    packBatch(block, state, calls, limits({}));
    return performance.now() - t0;
  }));
})();
if (!identical) {
  console.log('results differ: no speed reported');
  process.exitCode = 1;
} else {
  const best = runs.map((r) => Math.min(...r));
  const med = runs.map(median);
  kernels.forEach(([name], k) => {
    const vs = k === 0 ? '' : `  (${(best[0] / best[k]).toFixed(2)}x best, ${(med[0] / med[k]).toFixed(2)}x median, vs the interpreter kernel)`;
    console.log(`${`${name}:`.padEnd(20)} best ${r0(best[k])} ms (median ${r0(med[k])}; all ${runs[k].map(r0).join(' ')}), ${r0(transfers / (best[k] / 1000))} frames/s${vs}`);
  });
  console.log(`of which host packing (best): ${r0(packMs)} ms; without it: ${kernels.map(([n], k) => `${n} ${r0(best[k] - packMs)} ms${k ? ` (${((best[0] - packMs) / (best[k] - packMs)).toFixed(2)}x)` : ''}`).join(', ')}`);
  if (!contractReady) console.log('contract kernel (every fragment): no row (its pipeline was not created: --contract-pipelines)');
  // What every kernel pays per call whatever the code does (pack, upload, begin/finish, read back): the same calls running STOP.
  const stop = calls.map((c) => ({ ...c, code: new Uint8Array([0]) }));
  await interp.execute(block, state, stop.slice(0, 64));
  const stopRuns: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await interp.execute(block, state, stop);
    stopRuns.push(performance.now() - t0);
  }
  const fixed = Math.min(...stopRuns);
  console.log(`the same calls running STOP (interpreter kernel, best): ${r0(fixed)} ms; above that: ${kernels.map(([n], k) => `${n} ${r0(best[k] - fixed)} ms${k ? ` (${((best[0] - fixed) / (best[k] - fixed)).toFixed(2)}x)` : ''}`).join(', ')}`);
}

// 4. Per-opcode costs (before the end-to-end part, which loads the host for a minute).
if (values['op-costs']) {
  console.log(`\n## Opcode costs: 512 calls, 2000 loop iterations each, best of ${reps} interleaved runs`);
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
  const notes: string[] = [];
  let opIdentical = true;
  for (const [name, body] of bodies) {
    const code = loop(body);
    const st: GpuStateSnapshot = { accounts: new Map([[`0x${'aa'.repeat(20)}`, { balance: 0n, nonce: 1n, code, codeHash: keccak_256(code), storage: new Map([[1n, 5n]]) }]]) };
    const cs: GpuCall[] = Array.from({ length: 512 }, () => ({
      address: self, caller: self, origin: self, value: 0n, data: new Uint8Array(68).fill(1), gasPrice: 1n, gas: 10_000_000n, code, isCreate: false,
      warmAddresses: [self], warmSlots: [], blobVersionedHashes: [],
    }));
    const p = await contractPipeline(code);
    notes.push(`${name}: ${buildProgram(code, 'Prague').fragments.length} fragments, contract kernel pipeline ${p.line}`);
    const exs = [['interpreter', interp], ['compiled', compiled], ...(p.ready ? ([['contract', contract]] as const) : [])] as const;
    const best: Record<string, number> = { interpreter: Infinity, compiled: Infinity, contract: NaN };
    const last: GpuCallResult[][] = [];
    for (const [, ex] of exs) await ex.execute(block, st, cs.slice(0, 2));
    for (let i = 0; i < reps; i++) {
      for (let k = 0; k < exs.length; k++) {
        const [label, ex] = exs[k];
        const t0 = performance.now();
        last[k] = await ex.execute(block, st, cs);
        const ms = performance.now() - t0;
        best[label] = Number.isNaN(best[label]) ? ms : Math.min(best[label], ms);
      }
    }
    for (let k = 1; k < exs.length; k++) {
      const d = difference(last[0], last[k]);
      if (d) {
        opIdentical = false;
        console.log(`DIFFERENT, ${name}, interpreter against ${exs[k][0]}: ${d}`);
      }
    }
    costs.set(name, best);
  }
  for (const n of notes) console.log(`  ${n}`);
  if (!opIdentical) {
    console.log('results differ: no costs reported');
    process.exitCode = 1;
  } else {
    console.log('results identical field by field on every kernel that ran');
    const base = costs.get('loop alone')!;
    for (const [name, best] of costs) {
      const col = (k: string) => {
        if (Number.isNaN(best[k])) return `${k} n/a`;
        const extra = name === 'loop alone' ? '' : `, +${(((best[k] - base[k]) / (512 * 2000)) * 1e6).toFixed(0)} ns per opcode-call`;
        const ratio = k === 'interpreter' ? '' : ` (${(best.interpreter / best[k]).toFixed(2)}x)`;
        return `${k} ${r0(best[k])} ms${extra}${ratio}`;
      };
      console.log(`${name.padEnd(24)} ${['interpreter', 'compiled', 'contract'].map(col).join('; ')}`);
    }
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
const gpu = registry.get('gpu');
const gpuInterp = registry.get('gpu-interpreter');
try {
  // Warm-up: kernels built and the token compiled (a later batch finds its program cached).
  const warmWire = erc20TransferBatch({ transfers: 64 });
  await gpu.execute(parseBatch(warmWire));
  await gpuInterp.execute(parseBatch(warmWire));
  const ref = await run(new ReferenceEngine());
  const g = await run(gpu);
  const gi = await run(gpuInterp);
  const tps = (ms: number) => r0(transfers / (ms / 1000));
  const same = sameResult(g.result, ref.result) && sameResult(gi.result, ref.result);
  console.log(`identical to the reference: gpu ${sameResult(g.result, ref.result)}, gpu-interpreter ${sameResult(gi.result, ref.result)}`);
  console.log(`contract kernels in engine gpu: ${ctx.software ? 'off (the default on a software adapter)' : 'background (the default)'}`);
  if (same) {
    console.log(`reference:       ${r0(ref.ms)} ms, ${tps(ref.ms)} tx/s`);
    console.log(`gpu-interpreter: ${r0(gi.ms)} ms, ${tps(gi.ms)} tx/s  wave ${r0(gi.result.stats.timingsMs?.gpu ?? NaN)} ms`);
    console.log(`gpu (compiled):  ${r0(g.ms)} ms, ${tps(g.ms)} tx/s  wave ${r0(g.result.stats.timingsMs?.gpu ?? NaN)} ms`);
  } else {
    console.log('results differ from the reference: no speed reported');
    process.exitCode = 1;
  }
  console.log(`engines: gpu ${JSON.stringify(g.result.stats.engines)}, gpu-interpreter ${JSON.stringify(gi.result.stats.engines)}`);
  console.log(`program cache of engine gpu: ${JSON.stringify(registry.compiler.programs.report().map((e) => ({ key: e.key.slice(0, 12), calls: e.calls, source: e.source, ms: e.ms && +e.ms.toFixed(1), reason: e.reason })))}`);
  // The pipeline of UniswapV2Pair's contract kernel, last: nothing above needs it, and past the timeout its creation cannot be stopped.
  if (values['contract-pipelines']) {
    console.log('\n## Contract kernel pipeline, UniswapV2Pair');
    const code = artifact('UniswapV2Pair');
    const p = await contractPipeline(code);
    console.log(`contract kernel pipeline, UniswapV2Pair (${buildProgram(code, 'Prague').fragments.length} fragments): ${p.line}`);
  }
} finally {
  // Destroying the device waits for a pipeline still being created: exit instead.
  if (pipelineTimedOut) process.exit(process.exitCode ?? 0);
  await registry.close();
}
