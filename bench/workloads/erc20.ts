import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';

/**
 * ERC-20 transfer batches on Uniswap V2's ERC20 (the `ERC20.json` artifact of
 * @uniswap/v2-core): the token is placed in the pre-state with its runtime code and
 * balances written straight into its `balanceOf` mapping (storage slot 1).
 */
const require = createRequire(import.meta.url);
const artifact = require('@uniswap/v2-core/build/ERC20.json') as { evm: { deployedBytecode: { object: string } } };

export const TOKEN: Hex = '0x00000000000000000000000000000000000e2c20';
const TRANSFER_SELECTOR = 'a9059cbb';
const BALANCE_OF_SLOT = 1n;
const TOTAL_SUPPLY_SLOT = 0n;

const hex32 = (v: bigint) => v.toString(16).padStart(64, '0');
const quantity = (v: bigint | number): Hex => `0x${BigInt(v).toString(16)}`;

/** An address derived from a tag and an index, so batches are reproducible. */
export function account(tag: number, i: number): Hex {
  return `0x${tag.toString(16).padStart(8, '0')}${i.toString(16).padStart(32, '0')}`;
}

/** Storage slot of balanceOf[holder]: keccak256(pad32(holder) ++ pad32(1)). */
export function balanceSlot(holder: Hex): Hex {
  const key = Buffer.from(hex32(BigInt(holder)) + hex32(BALANCE_OF_SLOT), 'hex');
  return `0x${Buffer.from(keccak_256(key)).toString('hex')}`;
}

export interface Erc20BatchOptions {
  /** Number of transfers, one per distinct sender. */
  transfers: number;
  /** Recipients: distinct per transfer (no conflicts), or one hot recipient for all. */
  recipients?: 'distinct' | 'hot';
  fork?: string;
}

export function erc20TransferBatch({ transfers, recipients = 'distinct', fork = 'Prague' }: Erc20BatchOptions): WireBatch {
  const tokenStorage: Record<string, Hex> = { [quantity(TOTAL_SUPPLY_SLOT)]: quantity(BigInt(transfers) * 1000n) };
  const pre: WireBatch['pre'] = {};
  const txs: WireBatch['txs'] = [];
  for (let i = 0; i < transfers; i++) {
    const sender = account(0x5e, i);
    const recipient = recipients === 'hot' ? account(0x4e, 0) : account(0x4e, i);
    pre[sender] = { balance: quantity(10n ** 18n), nonce: '0x0' };
    tokenStorage[balanceSlot(sender)] = quantity(1000);
    txs.push({
      from: sender,
      to: TOKEN,
      nonce: '0x0',
      gas: quantity(100_000),
      maxFeePerGas: quantity(10),
      maxPriorityFeePerGas: quantity(1),
      value: '0x0',
      data: `0x${TRANSFER_SELECTOR}${hex32(BigInt(recipient))}${hex32(7n)}`,
    });
  }
  pre[TOKEN] = { balance: '0x0', nonce: '0x1', code: `0x${artifact.evm.deployedBytecode.object}`, storage: tokenStorage };
  return {
    fork,
    env: {
      number: '0x1', timestamp: '0x3e8', coinbase: '0x0000000000000000000000000000000000000c0b',
      gasLimit: quantity(BigInt(transfers) * 100_000n + 30_000_000n), baseFee: '0x7', chainId: '0x1',
    },
    pre,
    txs,
  };
}
