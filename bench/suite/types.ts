/** What one benchmark run asks for. */
export interface SuiteConfig {
  workloads: string[];
  sizes: number[];
  /** Engine names from the registry; `reference` is always run, as the oracle and the ratio's base. */
  engines: string[];
  repeat: number;
  seed: number;
  /** For `mainnet`: this many small post-Berlin blocks instead of all recorded ones. */
  quickBlocks?: number;
  mainnetDir?: string;
  /**
   * Seconds one run may take: an engine that exceeds it on a case is skipped on the same
   * workload's larger cases, so a sweep to 100k goes as far as each engine can.
   */
  maxRunS?: number;
  /**
   * Give our engines the signed `{raw}` form, so they recover every sender as peers must.
   * Off by default: our engines then take `from` and skip signature recovery.
   */
  signed?: boolean;
  /**
   * Cases with more transactions run the reference on their first this-many only, and
   * are checked against the `cpu` engine's result, itself checked on that sample
   * (sampled-oracle.ts): a 100k batch on the reference would take most of an hour here.
   */
  referenceMaxTxs?: number;
}

/** One (workload, case, engine) measurement. Times are end to end: parsed batch in memory -> full result. */
export interface Row {
  workload: string;
  /** The size asked for, or the block number for `mainnet`. */
  label: string;
  size: number;
  txs: number;
  engine: string;
  /** The engine `engine` resolves to (`auto` names another). */
  resolvesTo: string;
  repeats: number;
  ms: number[];
  msMin: number;
  msMedian: number;
  /** From the median time. */
  txPerSec: number;
  /** From the best time. */
  txPerSecBest: number;
  mgasPerSec: number;
  gasUsed: number;
  /** Reference's median time over this engine's: above 1 is faster than the reference. */
  ratioVsReference: number | null;
  /** stats.timingsMs of the median run. */
  phasesMs: Record<string, number>;
  /** stats.engines: how many transactions each engine executed. */
  executedBy: Record<string, number>;
  speculation?: unknown;
  /** Included transactions whose status is not 1 (the generators expect none). */
  failedTxs: number;
  /** Result identical to the reference's on every repeat. */
  correct: boolean;
  error?: string;
  /** Not measured, and why (over --max-run-s on a smaller case). Not a failure. */
  skipped?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  adapter: string | null;
  /** True on a CPU Vulkan driver (llvmpipe/lavapipe): GPU timings then say nothing about a real GPU. */
  software: boolean | null;
}

export interface Report {
  date: string;
  machine: Machine;
  config: SuiteConfig;
  durationS: number;
  transactions: TransactionForms;
  rows: Row[];
}

/** Which form of the transactions each side was given, and what producing the signed form cost (setup, untimed). */
export interface TransactionForms {
  /** `unsigned`: `from` given, no signature recovery; `signed`: `{raw}`, every sender recovered. */
  ourEngines: 'unsigned' | 'signed';
  /** Peer name -> how it is driven. Peers always get signed raw transactions. */
  peers: Record<string, string>;
  keyDerivations: { count: number; ms: number };
  signatures: { count: number; ms: number };
}
