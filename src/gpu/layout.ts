/**
 * Every buffer the interpreter kernel shares with the host, declared once. A layout is
 * an ordered list of named fields measured in u32 words; from it come the WGSL offset
 * constants prepended to the kernel (`CALL_GAS`, `CALL_WORDS`, ...) and the offsets the
 * host packs and unpacks with, so the two sides cannot drift apart. Buffers are flat
 * `array<u32>`: WGSL struct layout rules (vec2 alignment, array strides) would add
 * padding the host would then have to restate.
 */
export interface WordLayout<K extends string> {
  /** Prefix of the WGSL constants, e.g. `CALL`. */
  readonly name: string;
  /** Words per record. */
  readonly words: number;
  readonly offset: Readonly<Record<K, number>>;
  readonly size: Readonly<Record<K, number>>;
}

export function wordLayout<const F extends Record<string, number>>(name: string, fields: F): WordLayout<keyof F & string> {
  const offset = {} as Record<keyof F & string, number>;
  const size = {} as Record<keyof F & string, number>;
  let at = 0;
  for (const [field, words] of Object.entries(fields) as [keyof F & string, number][]) {
    offset[field] = at;
    size[field] = words;
    at += words;
  }
  return { name, words: at, offset, size };
}

const constName = (prefix: string, field: string) => `${prefix}_${field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;

/** `const CALL_GAS: u32 = 40u;` per field, then `const CALL_WORDS: u32 = ...`. */
export function layoutWgsl(layout: WordLayout<string>): string {
  const lines = Object.entries(layout.offset).map(([f, o]) => `const ${constName(layout.name, f)}: u32 = ${o}u;`);
  lines.push(`const ${layout.name}_WORDS: u32 = ${layout.words}u;`);
  return lines.join('\n');
}

/** A u256 is 8 limbs, a 64-bit quantity 2 (low word first), an address 5 (limb order of its u256). */
const U256 = 8;
const U64 = 2;
const ADDRESS = 5;

/** Dispatch-wide parameters: the block, the budgets and where each region sits. */
export const PARAMS = wordLayout('PARAMS', {
  callCount: 1,
  /** Always 0: loops bounded by `n + opaque` stay loops (see kernels/interpreter/frame.wgsl). */
  opaque: 1,
  /** Index of the fork's row in the generated per-fork tables, OPCODE_INFO and GAS_*_BY_FORK (Berlin = 0). */
  forkRow: 1,
  stepBudget: 1,
  /** Per scratch slot: words, and where its frame records, undo log, transient storage, hash preimage and memory pool start. */
  scratchWords: 1,
  scratchFrames: 1,
  scratchUndo: 1,
  scratchTransient: 1,
  scratchHash: 1,
  scratchMemory: 1,
  /** Per slot of the stack buffer: items (two vec4 elements each). */
  stackItems: 1,
  /** Caps of a slot: frames (call depth + 1), undo records, transient keys. */
  frameCap: 1,
  undoCap: 1,
  transientCap: 1,
  /** Per call: words of its output region, and where each part starts. */
  outWords: 1,
  outReturn: 1,
  outLogs: 1,
  outLogData: 1,
  outJournal: 1,
  outAccounts: 1,
  outCode: 1,
  returnCap: 1,
  logCap: 1,
  logDataCap: 1,
  journalCap: 1,
  accountsCap: 1,
  /** Bytes of code the call's creates may deposit, with their JUMPDEST bitmaps. */
  codeCap: 1,
  /** Open-addressing tables inside the state buffer: word offset and slot mask. */
  accountsAt: 1,
  accountsMask: 1,
  slotsAt: 1,
  slotsMask: 1,
  coinbase: U256,
  number: U256,
  timestamp: U256,
  gasLimit: U256,
  chainId: U256,
  baseFee: U256,
  prevRandao: U256,
  blobBaseFee: U256,
  /** BLOCKHASH(number - 1 - i) for i < 256, zero where unknown or out of range. */
  blockHashes: 256 * U256,
});

/** Per dispatch of a chunk: which calls it runs. A uniform, so it is its own tiny layout. */
export const CHUNK = wordLayout('CHUNK', { firstCall: 1, count: 1, pad0: 1, pad1: 1 });

/** One call's inputs. Byte ranges point into the blob buffer by word offset. */
export const CALL = wordLayout('CALL', {
  address: U256,
  caller: U256,
  origin: U256,
  value: U256,
  gasPrice: U256,
  gas: U64,
  codeAt: 1,
  codeLen: 1,
  jumpdestsAt: 1,
  dataAt: 1,
  dataLen: 1,
  isCreate: 1,
  /** Warm at the start: addresses (5 words each), and (address, slot) pairs (WARM_SLOT records). */
  warmAddrsAt: 1,
  warmAddrsCount: 1,
  warmSlotsAt: 1,
  warmSlotsCount: 1,
  blobHashesAt: 1,
  blobHashesCount: 1,
  /**
   * The accounts as this call's transaction starts, where its own rules changed them
   * (the sender charged, the value moved, authorizations applied): ACCOUNT entries in
   * the state buffer, read before the snapshot's tables.
   */
  overridesAt: 1,
  overridesCount: 1,
  /** The code's compiled program in the blob (src/compiler), or 0xffffffff: the compiled-program kernel reads it, the interpreter kernel ignores it. */
  programAt: 1,
  /** The host's answers to this call's precompile calls, in order (HOST_ANSWER records in the blob). */
  hostAnswersAt: 1,
  hostAnswersCount: 1,
  /** Slots whose value as this call's transaction starts is not the snapshot's (SLOT_OVERRIDE records in the blob), read before the tables. */
  slotOverridesAt: 1,
  slotOverridesCount: 1,
});

/**
 * The host's answer to one precompile call of a call (the k-th, in execution order):
 * the call it answers (precompile address and input, bytes in the blob from word
 * `inputAt`: the kernel compares them), the gas it used and its output (bytes in the
 * blob from word `outputAt`). Only successful runs are answered, and a precompile's
 * gas and output follow from its input, so the answer holds for any call with that
 * input and at least that gas: a rerun of the call starts with its previous run's
 * answers. Eight words (`spare` unused): read as one u256.
 */
export const HOST_ANSWER = wordLayout('HOST_ANSWER', { address: 1, inputLen: 1, inputAt: 1, gasUsed: U64, outputLen: 1, outputAt: 1, spare: 1 });

/** One warm (address, slot) pair of a call's access list. */
export const WARM_SLOT = wordLayout('WARM_SLOT', { address: ADDRESS, key: U256 });

/** A slot of a call's start state that is not the snapshot's (a chained rerun's: speculation/chained-slots.ts); starts as WARM_SLOT does (the kernel's slot_record finds both). */
export const SLOT_OVERRIDE = wordLayout('SLOT_OVERRIDE', { address: ADDRESS, key: U256, value: U256 });
if (SLOT_OVERRIDE.offset.address !== WARM_SLOT.offset.address || SLOT_OVERRIDE.offset.key !== WARM_SLOT.offset.key) throw new Error('SLOT_OVERRIDE must start as WARM_SLOT does');

/**
 * Account table entry; `used` is 0 in empty slots. Code ranges point into the blob:
 * `code*` is what EXTCODE* see (EOF code as the two bytes EF00), `run*` what a call
 * runs, with its JUMPDEST bitmap. `slotTag` keys the account's slots in the storage
 * table (0: none uploaded).
 */
export const ACCOUNT = wordLayout('ACCOUNT', {
  used: 1,
  address: ADDRESS,
  balance: U256,
  nonce: U64,
  /** EXTCODEHASH's answer: 0 for an empty account (EIP-1052/161), else the code hash. */
  extHash: U256,
  codeLen: 1,
  codeAt: 1,
  runLen: 1,
  runAt: 1,
  jumpdestsAt: 1,
  slotTag: 1,
  flags: 1,
});
/** The account has a non-zero slot (a create at its address collides, EIP-7610). */
export const ACCOUNT_STORAGE = 1;
/** Its code is an EIP-7702 delegation designator (23 bytes); one that starts like it but is not is MALFORMED. */
export const ACCOUNT_DELEGATED = 2;
export const ACCOUNT_MALFORMED = 4;

/** Storage table entry keyed by (slotTag, slot); `account` 0 marks an empty slot. */
export const SLOT = wordLayout('SLOT', { account: 1, key: U256, value: U256 });

/** The head of one call's output region. */
export const OUT = wordLayout('OUT', {
  outcome: 1,
  gasLeft: U64,
  /** The refund counter as a 64-bit two's complement number. */
  refund: U64,
  steps: 1,
  returnLen: 1,
  logCount: 1,
  logDataLen: 1,
  journalCount: 1,
  accountCount: 1,
  /** Words of the code area used by deposited code. */
  codeWords: 1,
  /** Where, at which call depth and on which opcode execution ended, for diagnostics. */
  pc: 1,
  op: 1,
  depth: 1,
  /** The deepest frame the call entered (0: it made no call). */
  maxDepth: 1,
  /**
   * NeedsHost at a precompile call the host had no answer for: its address (0: none),
   * and the gas it was given; its input is in the return data region (returnLen bytes).
   * `hostAnswer`: which of the call's answers it needs (the ones before it held).
   */
  hostCall: 1,
  hostGas: U64,
  hostAnswer: 1,
});

/** One log record in the output region; data bytes live in the log-data area. `account`: the ACCT record of the emitting account. */
export const LOG = wordLayout('LOG', { account: 1, topicCount: 1, dataAt: 1, dataLen: 1, topics: 4 * U256 });

/**
 * One storage slot the transaction touched, of the account `account` (an ACCT record
 * index): the value first read from the snapshot (`original`, when READ), its flags
 * and its current value. `flags` and `current` are adjacent: the undo log saves them
 * as one range.
 */
export const JOURNAL = wordLayout('JOURNAL', { key: U256, original: U256, account: 1, flags: 1, current: U256 });
export const JOURNAL_WARM = 1;
export const JOURNAL_READ = 2;
export const JOURNAL_WRITTEN = 4;

/**
 * One account the transaction touched, in the output region: its snapshot entry (or
 * 0xffffffff: absent), its flags, and its current balance, nonce and deposited code
 * (code area word offset from the call's output region, and length, when CODE). The
 * part from `flags` on is what the undo log saves and restores.
 */
/** An account the call touched. `need`: the least start balance its balance checks need (ACCT_AT_LEAST), before the flags: undo, which saves from the flags on, keeps a reverted frame's checks. */
export const ACCT = wordLayout('ACCT', { address: ADDRESS, need: U256, entry: 1, flags: 1, balance: U256, nonce: U64, codeAt: 1, codeLen: 1 });
/** EIP-2929 warm. */
export const ACCT_WARM = 1;
/** Its snapshot state (balance, nonce, code) was read: the conflict validator checks it. */
export const ACCT_READ = 2;
/** EIP-161: touched; removed at the end of the transaction if empty then. */
export const ACCT_TOUCHED = 4;
/** Balance or nonce changed. */
export const ACCT_WRITTEN = 8;
/** Code deposited by a create of this transaction (codeAt, codeLen). */
export const ACCT_CODE = 16;
/** Created in this transaction (EIP-6780). */
export const ACCT_CREATED = 32;
/** SELFDESTRUCT ran in it (the refund is paid once). */
export const ACCT_DESTROYED = 64;
/** Whether its storage is empty was read (a create's collision check). */
export const ACCT_STORAGE_READ = 128;
/** Its nonce, code and emptiness were read, not its balance (a call's callee, EXT*): the validator checks those, and credits to it are settled as deltas. */
export const ACCT_SEEN = 256;
/** Its balance was read only by balance checks that passed (a value call it made): the validator checks the start balance is at least `need`, and what the call moved is settled as a delta. */
export const ACCT_AT_LEAST = 512;

/** Transient storage entry (EIP-1153), in the scratch region: it is never read back. */
export const TRANSIENT = wordLayout('TRANSIENT', { account: 1, key: U256, value: U256 });

/**
 * One undo record in the scratch region: `count` words at `at` (in the output region,
 * or in the scratch region when `at` has UNDO_SCRATCH set) as they were before a
 * change made inside a call frame; a frame that reverts or halts restores its records,
 * newest first.
 */
export const UNDO = wordLayout('UNDO', { at: 1, count: 1, saved: ACCT.words - ACCT.offset.flags });
export const UNDO_SCRATCH = 0x80000000;
/** The most words one undo record saves: an ACCT record's mutable part. */
export const UNDO_SAVED_WORDS = UNDO.words - UNDO.offset.saved;

/**
 * One frame of the running call stack, in the scratch region. The first part is the
 * frame's own: its environment words (ADDRESS, CALLER, CALLVALUE) and what its caller
 * needs when it ends (what kind of frame it is, where its output goes, the marks its
 * failure rolls back to). The `saved*` part holds the frame's registers while a frame
 * it called runs.
 */
export const FRAME = wordLayout('FRAME', {
  address: U256,
  caller: U256,
  value: U256,
  kind: 1,
  createAcct: 1,
  retOff: 1,
  retLen: 1,
  undoMark: 1,
  logMark: 1,
  logDataMark: 1,
  codeMark: 1,
  refundMark: U64,
  savedPc: 1,
  savedSp: 1,
  savedStackAt: 1,
  savedStackCap: 1,
  savedMemAt: 1,
  savedMemWords: 1,
  savedMemCap: 1,
  savedGas: U64,
  savedCodeBuf: 1,
  savedCodeBase: 1,
  savedCodeLen: 1,
  savedJdBuf: 1,
  savedJdAt: 1,
  savedDataBuf: 1,
  savedDataBase: 1,
  savedDataLen: 1,
  savedSelfAcct: 1,
  savedFlags: 1,
  savedMode: 1,
  savedProgramAt: 1,
});
/** FRAME.kind: a message call, or a create's init code. */
export const FRAME_CALL = 0;
export const FRAME_CREATE = 1;

/** The EVM stack limit: no frame's stack holds more. */
export const STACK_LIMIT = 1024;

/** Words of the preimage area (CREATE2's 85 bytes, CREATE's RLP), in the scratch region. */
export const HASH_WORDS = 24;

const FLAGS: Record<string, number> = {
  JOURNAL_WARM, JOURNAL_READ, JOURNAL_WRITTEN,
  ACCOUNT_STORAGE, ACCOUNT_DELEGATED, ACCOUNT_MALFORMED,
  ACCT_WARM, ACCT_READ, ACCT_TOUCHED, ACCT_WRITTEN, ACCT_CODE, ACCT_CREATED, ACCT_DESTROYED, ACCT_STORAGE_READ, ACCT_SEEN, ACCT_AT_LEAST,
  UNDO_SCRATCH, UNDO_SAVED_WORDS, FRAME_CALL, FRAME_CREATE, STACK_LIMIT, HASH_WORDS,
};

/** Flag constants the WGSL reads by the same names. */
export function flagsWgsl(): string {
  return Object.entries(FLAGS).map(([name, v]) => `const ${name}: u32 = ${v >>> 0}u;`).join('\n');
}

export const LAYOUTS: readonly WordLayout<string>[] = [PARAMS, CHUNK, CALL, HOST_ANSWER, WARM_SLOT, SLOT_OVERRIDE, ACCOUNT, SLOT, OUT, LOG, JOURNAL, ACCT, TRANSIENT, UNDO, FRAME];

/** Sizes chosen per executor: caps on what one call may use. */
export interface RegionCaps {
  readonly memoryBytes: number;
  readonly stackItems: number;
  readonly frames: number;
  readonly undoEntries: number;
  readonly returnBytes: number;
  readonly logs: number;
  readonly logDataBytes: number;
  readonly journalEntries: number;
  readonly accessedEntries: number;
  readonly transientEntries: number;
  readonly codeBytes: number;
}

export interface Regions {
  readonly scratchWords: number;
  readonly scratchFrames: number;
  readonly scratchUndo: number;
  readonly scratchTransient: number;
  readonly scratchHash: number;
  readonly scratchMemory: number;
  /** Words of one slot of the stack buffer, the stack pool. */
  readonly stackWords: number;
  readonly outWords: number;
  readonly outReturn: number;
  readonly outLogs: number;
  readonly outLogData: number;
  readonly outJournal: number;
  readonly outAccounts: number;
  readonly outCode: number;
}

/**
 * Where each part of a scratch slot (frame records, undo log, transient storage, hash
 * preimage, memory pool) and of a call's output region (head, return data, logs, log
 * data, journal, accounts, deposited code) starts, and how large a slot of the stack
 * buffer (the stack pool) is. Byte caps are whole words. A frame's stack and memory
 * start where its caller's end, in the pools.
 */
export function regions(caps: RegionCaps): Regions {
  const scratchFrames = 0;
  const scratchUndo = scratchFrames + caps.frames * FRAME.words;
  const scratchTransient = scratchUndo + caps.undoEntries * UNDO.words;
  const scratchHash = scratchTransient + caps.transientEntries * TRANSIENT.words;
  const scratchMemory = scratchHash + HASH_WORDS;
  const scratchWords = scratchMemory + caps.memoryBytes / 4;
  const stackWords = caps.stackItems * U256;
  const outReturn = OUT.words;
  const outLogs = outReturn + caps.returnBytes / 4;
  const outLogData = outLogs + caps.logs * LOG.words;
  const outJournal = outLogData + caps.logDataBytes / 4;
  const outAccounts = outJournal + caps.journalEntries * JOURNAL.words;
  const outCode = outAccounts + caps.accessedEntries * ACCT.words;
  const outWords = outCode + caps.codeBytes / 4;
  return { scratchWords, scratchFrames, scratchUndo, scratchTransient, scratchHash, scratchMemory, stackWords, outWords, outReturn, outLogs, outLogData, outJournal, outAccounts, outCode };
}
