import type { ExecutedTx, RawLog } from '../../engine/executed-tx.js';
import { leaveOutReadCode } from '../access-sets.js';
import type { TxExecution } from './cpu-executor.js';

type Included = Extract<TxExecution, { kind: 'included' }>;

/**
 * An execution as it crosses between threads. A structured clone copies every array on
 * its own, and costs per array as much as per byte: an NFT mint in mainnet block
 * 15537394 (10,001 logs, 40,004 arrays) took 75 ms to serialize as it was, on the
 * worker, and about as long again to read back on the main thread. So its logs travel
 * as one byte string, and its writes without the code it only read
 * (access-sets.ts: leaveOutReadCode).
 */
export type PostedExecution = Exclude<TxExecution, Included> | (Omit<Included, 'tx'> & { tx: Omit<ExecutedTx, 'logs'> & { logs: Uint8Array } });

export function forPosting(e: TxExecution): PostedExecution {
  if (e.kind !== 'included') return e;
  return { ...e, tx: { ...e.tx, logs: packLogs(e.tx.logs) }, writes: leaveOutReadCode(e.writes, e.reads) };
}

/** The execution as posted, with its logs as arrays again (each its own, not views of the posted string). */
export function fromPosting(p: PostedExecution): TxExecution {
  if (p.kind !== 'included') return p;
  return { ...p, tx: { ...p.tx, logs: unpackLogs(p.tx.logs) } };
}

const ADDRESS = 20;
const TOPIC = 32;
/** Per log: the address, the topic count (one byte) and the data length (four bytes, big-endian), then the topics and the data. */
const HEAD = ADDRESS + 1 + 4;

export function packLogs(logs: readonly RawLog[]): Uint8Array {
  let size = 0;
  for (const [, topics, data] of logs) size += HEAD + TOPIC * topics.length + data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [address, topics, data] of logs) {
    out.set(address, at);
    out[at + ADDRESS] = topics.length;
    view.setUint32(at + ADDRESS + 1, data.length);
    at += HEAD;
    for (const t of topics) {
      out.set(t, at);
      at += TOPIC;
    }
    out.set(data, at);
    at += data.length;
  }
  return out;
}

export function unpackLogs(b: Uint8Array): RawLog[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const logs: RawLog[] = [];
  let at = 0;
  while (at < b.length) {
    const address = b.slice(at, at + ADDRESS);
    const count = b[at + ADDRESS];
    const dataLength = view.getUint32(at + ADDRESS + 1);
    at += HEAD;
    const topics: Uint8Array[] = [];
    for (let k = 0; k < count; k++, at += TOPIC) topics.push(b.slice(at, at + TOPIC));
    logs.push([address, topics, b.slice(at, at + dataLength)]);
    at += dataLength;
  }
  return logs;
}
