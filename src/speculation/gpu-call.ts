import type { GpuCall } from '../gpu/abi.js';
import { delegationTarget, hasDelegationPrefix } from '../evm/tx-rules.js';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { hexOf } from '../primitives/hex-of.js';
import type { HostRules, TxInputs } from './rules.js';
import type { TxView } from './tx-view.js';
import type { StateReader } from './world-state.js';

/**
 * The one builder from a transaction to its GPU call. The speculative wave builds
 * every call against the batch's starting state; a rerun builds it against the state
 * the transaction starts from now. Only the code depends on state, and `CodeSource`
 * names it, so a commit can tell whether the wave ran the right code.
 */
export interface CodeSource {
  code: Uint8Array;
  /** Hash of the account whose code runs (the delegate's under EIP-7702), with the delegate: equal keys, equal code. */
  key: string;
  /** EIP-7702: the delegate whose code runs; runTx warms it. */
  delegate?: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * The code a call to `to` runs in `state`: its own, or its delegate's (EIP-7702) when
 * delegation is active; undefined for a malformed designator (code with the prefix but
 * not 23 bytes long), which the host leaves to ethereumjs.
 */
export function resolveCode(r: HostRules, state: StateReader, to: string): CodeSource | undefined {
  const callee = state.account(to);
  const code = callee?.code ?? EMPTY;
  if (!r.delegation || !hasDelegationPrefix(code)) return { code, key: callee ? hexOf(callee.codeHash) : '' };
  const delegate = delegationTarget(code);
  if (!delegate) return undefined;
  const target = state.account(bytesToHex(delegate));
  return { code: target?.code ?? EMPTY, key: `${target ? bytesToHex(target.codeHash) : ''}@${bytesToHex(delegate)}`, delegate };
}

/** The frame a transaction starts: for a create, its init code at the new address. */
export function buildCall(r: HostRules, { tx, authorities }: TxView, inputs: TxInputs, source: CodeSource): GpuCall {
  // The warm set as runTx builds it; duplicates are harmless to the kernel's warm table.
  const warmAddresses = [...r.alwaysWarm, tx.from, hexToBytes(inputs.to)];
  const warmSlots: GpuCall['warmSlots'] = [];
  for (const e of tx.accessList ?? []) {
    warmAddresses.push(e.address);
    for (const k of e.storageKeys) warmSlots.push({ address: e.address, slot: BigInt(bytesToHex(k)) });
  }
  for (const a of authorities ?? []) if (a) warmAddresses.push(a);
  if (source.delegate) warmAddresses.push(source.delegate);
  return {
    address: hexToBytes(inputs.to),
    caller: tx.from,
    origin: tx.from,
    value: tx.value,
    data: inputs.isCreate ? EMPTY : tx.data,
    gasPrice: inputs.gasPrice,
    gas: inputs.frameGas,
    code: source.code,
    isCreate: inputs.isCreate,
    warmAddresses,
    warmSlots,
    blobVersionedHashes: tx.blobVersionedHashes ?? [],
  };
}

/** Creates run their init code; calls their resolved code. */
export function frameCode(r: HostRules, view: TxView, inputs: TxInputs, state: StateReader): CodeSource | undefined {
  return inputs.isCreate ? { code: view.tx.data, key: 'create' } : resolveCode(r, state, inputs.to);
}
