import type { Common } from '@ethereumjs/common';
import { isBlob4844Tx } from '@ethereumjs/tx';
import type { ExecResult } from '@ethereumjs/evm';
import { createVM, runTx } from '@ethereumjs/vm';
import { makeBlock, makeBlockHashSource } from '../../chain/block.js';
import { makeCommon } from '../../chain/common.js';
import { classifyRejection, type Rejection } from '../../chain/rejections.js';
import { applyPreBlockSystemCalls } from '../../chain/system-calls.js';
import { isRejection, prepareRecovered, prepareTx, type PreparedTx } from '../../chain/transaction.js';
import { fromRunTx, type ExecutedTx, type RawLog } from '../../engine/executed-tx.js';
import type { Batch } from '../../model/shapes.js';
import { bytesToHex } from '../../primitives/hex.js';
import type { TxReads, TxWrites } from '../access-sets.js';
import { BloomSkip } from './bloom-skip.js';
import { lookUpEipsBySet } from './eip-lookup.js';
import { useMemoKeccak } from './keccak-memo.js';
import { cacheJumpAnalysis } from './jump-analysis-cache.js';
import { useSyncSteps } from './sync-steps.js';
import { TxStateManager } from './tx-state-manager.js';
import { useWordOps } from './word-ops.js';
import type { StateReader } from '../world-state.js';

/**
 * One run of one transaction against some state, with what it read and wrote. An
 * included transaction's `tx.logsBloom` is left empty (UNFILLED_BLOOM): the commit
 * makes the receipt's bloom from its logs, with the block's others (bloom-skip.ts).
 */
export type TxExecution =
  | { index: number; kind: 'included'; tx: ExecutedTx; gasLimit: bigint; blobGas: bigint; reads: TxReads; writes: TxWrites }
  | { index: number; kind: 'rejected'; rejection: Rejection; gasLimit: bigint; blobGas: bigint; reads: TxReads }
  /** Could not be decoded (or its sender recovered): rejected whatever the state. */
  | { index: number; kind: 'undecodable'; rejection: Rejection };

type VMInstance = Awaited<ReturnType<typeof createVM>>;

/** The bloom of a CPU execution's ExecutedTx until the commit defers it: empty, so that a receipt built from it could never pass for one. */
export const UNFILLED_BLOOM = new Uint8Array(0);

/**
 * Runs single transactions with @ethereumjs/vm's runTx, each against a `StateReader`,
 * recording reads and writes. The same class runs speculation in the worker threads
 * and exact re-execution on the main thread, so both apply the reference's rules.
 */
export class CpuTxExecutor {
  private readonly prepared = new Map<number, PreparedTx | Rejection>();
  /** Senders recovered elsewhere (worker threads), by transaction index. */
  private readonly recovered = new Map<number, Uint8Array>();

  private constructor(
    readonly batch: Batch,
    readonly common: Common,
    private readonly block: ReturnType<typeof makeBlock>,
    private readonly vm: VMInstance,
    private readonly sm: TxStateManager,
    private readonly bloomSkip: BloomSkip,
    readonly coinbase: string,
    private readonly engine: string,
  ) {}

  static async create(batch: Batch, engine: string): Promise<CpuTxExecutor> {
    const common = makeCommon(batch.fork, batch.env.chainId);
    lookUpEipsBySet(common);
    useMemoKeccak(common);
    const bloomSkip = new BloomSkip();
    common.customCrypto.keccak256 = bloomSkip.wrap(common.customCrypto.keccak256!);
    const sm = new TxStateManager();
    const block = makeBlock(batch.fork, batch.env, common);
    const vm = await createVM({ common, stateManager: sm, blockchain: makeBlockHashSource(batch.env.blockHashes) as never });
    await cacheJumpAnalysis(vm.evm);
    await useSyncSteps(vm.evm);
    useWordOps(vm.evm);
    // Everything runTx does after the top-level call returns is settlement (refund, fee,
    // cleanup, then the bloom of the call's logs). ethereumjs sends nested CALLs and
    // CREATEs through runCall too: only the outermost one's return starts settlement.
    const evm = vm.evm as unknown as { runCall: (...args: unknown[]) => Promise<unknown> };
    const runCall = evm.runCall.bind(vm.evm);
    let depth = 0;
    evm.runCall = async (...args: unknown[]) => {
      depth++;
      let result: { execResult?: { logs?: RawLog[] } } | undefined;
      try {
        result = (await runCall(...args)) as typeof result;
        return result;
      } finally {
        if (--depth === 0) {
          sm.enterSettlement();
          bloomSkip.expect(result?.execResult?.logs);
        }
      }
    };
    return new CpuTxExecutor(batch, common, block, vm, sm, bloomSkip, bytesToHex(batch.env.coinbase), engine);
  }

  /** Log addresses and topics whose hashes runTx's blooms did without, over every run (bloom-skip.ts). */
  get bloomItemsSkipped(): number {
    return this.bloomSkip.skipped;
  }

  /** Addresses of the active precompiles, lowercase 0x-hex. */
  precompiles(): Set<string> {
    const keys = (this.vm.evm as unknown as { precompiles: Map<string, unknown> }).precompiles.keys();
    return new Set([...keys].map((k) => `0x${k.replace(/^0x/, '').toLowerCase()}`));
  }

  /**
   * Runs precompile `address` (1 = ecrecover) on `input` with `gas`, as @ethereumjs/evm
   * runs it inside a call; undefined for an address that is no active precompile.
   */
  async runPrecompile(address: number, input: Uint8Array, gas: bigint): Promise<{ ok: boolean; gasUsed: bigint; output: Uint8Array } | undefined> {
    const hex = `0x${address.toString(16).padStart(40, '0')}` as const;
    const evm = this.vm.evm as unknown as { getPrecompile(a: string): unknown; runPrecompile(f: unknown, data: Uint8Array, gasLimit: bigint): Promise<ExecResult> | ExecResult };
    const fn = evm.getPrecompile(hex);
    if (!fn) return undefined;
    const r = await evm.runPrecompile(fn, input, gas);
    return { ok: r.exceptionError === undefined, gasUsed: r.executionGasUsed, output: r.returnValue };
  }

  /** The ethereumjs block the transactions run in. */
  get ethBlock() {
    return this.block;
  }

  /** The block's system writes (EIP-4788, EIP-2935) on top of `base`. */
  async systemWrites(base: StateReader): Promise<TxWrites> {
    this.sm.begin(base, this.coinbase);
    try {
      await applyPreBlockSystemCalls(this.vm, this.batch.env);
    } finally {
      // A system call's outermost return armed the skip too (its logs are no receipt's).
      this.bloomSkip.clear();
    }
    return this.sm.finish().writes;
  }

  preparedTx(index: number): PreparedTx | Rejection {
    let p = this.prepared.get(index);
    if (!p) {
      const input = this.batch.txs[index];
      const sender = this.recovered.get(index);
      p = sender && input.kind === 'raw' ? prepareRecovered(input.raw, this.common, sender) : prepareTx(input, this.common);
      this.prepared.set(index, p);
    }
    return p;
  }

  /** The sender of signed transaction `index`, recovered by a worker thread: it is decoded only if it runs here, without recovering it again. */
  adoptSender(index: number, sender: Uint8Array): void {
    this.recovered.set(index, sender);
  }

  /** Whether transaction `index` decodes, and the blob gas it asks for (checked before it runs). */
  async decodeOnly(index: number): Promise<{ kind: 'undecodable'; rejection: Rejection } | { kind: 'decoded'; blobGas: bigint }> {
    const prepared = this.preparedTx(index);
    if (isRejection(prepared)) return { kind: 'undecodable', rejection: prepared };
    return { kind: 'decoded', blobGas: this.blobGasOf(prepared) };
  }

  private blobGasOf({ tx }: PreparedTx): bigint {
    return isBlob4844Tx(tx) ? BigInt(this.common.param('blobGasPerBlob')) * BigInt(tx.blobVersionedHashes.length) : 0n;
  }

  /** Runs transaction `index` as if `blockGasUsed` gas was used before it in the block. */
  async run(index: number, base: StateReader, blockGasUsed: bigint): Promise<TxExecution> {
    const prepared = this.preparedTx(index);
    if (isRejection(prepared)) return { index, kind: 'undecodable', rejection: prepared };
    const { tx, sender, hash } = prepared;
    const blobGas = this.blobGasOf(prepared);
    this.sm.begin(base, this.coinbase);
    try {
      const res = await runTx(this.vm, { tx, block: this.block, blockGasUsed, skipHardForkValidation: true });
      const { reads, writes } = this.sm.finish();
      // The sender's own array: ethereumjs's may be a view of a pooled 8 KB buffer, which a structured clone would copy whole.
      const executed = { ...fromRunTx(res, tx, index, sender.bytes.slice(), hash, this.engine), logsBloom: UNFILLED_BLOOM };
      return { index, kind: 'included', tx: executed, gasLimit: tx.gasLimit, blobGas, reads, writes };
    } catch (e) {
      return { index, kind: 'rejected', rejection: classifyRejection(e), gasLimit: tx.gasLimit, blobGas, reads: this.sm.finish().reads };
    } finally {
      this.bloomSkip.clear();
    }
  }
}
