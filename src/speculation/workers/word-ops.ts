/**
 * MLOAD, MSTORE and LOG0-LOG4 for the EVMs this project's CPU executor runs, without
 * ethereumjs' way of turning a word into 32 bytes: through a hex string
 * (`bigIntToBytes`), then a padding built from array spreads (`setLengthLeft`), 1.2 µs
 * a word against 0.1 µs here; and back (`bytesToBigInt`, also through a hex string),
 * 0.5 µs against 0.14 µs. In the NFT mint of mainnet block 15537394 (10,001 logs
 * of three topics, run on a worker while the commit waits for it) that padding was a
 * quarter of the interpreter's time.
 *
 * The handlers do what ethereumjs' own do (10.x, `opcodes/functions.js`), in the same
 * order: the same stack pops and pushes, the same memory write or read, the same log
 * for the interpreter; the gas handlers are ethereumjs' own. Only this EVM's opcode table
 * entries change, and again whenever the EVM rebuilds its table (a hardfork change).
 * Where the table is not what this version keeps, nothing is replaced.
 */
interface RunState {
  opCode: number;
  stack: { pop(): bigint; push(v: bigint): void; popN(n: number): bigint[] };
  memory: { write(offset: number, size: number, value: Uint8Array): void; read(offset: number, size: number, avoidCopy?: boolean): Uint8Array };
  interpreter: { log(data: Uint8Array, topicCount: number, topics: Uint8Array[]): void };
}
type OpHandler = (runState: RunState) => void;
interface EvmTables {
  _opcodeMap?: ({ opHandler?: OpHandler } | undefined)[];
  getActiveOpcodes?: () => unknown;
}

const MLOAD = 0x51;
const MSTORE = 0x52;
const LOG0 = 0xa0;
const M64 = (1n << 64n) - 1n;

// One word's bytes, written through one DataView: a DataView made per word cost four times the rest.
const scratch = new Uint8Array(32);
const view = new DataView(scratch.buffer);

/** `v` (below 2^256) as 32 big-endian bytes, in a buffer the next call overwrites (Memory.write copies what it is given). */
export function wordScratch(v: bigint): Uint8Array {
  if (v <= M64) {
    view.setBigUint64(0, 0n);
    view.setBigUint64(8, 0n);
    view.setBigUint64(16, 0n);
  } else {
    view.setBigUint64(0, v >> 192n);
    view.setBigUint64(8, BigInt.asUintN(64, v >> 128n));
    view.setBigUint64(16, BigInt.asUintN(64, v >> 64n));
  }
  view.setBigUint64(24, BigInt.asUintN(64, v));
  return scratch;
}

/** The 32 bytes of `bytes` as a number, big-endian (ethereumjs' bytesToBigInt goes through a hex string). */
export function wordValue(bytes: Uint8Array): bigint {
  scratch.set(bytes);
  const a0 = view.getBigUint64(0);
  const a1 = view.getBigUint64(8);
  const a2 = view.getBigUint64(16);
  const a3 = view.getBigUint64(24);
  if (a0 === 0n && a1 === 0n && a2 === 0n) return a3;
  return (a0 << 192n) | (a1 << 128n) | (a2 << 64n) | a3;
}

const mload: OpHandler = (runState) => {
  const pos = runState.stack.pop();
  runState.stack.push(wordValue(runState.memory.read(Number(pos), 32, true)));
};

const mstore: OpHandler = (runState) => {
  const [offset, word] = runState.stack.popN(2);
  runState.memory.write(Number(offset), 32, wordScratch(word));
};

// The log keeps its topics: each its own array.
const log: OpHandler = (runState) => {
  const [memOffset, memLength] = runState.stack.popN(2);
  const topicsCount = runState.opCode - LOG0;
  const topics = runState.stack.popN(topicsCount).map((t) => wordScratch(t).slice());
  const data = memLength !== 0n ? runState.memory.read(Number(memOffset), Number(memLength)) : new Uint8Array(0);
  runState.interpreter.log(data, topicsCount, topics);
};

function replace(evm: EvmTables): boolean {
  const map = evm._opcodeMap;
  const ops = [MLOAD, MSTORE, LOG0, LOG0 + 1, LOG0 + 2, LOG0 + 3, LOG0 + 4];
  if (!Array.isArray(map) || !ops.every((op) => typeof map[op]?.opHandler === 'function')) return false;
  map[MLOAD]!.opHandler = mload;
  map[MSTORE]!.opHandler = mstore;
  for (let op = LOG0; op <= LOG0 + 4; op++) map[op]!.opHandler = log;
  return true;
}

/** Gives `evm` these handlers, now and after every rebuild of its opcode table; whether it could. */
export function useWordOps(evm: object): boolean {
  const e = evm as EvmTables;
  if (typeof e.getActiveOpcodes !== 'function' || !replace(e)) return false;
  const rebuild = e.getActiveOpcodes.bind(e);
  e.getActiveOpcodes = () => {
    const opcodes = rebuild();
    replace(e);
    return opcodes;
  };
  return true;
}
