/** Median of a non-empty list (the lower middle for even lengths, so it is a measured value). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The speed figures of one (workload, engine, size) from its repeat times: which run is
 * the median, and throughput and the ratio against the reference's median time.
 */
export function speedFigures(txs: number, ms: number[], gasUsedOf: (runIndex: number) => number, referenceMedian: number | null) {
  const msMedian = median(ms);
  const msMin = Math.min(...ms);
  const medianRun = ms.indexOf(msMedian);
  const gasUsed = gasUsedOf(medianRun);
  return {
    medianRun,
    figures: {
      msMin,
      msMedian,
      txPerSec: round(txs / (msMedian / 1000), 1),
      txPerSecBest: round(txs / (msMin / 1000), 1),
      mgasPerSec: round(gasUsed / 1e6 / (msMedian / 1000), 3),
      gasUsed,
      ratioVsReference: referenceMedian === null ? null : round(referenceMedian / msMedian, 3),
    },
  };
}
