import type { Engine, ExecuteOptions } from '../../engine/engine.js';
import { ServiceError } from '../../errors/service-error.js';
import { ReferenceEngine } from '../../engine/reference.js';
import type { Batch, BatchResult } from '../../model/shapes.js';
import type { TxWrites } from '../access-sets.js';
import { WorldState, type StateReader } from '../world-state.js';
import type { CpuTxExecutor, TxExecution } from './cpu-executor.js';
import type { ExecThread, ExecThreads } from './exec-thread.js';
import { share } from './share.js';

/**
 * The reference engine on an exec thread: the same engine, run where it cannot block
 * the event loop. The oracle in tests stays in-process (`new ReferenceEngine()`).
 */
export class OffThreadReference implements Engine {
  readonly name: string;
  readonly description: string;

  constructor(private readonly threads: ExecThreads) {
    const inner = new ReferenceEngine();
    this.name = inner.name;
    this.description = inner.description;
  }

  async execute(batch: Batch, opts: ExecuteOptions = {}): Promise<BatchResult> {
    // The thread's reference loads the whole pre-state up front, as the in-process one does.
    if (opts.state) throw new ServiceError('STATE_SOURCE_UNSUPPORTED', [this.name, 'it needs the whole pre-state in the batch']);
    const thread = this.threads.lease();
    try {
      return await thread.reference(batch, opts.signal);
    } finally {
      this.threads.release(thread);
    }
  }
}

let batchKeys = 0;

/**
 * The committed state, remembering what changed since the last `takeChanges()`: the
 * accounts and slots written and the accounts wiped, so an exec thread's copy can be
 * brought up to date with their current values instead of every write set since.
 */
export class TrackedWorld extends WorldState {
  private wipedSince = new Set<string>();
  private accountsSince = new Set<string>();
  private slotsSince = new Map<string, Set<bigint>>();
  /** Write sets applied so far. */
  applied = 0;

  override apply(w: TxWrites, coinbase: string): void {
    super.apply(w, coinbase);
    this.applied++;
    for (const addr of w.wiped) this.wipedSince.add(addr);
    for (const [addr, entries] of w.storage) {
      let s = this.slotsSince.get(addr);
      if (!s) this.slotsSince.set(addr, (s = new Set()));
      for (const [slot] of entries) s.add(slot);
    }
    for (const [addr, account] of w.accounts) {
      this.accountsSince.add(addr);
      if (account === null) this.wipedSince.add(addr);
    }
    if (w.coinbaseDelta !== undefined) this.accountsSince.add(coinbase);
  }

  /**
   * One write set that takes a copy of the state as of the previous call to this state
   * now: wipes first (a wiped account's later slots follow), then current values. An
   * account gone now is written as null, as a deletion is.
   */
  takeChanges(): TxWrites {
    const changes: TxWrites = {
      wiped: [...this.wipedSince],
      storage: [...this.slotsSince].map(([addr, s]) => [addr, [...s].map((slot): [bigint, bigint] => [slot, this.storage(addr, slot)])]),
      accounts: [...this.accountsSince].map((addr) => [addr, this.account(addr) ?? null]),
    };
    this.wipedSince = new Set();
    this.accountsSince = new Set();
    this.slotsSince = new Map();
    return changes;
  }
}

/**
 * The ordered commit's executor with its re-executions on an exec thread, leased at
 * the first one and released by `release()`; decoding stays local (it is quick). The
 * thread runs the same CpuTxExecutor against its copy of the committed state, which
 * each request brings up to date from `world`.
 *
 * Re-executions in a row (a hot contract's chain: every swap of one pool) are
 * pipelined: after answering one, the thread runs the next transaction on the state
 * the commit will reach if it commits that answer and nothing else, while the main
 * thread commits. The run is used only when the commit asks for exactly that
 * transaction, having committed nothing else, at the block gas assumed; otherwise the
 * thread runs it again. So the answers are those of runs on the committed state.
 */
export class OffThreadReexecution {
  private thread: ExecThread | undefined;
  private payload: SharedArrayBuffer | undefined;
  private readonly key = ++batchKeys;
  /** The previous run: its index, and the write sets the world will have applied once its answer is committed. */
  private last: { index: number; appliedAfter: number } | undefined;
  /** Re-executions answered by the run made ahead. */
  ranAhead = 0;

  constructor(
    private readonly threads: ExecThreads,
    private readonly local: CpuTxExecutor,
    private readonly world: TrackedWorld,
    private readonly signal?: AbortSignal,
  ) {}

  decodeOnly(index: number): ReturnType<CpuTxExecutor['decodeOnly']> {
    return this.local.decodeOnly(index);
  }

  /** `state` is the committed state this executor tracks: the thread reads its own copy of it. */
  async run(index: number, state: StateReader, blockGasUsed: bigint): Promise<TxExecution> {
    if (state !== this.world) throw new Error('OffThreadReexecution runs against the world it tracks');
    this.thread ??= this.threads.lease();
    this.payload ??= share(this.local.batch);
    const inRow = this.last !== undefined && index === this.last.index + 1;
    const order = { follows: inRow && this.world.applied === this.last!.appliedAfter, ahead: inRow };
    const reply = await this.thread.run(this.key, this.payload, index, blockGasUsed, this.world.takeChanges(), order, this.signal);
    const ex = reply.execution;
    if (reply.ranAhead) this.ranAhead++;
    this.last = { index, appliedAfter: this.world.applied + (ex.kind === 'included' ? 1 : 0) };
    return ex;
  }

  release(): void {
    if (this.thread) this.threads.release(this.thread);
    this.thread = undefined;
  }
}
