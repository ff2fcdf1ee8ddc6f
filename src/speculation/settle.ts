import { settleGas } from '../evm/tx-rules.js';
import type { ExecutedTx, RawLog } from '../engine/executed-tx.js';
import { canonicalEvmError, ethereumjsErrorOf, isSuccess, needsHost, outcomeName, type OutcomeCode } from '../evm/outcome.js';
import type { GpuCallResult } from '../gpu/abi.js';
import { KECCAK256_NULL } from '@ethereumjs/util';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { hexOf } from '../primitives/hex-of.js';
import type { AccountState, TxWrites } from './access-sets.js';
import { deposit, type Prelude } from './prelude.js';
import type { HostRules } from './rules.js';
import type { TxView } from './tx-view.js';
import { codeHash as codeHashOf } from '../primitives/code-hash.js';
import type { WaveFrame } from './wave.js';

/**
 * The end of runTx for a transaction whose prelude the host did: gas after refunds
 * and the floor, the sender's refund, the coinbase's fee (as a delta: fee payments
 * alone never make transactions conflict), the receipt's fields, and the writes to
 * commit. A frame's outcome decides which layer of the prelude stands.
 */
export interface HostCommit {
  tx: ExecutedTx;
  writes: TxWrites;
}

const EMPTY = new Uint8Array(0);

/** A frame's run, as settling needs it: its result, and how it saw the accounts it read or changed. */
export type FrameRun = Pick<WaveFrame, 'result' | 'seen'>;
type FrameSeen = WaveFrame['seen'];

function executed(r: HostRules, index: number, view: TxView, p: Prelude, gasUsed: bigint, logs: RawLog[], returnData: Uint8Array, error: string | undefined, engine: string): ExecutedTx {
  const { tx, hash } = view;
  return {
    index, type: Number(tx.type), from: tx.from, ...(hash ? { hash } : {}), ...(error !== undefined ? { error } : {}),
    gasUsed, logs, logsBloom: r.blooms.defer(logs), returnData, contractAddress: p.inputs.isCreate ? hexToBytes(p.inputs.to) : null,
    ...(tx.type === 3n ? { blobGasUsed: p.inputs.blobGas } : {}),
    engine,
  };
}

/** The sender's refund on top of the standing layer's accounts. */
function accountsAfter(layer: [string, AccountState | null][], from: string, refund: bigint): TxWrites['accounts'] {
  return layer.map(([addr, a]) => (addr === from && a ? [addr, { ...a, balance: a.balance + refund }] : [addr, a]));
}

/**
 * A transaction that runs no frame: a value transfer to an account without code, or a
 * create with empty init code. EIP-161: a recipient touched by a transfer of nothing
 * that is empty is removed (or never made).
 */
export function settleWithoutFrame(r: HostRules, index: number, view: TxView, p: Prelude): HostCommit {
  const { writes, gasUsed } = writesWithoutFrame(r, view, p);
  return { tx: executed(r, index, view, p, gasUsed, [], EMPTY, undefined, 'host'), writes };
}

/** What settleWithoutFrame commits, without the receipt: the rerun waves' sweep predicts the state with it (rerun-wave.ts). */
export function writesWithoutFrame(r: HostRules, view: TxView, p: Prelude): { writes: TxWrites; gasUsed: bigint } {
  const { inputs } = p;
  const s = settleGas(r.gas, view.tx.gas, inputs.intrinsic, p.authRefund, inputs.floor, inputs.gasPrice, inputs.minerPerGas);
  const accounts = accountsAfter(p.atStart.changes(), inputs.from, s.refundToSender);
  if (!inputs.isCreate && view.tx.value === 0n) {
    const recipient = p.atStart.account(inputs.to);
    if (recipient && recipient.nonce === 0n && recipient.balance === 0n && recipient.code.length === 0) accounts.push([inputs.to, null]);
  }
  return { gasUsed: s.gasUsed, writes: { wiped: [], storage: [], accounts, coinbaseDelta: s.fee } };
}

/**
 * Whether the host does not settle what the frames did: a create transaction whose
 * own account was destroyed (its code deposit and the deletion interleave), or a
 * destroyed coinbase (runTx pays the fee before it deletes the account).
 */
function unsettled(r: HostRules, frame: GpuCallResult, p: Prelude): boolean {
  return frame.accounts.some((a) => a.destroyed && [p.inputs.isCreate ? p.inputs.to : '', r.coinbase].includes(hexOf(a.address)));
}

/**
 * The accounts as the transaction leaves them: the standing layer of the prelude, then
 * every account the frames changed, at its final balance and nonce, with the code a
 * create deposited (the kernel started from the state the prelude leaves: validate.ts
 * checked every account it read or changed). An account whose balance the frames did not
 * read (a callee they sent value to: WETH's deposits, a router's refunds, a bribe to the
 * coinbase; a caller whose balance they only checked before it paid: WETH's withdrawals)
 * may hold another balance now: it gets what they moved to or from it on top of that.
 * At the transaction's end, as runTx: an
 * account SELFDESTRUCT ran in is deleted with its storage (from Cancun, EIP-6780, only
 * one created in this transaction); a touched account that ends empty is removed
 * (EIP-161).
 */
function accountsAfterFrames(r: HostRules, layer: [string, AccountState | null][], p: Prelude, frame: GpuCallResult, seen: FrameSeen): { accounts: [string, AccountState | null][]; wiped: string[] } {
  const out = new Map(layer);
  const wiped: string[] = [];
  for (const c of frame.accounts) {
    const addr = hexOf(c.address);
    const before = p.atStart.account(addr);
    // What the frames moved to or from an account whose balance they did not read, on what it holds now.
    const then = seen.get(addr);
    const a = then && before && !then.balanceRead && then.balance !== before.balance ? { ...c, balance: c.balance - then.balance + before.balance } : c;
    const code = a.code ?? before?.code ?? EMPTY;
    const codeHash = a.code ? codeHashOf(a.code) : before?.codeHash ?? KECCAK256_NULL;
    if (a.destroyed && (!r.destroysOnlyCreated || a.created)) {
      out.set(addr, null);
      wiped.push(addr);
    } else if (a.touched && a.nonce === 0n && a.balance === 0n && code.length === 0) out.set(addr, null);
    else if (a.written || a.created) out.set(addr, { nonce: a.nonce, balance: a.balance, code, codeHash });
  }
  return { accounts: [...out], wiped };
}

/**
 * A transaction whose frame ran on the GPU from the prelude's start state (checked by
 * the caller). Undefined where the host does not replay the outcome: a frame that
 * needs the host, a negative refund, a create whose code deposit fails.
 */
export function settleFrame(r: HostRules, index: number, view: TxView, p: Prelude, ran: FrameRun): HostCommit | undefined {
  const settled = frameWrites(r, view, p, ran);
  const frame = ran.result;
  if (!settled) return undefined;
  const outcome = frame.outcome as OutcomeCode;
  const logs: RawLog[] = isSuccess(outcome) ? frame.logs.map((l) => [l.address, l.topics, l.data]) : [];
  const message = ethereumjsErrorOf(outcomeName(outcome));
  return {
    tx: executed(r, index, view, p, settled.gasUsed, logs, frame.returnData, message === undefined ? undefined : canonicalEvmError(message), 'gpu'),
    writes: settled.writes,
  };
}

/** What settleFrame commits, without the receipt: the rerun waves' sweep predicts the state with it (rerun-wave.ts). */
export function frameWrites(r: HostRules, view: TxView, p: Prelude, ran: FrameRun): { writes: TxWrites; gasUsed: bigint } | undefined {
  const { inputs } = p;
  const frame = ran.result;
  const outcome = frame.outcome as OutcomeCode;
  if (needsHost(outcome) || frame.refund < 0n || unsettled(r, frame, p)) return undefined;
  const ok = isSuccess(outcome);
  let gasLeft = frame.gasLeft;
  const after = ok ? accountsAfterFrames(r, p.atStart.changes(), p, frame, ran.seen) : { accounts: p.charged.changes(), wiped: [] };
  const layer = after.accounts;
  if (ok && inputs.isCreate) {
    const deployed = deposit(r, frame.returnData, gasLeft);
    if (!deployed) return undefined;
    gasLeft = deployed.gasLeft;
    const i = layer.findIndex(([a]) => a === inputs.to);
    layer[i] = [inputs.to, { ...layer[i][1]!, ...deployed.account }];
  }
  const s = settleGas(r.gas, view.tx.gas, inputs.intrinsic + inputs.frameGas - gasLeft, p.authRefund + (ok ? frame.refund : 0n), inputs.floor, inputs.gasPrice, inputs.minerPerGas);
  const storage = new Map<string, [bigint, bigint][]>();
  if (ok) {
    for (const w of frame.storageWrites) {
      const addr = hexOf(w.address);
      let list = storage.get(addr);
      if (!list) storage.set(addr, (list = []));
      list.push([w.slot, w.value]);
    }
  }
  return { gasUsed: s.gasUsed, writes: { wiped: after.wiped, storage: [...storage], accounts: accountsAfter(layer, inputs.from, s.refundToSender), coinbaseDelta: s.fee } };
}
