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
  /** Per scratch slot: words, and where stack, memory and transient storage start. */
  scratchWords: 1,
  scratchMemory: 1,
  scratchTransient: 1,
  memoryWordsCap: 1,
  transientCap: 1,
  /** Per call: words of its output region, and where each part starts. */
  outWords: 1,
  outReturn: 1,
  outLogs: 1,
  outLogData: 1,
  outJournal: 1,
  outAccessed: 1,
  returnCap: 1,
  logCap: 1,
  logDataCap: 1,
  journalCap: 1,
  accessedCap: 1,
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
  warmAddrsAt: 1,
  warmAddrsCount: 1,
  warmSlotsAt: 1,
  warmSlotsCount: 1,
  blobHashesAt: 1,
  blobHashesCount: 1,
  /** Index of the executing account in the account table, or 0xffffffff when absent. */
  account: 1,
  /** The code's compiled program in the blob (src/compiler), or 0xffffffff: the compiled-program kernel reads it, the interpreter kernel ignores it. */
  programAt: 1,
});

/** Account table entry; `used` is 0 in empty slots. Code ranges point into the blob. */
export const ACCOUNT = wordLayout('ACCOUNT', {
  used: 1,
  address: ADDRESS,
  balance: U256,
  /** EXTCODEHASH's answer: 0 for an empty account (EIP-1052/161), else the code hash. */
  extHash: U256,
  codeLen: 1,
  codeAt: 1,
});

/** Storage table entry keyed by (account index + 1, slot); `account` 0 marks an empty slot. */
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
  accessedCount: 1,
  /** Where and on which opcode execution ended, for diagnostics. */
  pc: 1,
  op: 1,
});

/** One log record in the output region; data bytes live in the log-data area. */
export const LOG = wordLayout('LOG', { topicCount: 1, dataAt: 1, dataLen: 1, topics: 4 * U256 });

/**
 * One storage slot the call touched: its warm bit, whether the snapshot was consulted
 * (then `original` holds the value read), and whether it was written (then `current`
 * is the last value stored).
 */
export const JOURNAL = wordLayout('JOURNAL', { flags: 1, key: U256, original: U256, current: U256 });
export const JOURNAL_WARM = 1;
export const JOURNAL_READ = 2;
export const JOURNAL_WRITTEN = 4;

/** One account the call touched (BALANCE, EXT*, SELFBALANCE): warmed here, read from the snapshot. */
export const ACCESSED = wordLayout('ACCESSED', { flags: 1, address: ADDRESS });
export const ACCESSED_WARM = 1;
export const ACCESSED_READ = 2;

/** Transient storage entry (EIP-1153), in the scratch region: it is never read back. */
export const TRANSIENT = wordLayout('TRANSIENT', { key: U256, value: U256 });

/** The EVM stack limit; the stack region holds this many words. */
export const STACK_LIMIT = 1024;

/** Flag constants the WGSL reads by the same names. */
export function flagsWgsl(): string {
  return [
    `const JOURNAL_WARM: u32 = ${JOURNAL_WARM}u;`,
    `const JOURNAL_READ: u32 = ${JOURNAL_READ}u;`,
    `const JOURNAL_WRITTEN: u32 = ${JOURNAL_WRITTEN}u;`,
    `const ACCESSED_WARM: u32 = ${ACCESSED_WARM}u;`,
    `const ACCESSED_READ: u32 = ${ACCESSED_READ}u;`,
    `const STACK_LIMIT: u32 = ${STACK_LIMIT}u;`,
  ].join('\n');
}

export const LAYOUTS: readonly WordLayout<string>[] = [PARAMS, CHUNK, CALL, ACCOUNT, SLOT, OUT, LOG, JOURNAL, ACCESSED, TRANSIENT];

/** Sizes chosen per executor: caps on what one call may use. */
export interface RegionCaps {
  readonly memoryBytes: number;
  readonly returnBytes: number;
  readonly logs: number;
  readonly logDataBytes: number;
  readonly journalEntries: number;
  readonly accessedEntries: number;
  readonly transientEntries: number;
}

export interface Regions {
  readonly scratchWords: number;
  readonly scratchMemory: number;
  readonly scratchTransient: number;
  readonly outWords: number;
  readonly outReturn: number;
  readonly outLogs: number;
  readonly outLogData: number;
  readonly outJournal: number;
  readonly outAccessed: number;
}

/**
 * Where each part of a scratch slot (stack, memory, transient storage) and of a call's
 * output region (head, return data, logs, log data, journal, accessed accounts) starts.
 * Byte caps are whole words.
 */
export function regions(caps: RegionCaps): Regions {
  const stack = STACK_LIMIT * U256;
  const memory = caps.memoryBytes / 4;
  const scratchMemory = stack;
  const scratchTransient = scratchMemory + memory;
  const scratchWords = scratchTransient + caps.transientEntries * TRANSIENT.words;
  const outReturn = OUT.words;
  const outLogs = outReturn + caps.returnBytes / 4;
  const outLogData = outLogs + caps.logs * LOG.words;
  const outJournal = outLogData + caps.logDataBytes / 4;
  const outAccessed = outJournal + caps.journalEntries * JOURNAL.words;
  const outWords = outAccessed + caps.accessedEntries * ACCESSED.words;
  return { scratchWords, scratchMemory, scratchTransient, outWords, outReturn, outLogs, outLogData, outJournal, outAccessed };
}
