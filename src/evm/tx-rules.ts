import type { Common } from '@ethereumjs/common';
import { paramsEVM } from '@ethereumjs/evm';
import { paramsTx } from '@ethereumjs/tx';

/**
 * The transaction-level arithmetic of gas and fees, as the execution specs and
 * @ethereumjs/vm's runTx define it: intrinsic gas, the EIP-7623 calldata floor, the
 * effective gas price, blob gas, the refund cap and what the sender gets back. Every
 * engine route that does transaction rules itself (the host rules, the GPU call
 * builder) computes these here and nowhere else; a test checks them against
 * @ethereumjs/tx on every transaction type.
 */

/** EIPs that change the rules below; with any of them active, our own transaction rules stay off. */
export const CHANGES_TX_RULES = [2780, 7976, 7981, 8037, 7778, 7825, 7928, 7708] as const;

export function txRulesApply(common: Common): boolean {
  return CHANGES_TX_RULES.every((eip) => !common.isActivatedEIP(eip));
}

/** The transaction-level constants at a fork (the tx, evm and block packages' parameters). */
export interface TxGasSchedule {
  txGas: bigint;
  dataZero: bigint;
  dataNonZero: bigint;
  /** Homestead on: a create transaction's surcharge. */
  txCreation: bigint;
  /** EIP-3860 (Shanghai): per 32-byte word of init code; undefined before. */
  initCodeWord?: bigint;
  /** EIP-3860: longest init code; undefined before Shanghai. */
  maxInitCodeSize?: number;
  accessListAddress: bigint;
  accessListKey: bigint;
  /** EIP-7702 (Prague): intrinsic per authorization, and what an existing authority refunds. */
  perEmptyAccount?: bigint;
  perAuthBase?: bigint;
  /** EIP-7623 floor cost per calldata token; undefined before Prague. */
  floorPerToken?: bigint;
  maxRefundQuotient: bigint;
  /** EIP-170 (Spurious Dragon): longest deployed code. */
  maxCodeSize: number;
  /** Per byte of deployed code. */
  createData: bigint;
  /** EIP-4844 (Cancun): blob gas per blob; 0 before. */
  blobGasPerBlob: bigint;
  london: boolean;
}

export function txGasSchedule(common: Common): TxGasSchedule {
  const c = common.copy();
  c.updateParams(paramsEVM);
  c.updateParams(paramsTx);
  const p = (name: string) => BigInt(c.param(name));
  const cancun = common.isActivatedEIP(4844);
  return {
    txGas: p('txGas'),
    dataZero: p('txDataZeroGas'),
    dataNonZero: p('txDataNonZeroGas'),
    txCreation: p('txCreationGas'),
    ...(common.isActivatedEIP(3860) ? { initCodeWord: p('initCodeWordGas'), maxInitCodeSize: Number(p('maxInitCodeSize')) } : {}),
    accessListAddress: p('accessListAddressGas'),
    accessListKey: p('accessListStorageKeyGas'),
    ...(common.isActivatedEIP(7702) ? { perEmptyAccount: p('perEmptyAccountCost'), perAuthBase: p('perAuthBaseGas') } : {}),
    ...(common.isActivatedEIP(7623) ? { floorPerToken: p('totalCostFloorPerToken') } : {}),
    maxRefundQuotient: p('maxRefundQuotient'),
    maxCodeSize: Number(p('maxCodeSize')),
    createData: p('createDataGas'),
    blobGasPerBlob: cancun ? p('blobGasPerBlob') : 0n,
    london: common.isActivatedEIP(1559),
  };
}

/** What the rules read of a transaction (UnsignedTx satisfies it). */
export interface TxGasFields {
  type: bigint;
  to?: Uint8Array | null;
  data: Uint8Array;
  gas: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  accessList?: readonly { storageKeys: readonly unknown[] }[];
  authorizationList?: readonly unknown[];
  blobVersionedHashes?: readonly unknown[];
}

/** Intrinsic gas, and the EIP-7623 calldata floor (0 before Prague). */
export function intrinsicGas(g: TxGasSchedule, tx: TxGasFields): { intrinsic: bigint; floor: bigint } {
  // Counted as a number: a BigInt increment allocates.
  let zeroCount = 0;
  for (let i = 0; i < tx.data.length; i++) if (tx.data[i] === 0) zeroCount++;
  const zeros = BigInt(zeroCount);
  const nonZeros = BigInt(tx.data.length - zeroCount);
  let intrinsic = g.txGas + zeros * g.dataZero + nonZeros * g.dataNonZero;
  if (!tx.to) {
    intrinsic += g.txCreation;
    if (g.initCodeWord !== undefined) intrinsic += g.initCodeWord * BigInt(Math.ceil(tx.data.length / 32));
  }
  for (const e of tx.accessList ?? []) intrinsic += g.accessListAddress + BigInt(e.storageKeys.length) * g.accessListKey;
  if (tx.authorizationList && g.perEmptyAccount !== undefined) intrinsic += BigInt(tx.authorizationList.length) * g.perEmptyAccount;
  const floor = g.floorPerToken === undefined ? 0n : g.txGas + g.floorPerToken * (zeros + 4n * nonZeros);
  return { intrinsic, floor };
}

/** The gas price the frame sees (GASPRICE): the effective price, or undefined when the fee cap is under the base fee. */
export function effectiveGasPrice(tx: TxGasFields, baseFee: bigint, london: boolean): bigint | undefined {
  if (tx.type >= 2n) {
    const maxFee = tx.maxFeePerGas!;
    if (maxFee < baseFee) return undefined;
    const tip = tx.maxPriorityFeePerGas!;
    return (tip < maxFee - baseFee ? tip : maxFee - baseFee) + baseFee;
  }
  return london && tx.gasPrice! < baseFee ? undefined : tx.gasPrice!;
}

/** Blob gas a transaction consumes (EIP-4844); 0 for other types. */
export function blobGasOf(g: TxGasSchedule, tx: TxGasFields): bigint {
  return g.blobGasPerBlob * BigInt(tx.blobVersionedHashes?.length ?? 0);
}

/**
 * Gas used after the refund (capped at gasUsed / maxRefundQuotient) and the EIP-7623
 * floor; what the sender gets back and what the coinbase earns at `gasPrice` with
 * `minerPerGas` of it going to the coinbase.
 */
export function settleGas(
  g: TxGasSchedule,
  gasLimit: bigint,
  spentBeforeRefund: bigint,
  refundCounter: bigint,
  floor: bigint,
  gasPrice: bigint,
  minerPerGas: bigint,
): { gasUsed: bigint; refundToSender: bigint; fee: bigint } {
  let gasUsed = spentBeforeRefund;
  if (refundCounter !== 0n) {
    const cap = gasUsed / g.maxRefundQuotient;
    gasUsed -= refundCounter < cap ? refundCounter : cap;
  }
  if (gasUsed < floor) gasUsed = floor;
  return { gasUsed, refundToSender: (gasLimit - gasUsed) * gasPrice, fee: gasUsed * minerPerGas };
}

/** EIP-7702: code of this form delegates to the 20-byte address after the prefix. */
export const DELEGATION_PREFIX: readonly number[] = [0xef, 0x01, 0x00];

/** Whether code starts like a delegation designator: what runTx and the EVM test for. */
export function hasDelegationPrefix(code: Uint8Array): boolean {
  return code.length >= 3 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00;
}

/** The delegate of an account with this code, or undefined when it is no well-formed delegation designator. */
export function delegationTarget(code: Uint8Array): Uint8Array | undefined {
  return code.length === 23 && hasDelegationPrefix(code) ? code.subarray(3) : undefined;
}
