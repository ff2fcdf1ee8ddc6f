import type { Report, Row } from './types.js';

const HEADER = ['workload', 'case', 'txs', 'engine', 'median ms', 'min ms', 'tx/s', 'Mgas/s', '× reference', 'correct', 'phases (ms, median run)'];

const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

function phases(r: Row): string {
  return Object.entries(r.phasesMs).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');
}

function line(r: Row): string {
  const engine = r.resolvesTo !== r.engine ? `${r.engine} (→ ${r.resolvesTo})` : r.engine;
  if (r.skipped !== undefined) return `| ${[r.workload, r.label, String(r.txs), engine, '–', '–', '–', '–', '–', `skipped: ${r.skipped}`, ''].join(' | ')} |`;
  const cells = [
    r.workload, r.label, String(r.txs), engine, fmt(r.msMedian), fmt(r.msMin), fmt(r.txPerSec), String(r.mgasPerSec),
    r.ratioVsReference === null ? '–' : `${r.ratioVsReference.toFixed(2)}×`,
    r.correct ? 'yes' : `**NO**: ${(r.error ?? '').replaceAll('|', '\\|').slice(0, 200)}`,
    phases(r),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Which transaction form each side got: without `--signed`, our engines skip the signature recovery peers do. */
function forms(report: Report): string[] {
  const t = report.transactions;
  // Reports written before peers existed have no such record.
  if (t === undefined) return [];
  const ours = t.ourEngines === 'signed'
    ? 'our engines got signed `{raw}` transactions and recovered every sender (`--signed`)'
    : 'our engines got unsigned transactions with `from` and did **no signature recovery** (run with `--signed` to include it)';
  const peers = Object.entries(t.peers).map(([name, how]) => `\`${name}\`: ${how}; it recovers every sender`);
  const setup = `signing setup, untimed: ${t.keyDerivations.count} key derivations in ${t.keyDerivations.ms} ms, ${t.signatures.count} signatures in ${t.signatures.ms} ms`;
  return [`Transactions: ${ours}.${peers.length > 0 ? ` Peers: ${peers.join('; ')}.` : ''} Signed mainnet blocks carry their recorded signatures. ${setup}.`, ''];
}

/** The report as a Markdown table, headed by the machine and adapter it was measured on. */
export function markdownTable(report: Report): string {
  const m = report.machine;
  const adapter = m.adapter === null ? 'no WebGPU adapter' : `${m.adapter}${m.software ? ' (software: WGSL runs on the CPU; compare ratios only)' : ''}`;
  return [
    `Benchmark run ${report.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}; adapter: ${adapter}.`,
    ...forms(report),
    `Repeats ${report.config.repeat}, seed ${report.config.seed}, ${report.durationS} s in all. Times are end to end (parsed batch → full result with state diff and roots); × reference is the reference's median time over the engine's, from the same run.`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...report.rows.map(line),
    '',
  ].join('\n');
}
