import type { Common } from '@ethereumjs/common';
import { paramsTx } from '@ethereumjs/tx';
import type { BloomBatch } from '../chain/bloom-batch.js';
import { KECCAK256_NULL } from '@ethereumjs/util';
import type { ExecutedTx, RawLog } from '../engine/executed-tx.js';
import { canonicalEvmError, ethereumjsErrorOf, isSuccess, needsHost, outcomeName, type OutcomeCode } from '../evm/outcome.js';
import type { GpuCallResult } from '../gpu/call-executor.js';
import type { UnsignedTx } from '../model/shapes.js';
import { bytesToHex } from '../primitives/hex.js';
import type { AccountState, TxWrites } from './access-sets.js';
import type { WorldState } from './world-state.js';

/**
 * The transaction-level rules of runTx for the plain cases, done directly on the
 * committed state: an unsigned type 0/1/2 transaction that calls an account with
 * code (its top-level frame already run on the GPU) or sends value to an account
 * without code. Validation, nonce, up-front fee, value transfer, intrinsic gas,
 * EIP-7623 floor, refund cap, sender refund and the coinbase fee, as runTx does them.
 * Anything off the plain path (a check that would reject, a sender with code, a
 * negative refund, a changed target) returns undefined, and the caller runs the
 * transaction on @ethereumjs/vm instead: rejections and odd cases keep the
 * reference's exact behaviour, and this code only ever has to be right on the
 * common path.
 */

/** EIPs that change the rules below; with any of them active the plain path is off. */
const CHANGES_THESE_RULES = [2780, 7976, 7981, 8037, 7778, 7825, 7928, 7708] as const;

/** The transaction-level gas constants at the batch's fork (the tx package's parameters). */
export interface TxGasSchedule {
  txGas: bigint;
  dataZero: bigint;
  dataNonZero: bigint;
  accessListAddress: bigint;
  accessListKey: bigint;
  /** EIP-7623 floor cost per calldata token; undefined before Prague. */
  floorPerToken?: bigint;
  maxRefundQuotient: bigint;
  london: boolean;
}

export function txGasSchedule(common: Common): TxGasSchedule {
  const c = common.copy();
  c.updateParams(paramsTx);
  const p = (name: string) => BigInt(c.param(name));
  return {
    txGas: p('txGas'),
    dataZero: p('txDataZeroGas'),
    dataNonZero: p('txDataNonZeroGas'),
    accessListAddress: p('accessListAddressGas'),
    accessListKey: p('accessListStorageKeyGas'),
    ...(common.isActivatedEIP(7623) ? { floorPerToken: p('totalCostFloorPerToken') } : {}),
    maxRefundQuotient: BigInt(common.param('maxRefundQuotient')),
    london: common.isActivatedEIP(1559),
  };
}

export interface HostRules {
  gas: TxGasSchedule;
  /** Receipts' blooms, filled in one batch once the block is assembled. */
  blooms: BloomBatch;
  baseFee: bigint;
  chainId: bigint;
  blockGasLimit: bigint;
}

export function hostRulesApply(common: Common): boolean {
  return CHANGES_THESE_RULES.every((eip) => !common.isActivatedEIP(eip));
}

export interface HostCommit {
  tx: ExecutedTx;
  writes: TxWrites;
}

interface Charged {
  intrinsic: bigint;
  floor: bigint;
  gasPrice: bigint;
  minerPerGas: bigint;
  sender: AccountState;
  from: string;
  to: string;
}

/** Intrinsic gas of a type 0/1/2 call, and the EIP-7623 calldata floor (0 before Prague). */
export function intrinsicGas(g: TxGasSchedule, tx: UnsignedTx): { intrinsic: bigint; floor: bigint } {
  let zeros = 0n;
  for (const b of tx.data) if (b === 0) zeros++;
  const nonZeros = BigInt(tx.data.length) - zeros;
  let intrinsic = g.txGas + zeros * g.dataZero + nonZeros * g.dataNonZero;
  for (const e of tx.accessList ?? []) intrinsic += g.accessListAddress + BigInt(e.storageKeys.length) * g.accessListKey;
  const floor = g.floorPerToken === undefined ? 0n : g.txGas + g.floorPerToken * (zeros + 4n * nonZeros);
  return { intrinsic, floor };
}

/** The gas price the frame sees (GASPRICE): the effective price, or undefined when the fee cap is under the base fee. */
export function effectiveGasPrice(tx: UnsignedTx, baseFee: bigint, london: boolean): bigint | undefined {
  if (tx.type === 2n) {
    const maxFee = tx.maxFeePerGas!;
    if (maxFee < baseFee) return undefined;
    const tip = tx.maxPriorityFeePerGas!;
    return (tip < maxFee - baseFee ? tip : maxFee - baseFee) + baseFee;
  }
  return london && tx.gasPrice! < baseFee ? undefined : tx.gasPrice!;
}

/** Checks runTx would make, on the current state; undefined when any is not plainly met. */
function charge(r: HostRules, tx: UnsignedTx, world: WorldState): Charged | undefined {
  if (tx.type > 2n || tx.to === undefined || tx.to === null) return undefined;
  if (tx.chainId !== undefined && tx.chainId !== r.chainId) return undefined;
  if (tx.gas > r.blockGasLimit || tx.gas >= 2n ** 64n || tx.nonce >= 2n ** 64n - 1n) return undefined;
  if (tx.type === 2n && tx.maxPriorityFeePerGas! > tx.maxFeePerGas!) return undefined;
  const gasPrice = effectiveGasPrice(tx, r.baseFee, r.gas.london);
  if (gasPrice === undefined) return undefined;
  const maxCostPerGas = tx.type === 2n ? tx.maxFeePerGas! : gasPrice;
  const minerPerGas = r.gas.london ? gasPrice - r.baseFee : gasPrice;
  // ethereumjs refuses these at decode time; its own messages are the reference's.
  if (tx.gas * maxCostPerGas + tx.value >= 2n ** 256n) return undefined;

  const { intrinsic, floor } = intrinsicGas(r.gas, tx);
  if (tx.gas < intrinsic || tx.gas < floor) return undefined;

  const from = bytesToHex(tx.from);
  const sender = world.account(from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK256_NULL, code: new Uint8Array(0) };
  if (sender.code.length > 0 || sender.nonce !== tx.nonce) return undefined;
  const upFront = tx.gas * gasPrice + tx.value;
  const maxCost = tx.gas * maxCostPerGas + tx.value;
  if (sender.balance < upFront || sender.balance < maxCost) return undefined;
  return { intrinsic, floor, gasPrice, minerPerGas, sender, from, to: bytesToHex(tx.to) };
}

function settle(r: HostRules, tx: UnsignedTx, c: Charged, spentBeforeRefund: bigint, refundCounter: bigint): { gasUsed: bigint; refundToSender: bigint; fee: bigint } {
  let gasUsed = spentBeforeRefund;
  if (refundCounter !== 0n) {
    const cap = gasUsed / r.gas.maxRefundQuotient;
    gasUsed -= refundCounter < cap ? refundCounter : cap;
  }
  if (gasUsed < c.floor) gasUsed = c.floor;
  return { gasUsed, refundToSender: (tx.gas - gasUsed) * c.gasPrice, fee: gasUsed * c.minerPerGas };
}

const EMPTY = new Uint8Array(0);

function executed(r: HostRules, index: number, tx: UnsignedTx, hash: Uint8Array | undefined, gasUsed: bigint, logs: RawLog[], returnData: Uint8Array, error: string | undefined, engine: string): ExecutedTx {
  return {
    index, type: Number(tx.type), from: tx.from, ...(hash ? { hash } : {}), ...(error !== undefined ? { error } : {}),
    gasUsed, logs, logsBloom: r.blooms.defer(logs), returnData, contractAddress: null, engine,
  };
}

/**
 * A value transfer to an account without code (nor a precompile, checked by the
 * caller): no frame at all. The recipient is touched: with nothing sent to an empty
 * account, EIP-161 leaves it absent.
 */
/** A transaction on a plain route: its index in the batch, its fields, its hash when it was signed. */
export interface PlainRouteTx {
  index: number;
  tx: UnsignedTx;
  hash?: Uint8Array;
}

export function commitTransfer(r: HostRules, { index, tx, hash }: PlainRouteTx, world: WorldState): HostCommit | undefined {
  const c = charge(r, tx, world);
  if (!c || c.from === c.to) return undefined;
  const recipient = world.account(c.to);
  if ((recipient && recipient.code.length > 0) || (recipient?.balance ?? 0n) + tx.value >= 2n ** 256n) return undefined;
  const s = settle(r, tx, c, c.intrinsic, 0n);
  const sender: AccountState = { ...c.sender, nonce: c.sender.nonce + 1n, balance: c.sender.balance - tx.value - tx.gas * c.gasPrice + s.refundToSender };
  const accounts: TxWrites['accounts'] = [[c.from, sender]];
  const balance = (recipient?.balance ?? 0n) + tx.value;
  const empty = balance === 0n && (recipient?.nonce ?? 0n) === 0n;
  if (!empty) accounts.push([c.to, { nonce: recipient?.nonce ?? 0n, balance, codeHash: KECCAK256_NULL, code: EMPTY }]);
  else if (recipient) accounts.push([c.to, null]);
  return {
    tx: executed(r, index, tx, hash, s.gasUsed, [], EMPTY, undefined, 'cpu'),
    writes: { wiped: [], storage: [], accounts, coinbaseDelta: s.fee },
  };
}

/**
 * A call whose top-level frame ran on the GPU against `snapshotAccount`'s state. The
 * frame's result stands only if the callee's code is still the code it ran and every
 * account field it read is what the frame would see now (after the sender paid and
 * the value moved); its slot reads are checked by the caller against the committed
 * state, which nothing in the transaction changes before the frame starts.
 */
export function commitFrame(
  r: HostRules,
  { index, tx, hash }: PlainRouteTx,
  world: WorldState,
  frame: GpuCallResult,
  ranCodeHash: Uint8Array,
  snapshotAccount: (addr: string) => { balance: bigint; nonce: bigint; codeHash: Uint8Array } | undefined,
): HostCommit | undefined {
  const outcome = frame.outcome as OutcomeCode;
  if (needsHost(outcome) || frame.refund < 0n) return undefined;
  const c = charge(r, tx, world);
  // The sender has no code (charge checked), the callee has: they are never the same account.
  if (!c) return undefined;
  const callee = world.account(c.to);
  if (!callee || Buffer.compare(callee.codeHash, ranCodeHash) !== 0 || callee.balance + tx.value >= 2n ** 256n) return undefined;

  const senderAtStart: AccountState = { ...c.sender, nonce: c.sender.nonce + 1n, balance: c.sender.balance - tx.gas * c.gasPrice - tx.value };
  const calleeAtStart: AccountState = { ...callee, balance: callee.balance + tx.value };
  const atStart = (addr: string) => (addr === c.from ? senderAtStart : addr === c.to ? calleeAtStart : world.account(addr));
  for (const a of frame.accountReads) {
    const addr = bytesToHex(a);
    const then = snapshotAccount(addr);
    const now = atStart(addr);
    if (!then || !now) {
      if (then || now) return undefined;
      continue;
    }
    if (then.balance !== now.balance || then.nonce !== now.nonce || Buffer.compare(then.codeHash, now.codeHash) !== 0) return undefined;
  }
  for (const read of frame.storageReads) if (world.storage(bytesToHex(read.address), read.slot) !== read.value) return undefined;

  const ok = isSuccess(outcome);
  const frameGas = tx.gas - c.intrinsic;
  const s = settle(r, tx, c, c.intrinsic + frameGas - frame.gasLeft, ok ? frame.refund : 0n);
  const senderEnd: AccountState = { ...senderAtStart, balance: senderAtStart.balance + s.refundToSender + (ok ? 0n : tx.value) };
  const accounts: TxWrites['accounts'] = [[c.from, senderEnd]];
  if (ok && tx.value > 0n) accounts.push([c.to, calleeAtStart]);
  const storage = new Map<string, [bigint, bigint][]>();
  if (ok) {
    for (const w of frame.storageWrites) {
      const addr = bytesToHex(w.address);
      let list = storage.get(addr);
      if (!list) storage.set(addr, (list = []));
      list.push([w.slot, w.value]);
    }
  }
  const logs: RawLog[] = ok ? frame.logs.map((l) => [l.address, l.topics, l.data]) : [];
  const message = ethereumjsErrorOf(outcomeName(outcome));
  return {
    tx: executed(r, index, tx, hash, s.gasUsed, logs, frame.returnData, message === undefined ? undefined : canonicalEvmError(message), 'gpu'),
    writes: { wiped: [], storage: [...storage], accounts, coinbaseDelta: s.fee },
  };
}
