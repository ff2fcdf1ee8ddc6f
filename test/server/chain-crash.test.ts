import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainBlockShape } from '../../src/model/chain.js';
import type { Hex } from '../../src/model/shapes.js';
import { hexToBytes } from '../../src/primitives/hex.js';
import { formatResult, jsonCodec } from '../../src/wire/format.js';
import { parseChainBlock, parseChainInit } from '../../src/wire/chain.js';
import { rng } from '../../bench/workloads/rng.js';
import { BlockStream, genesis } from '../support/chain-blocks.js';
import { ReferenceChain } from '../support/chain-replay.js';
import { spawnServe } from '../support/child-service.js';
import { engineNeutral } from './helpers.js';

/**
 * Crash safety: `evmgpu serve --data-dir` in a child process, killed with SIGKILL at random
 * moments while blocks of mixed transactions are posted to it. After every restart the
 * head is at or past the last acknowledged block and every acknowledged block is there,
 * unchanged; the driver re-posts the head's block (a replay) and goes on from head + 1. At
 * the end the whole chain is compared, block by block and root by root, with a reference
 * replay. Short form here (EVMGPU_CRASH_KILLS, default 4); the long form is 50 kills:
 * `EVMGPU_CRASH_KILLS=50 npx vitest run test/server/chain-crash.test.ts` (about 10 minutes here).
 */
const KILLS = Number(process.env.EVMGPU_CRASH_KILLS ?? (process.env.EVMGPU_LONG ? 50 : 4));
const BLOCKS = Math.max(12, KILLS * 3 + 6);
const dir = mkdtempSync(join(tmpdir(), 'evmgpu-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serve = () => spawnServe(['--host', '127.0.0.1', '--port', '0', '--data-dir', dir, '--log-level', 'info', '--cpu-workers', '1']);

/**
 * One request, as a sequencer's driver sends it: a 503 OVERLOADED (load shedding, seen
 * right after a start on a busy CI host, when the event loop is slow) is retried after
 * its Retry-After, a few times. Nothing else is retried.
 */
async function call(base: string, path: string, body?: unknown): Promise<{ status: number; json: any; replayed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json: any = await res.json();
    if (res.status === 503 && json.error?.code === 'OVERLOADED' && attempt < 10) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      continue;
    }
    return { status: res.status, json, replayed: res.headers.get('x-evmgpu-replayed') === 'true' };
  }
}

describe(`the chain survives SIGKILL (${KILLS} kills)`, () => {
  const stream = new BlockStream(31, 10);
  const blocks: ChainBlockShape<Hex, Hex>[] = [];
  for (let n = 1n; n <= BigInt(BLOCKS); n++) blocks.push({ ...stream.block(n, 1000n + 12n * n), options: { engine: 'cpu' } });
  const acked = new Map<number, string>();
  const when = rng(7);

  it('keeps every acknowledged block, resumes from head + 1, and equals a reference replay', async () => {
    let lastAcked = 0;
    const seen = { interrupted: 0, aheadOfAck: 0, rebuilt: 0 };
    for (let round = 0; round <= KILLS; round++) {
      const server = serve();
      try {
        const base = await server.listening;
        // A kill after a block's commit and before its trie nodes' leaves them to the next start (restore-nodes.ts).
        if (/rebuilt \d+ trie nodes of the head block/.test(server.output())) seen.rebuilt++;
        if (round === 0) expect((await call(base, '/v1/chain/init', genesis())).status).toBe(200);
        const head = (await call(base, '/v1/chain/head')).json;
        const h = Number(BigInt(head.number));
        expect(h, `round ${round}: the head is behind the last acknowledged block`).toBeGreaterThanOrEqual(lastAcked);
        if (h > lastAcked) seen.aheadOfAck++;
        for (const [n, hash] of acked) if (n <= h) expect((await call(base, `/v1/chain/blocks/${n}`)).json.hash, `block ${n} after round ${round}`).toBe(hash);
        if (h > 0) {
          // The head's block again, as a driver unsure of its last post would send it: a replay.
          const again = await call(base, '/v1/chain/blocks', blocks[h - 1]);
          expect(again.status).toBe(200);
          expect(again.replayed).toBe(true);
        }
        const last = round === KILLS ? BLOCKS : Math.min(BLOCKS, h + 4 + when.below(4));
        // Killed at a random moment while it applies block k (the last round runs to the end):
        // within the time the previous post took. A post that wins the race does not spare
        // the round: the next one is killed as it is sent, so every round but the last ends
        // in a kill whatever the machine's speed.
        const k = round < KILLS ? h + 1 + when.below(Math.max(1, last - h - 1)) : Infinity;
        let killed = false;
        const kill = () => {
          killed = true;
          server.child.kill('SIGKILL');
        };
        let previousMs = 200;
        for (let n = h + 1; n <= last; n++) {
          const t0 = performance.now();
          if (n === k) setTimeout(kill, when.below(Math.max(1, Math.round(previousMs))));
          else if (n > k && !killed) setImmediate(kill);
          let r;
          try {
            r = await call(base, '/v1/chain/blocks', blocks[n - 1]);
          } catch {
            seen.interrupted++;
            break; // killed
          }
          previousMs = performance.now() - t0;
          expect(r.status, JSON.stringify(r.json)).toBe(200);
          acked.set(n, r.json.hash);
          lastAcked = n;
        }
        if (round === KILLS) {
          const ref = new ReferenceChain(parseChainInit(genesis()));
          ref.hashes.set(0n, hexToBytes((await call(base, '/v1/chain/blocks/0')).json.hash));
          for (const w of blocks) {
            const stored = (await call(base, `/v1/chain/blocks/${Number(BigInt(w.number))}`)).json;
            const want = await ref.apply(parseChainBlock(w));
            ref.hashes.set(BigInt(w.number), hexToBytes(stored.hash));
            const { number: _n, hash: _h, parentHash: _p, transactionsRoot: _t, ...result } = stored;
            expect(engineNeutral(result), `block ${w.number}`).toEqual(engineNeutral(JSON.parse(JSON.stringify(formatResult(want, jsonCodec)))));
          }
          expect(lastAcked).toBe(BLOCKS);
          console.log(`crash test: ${KILLS} kills, ${seen.interrupted} while a block was posted, ${seen.aheadOfAck} restarts found a block applied but never acknowledged, ${seen.rebuilt} rebuilt the head's trie nodes; ${BLOCKS} blocks equal the reference replay`);
          expect(seen.interrupted).toBeGreaterThan(0);
        }
      } finally {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
  }, 60_000 + KILLS * 15_000);
});
