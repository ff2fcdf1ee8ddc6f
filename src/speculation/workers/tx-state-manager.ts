import type { AccountFields, StateManagerInterface } from '@ethereumjs/common';
import { Account, Address, KECCAK256_NULL, KECCAK256_RLP, bigIntToUnpaddedBytes, bytesToBigInt } from '@ethereumjs/util';
import type { AccountRead, AccountState, TxReads, TxWrites } from '../access-sets.js';
import type { StateReader } from '../world-state.js';
import { codeHash } from '../../primitives/code-hash.js';

/** Any 32 bytes other than the empty root: ethereumjs only asks whether storage is empty (EIP-7610). */
const NON_EMPTY_ROOT = new Uint8Array(32).fill(1);
const EMPTY = new Uint8Array(0);

type Undo = () => void;

/**
 * ethereumjs's view of the state for one transaction at a time: reads fall through to
 * a `StateReader` (the committed state, or the batch's starting state for speculation)
 * and are recorded with the value seen; writes stay local, journaled for ethereumjs's
 * checkpoints, and come out as the transaction's write set. Nothing is shared between
 * transactions: `begin()` starts the next one from empty local state.
 *
 * The coinbase gets one special case. runTx pays the fee after the call returns by
 * reading and rewriting the coinbase; recorded as a read, every transaction would
 * conflict with the one before it. When nothing before that point touched the
 * coinbase, the payment comes out as `coinbaseDelta` and no read is recorded.
 */
export class TxStateManager implements StateManagerInterface {
  private base!: StateReader;
  private coinbase = '';
  private local = new Map<string, AccountState | null>();
  private localSlots = new Map<string, Map<bigint, bigint>>();
  private wiped = new Set<string>();
  private journal: Undo[] = [];
  private marks: number[] = [];
  private accountReads = new Map<string, AccountRead | null>();
  private slotReads = new Map<string, Map<bigint, bigint>>();
  /** 'exec' until the top-level call has returned; after it runTx settles gas and fees. */
  private phase: 'exec' | 'post' = 'exec';
  private coinbaseMode: 'untouched' | 'read' | 'delta' = 'untouched';
  private coinbaseBase: AccountState | undefined;

  readonly originalStorageCache = {
    // EIP-2200's "original" value is the value before the transaction: the underlying state's.
    get: async (address: Address, key: Uint8Array): Promise<Uint8Array> => bigIntToUnpaddedBytes(this.baseSlot(address.toString(), bytesToBigInt(key))),
    clear: (): void => {},
  };

  begin(base: StateReader, coinbase: string): void {
    this.base = base;
    this.coinbase = coinbase;
    this.local = new Map();
    this.localSlots = new Map();
    this.wiped = new Set();
    this.journal = [];
    this.marks = [];
    this.accountReads = new Map();
    this.slotReads = new Map();
    this.phase = 'exec';
    this.coinbaseMode = 'untouched';
    this.coinbaseBase = undefined;
  }

  /** Called when the transaction's top-level call has returned. */
  enterSettlement(): void {
    this.phase = 'post';
  }

  /** The reads and writes of the transaction since begin(). */
  finish(): { reads: TxReads; writes: TxWrites } {
    const writes: TxWrites = { wiped: [...this.wiped], storage: [], accounts: [] };
    for (const [addr, m] of this.localSlots) if (m.size > 0) writes.storage.push([addr, [...m]]);
    for (const [addr, a] of this.local) {
      if (addr === this.coinbase && this.coinbaseMode === 'delta' && this.isPureCredit(a)) {
        writes.coinbaseDelta = (a?.balance ?? 0n) - (this.coinbaseBase?.balance ?? 0n);
        continue;
      }
      writes.accounts.push([addr, a]);
    }
    const reads: TxReads = { accounts: [...this.accountReads], storage: [] };
    for (const [addr, m] of this.slotReads) for (const [slot, v] of m) reads.storage.push([addr, slot, v]);
    return { reads, writes };
  }

  /** The settlement only ever adds to the coinbase's balance; anything else is recorded as a plain read and write. */
  private isPureCredit(after: AccountState | null): boolean {
    const before = this.coinbaseBase;
    const ok = after === null
      ? (before === undefined || (before.balance === 0n && before.nonce === 0n && before.code.length === 0))
      : after.nonce === (before?.nonce ?? 0n) && Buffer.compare(after.codeHash, before?.codeHash ?? KECCAK256_NULL) === 0;
    if (!ok) this.recordAccountRead(this.coinbase, before);
    return ok;
  }

  private recordAccountRead(addr: string, a: AccountState | undefined): void {
    if (this.accountReads.has(addr)) return;
    this.accountReads.set(addr, a ? { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, storageEmpty: this.base.storageEmpty(addr) } : null);
  }

  private baseAccount(addr: string): AccountState | undefined {
    const a = this.base.account(addr);
    if (addr === this.coinbase) {
      if (this.phase === 'post' && this.coinbaseMode === 'untouched') {
        this.coinbaseMode = 'delta';
        this.coinbaseBase = a;
        return a;
      }
      if (this.coinbaseMode === 'delta') return this.coinbaseBase;
      this.coinbaseMode = 'read';
    }
    this.recordAccountRead(addr, a);
    return a;
  }

  private baseSlot(addr: string, slot: bigint): bigint {
    let m = this.slotReads.get(addr);
    const seen = m?.get(slot);
    if (seen !== undefined) return seen;
    const v = this.base.storage(addr, slot);
    if (!m) this.slotReads.set(addr, (m = new Map()));
    m.set(slot, v);
    return v;
  }

  private current(addr: string): AccountState | undefined {
    if (this.local.has(addr)) return this.local.get(addr) ?? undefined;
    return this.baseAccount(addr);
  }

  private setLocal(addr: string, a: AccountState | null): void {
    const had = this.local.has(addr);
    const prev = this.local.get(addr);
    this.journal.push(() => (had ? this.local.set(addr, prev!) : this.local.delete(addr)));
    this.local.set(addr, a);
  }

  private storageEmpty(addr: string): boolean {
    const m = this.localSlots.get(addr);
    if (m) for (const v of m.values()) if (v !== 0n) return false;
    return this.wiped.has(addr) || this.base.storageEmpty(addr);
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    const addr = address.toString();
    const a = this.current(addr);
    if (!a) return undefined;
    return new Account(a.nonce, a.balance, this.storageEmpty(addr) ? KECCAK256_RLP : NON_EMPTY_ROOT, a.codeHash);
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    const addr = address.toString();
    if (account === undefined) return this.deleteAccount(address);
    const prev = this.current(addr);
    const sameCode = prev !== undefined && Buffer.compare(prev.codeHash, account.codeHash) === 0;
    this.setLocal(addr, { nonce: account.nonce, balance: account.balance, codeHash: account.codeHash, code: sameCode ? prev.code : EMPTY });
  }

  async deleteAccount(address: Address): Promise<void> {
    const addr = address.toString();
    this.current(addr);
    this.setLocal(addr, null);
    this.wipeLocal(addr);
  }

  private wipeLocal(addr: string): void {
    const hadWipe = this.wiped.has(addr);
    const prevSlots = this.localSlots.get(addr);
    this.journal.push(() => {
      if (!hadWipe) this.wiped.delete(addr);
      if (prevSlots) this.localSlots.set(addr, prevSlots);
      else this.localSlots.delete(addr);
    });
    this.wiped.add(addr);
    this.localSlots.set(addr, new Map());
  }

  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const account = (await this.getAccount(address)) ?? new Account();
    if (fields.nonce !== undefined) account.nonce = fields.nonce;
    if (fields.balance !== undefined) account.balance = fields.balance;
    if (fields.codeHash !== undefined) account.codeHash = fields.codeHash;
    await this.putAccount(address, account);
  }

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    const addr = address.toString();
    const a = this.current(addr);
    this.setLocal(addr, {
      nonce: a?.nonce ?? 0n,
      balance: a?.balance ?? 0n,
      codeHash: codeHash(value),
      code: value,
    });
  }

  async getCode(address: Address): Promise<Uint8Array> {
    return this.current(address.toString())?.code ?? EMPTY;
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length;
  }

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return bigIntToUnpaddedBytes(this.slot(address.toString(), bytesToBigInt(key)));
  }

  private slot(addr: string, slot: bigint): bigint {
    const v = this.localSlots.get(addr)?.get(slot);
    if (v !== undefined) return v;
    if (this.wiped.has(addr)) return 0n;
    return this.baseSlot(addr, slot);
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const addr = address.toString();
    const slot = bytesToBigInt(key);
    let m = this.localSlots.get(addr);
    if (!m) this.localSlots.set(addr, (m = new Map()));
    const map = m;
    const had = map.has(slot);
    const prev = map.get(slot);
    this.journal.push(() => (had ? map.set(slot, prev!) : map.delete(slot)));
    map.set(slot, bytesToBigInt(value));
  }

  async clearStorage(address: Address): Promise<void> {
    this.wipeLocal(address.toString());
  }

  async checkpoint(): Promise<void> {
    this.marks.push(this.journal.length);
  }

  async commit(): Promise<void> {
    this.marks.pop();
  }

  async revert(): Promise<void> {
    const mark = this.marks.pop() ?? 0;
    while (this.journal.length > mark) this.journal.pop()!();
  }

  async getStateRoot(): Promise<Uint8Array> {
    throw new Error('TxStateManager keeps no trie: roots are computed from the committed state');
  }

  async setStateRoot(): Promise<void> {
    throw new Error('TxStateManager keeps no trie');
  }

  async hasStateRoot(): Promise<boolean> {
    throw new Error('TxStateManager keeps no trie');
  }

  clearCaches(): void {}

  shallowCopy(): StateManagerInterface {
    throw new Error('TxStateManager is not copied: each transaction begins on it afresh');
  }
}
