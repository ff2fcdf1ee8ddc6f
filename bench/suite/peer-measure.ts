import type { BatchResult, WireBatch } from '../../src/model/shapes.js';
import { PeerMismatch, type Peer, type PeerRun } from '../peers/index.js';
import type { CaseInfo } from './measure.js';
import { round, speedFigures } from './stats.js';
import type { Row } from './types.js';

export interface PeerMeasured {
  runs: PeerRun[];
  error?: string;
}

/** One run of a peer, checked by the peer against the reference's result; a failure ends its repeats. */
export async function runPeerChecked(p: Peer, signed: WireBatch, reference: BatchResult, m: PeerMeasured): Promise<void> {
  if (m.error !== undefined) return;
  try {
    m.runs.push(await p.run(signed, reference));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    m.error = e instanceof PeerMismatch ? `result not identical to the reference: ${message}` : `threw: ${message}`;
  }
}

/** A peer's repeats of one case as a row, shaped like an engine's. */
export function peerRow(c: CaseInfo, name: string, m: PeerMeasured, referenceMedian: number | null): Row {
  const ms = m.runs.map((r) => round(r.ms, 3));
  const none = { msMin: 0, msMedian: 0, txPerSec: 0, txPerSecBest: 0, mgasPerSec: 0, gasUsed: 0, ratioVsReference: null, phasesMs: {}, executedBy: {}, failedTxs: 0 };
  const base = { ...c, engine: name, resolvesTo: name, repeats: ms.length, ms };
  if (m.runs.length === 0 || m.error !== undefined) return { ...base, ...none, correct: false, error: m.error ?? 'no run completed' };
  const { medianRun, figures } = speedFigures(c.txs, ms, (i) => Number(m.runs[i].gasUsed), referenceMedian);
  const run = m.runs[medianRun];
  return {
    ...base,
    ...figures,
    phasesMs: Object.fromEntries(Object.entries(run.phasesMs).map(([k, v]) => [k, round(v, 3)])),
    executedBy: { [name]: c.txs },
    failedTxs: run.failedTxs,
    correct: true,
  };
}
