import { openRegistry } from '/work/main/src/cli/registry.ts';
import { uniswapSwapBatch, uniswapHotBatch } from '/work/main/bench/workloads/uniswap.ts';
import { erc20TransferBatch } from '/work/main/bench/workloads/erc20.ts';
import { timeOnce } from '/work/main/bench/suite/measure.ts';
const [wl, n, engs] = [process.argv[2], Number(process.argv[3]), (process.argv[4] ?? 'auto').split(',')];
const make = () => wl === 'hot' ? uniswapHotBatch(n, 1) : wl === 'erc20' ? erc20TransferBatch({ transfers: n, seed: 1 }) : uniswapSwapBatch(n, 1);
const reg = openRegistry('x') as any;
for (const e of engs) {
  await timeOnce(reg.get(e), make());
  (globalThis as any).__prof = {};
  const r = await timeOnce(reg.get(e), make());
  const s: any = r.result.stats;
  console.log(e, Math.round(r.ms), 'ms', JSON.stringify(Object.fromEntries(Object.entries(s.timingsMs).map(([k, v]) => [k, Math.round(v as number)]))), JSON.stringify(s.engines), s.speculation?.waves, s.speculation?.rerunFrames, "ahead", s.speculation?.reexecutedAhead, Buffer.from(r.result.stateRoot).toString('hex').slice(0, 16));
  const p = (globalThis as any).__prof; if (Object.keys(p).length) console.log("prof", JSON.stringify(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === "number" ? Math.round(v) : v]))));
}
await reg.close();
