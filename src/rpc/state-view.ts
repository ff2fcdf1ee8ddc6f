import type { Common } from '@ethereumjs/common';
import { createMerkleProof, createMPT, type MerklePatriciaTrie } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { KECCAK256_NULL, KECCAK256_RLP, ValueEncoding, type BatchDBOp, type DB } from '@ethereumjs/util';
import { bytesToBigint, bytesToHex, hexToBytes, type Hex } from '../primitives/hex.js';

/**
 * The state of any stored block, read through its state root: the chain's trie nodes
 * are standard ones keyed by their hash and never deleted (src/rollup/trie.ts), so
 * @ethereumjs/mpt walks them as its own. The JSON-RPC reads, proofs (EIP-1186) and calls
 * go through here; writes (a call's) stay in memory and never reach the store.
 */
export interface NodeStore {
  node(hash: Uint8Array): Uint8Array | undefined;
  code(hash: Uint8Array): Uint8Array | undefined;
}

/** An @ethereumjs DB over the store: keys are unprefixed hex, trie nodes by hash, code by 'c' . hash (MerkleStateManager's prefix). */
class StoreDb implements DB<string, Uint8Array> {
  private readonly overlay = new Map<string, Uint8Array | undefined>();
  constructor(private readonly store: NodeStore) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    if (this.overlay.has(key)) return this.overlay.get(key);
    if (key.length === 64) return this.store.node(hexToBytes(`0x${key}`));
    if (key.length === 66 && key.startsWith('63')) return this.store.code(hexToBytes(`0x${key.slice(2)}`));
    return undefined;
  }
  async put(key: string, value: Uint8Array): Promise<void> {
    this.overlay.set(key, value);
  }
  async del(key: string): Promise<void> {
    this.overlay.set(key, undefined);
  }
  async batch(ops: BatchDBOp<string, Uint8Array>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === 'put') this.overlay.set(op.key, op.value);
      else this.overlay.set(op.key, undefined);
    }
  }
  shallowCopy(): DB<string, Uint8Array> {
    return this;
  }
  async open(): Promise<void> {}
}

export interface TrieAccount {
  nonce: bigint;
  balance: bigint;
  storageRoot: Uint8Array;
  codeHash: Uint8Array;
}

/** EIP-1186's answer, in its wire form. */
export interface AccountProof {
  address: Hex;
  accountProof: Hex[];
  balance: Hex;
  codeHash: Hex;
  nonce: Hex;
  storageHash: Hex;
  storageProof: { key: Hex; value: Hex; proof: Hex[] }[];
}

const q = (v: bigint): Hex => `0x${v.toString(16)}`;

export class StateView {
  private constructor(
    private readonly store: NodeStore,
    private readonly db: StoreDb,
    readonly trie: MerklePatriciaTrie,
  ) {}

  static async at(store: NodeStore, stateRoot: Uint8Array): Promise<StateView> {
    const db = new StoreDb(store);
    const trie = await createMPT({ db, root: stateRoot, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes });
    return new StateView(store, db, trie);
  }

  async account(addr: Hex): Promise<TrieAccount | undefined> {
    const leaf = await this.trie.get(hexToBytes(addr));
    if (!leaf) return undefined;
    const [nonce, balance, storageRoot, codeHash] = RLP.decode(leaf) as Uint8Array[];
    return { nonce: bytesToBigint(nonce), balance: bytesToBigint(balance), storageRoot, codeHash };
  }

  async code(addr: Hex): Promise<Uint8Array> {
    const a = await this.account(addr);
    if (!a || Buffer.compare(a.codeHash, KECCAK256_NULL) === 0) return new Uint8Array(0);
    return this.store.code(a.codeHash) ?? new Uint8Array(0);
  }

  async storage(addr: Hex, slot: bigint): Promise<bigint> {
    const a = await this.account(addr);
    if (!a || Buffer.compare(a.storageRoot, KECCAK256_RLP) === 0) return 0n;
    const leaf = await (await this.storageTrie(a.storageRoot)).get(slotKey(slot));
    return leaf ? bytesToBigint(RLP.decode(leaf) as Uint8Array) : 0n;
  }

  /** EIP-1186: the account's proof against this state root, and each slot's against its storage root (absent ones prove absence). */
  async proof(addr: Hex, slots: { key: Hex; slot: bigint }[]): Promise<AccountProof> {
    const a = await this.account(addr);
    const accountProof = (await createMerkleProof(this.trie, hexToBytes(addr))).map(bytesToHex);
    const storageRoot = a?.storageRoot ?? KECCAK256_RLP;
    const storage = Buffer.compare(storageRoot, KECCAK256_RLP) === 0 ? undefined : await this.storageTrie(storageRoot);
    const storageProof = [];
    for (const { key, slot } of slots) {
      if (!storage) {
        storageProof.push({ key, value: '0x0' as Hex, proof: [] });
        continue;
      }
      const leaf = await storage.get(slotKey(slot));
      const proof = (await createMerkleProof(storage, slotKey(slot))).map(bytesToHex);
      storageProof.push({ key, value: q(leaf ? bytesToBigint(RLP.decode(leaf) as Uint8Array) : 0n), proof });
    }
    return {
      address: addr, accountProof,
      balance: q(a?.balance ?? 0n), nonce: q(a?.nonce ?? 0n),
      codeHash: bytesToHex(a?.codeHash ?? KECCAK256_NULL), storageHash: bytesToHex(storageRoot),
      storageProof,
    };
  }

  /** A state manager over this state for @ethereumjs/vm: reads come from the store, writes stay in memory. */
  stateManager(common: Common): MerkleStateManager {
    return new MerkleStateManager({ common, trie: this.trie });
  }

  private storageTrie(root: Uint8Array): Promise<MerklePatriciaTrie> {
    return createMPT({ db: this.db, root, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes });
  }
}

function slotKey(slot: bigint): Uint8Array {
  return hexToBytes(`0x${slot.toString(16).padStart(64, '0')}`);
}
