import { needsHost, type OutcomeCode } from '../evm/outcome.js';
import { bytesToHex } from '../primitives/hex.js';
import type { Batch } from '../model/shapes.js';
import type { CodeSource } from './gpu-call.js';
import type { TxInputs } from './rules.js';
import type { TxView } from './tx-view.js';
import type { Wave, WaveFrame } from './wave.js';

/**
 * Each transaction's route: how it is first run, before the ordered commit decides
 * whether that run stands. One handler per kind commits it (commit.ts).
 * - `frame`: its frame ran in the GPU wave; the host's rules do the rest.
 * - `transfer`: it runs no frame (a value transfer to an account without code, an
 *   empty create); the host's rules are all of it.
 * - `worker`: @ethereumjs/vm runs it speculatively on a CPU worker thread.
 * - `inline`: @ethereumjs/vm runs it in order on the main thread, unspeculated: it
 *   depends on an earlier transaction of its sender (its nonce at least), or the
 *   engine has no workers.
 */
export type Route =
  | { readonly kind: 'frame'; readonly frame: WaveFrame }
  | { readonly kind: 'transfer' }
  | { readonly kind: 'worker' }
  | { readonly kind: 'inline' };

export interface Plan {
  routes: Route[];
  /** The account each transaction calls (0x-hex), where known: conflicts there make a contract hot. */
  targets: (string | undefined)[];
}

export interface PlanInput {
  batch: Batch;
  views: (TxView | undefined)[];
  /** Frame inputs where the host's rules cover the transaction. */
  inputs: (TxInputs | undefined)[];
  /** The code each transaction runs in the starting state (init code for a create). */
  sources: (CodeSource | undefined)[];
  wave: Wave | undefined;
  workers: boolean;
}

export function planRoutes({ batch, views, inputs, sources, wave, workers }: PlanInput): Plan {
  const seen = new Set<string>();
  const routes: Route[] = [];
  const targets: (string | undefined)[] = [];
  batch.txs.forEach((input, i) => {
    const tx = views[i]?.tx ?? (input.kind === 'unsigned' ? input.tx : undefined);
    const from = tx ? bytesToHex(tx.from) : undefined;
    targets.push(tx?.to ? bytesToHex(tx.to) : undefined);
    const frame = wave?.frames.get(i);
    if (inputs[i] && sources[i]?.code.length === 0) routes.push({ kind: 'transfer' });
    else if (frame && !needsHost(frame.result.outcome as OutcomeCode)) routes.push({ kind: 'frame', frame });
    else routes.push({ kind: workers && !(from !== undefined && seen.has(from)) ? 'worker' : 'inline' });
    if (from !== undefined) seen.add(from);
  });
  return { routes, targets };
}
