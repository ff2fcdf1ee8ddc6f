import { createEVM } from '@ethereumjs/evm';
import { Account, Address, bigIntToBytes, bytesToHex, setLengthLeft } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { makeBlock, makeBlockHashSource } from '../../src/chain/block.js';
import { makeCommon } from '../../src/chain/common.js';
import { OPCODES } from '../../src/evm/opcodes.js';
import { outcomeFromEthereumjs, outcomeName, type OutcomeName } from '../../src/evm/outcome.js';
import type { GpuBlockContext, GpuCall, GpuCallResult, GpuStateSnapshot } from '../../src/gpu/abi.js';
import type { GpuCallExecutor } from '../../src/gpu/executor.js';
import type { GpuSession } from '../../src/gpu/runtime.js';
import { compilerExecutor, type CompilerExecutorOptions } from '../../src/compiler/executor.js';
import { testSession } from '../support/gpu.js';
import { ProgramCache } from '../../src/compiler/cache.js';
import { forkAtLeast, type Fork } from '../../src/model/fork.js';

/**
 * Differential harness for the interpreter kernel: the same top-level call runs in
 * @ethereumjs/evm (runCall, with the same warm set and state) and through
 * GpuCallExecutor, and every observable is compared: outcome, gas left, refund,
 * return data, logs and final storage.
 */

export { asm } from './asm.js';

export const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
export const addr = (n: number | bigint) => setLengthLeft(bigIntToBytes(BigInt(n)), 20);

// ---- cases ----

export interface ExtraAccount {
  address: Uint8Array;
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  storage?: Map<bigint, bigint>;
}

export interface Case {
  name: string;
  code: Uint8Array;
  gas?: bigint;
  data?: Uint8Array;
  value?: bigint;
  /** The executing account's storage and balance before the call. */
  storage?: Map<bigint, bigint>;
  balance?: bigint;
  accounts?: ExtraAccount[];
  /** Added to the default warm set (caller, the executing account). */
  warm?: Uint8Array[];
  warmSlots?: bigint[];
  blobHashes?: Uint8Array[];
  gasPrice?: bigint;
  /** Accounts absent before whose final state is compared too (a value transfer's new account). */
  watch?: Uint8Array[];
}

/**
 * Case i runs as account TARGET(i) called by CALLER(i): distinct accounts let the cases
 * of one test share one snapshot and so one dispatch.
 */
export const TARGET = (i: number) => addr(0xc0de0000 + i);
export const CALLER = (i: number) => addr(0xca110000 + i);

export interface Env {
  fork: Fork;
  number?: bigint;
  timestamp?: bigint;
  coinbase?: Uint8Array;
  gasLimit?: bigint;
  chainId?: bigint;
  baseFee?: bigint;
  prevRandao?: bigint;
  excessBlobGas?: bigint;
  blockHashes?: Map<bigint, Uint8Array>;
}

interface Observed {
  outcome: OutcomeName;
  gasLeft: bigint;
  refund: bigint;
  returnData: string;
  logs: string[];
  storage: string[];
  /** Other accounts (a successful call only): `address=balance:nonce` and their nonzero slots, where any differs from empty. */
  accounts: string[];
}

const keccakHex = (b: Uint8Array) => keccak_256(b);

function ownAccounts(c: Case, i: number): ExtraAccount[] {
  return [
    { address: TARGET(i), balance: c.balance ?? 0n, nonce: 1n, code: c.code, storage: c.storage },
    { address: CALLER(i), balance: 10n ** 24n },
  ];
}

const preAccounts = (c: Case, i: number) => [...ownAccounts(c, i), ...(c.accounts ?? [])];

const warmSet = (c: Case, i: number) => [CALLER(i), TARGET(i), ...(c.warm ?? [])];

async function runReference(env: Env, c: Case, i: number, changed: Uint8Array[]): Promise<Observed> {
  const common = makeCommon(env.fork, env.chainId ?? 1n);
  const hashes = env.blockHashes ?? new Map();
  const evm = await createEVM({ common, blockchain: makeBlockHashSource(hashes) as never });
  for (const a of preAccounts(c, i)) {
    const address = new Address(a.address);
    await evm.stateManager.putAccount(address, new Account(a.nonce ?? 0n, a.balance ?? 0n));
    if (a.code?.length) await evm.stateManager.putCode(address, a.code);
    for (const [k, v] of a.storage ?? []) if (v !== 0n) await evm.stateManager.putStorage(address, setLengthLeft(bigIntToBytes(k), 32), bigIntToBytes(v));
  }
  for (const w of warmSet(c, i)) evm.journal.addAlwaysWarmAddress(bytesToHex(w));
  for (const s of c.warmSlots ?? []) evm.journal.addAlwaysWarmSlot(bytesToHex(TARGET(i)), bytesToHex(setLengthLeft(bigIntToBytes(s), 32)));
  const block = makeBlock(env.fork, blockEnv(env), common);
  const gas = c.gas ?? 1_000_000n;
  const res = await evm.runCall({
    to: new Address(TARGET(i)),
    caller: new Address(CALLER(i)),
    origin: new Address(CALLER(i)),
    value: c.value ?? 0n,
    data: c.data ?? new Uint8Array(0),
    gasLimit: gas,
    gasPrice: c.gasPrice ?? 7n,
    block,
    skipNonceIncrement: true,
    blobVersionedHashes: (c.blobHashes ?? []).map((h) => bytesToHex(h)),
  });
  const r = res.execResult;
  const err = r.exceptionError?.error;
  const outcome = outcomeFromEthereumjs(err, r.returnValue.length);
  const halted = err !== undefined && err !== 'revert';
  const storage: string[] = [];
  for (const k of storageKeys(c)) {
    const v = await evm.stateManager.getStorage(new Address(TARGET(i)), setLengthLeft(bigIntToBytes(k), 32));
    const n = v.length ? BigInt(bytesToHex(v)) : 0n;
    if (n !== 0n) storage.push(`${k.toString(16)}=${n.toString(16)}`);
  }
  const accounts: string[] = [];
  if (err === undefined) {
    for (const a of observedAccounts(c, i, changed)) {
      const address = new Address(a);
      const acct = await evm.stateManager.getAccount(address);
      const slots: [bigint, bigint][] = [];
      if (hex(a) !== hex(TARGET(i))) {
        for (const k of storageKeys(c, a)) {
          const v = await evm.stateManager.getStorage(address, setLengthLeft(bigIntToBytes(k), 32));
          slots.push([k, v.length ? BigInt(bytesToHex(v)) : 0n]);
        }
      }
      const code = await evm.stateManager.getCode(address);
      // Whether SELFDESTRUCT ran in it (ethereumjs lists created accounts only from Cancun).
      const fate = r.selfdestruct?.has(bytesToHex(a)) ? 'destroyed' : '';
      accounts.push(...describeAccount(a, acct?.balance ?? 0n, acct?.nonce ?? 0n, slots, code, fate));
    }
  }
  return {
    outcome,
    gasLeft: halted ? 0n : gas - r.executionGasUsed,
    refund: err === undefined ? r.gasRefund ?? 0n : 0n,
    returnData: halted ? '' : hex(r.returnValue),
    logs: err === undefined ? (r.logs ?? []).map(([a, topics, data]) => `${hex(a)}:${topics.map(hex).join(',')}:${hex(data)}`) : [],
    storage,
    accounts,
  };
}

/** Accounts whose final state is compared: the caller, every account the case names, and every account the GPU reports changed (a create's). */
function observedAccounts(c: Case, i: number, changed: Uint8Array[]): Uint8Array[] {
  const all = [CALLER(i), TARGET(i), ...(c.accounts ?? []).map((a) => a.address), ...(c.watch ?? []), ...changed];
  return [...new Map(all.map((a) => [hex(a), a])).values()];
}

function describeAccount(a: Uint8Array, balance: bigint, nonce: bigint, slots: [bigint, bigint][], code: Uint8Array, fate: string): string[] {
  const out = balance !== 0n || nonce !== 0n || code.length > 0 || fate ? [`${hex(a)}=${balance.toString(16)}:${nonce}:${hex(code)}:${fate}`] : [];
  for (const [k, v] of slots) if (v !== 0n) out.push(`${hex(a)}[${k.toString(16)}]=${v.toString(16)}`);
  return out;
}

/** Slots whose final value is compared: every slot set before, and every slot the code could name with a small PUSH. */
let extraKeys: bigint[] = [];
function storageKeys(c: Case, account?: Uint8Array): bigint[] {
  const pre = account ? c.accounts?.find((a) => hex(a.address) === hex(account))?.storage : c.storage;
  return [...new Set([...(pre?.keys() ?? []), ...extraKeys])].sort((a, b) => (a < b ? -1 : 1));
}

function blockEnv(env: Env) {
  return {
    number: env.number ?? 1000n,
    timestamp: env.timestamp ?? 1_700_000_000n,
    coinbase: env.coinbase ?? addr(0xc01bba5e),
    gasLimit: env.gasLimit ?? 30_000_000n,
    chainId: env.chainId ?? 1n,
    baseFee: env.baseFee ?? 7n,
    prevRandao: setLengthLeft(bigIntToBytes(env.prevRandao ?? 0x1234n), 32),
    difficulty: env.prevRandao ?? 0x1234n,
    excessBlobGas: env.excessBlobGas ?? 0n,
    blockHashes: env.blockHashes ?? new Map(),
  };
}

export function gpuBlock(env: Env): GpuBlockContext {
  const common = makeCommon(env.fork, env.chainId ?? 1n);
  const block = makeBlock(env.fork, blockEnv(env), common);
  const b = blockEnv(env);
  return {
    fork: env.fork,
    coinbase: b.coinbase,
    number: b.number,
    timestamp: b.timestamp,
    gasLimit: b.gasLimit,
    chainId: b.chainId,
    baseFee: forkAtLeast(env.fork, 'London') ? b.baseFee : 0n,
    prevRandao: b.difficulty,
    blobBaseFee: forkAtLeast(env.fork, 'Cancun') ? block.header.getBlobGasPrice() : 0n,
    blockHashes: b.blockHashes,
  };
}

export function gpuCall(c: Case, i: number): GpuCall {
  return {
    address: TARGET(i),
    caller: CALLER(i),
    origin: CALLER(i),
    value: c.value ?? 0n,
    data: c.data ?? new Uint8Array(0),
    gasPrice: c.gasPrice ?? 7n,
    gas: c.gas ?? 1_000_000n,
    code: c.code,
    isCreate: false,
    warmAddresses: warmSet(c, i),
    warmSlots: (c.warmSlots ?? []).map((slot) => ({ address: TARGET(i), slot })),
    blobVersionedHashes: c.blobHashes ?? [],
  };
}

/**
 * Adds case i's accounts to a snapshot as the GPU sees them: after runCall's value
 * transfer. Extra accounts shared by several cases must agree (checked by the caller).
 */
function addAccounts(accounts: GpuStateSnapshot['accounts'], c: Case, i: number): void {
  const value = c.value ?? 0n;
  const put = (a: ExtraAccount, delta: bigint) => {
    const code = a.code ?? new Uint8Array(0);
    accounts.set(`0x${hex(a.address)}`, {
      balance: (a.balance ?? 0n) + delta,
      nonce: a.nonce ?? 0n,
      code,
      codeHash: keccakHex(code),
      storage: new Map(a.storage ?? []),
    });
  };
  const [target, caller] = ownAccounts(c, i);
  put(target, value);
  put(caller, -value);
  for (const a of c.accounts ?? []) put(a, 0n);
}

/** Case i's state as the GPU sees it, for tests that run an executor themselves. */
export function snapshotOf(c: Case, i: number): GpuStateSnapshot {
  const state: GpuStateSnapshot = { accounts: new Map() };
  addAccounts(state.accounts, c, i);
  return state;
}

function observeGpu(c: Case, i: number, state: GpuStateSnapshot, r: GpuCallResult): Observed {
  const outcome = outcomeName(r.outcome);
  const finalStorage = new Map(state.accounts.get(`0x${hex(TARGET(i))}`)!.storage);
  for (const w of r.storageWrites) if (hex(w.address) === hex(TARGET(i))) finalStorage.set(w.slot, w.value);
  const storage: string[] = [];
  for (const k of storageKeys(c)) {
    const v = finalStorage.get(k) ?? 0n;
    if (v !== 0n) storage.push(`${k.toString(16)}=${v.toString(16)}`);
  }
  const ok = outcome === 'Stop' || outcome === 'Return';
  const accounts: string[] = [];
  if (ok) {
    for (const a of observedAccounts(c, i, r.accounts.map((x) => x.address))) {
      const key = `0x${hex(a)}`;
      const pre = state.accounts.get(key);
      const change = r.accounts.find((x) => hex(x.address) === hex(a));
      const slots: [bigint, bigint][] = [];
      if (hex(a) !== hex(TARGET(i))) {
        const finalSlots = new Map(pre?.storage ?? []);
        for (const w of r.storageWrites) if (hex(w.address) === hex(a)) finalSlots.set(w.slot, w.value);
        for (const k of storageKeys(c, a)) slots.push([k, finalSlots.get(k) ?? 0n]);
      }
      const fate = change?.destroyed ? 'destroyed' : '';
      accounts.push(...describeAccount(a, change?.balance ?? pre?.balance ?? 0n, change?.nonce ?? pre?.nonce ?? 0n, slots, change?.code ?? pre?.code ?? new Uint8Array(0), fate));
    }
  }
  return {
    outcome,
    gasLeft: r.gasLeft,
    refund: ok ? r.refund : 0n,
    returnData: hex(r.returnData),
    logs: r.logs.map((l) => `${hex(l.address)}:${l.topics.map(hex).join(',')}:${hex(l.data)}`),
    storage,
    accounts,
  };
}

const show = (o: Observed) => JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
/** For messages: long return data and log data shortened. */
const brief = (o: Observed) => show(o).replace(/[0-9a-f]{160,}/g, (h) => `${h.slice(0, 64)}…(${h.length / 2} bytes)…${h.slice(-64)}`);

/**
 * The kernel every executor of this harness runs: EVMGPU_TEST_KERNEL=compiled runs the
 * whole differential suite through compiled programs (test/compiler/ does so), and then
 * diff() also fails any call that did not run compiled.
 */
export function harnessKernel(): 'interpreter' | 'compiled' {
  return process.env.EVMGPU_TEST_KERNEL === 'compiled' ? 'compiled' : 'interpreter';
}

const kernelOptions = (): CompilerExecutorOptions => ({ kernel: harnessKernel(), programs: new ProgramCache({ dir: false }) });

let executor: { session: GpuSession; kernel: string; ex: GpuCallExecutor } | undefined;
/** An executor with default options on the current device (a lost device gets a new one). */
export async function defaultExecutor(): Promise<GpuCallExecutor> {
  const session = await testSession();
  if (executor?.session !== session || executor.kernel !== harnessKernel()) executor = { session, kernel: harnessKernel(), ex: compilerExecutor(session, kernelOptions()) };
  return executor.ex;
}

export async function customExecutor(opts: CompilerExecutorOptions): Promise<GpuCallExecutor> {
  return compilerExecutor(await testSession(), { ...kernelOptions(), ...opts });
}

export interface DiffOptions {
  executor?: GpuCallExecutor;
  /** Slots compared besides the pre-state's (default 0..7). */
  slots?: bigint[];
}

/**
 * Runs every case both ways (the GPU side in one dispatch) and returns a description of
 * each mismatch, naming the case, its code, the opcode where the GPU stopped, and both
 * results.
 */
export async function diff(env: Env, cases: Case[], opts: DiffOptions = {}): Promise<{ mismatches: string[]; results: GpuCallResult[] }> {
  extraKeys = opts.slots ?? [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n];
  const ex = opts.executor ?? (await defaultExecutor());
  // Cases whose extra accounts agree share one snapshot and run in one dispatch.
  const groups = new Map<string, number[]>();
  cases.forEach((c, i) => {
    const k = extrasKey(c);
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const results: GpuCallResult[] = [];
  const states: GpuStateSnapshot[] = [];
  for (const idx of groups.values()) {
    const state: GpuStateSnapshot = { accounts: new Map() };
    for (const i of idx) addAccounts(state.accounts, cases[i], i);
    const rs = await ex.execute(gpuBlock(env), state, idx.map((i) => gpuCall(cases[i], i)));
    idx.forEach((i, k) => {
      results[i] = rs[k];
      states[i] = state;
    });
  }
  const mismatches: string[] = [];
  for (const [i, c] of cases.entries()) {
    const want = await runReference(env, c, i, results[i].accounts.map((x) => x.address));
    const got = observeGpu(c, i, states[i], results[i]);
    if (harnessKernel() === 'compiled' && results[i].kernel !== 'compiled') mismatches.push(`${env.fork} ${c.name}: ran on the ${results[i].kernel} kernel, not compiled`);
    if (show(want) !== show(got)) {
      const at = results[i].stoppedAt;
      const op = at ? `${OPCODES[at.op].name} at pc ${at.pc}` : 'unknown';
      mismatches.push(`${env.fork} ${c.name}\n  code ${hex(c.code)}\n  gpu stopped at ${op}\n  reference ${brief(want)}\n  gpu       ${brief(got)}`);
    }
  }
  return { mismatches, results };
}

function extrasKey(c: Case): string {
  return (c.accounts ?? [])
    .map((a) => `${hex(a.address)}:${a.balance}:${a.nonce}:${hex(a.code ?? new Uint8Array(0))}:${[...(a.storage ?? [])].map(([x, y]) => `${x}=${y}`).join(',')}`)
    .sort()
    .join('|');
}

/** Fails listing the first mismatches and how many there were. */
export function noMismatches(bad: string[]): string[] {
  return bad.length === 0 ? [] : [`${bad.length} mismatches`, ...bad.slice(0, 10)];
}
