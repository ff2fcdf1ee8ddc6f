import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as edr from '@nomicfoundation/edr';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { batch, call, type RpcTransport } from './rpc.js';

/**
 * EDR (@nomicfoundation/edr: Hardhat's runtime, revm inside) as a peer to compare against.
 * A fresh in-process provider per run holds the batch's pre-state; the batch's signed raw
 * transactions go in with `eth_sendRawTransaction` (one JSON-RPC batch request), `evm_mine`
 * executes them as one block, and their receipts come back in one more batch request.
 */
const require = createRequire(import.meta.url);
// The package exports no ./package.json, so it is read next to the resolved entry point.
export const EDR_VERSION = (JSON.parse(readFileSync(join(dirname(require.resolve('@nomicfoundation/edr')), 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Our fork names to EDR's, from the merge on. Before it EDR's miner pays a block reward and
 * sets its own difficulty, which a batch (no rewards, a recorded difficulty) does not have.
 */
const HARDFORKS: Record<string, string> = { Paris: edr.MERGE, Shanghai: edr.SHANGHAI, Cancun: edr.CANCUN, Prague: edr.PRAGUE };

/**
 * Why EDR cannot run this batch as given, or undefined. Decided from the batch alone, before
 * any run, so a refusal is never confused with a wrong result.
 */
export function edrCannotRun(wire: WireBatch, signed?: WireBatch): string | undefined {
  if (HARDFORKS[wire.fork] === undefined) {
    return `fork ${wire.fork} is before the merge: EDR's miner would pay a block reward and set its own difficulty`;
  }
  const txBytes = signed?.txs.reduce((n, t) => n + ('raw' in t ? (t.raw.length - 2) / 2 : 0), 0) ?? 0;
  if (txBytes > MAX_BLOCK_RLP - BLOCK_RLP_MARGIN) {
    return `its ${signed!.txs.length} signed transactions are ${txBytes} bytes: EDR mines the batch as one block and refuses one of more than ${MAX_BLOCK_RLP} bytes of RLP (EIP-7934's cap)`;
  }
  for (const [i, tx] of wire.txs.entries()) {
    if ('raw' in tx) continue;
    if (tx.type === '0x3' || tx.blobVersionedHashes !== undefined) {
      return `tx ${i} is a blob transaction: eth_sendRawTransaction takes those only with their blobs, which the batch does not carry`;
    }
    // EDR's mempool checks each transaction's upfront cost against the state before the block.
    const upfront = BigInt(tx.gas) * BigInt(tx.maxFeePerGas ?? tx.gasPrice ?? '0x0') + BigInt(tx.value ?? '0x0');
    const balance = BigInt(wire.pre[tx.from.toLowerCase()]?.balance ?? '0x0');
    if (balance < upfront) {
      return `tx ${i}'s sender can pay its upfront cost only after earlier transactions of the block fund it; EDR's mempool refuses it on submission`;
    }
  }
  return undefined;
}

/** EIP-7934's MAX_RLP_BLOCK_SIZE (10 MiB less a 2 MiB margin), which EDR's miner applies. */
const MAX_BLOCK_RLP = 8 * 1024 * 1024;
/** Room for the header and the lists' prefixes, so a batch near the cap is not refused on a guess. */
const BLOCK_RLP_MARGIN = 1024;

let context: Promise<edr.EdrContext> | undefined;

/** EDR allows one context per process, so every provider comes from this one. */
function edrContext(): Promise<edr.EdrContext> {
  context ??= (async () => {
    const ctx = new edr.EdrContext();
    await ctx.registerProviderFactory(edr.L1_CHAIN_TYPE, edr.l1ProviderFactory());
    return ctx;
  })();
  return context;
}

const bytes = (h: string) => Buffer.from(h.slice(2).padStart(2 * Math.ceil((h.length - 2) / 2), '0'), 'hex');
const word = (v: bigint): Hex => `0x${v.toString(16).padStart(64, '0')}`;

/**
 * A provider whose chain is at genesis with `wire.pre` (plus the fork's system contracts), set so
 * that the next mined block has the batch's number, coinbase, gas limit and base fee.
 */
export async function providerFor(wire: WireBatch): Promise<RpcTransport> {
  const hardfork = HARDFORKS[wire.fork];
  if (hardfork === undefined) throw new Error(`EDR peer: ${edrCannotRun(wire)}`);
  const number = BigInt(wire.env.number);
  if (number < 1n) throw new Error('EDR peer: the batch\'s block cannot be the genesis block');
  const timestamp = BigInt(wire.env.timestamp);
  const gasLimit = BigInt(wire.env.gasLimit);
  const genesis: edr.AccountOverride[] = [
    // The fork's system contracts, unless the pre-state has them already.
    ...edr.l1GenesisState(edr.l1HardforkFromString(hardfork)).filter((a) => wire.pre[`0x${Buffer.from(a.address).toString('hex')}`] === undefined),
    ...Object.entries(wire.pre).map(([address, a]) => ({
      address: bytes(address), balance: BigInt(a.balance), nonce: BigInt(a.nonce),
      ...(a.code !== undefined && a.code !== '0x' ? { code: bytes(a.code) } : {}),
    })),
  ];
  const ctx = await edrContext();
  const provider = await ctx.createProvider(
    edr.L1_CHAIN_TYPE,
    {
      allowBlocksWithSameTimestamp: false, allowUnlimitedContractSize: false,
      bailOnCallFailure: false, bailOnTransactionFailure: false,
      chainId: BigInt(wire.env.chainId), networkId: BigInt(wire.env.chainId),
      coinbase: bytes(wire.env.coinbase), defaultTransactionGasLimit: gasLimit,
      genesisState: genesis, hardfork,
      initialBaseFeePerGas: BigInt(wire.env.baseFee ?? '0x0'), minGasPrice: 0n,
      // FIFO: the block keeps the batch's order, as our engines do.
      mining: { autoMine: false, blockGasLimit: gasLimit, memPool: { order: edr.MineOrdering.Fifo } },
      // Blocks 1..number-1 are mined one second apart below, so genesis is early enough for all of them.
      network: { genesisBlockGasLimit: gasLimit, genesisBlockTime: timestamp - number - 12n },
      observability: {}, ownedAccounts: [], precompileOverrides: [],
    },
    { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => {} },
    { subscriptionCallback: () => {} },
    new edr.ContractDecoder(),
  );
  const p: RpcTransport = provider;
  // Genesis accounts cannot carry storage in 0.20 (EDR issue #911), so it is written by RPC.
  const slots = Object.entries(wire.pre).flatMap(([address, a]) =>
    Object.entries(a.storage ?? {}).map(([slot, value]) => [address, slot, word(BigInt(value))]));
  await batch(p, 'hardhat_setStorageAt', slots);
  // Empty blocks up to the batch's parent (EDR reserves a long run of them without building
  // each), so the batch's block has the batch's number.
  if (number > 1n) await call(p, 'hardhat_mine', [`0x${(number - 1n).toString(16)}`, '0x1']);
  // The genesis base fee would move by the EIP-1559 rule; the batch's block must have the batch's.
  if (wire.env.baseFee !== undefined) await call(p, 'hardhat_setNextBlockBaseFeePerGas', [wire.env.baseFee]);
  if (wire.env.prevRandao !== undefined) await call(p, 'hardhat_setPrevRandao', [word(BigInt(wire.env.prevRandao))]);
  return p;
}

export interface EdrReceipt {
  transactionHash: Hex;
  transactionIndex: Hex;
  blockNumber: Hex;
  from: Hex;
  status: Hex;
  gasUsed: Hex;
  cumulativeGasUsed: Hex;
  logs: { address: Hex; topics: Hex[]; data: Hex }[];
}

export interface EdrTimed {
  ms: number;
  phasesMs: { submit: number; mine: number; receipts: number };
  hashes: Hex[];
  receipts: (EdrReceipt | null)[];
}

/** The timed span: submit every raw transaction, mine them as one block, fetch every receipt. */
export async function executeOnEdr(p: RpcTransport, raws: Hex[], timestamp: Hex): Promise<EdrTimed> {
  const t0 = performance.now();
  const hashes = await batch<Hex>(p, 'eth_sendRawTransaction', raws.map((r) => [r]));
  const t1 = performance.now();
  await call(p, 'evm_mine', [timestamp]);
  const t2 = performance.now();
  const receipts = await batch<EdrReceipt | null>(p, 'eth_getTransactionReceipt', hashes.map((h) => [h]));
  const t3 = performance.now();
  return { ms: t3 - t0, phasesMs: { submit: t1 - t0, mine: t2 - t1, receipts: t3 - t2 }, hashes, receipts };
}
