import { KECCAK256_NULL } from '@ethereumjs/util';
import { DELEGATION_PREFIX, hasDelegationPrefix } from '../evm/tx-rules.js';
import { bytesToHex } from '../primitives/hex.js';
import type { AccountState } from './access-sets.js';
import { frameCode, type CodeSource } from './gpu-call.js';
import { AccountOverlay } from './overlay.js';
import type { HostRules, TxInputs } from './rules.js';
import type { TxView } from './tx-view.js';
import type { StateReader } from './world-state.js';
import { codeHash } from '../primitives/code-hash.js';

/**
 * Everything runTx does to the state before a transaction's frame starts, on the
 * committed state: the checks that would reject it (nonce, balance, sender with code),
 * the up-front payment and nonce increment, EIP-7702 authorizations, then the value
 * transfer (or, for a create, the new account). Undefined when any check is not
 * plainly met: the caller then runs the transaction on @ethereumjs/vm.
 */
export interface Prelude {
  inputs: TxInputs;
  /** After the sender paid and the authorizations applied: what stands if the frame fails. */
  charged: AccountOverlay;
  /** As the frame starts: value moved, a created account made. */
  atStart: AccountOverlay;
  /** The code the frame runs, as the state says now (after this transaction's authorizations). */
  source: CodeSource;
  /** Refund counter from authorizations of existing authorities (EIP-7702). */
  authRefund: bigint;
}

const EMPTY = new Uint8Array(0);
const U256 = 2n ** 256n;

export function prelude(r: HostRules, view: TxView, inputs: TxInputs, world: StateReader): Prelude | undefined {
  const { tx } = view;
  const sender = world.account(inputs.from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK256_NULL, code: EMPTY };
  if (sender.code.length > 0 && !(r.delegation && hasDelegationPrefix(sender.code))) return undefined;
  if (sender.nonce !== tx.nonce) return undefined;
  const maxCostPerGas = tx.type >= 2n ? tx.maxFeePerGas! : inputs.gasPrice;
  const upFront = tx.gas * inputs.gasPrice + tx.value;
  const maxCost = tx.gas * maxCostPerGas + tx.value + inputs.blobGas * (tx.maxFeePerBlobGas ?? 0n);
  if (sender.balance < upFront || sender.balance < maxCost) return undefined;

  const charged = new AccountOverlay(world);
  charged.set(inputs.from, { ...sender, nonce: sender.nonce + 1n, balance: sender.balance - tx.gas * inputs.gasPrice - inputs.blobGas * r.blobBaseFee });
  let authRefund = 0n;
  tx.authorizationList?.forEach((auth, i) => {
    const authority = view.authorities?.[i];
    if (!authority) return;
    const addr = bytesToHex(authority);
    const account = charged.account(addr);
    if (account && account.code.length > 0 && !hasDelegationPrefix(account.code)) return;
    if ((account?.nonce ?? 0n) !== auth.nonce) return;
    if (account) authRefund += r.gas.perEmptyAccount! - r.gas.perAuthBase!;
    const code = auth.address.every((b) => b === 0) ? EMPTY : Uint8Array.from([...DELEGATION_PREFIX, ...auth.address]);
    charged.set(addr, { nonce: auth.nonce + 1n, balance: account?.balance ?? 0n, code, codeHash: codeHash(code) });
  });

  const source = frameCode(r, view, inputs, charged);
  if (!source) return undefined;
  const atStart = charged.layer();
  const payer = charged.account(inputs.from)!;
  if (inputs.isCreate) {
    // A collision (EIP-684, EIP-7610) fails the create in ways the host does not replay.
    const target = charged.account(inputs.to);
    if (target && (target.nonce > 0n || target.code.length > 0)) return undefined;
    if (!charged.storageEmpty(inputs.to)) return undefined;
    if ((target?.balance ?? 0n) + tx.value >= U256) return undefined;
    atStart.set(inputs.to, { nonce: 1n, balance: (target?.balance ?? 0n) + tx.value, code: EMPTY, codeHash: KECCAK256_NULL });
  } else if (tx.value > 0n && inputs.to !== inputs.from) {
    const callee = charged.account(inputs.to);
    if ((callee?.balance ?? 0n) + tx.value >= U256) return undefined;
    atStart.set(inputs.to, callee ? { ...callee, balance: callee.balance + tx.value } : { nonce: 0n, balance: tx.value, code: EMPTY, codeHash: KECCAK256_NULL });
  }
  // Value sent to oneself moves nothing.
  if (tx.value > 0n && inputs.to !== inputs.from) atStart.set(inputs.from, { ...payer, balance: payer.balance - tx.value });
  return { inputs, charged, atStart, source, authRefund };
}

/** Whether the transaction runs no frame once its prelude is done: no code at the callee, or a create with empty init code (settle.ts: settleWithoutFrame). */
export function runsNoFrame(p: Prelude, view: TxView): boolean {
  return p.source.code.length === 0 && (!p.inputs.isCreate || view.tx.data.length === 0);
}

/** The code a create deposits, or undefined where depositing it fails (too long, 0xEF first, out of gas): those the host does not replay. */
export function deposit(r: HostRules, code: Uint8Array, gasLeft: bigint): { account: Pick<AccountState, 'code' | 'codeHash'>; gasLeft: bigint } | undefined {
  const cost = BigInt(code.length) * r.gas.createData;
  if (code.length > r.gas.maxCodeSize || (r.rejectEfCode && code[0] === 0xef) || gasLeft < cost) return undefined;
  return { account: { code, codeHash: codeHash(code) }, gasLeft: gasLeft - cost };
}
