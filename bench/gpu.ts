import { sameResult } from '../src/engine/compare.js';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EngineRegistry } from '../src/registry/registry.js';
import { ReferenceEngine } from '../src/engine/reference.js';
import type { Engine } from '../src/engine/engine.js';
import type { BatchResult } from '../src/model/shapes.js';
import { parseBatch } from '../src/wire/parse.js';
import { validateBatch } from '../src/wire/validate.js';
import { keccakRows, printKeccakTable, type Row } from './keccak.js';
import { erc20TransferBatch } from './workloads/erc20.js';

/**
 * Issue #3's benchmark, one run: keccak-256 throughput (WGSL vs noble), then a batch
 * of ERC-20 transfers on engine `gpu` and on the reference, side by side. The two
 * results are compared field by field first: a speed figure for a wrong answer is
 * worthless. Not a test: it reports, it asserts nothing about time.
 *
 *   npx tsx bench/gpu.ts [--transfers 10000] [--keccak-sizes 16384,65536] [--json out.json]
 */
const { values } = parseArgs({
  options: {
    transfers: { type: 'string', default: '10000' },
    'keccak-sizes': { type: 'string', default: '16384,65536' },
    reps: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const transfers = Number(values.transfers);

async function timed(engine: Engine, transfersN: number): Promise<{ ms: number; result: BatchResult }> {
  const wire = erc20TransferBatch({ transfers: transfersN });
  validateBatch(wire);
  const batch = parseBatch(wire);
  const t = performance.now();
  const result = await engine.execute(batch);
  return { ms: performance.now() - t, result };
}

const registry = new EngineRegistry();
const gpu = registry.get('gpu');
try {
  const { ctx } = await registry.gpu.session();
  console.log(`adapter: ${ctx.adapterName}${ctx.software ? ' (software: lavapipe runs WGSL on the CPU; only ratios measured side by side mean anything here)' : ''}`);
  const keccak: Row[] = await keccakRows(ctx.device, values['keccak-sizes'].split(',').map(Number), Number(values.reps));
  printKeccakTable(ctx.adapterName, ctx.software, keccak);

  // Compile the interpreter before timing: lavapipe compiles at first use.
  await timed(gpu, 4);
  const ref = await timed(new ReferenceEngine(), transfers);
  const onGpu = await timed(gpu, transfers);
  const identical = sameResult(ref.result, onGpu.result);
  const tps = (ms: number) => Math.round(transfers / (ms / 1000));
  console.log(`\nERC-20 transfers (Uniswap V2 ERC20, distinct senders and recipients): ${transfers}`);
  console.log(`results identical to the reference: ${identical}`);
  console.log(`reference: ${Math.round(ref.ms)} ms, ${tps(ref.ms)} tx/s`);
  console.log(`gpu:       ${Math.round(onGpu.ms)} ms, ${tps(onGpu.ms)} tx/s  (${(ref.ms / onGpu.ms).toFixed(2)}x the reference)`);
  console.log(`gpu stats: engines ${JSON.stringify(onGpu.result.stats.engines)} speculation ${JSON.stringify(onGpu.result.stats.mode === 'speculative' ? onGpu.result.stats.speculation : null)}`);
  console.log(`gpu phases (ms): ${JSON.stringify(onGpu.result.stats.timingsMs)}`);
  console.log(`reference phases (ms): ${JSON.stringify(ref.result.stats.timingsMs)}`);
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify({
      adapter: ctx.adapterName, software: ctx.software, date: new Date().toISOString(), node: process.version,
      keccak, erc20: { transfers, identical, referenceMs: ref.ms, gpuMs: onGpu.ms, gpuStats: onGpu.result.stats, referenceStats: ref.result.stats },
    }, null, 2)}\n`);
  }
  if (!identical) process.exitCode = 1;
} finally {
  await registry.close();
}
