import { createRequire } from 'node:module';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { account, FEES, hex32, mappingSlot, quantity, SENDER_BALANCE, toBatch, type Fragment } from './common.js';
import { rng } from './rng.js';
import { sender as senderAddress } from '../signing/keys.js';

export { account } from './common.js';

/**
 * ERC-20 transfer batches on Uniswap V2's ERC20 (the `ERC20.json` artifact of
 * @uniswap/v2-core): the token is placed in the pre-state with its runtime code and
 * balances written straight into its `balanceOf` mapping (storage slot 1).
 */
const require = createRequire(import.meta.url);
const artifact = require('@uniswap/v2-core/build/ERC20.json') as { evm: { deployedBytecode: { object: string } } };

/** Runtime code of Uniswap V2's test ERC20, shared with the Uniswap workloads. */
export const ERC20_CODE: Hex = `0x${artifact.evm.deployedBytecode.object}`;
export const TOKEN: Hex = '0x00000000000000000000000000000000000e2c20';
export const TRANSFER_SELECTOR = 'a9059cbb';
export const BALANCE_OF_SLOT = 1n;
const TOTAL_SUPPLY_SLOT = 0n;
const TRANSFER_GAS = 100_000n;

/** Storage slot of balanceOf[holder]: keccak256(pad32(holder) ++ pad32(1)). */
export function balanceSlot(holder: Hex): Hex {
  return mappingSlot(holder, BALANCE_OF_SLOT);
}

/** Calldata of `transfer(to, amount)`. */
export function transferCall(to: Hex, amount: bigint): Hex {
  return `0x${TRANSFER_SELECTOR}${hex32(BigInt(to))}${hex32(amount)}`;
}

export interface Erc20BatchOptions {
  /** Number of transfers, one per distinct sender. */
  transfers: number;
  /** Recipients: distinct per transfer (no conflicts), or one hot recipient for all. */
  recipients?: 'distinct' | 'hot';
  fork?: string;
  /** Seeds the amounts; without it every transfer moves 7 units. */
  seed?: number;
}

export function erc20TransferFragment({ transfers, recipients = 'distinct', seed }: Erc20BatchOptions): Fragment {
  const amounts = seed === undefined ? undefined : rng(seed);
  const tokenStorage: Record<string, Hex> = { [quantity(TOTAL_SUPPLY_SLOT)]: quantity(BigInt(transfers) * 1000n) };
  const pre: WireBatch['pre'] = {};
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < transfers; i++) {
    const sender = senderAddress(0x5e, i);
    const recipient = recipients === 'hot' ? account(0x4e, 0) : account(0x4e, i);
    pre[sender] = { balance: SENDER_BALANCE, nonce: '0x0' };
    tokenStorage[balanceSlot(sender)] = quantity(1000);
    txs.push({
      from: sender, to: TOKEN, nonce: '0x0', gas: quantity(TRANSFER_GAS), ...FEES, value: '0x0',
      data: transferCall(recipient, amounts ? amounts.between(1n, 1000n) : 7n),
    });
  }
  pre[TOKEN] = { balance: '0x0', nonce: '0x1', code: ERC20_CODE, storage: tokenStorage };
  return { pre, txs, gasBudget: BigInt(transfers) * TRANSFER_GAS };
}

export function erc20TransferBatch(options: Erc20BatchOptions): WireBatch {
  return toBatch(erc20TransferFragment(options), options.fork);
}
