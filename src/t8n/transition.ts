import { makeCommon } from '../chain/common.js';
import type { EngineRegistry } from '../registry/registry.js';
import { ServiceError } from '../errors/service-error.js';
import { forkAtLeast, parseFork, type Fork } from '../model/fork.js';
import type { BatchResult, Hex, WireBatch } from '../model/shapes.js';
import { bytesToHex, quantityToHex, wordToHex } from '../primitives/hex.js';
import { parseBatch } from '../wire/parse.js';
import { validateBatch } from '../wire/validate.js';
import { allocToWirePre, formatAlloc, parseAlloc, type Alloc, type GethAccountJson } from './alloc.js';
import { ReferenceEngine } from '../engine/reference.js';
import { BlockHashWatch } from './blockhash-watch.js';
import { resolveEnv } from './env-derive.js';
import { parseEnv, type T8nEnv } from './env.js';
import { configError, ExitCode, jsonError, T8nError } from './errors.js';
import { applyCredits, applyStateDiff } from './post-alloc.js';
import { gethReceipt, type GethReceipt } from './receipts.js';
import { gethRejection } from './rejections.js';
import { blockCredits } from './rewards.js';
import { encodeTxList, encodeWithdrawal, indexTrieRoot } from './roots.js';
import { allocStateRoot } from './state-root.js';
import { txsToRaw } from './txs.js';

/**
 * One state transition, geth `evm t8n` style: alloc + env + txs in; post alloc, result
 * and block body out. The transactions run as one batch on an engine from the
 * registry, through the same validation and parsing as the HTTP API; what a block adds
 * around its transactions (rewards, withdrawals, roots of the body) is done here.
 */
export interface T8nInput {
  alloc?: unknown;
  env?: unknown;
  /** JSON array of transactions, or the hex of an RLP list of signed transactions. */
  txs?: unknown;
}

export interface T8nOptions {
  fork: string;
  chainId: bigint;
  /** Block reward in wei; negative disables rewards (geth's -1). */
  reward: bigint;
  engine?: string;
  registry: EngineRegistry;
}

export interface T8nResult {
  stateRoot: Hex;
  txRoot: Hex;
  receiptsRoot: Hex;
  logsHash: Hex;
  logsBloom: Hex;
  receipts: GethReceipt[];
  rejected?: Rejected[];
  currentDifficulty: Hex | null;
  gasUsed: Hex;
  currentBaseFee?: Hex;
  withdrawalsRoot?: Hex;
  currentExcessBlobGas?: Hex;
  blobGasUsed?: Hex;
}

export interface T8nOutput {
  alloc: Record<string, GethAccountJson>;
  result: T8nResult;
  /** rlp(list of included transactions), hex. */
  body: Hex;
}

const BLOB_TX_TYPE = 3;
const GWEI = 1_000_000_000n;

function wireEnv(env: T8nEnv, fork: Fork, chainId: bigint): WireBatch['env'] {
  return {
    number: quantityToHex(env.number),
    timestamp: quantityToHex(env.timestamp),
    coinbase: bytesToHex(env.coinbase),
    gasLimit: quantityToHex(env.gasLimit),
    chainId: quantityToHex(chainId),
    ...(forkAtLeast(fork, 'London') ? { baseFee: quantityToHex(env.baseFee!) } : {}),
    ...(env.random !== undefined ? { prevRandao: wordToHex(env.random) } : {}),
    ...(env.difficulty !== undefined ? { difficulty: quantityToHex(env.difficulty) } : {}),
    ...(env.excessBlobGas !== undefined ? { excessBlobGas: quantityToHex(env.excessBlobGas) } : {}),
    ...(env.parentBeaconBlockRoot ? { parentBeaconBlockRoot: bytesToHex(env.parentBeaconBlockRoot) } : {}),
    blockHashes: Object.fromEntries([...env.blockHashes].map(([n, h]) => [quantityToHex(n), bytesToHex(h)])),
  };
}

/** A batch the wire layer refuses here means input values out of range (or an env the fork cannot use). */
function batchError(e: unknown): unknown {
  if (!(e instanceof ServiceError)) return e;
  const config = e.code === 'MISSING_ENV_FIELD' || e.code === 'UNKNOWN_FORK' || e.code === 'UNKNOWN_ENGINE';
  return new T8nError(config ? ExitCode.Config : ExitCode.Json, e.message);
}

async function execute(registry: EngineRegistry, engineName: string | undefined, wire: WireBatch, blockNumber: bigint) {
  let batch;
  let engine;
  try {
    validateBatch(wire);
    batch = parseBatch(wire);
    // The in-process reference by default: exit code 4 needs every BLOCKHASH lookup seen,
    // and only an engine on this thread makes them here (the registry's runs on an exec thread).
    engine = engineName === undefined || engineName === 'reference' ? new ReferenceEngine() : registry.get(engineName);
  } catch (e) {
    throw batchError(e);
  }
  const watch = new BlockHashWatch(batch.env.blockHashes);
  batch.env.blockHashes = watch;
  let result: BatchResult;
  try {
    result = await engine.execute(batch);
  } catch (e) {
    throw new T8nError(ExitCode.Evm, `engine ${engine.name} failed: ${(e as Error).message ?? e}`);
  }
  const missing = watch.opcodeMisses(blockNumber);
  if (missing.length > 0) {
    throw new T8nError(ExitCode.MissingBlockhash, `getHash(${missing[0]}) invoked, blockhash for that block not provided`);
  }
  return result;
}

/** The EIP-2718 type of signed bytes (0 for legacy lists). */
const txType = (raw: Uint8Array): number => (raw.length > 0 && raw[0] < 0xc0 ? raw[0] : 0);

interface Rejected {
  index: number;
  error: string;
}

/** Without an excess blob gas there is no blob base fee: geth rejects blob txs before execution. */
function screenBlobTxs(raws: Uint8Array[], env: T8nEnv): { sent: number[]; rejected: Rejected[] } {
  const sent: number[] = [];
  const rejected: Rejected[] = [];
  raws.forEach((raw, i) => {
    if (txType(raw) === BLOB_TX_TYPE && env.excessBlobGas === undefined) rejected.push({ index: i, error: 'blob tx used but field env.ExcessBlobGas missing' });
    else sent.push(i);
  });
  return { sent, rejected };
}

/** The post-state alloc and its root: the engine's state, then rewards and withdrawals on top. */
async function postState(pre: Alloc, result: BatchResult, env: T8nEnv, fork: Fork, reward: bigint) {
  const alloc = applyStateDiff(pre, result.stateDiff);
  const credits = [
    ...blockCredits(bytesToHex(env.coinbase), reward, env.ommers),
    ...(env.withdrawals ?? []).map((w) => ({ address: bytesToHex(w.address), amount: w.amount * GWEI })),
  ];
  applyCredits(alloc, credits, forkAtLeast(fork, 'SpuriousDragon'));
  const root = await allocStateRoot(alloc);
  if (credits.length === 0 && bytesToHex(root) !== bytesToHex(result.stateRoot!)) {
    // pre + diff must rebuild exactly the engine's post-state; anything else is a bug, not an output.
    throw new T8nError(ExitCode.Evm, `post-state rebuilt from the state diff has root ${bytesToHex(root)}, engine reported ${bytesToHex(result.stateRoot!)}`);
  }
  return { alloc, root };
}

export async function transition(input: T8nInput, opts: T8nOptions): Promise<T8nOutput> {
  const pre: Alloc = parseAlloc(input.alloc);
  if (input.env === undefined || input.env === null) throw jsonError('missing env');
  const parsedEnv = parseEnv(input.env);
  const fork = parseFork(opts.fork);
  if (!fork) throw configError(`failed constructing chain configuration: unsupported fork "${opts.fork}"`);
  const raws = txsToRaw(input.txs, opts.chainId);
  const common = makeCommon(fork, opts.chainId);
  const env = resolveEnv(parsedEnv, fork, common);

  const { sent, rejected } = screenBlobTxs(raws, env);
  const wire: WireBatch = {
    fork,
    env: wireEnv(env, fork, opts.chainId),
    pre: allocToWirePre(pre),
    txs: sent.map((i) => ({ raw: bytesToHex(raws[i]) })),
    options: { stateRoot: true },
  };
  const result = await execute(opts.registry, opts.engine, wire, env.number);
  for (const r of result.rejected) {
    const index = sent[r.index];
    rejected.push({ index, error: gethRejection(r, txType(raws[index])) });
  }
  rejected.sort((a, b) => a.index - b.index);

  const post = await postState(pre, result, env, fork, opts.reward);
  const included = result.results.map((r) => raws[sent[r.index]]);
  const block = { number: env.number, timestamp: env.timestamp, baseFee: env.baseFee };
  return {
    alloc: formatAlloc(post.alloc),
    result: {
      stateRoot: bytesToHex(post.root),
      txRoot: bytesToHex(await indexTrieRoot(included)),
      receiptsRoot: bytesToHex(result.receiptsRoot),
      logsHash: bytesToHex(result.logsHash),
      logsBloom: bytesToHex(result.logsBloom),
      receipts: result.results.map((r, i) => gethReceipt(r, included[i], i, block)),
      ...(rejected.length ? { rejected } : {}),
      currentDifficulty: env.difficulty === undefined ? null : quantityToHex(env.difficulty),
      gasUsed: quantityToHex(result.gasUsed),
      ...(env.baseFee !== undefined ? { currentBaseFee: quantityToHex(env.baseFee) } : {}),
      ...(env.withdrawals ? { withdrawalsRoot: bytesToHex(await indexTrieRoot(env.withdrawals.map(encodeWithdrawal))) } : {}),
      ...(env.excessBlobGas !== undefined
        ? { currentExcessBlobGas: quantityToHex(env.excessBlobGas), blobGasUsed: quantityToHex(result.blobGasUsed) }
        : {}),
    },
    body: bytesToHex(encodeTxList(included)),
  };
}
