import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Common, Mainnet } from '@ethereumjs/common';
import { forkAtLeast, fromHardfork, type Fork } from '../model/fork.js';
import type { AccountShape, Hex, UnsignedTxShape, WireBatch } from '../model/shapes.js';

/**
 * A mainnet block folder (format: ../shared/fixtures/mainnet-blocks/README.md) as a
 * wire batch: the header becomes the env, pre_state.json + bytecodes.json the pre-state,
 * and every transaction an unsigned one with its recorded sender, which skips signature
 * recovery. Block/uncle rewards and withdrawals are not part of the batch: they are
 * balance changes after the last transaction and affect no receipt.
 */
export interface RpcTx {
  type?: Hex;
  from: Hex;
  to: Hex | null;
  nonce: Hex;
  gas: Hex;
  value: Hex;
  input: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  chainId?: Hex;
  accessList?: { address: Hex; storageKeys: Hex[] }[];
  maxFeePerBlobGas?: Hex;
  blobVersionedHashes?: Hex[];
  authorizationList?: { chainId: Hex; address: Hex; nonce: Hex; yParity: Hex; r: Hex; s: Hex }[];
}

interface RpcBlock {
  number: Hex;
  timestamp: Hex;
  miner: Hex;
  gasLimit: Hex;
  gasUsed: Hex;
  difficulty: Hex;
  mixHash: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  baseFeePerGas?: Hex;
  excessBlobGas?: Hex;
  parentBeaconBlockRoot?: Hex;
  transactions: RpcTx[];
}

interface PreStateAccount {
  basic: { balance: Hex; nonce: number };
  code_hash: Hex | null;
  storage: Record<string, Hex>;
}

type Bytecodes = Record<string, { bytecode: Hex; original_len: number }>;

export interface MainnetBlock {
  dir: string;
  number: bigint;
  fork: Fork;
  batch: WireBatch;
  /** The real header's values, which the replay must reproduce. */
  expect: { receiptsRoot: Hex; logsBloom: Hex; gasUsed: bigint };
}

/**
 * These forks only move the difficulty bomb (the DAO fork: a one-off balance transfer
 * at block 1,920,000, done by block processing), so transactions run by the rules of
 * the fork before them. Naming that fork keeps reports in rule-set terms.
 */
const RULE_SET: Partial<Record<Fork, Fork>> = {
  DAO: 'Homestead',
  MuirGlacier: 'Istanbul',
  ArrowGlacier: 'London',
  GrayGlacier: 'London',
};

/** The mainnet fork whose transaction rules apply at this block. */
export function mainnetFork(blockNumber: bigint, timestamp: bigint): Fork {
  const common = new Common({ chain: Mainnet });
  const hardfork = common.setHardforkBy({ blockNumber, timestamp });
  const fork = fromHardfork(hardfork);
  if (!fork) throw new Error(`no fork of ours for ethereumjs hardfork ${hardfork}`);
  return RULE_SET[fork] ?? fork;
}

const readJson = <T>(dir: string, name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;

/** Our outputs print lowercase hex, so the header's values are compared in lowercase; inputs follow suit. */
const lower = (h: Hex): Hex => h.toLowerCase() as Hex;
const qty = (n: number | bigint): Hex => `0x${n.toString(16)}`;

function account(a: PreStateAccount, bytecodes: Bytecodes): AccountShape<Hex, Hex> {
  let code: Hex | undefined;
  if (a.code_hash !== null) {
    const entry = bytecodes[a.code_hash];
    if (!entry) throw new Error(`pre_state.json: code hash ${a.code_hash} is not in bytecodes.json`);
    // bytecodes.json pads code for its own interpreter; the real code is the prefix.
    code = entry.bytecode.slice(0, 2 + 2 * entry.original_len) as Hex;
  }
  const storage = Object.entries(a.storage);
  return {
    balance: lower(a.basic.balance),
    nonce: qty(a.basic.nonce),
    ...(code !== undefined && code.length > 2 ? { code } : {}),
    ...(storage.length > 0 ? { storage: Object.fromEntries(storage.map(([k, v]) => [lower(k as Hex), lower(v)])) } : {}),
  };
}

/**
 * Every field that shapes execution, sender included. An RPC typed-fee transaction also
 * reports its effective `gasPrice`; that is an output, so it is dropped for types >= 2.
 */
export function unsignedTx(t: RpcTx): UnsignedTxShape<Hex, Hex> & { data: Hex } {
  const type = BigInt(t.type ?? '0x0');
  const dynamicFee = type >= 2n;
  return {
    type: qty(type),
    from: lower(t.from),
    to: t.to === null ? null : lower(t.to),
    nonce: t.nonce,
    gas: t.gas,
    value: t.value,
    data: lower(t.input),
    ...(dynamicFee
      ? { maxFeePerGas: t.maxFeePerGas!, maxPriorityFeePerGas: t.maxPriorityFeePerGas! }
      : { gasPrice: t.gasPrice! }),
    ...(t.chainId !== undefined ? { chainId: t.chainId } : {}),
    ...(type >= 1n && t.accessList ? { accessList: t.accessList.map((e) => ({ address: lower(e.address), storageKeys: e.storageKeys.map(lower) })) } : {}),
    ...(t.maxFeePerBlobGas !== undefined ? { maxFeePerBlobGas: t.maxFeePerBlobGas } : {}),
    ...(t.blobVersionedHashes !== undefined ? { blobVersionedHashes: t.blobVersionedHashes.map(lower) } : {}),
    ...(t.authorizationList !== undefined
      ? { authorizationList: t.authorizationList.map((a) => ({ ...a, address: lower(a.address) })) }
      : {}),
  };
}

export function envFromHeader(b: RpcBlock, fork: Fork, blockHashes: Record<string, Hex>): WireBatch['env'] {
  return {
    number: b.number,
    timestamp: b.timestamp,
    coinbase: lower(b.miner),
    gasLimit: b.gasLimit,
    chainId: '0x1',
    ...(b.baseFeePerGas !== undefined ? { baseFee: b.baseFeePerGas } : {}),
    // After the Merge the header's mixHash field carries PREVRANDAO.
    ...(forkAtLeast(fork, 'Paris') ? { prevRandao: lower(b.mixHash) } : { difficulty: b.difficulty }),
    ...(b.excessBlobGas !== undefined ? { excessBlobGas: b.excessBlobGas } : {}),
    ...(b.parentBeaconBlockRoot !== undefined ? { parentBeaconBlockRoot: lower(b.parentBeaconBlockRoot) } : {}),
    ...(Object.keys(blockHashes).length > 0 ? { blockHashes: Object.fromEntries(Object.entries(blockHashes).map(([n, h]) => [n, lower(h)])) } : {}),
  };
}

/** Reads one block folder; throws when a file is missing or malformed. */
export function loadMainnetBlock(dir: string): MainnetBlock {
  const block = readJson<RpcBlock>(dir, 'block.json');
  const preState = readJson<Record<string, PreStateAccount>>(dir, 'pre_state.json');
  const bytecodes = readJson<Bytecodes>(dir, 'bytecodes.json');
  const blockHashes = existsSync(join(dir, 'block_hashes.json')) ? readJson<Record<string, Hex>>(dir, 'block_hashes.json') : {};

  const number = BigInt(block.number);
  const fork = mainnetFork(number, BigInt(block.timestamp));
  const pre: WireBatch['pre'] = {};
  for (const [addr, a] of Object.entries(preState)) pre[addr.toLowerCase()] = account(a, bytecodes);
  return {
    dir,
    number,
    fork,
    batch: {
      fork,
      env: envFromHeader(block, fork, blockHashes),
      pre,
      txs: block.transactions.map(unsignedTx),
      // The pre-state is partial, so its root means nothing; skip computing it.
      options: { stateRoot: false },
    },
    expect: { receiptsRoot: lower(block.receiptsRoot), logsBloom: lower(block.logsBloom), gasUsed: BigInt(block.gasUsed) },
  };
}
