import { readFileSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import type { Hex, TxInputShape, WireBatch } from '../model/shapes.js';
import { parseBatch } from '../wire/parse.js';
import { bytesToHex } from '../primitives/hex.js';
import { validateBatch } from '../wire/validate.js';

/**
 * GeneralStateTests / execution-spec-tests state-test fixtures (format:
 * ../shared/fixtures/README.md). One case is one entry of post[fork]; each becomes a
 * one-transaction batch that goes through the same validation and parsing as the API.
 */
interface FixtureTx {
  data: Hex[];
  gasLimit: Hex[];
  value: Hex[];
  nonce: Hex;
  to: Hex | '';
  sender?: Hex;
  secretKey?: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  accessLists?: ({ address: Hex; storageKeys: Hex[] }[] | null)[];
  maxFeePerBlobGas?: Hex;
  blobVersionedHashes?: Hex[];
  authorizationList?: Record<string, Hex>[];
}

interface FixturePost {
  hash: Hex;
  logs: Hex;
  txbytes?: Hex;
  indexes: { data: number; gas: number; value: number };
  expectException?: string;
}

interface Fixture {
  env: Record<string, Hex>;
  pre: Record<string, { balance: Hex; nonce: Hex; code?: Hex; storage?: Record<string, Hex> }>;
  transaction: FixtureTx;
  post: Record<string, FixturePost[]>;
}

export interface StateTestCase {
  file: string;
  name: string;
  index: number;
  fork: string;
  batch: WireBatch;
  expect: { hash: Hex; logs: Hex; exception?: string };
}

export interface StateTestOutcome {
  file: string;
  name: string;
  index: number;
  ok: boolean;
  /** Engine that actually executed the case: reference, gpu, cpu, host or mixed. */
  engine: string;
  stateRoot?: Hex;
  logsHash?: Hex;
  error?: string;
}

/** Fixture numbers may carry leading zeros ("0x00"); the wire form wants quantities. */
const qty = (h: string): Hex => (`0x${BigInt(h === '0x' ? '0x0' : h).toString(16)}` as Hex);

export function envFromFixture(env: Record<string, Hex>, chainId = 1n): WireBatch['env'] {
  return {
    number: qty(env.currentNumber),
    timestamp: qty(env.currentTimestamp),
    coinbase: env.currentCoinbase.toLowerCase() as Hex,
    gasLimit: qty(env.currentGasLimit),
    chainId: qty(`0x${chainId.toString(16)}`),
    ...(env.currentBaseFee !== undefined ? { baseFee: qty(env.currentBaseFee) } : {}),
    ...(env.currentRandom !== undefined ? { prevRandao: `0x${env.currentRandom.slice(2).padStart(64, '0')}` as Hex } : {}),
    ...(env.currentDifficulty !== undefined ? { difficulty: qty(env.currentDifficulty) } : {}),
    ...(env.currentExcessBlobGas !== undefined ? { excessBlobGas: qty(env.currentExcessBlobGas) } : {}),
  };
}

export function preFromFixture(pre: Fixture['pre']): WireBatch['pre'] {
  const out: WireBatch['pre'] = {};
  for (const [addr, a] of Object.entries(pre)) {
    out[addr.toLowerCase()] = {
      balance: qty(a.balance),
      nonce: qty(a.nonce),
      ...(a.code && a.code !== '0x' ? { code: a.code } : {}),
      ...(a.storage ? { storage: Object.fromEntries(Object.entries(a.storage).map(([k, v]) => [qty(k), qty(v)])) } : {}),
    };
  }
  return out;
}

/** The case's transaction from the structured fields, sender given (used when txbytes is absent). */
function unsignedFromFixture(t: FixtureTx, idx: FixturePost['indexes']): TxInputShape<Hex, Hex> {
  const accessList = t.accessLists?.[idx.data] ?? undefined;
  return {
    from: t.sender!.toLowerCase() as Hex,
    to: t.to === '' ? null : (t.to.toLowerCase() as Hex),
    nonce: qty(t.nonce),
    gas: qty(t.gasLimit[idx.gas]),
    value: qty(t.value[idx.value]),
    data: t.data[idx.data],
    ...(t.gasPrice !== undefined ? { gasPrice: qty(t.gasPrice) } : {}),
    ...(t.maxFeePerGas !== undefined ? { maxFeePerGas: qty(t.maxFeePerGas), maxPriorityFeePerGas: qty(t.maxPriorityFeePerGas!) } : {}),
    ...(accessList ? { accessList } : {}),
    ...(t.maxFeePerBlobGas !== undefined ? { maxFeePerBlobGas: qty(t.maxFeePerBlobGas), blobVersionedHashes: t.blobVersionedHashes ?? [] } : {}),
  };
}

export function loadStateTestCases(file: string, fork: string): StateTestCase[] {
  const fixtures = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Fixture>;
  const cases: StateTestCase[] = [];
  for (const [name, f] of Object.entries(fixtures)) {
    const posts = f.post[fork] ?? [];
    posts.forEach((p, index) => {
      const tx = p.txbytes ? { raw: p.txbytes } : unsignedFromFixture(f.transaction, p.indexes);
      cases.push({
        file, name, index, fork,
        batch: { fork, env: envFromFixture(f.env), pre: preFromFixture(f.pre), txs: [tx] },
        expect: { hash: p.hash.toLowerCase() as Hex, logs: p.logs.toLowerCase() as Hex, exception: p.expectException },
      });
    });
  }
  return cases;
}

/** Which engine ran the case: the engine of its results, `mixed` if they differ. */
export function caseEngine(engines: Record<string, number>, fallback: string): string {
  const names = Object.keys(engines);
  return names.length === 0 ? fallback : names.length === 1 ? names[0] : 'mixed';
}

export async function runStateTestCase(engine: Engine, c: StateTestCase): Promise<StateTestOutcome> {
  const base = { file: c.file, name: c.name, index: c.index };
  try {
    validateBatch(c.batch);
    const result = await engine.execute(parseBatch(c.batch));
    const stateRoot = bytesToHex(result.stateRoot!);
    const logsHash = bytesToHex(result.logsHash);
    const problems: string[] = [];
    if (stateRoot !== c.expect.hash) problems.push(`state root ${stateRoot} != expected ${c.expect.hash}`);
    if (logsHash !== c.expect.logs) problems.push(`logs hash ${logsHash} != expected ${c.expect.logs}`);
    if (c.expect.exception !== undefined && result.rejected.length === 0) problems.push(`expected the transaction to be rejected (${c.expect.exception})`);
    if (c.expect.exception === undefined && result.rejected.length > 0) problems.push(`transaction was rejected: ${result.rejected[0].code} ${result.rejected[0].error}`);
    return {
      ...base, ok: problems.length === 0, engine: caseEngine(result.stats.engines, engine.name), stateRoot, logsHash,
      ...(problems.length ? { error: problems.join('; ') } : {}),
    };
  } catch (e) {
    return { ...base, ok: false, engine: engine.name, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}
