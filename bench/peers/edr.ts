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

/** Our fork names to EDR's, for the forks a generated batch can use. */
const HARDFORKS: Record<string, string> = {
  London: edr.LONDON, ArrowGlacier: edr.ARROW_GLACIER, GrayGlacier: edr.GRAY_GLACIER, Paris: edr.MERGE,
  Shanghai: edr.SHANGHAI, Cancun: edr.CANCUN, Prague: edr.PRAGUE,
};

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
  if (hardfork === undefined) throw new Error(`EDR peer: fork ${wire.fork} is not mapped (the workloads use London or later)`);
  // EDR's chain starts at genesis 0, so the batch's block is block 1; another number cannot be matched.
  if (BigInt(wire.env.number) !== 1n) throw new Error(`EDR peer: the batch's block number is ${wire.env.number}, EDR mines block 1`);
  const gasLimit = BigInt(wire.env.gasLimit);
  const genesis: edr.AccountOverride[] = [
    ...edr.l1GenesisState(edr.l1HardforkFromString(hardfork)),
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
      network: { genesisBlockGasLimit: gasLimit, genesisBlockTime: BigInt(wire.env.timestamp) - 12n },
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
