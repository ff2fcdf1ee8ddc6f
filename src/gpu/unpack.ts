import { isSuccess, Outcome, outcomeName, type OutcomeCode } from '../evm/outcome.js';
import type { GpuCall, GpuCallResult, GpuLog } from './abi.js';
import { ACCESSED, ACCESSED_READ, JOURNAL, JOURNAL_READ, JOURNAL_WRITTEN, LOG, OUT, type Regions } from './layout.js';
import { getAddress, getU256, u256Bytes } from './words.js';

/**
 * Reads one call's output region into a GpuCallResult. Logs and storage writes are
 * reported only for a successful call (a reverted or halted frame keeps neither);
 * storage and account reads are reported for every outcome, since the conflict
 * validator needs them whatever happened. Storage writes list every slot the call
 * SSTOREd, with its last value, even when that equals the original value: the engine
 * applies them as given.
 */
export function unpackResult(out: Uint32Array, base: number, r: Regions, call: GpuCall): GpuCallResult {
  const head = (field: keyof typeof OUT.offset) => out[base + OUT.offset[field]];
  const code = head('outcome');
  outcomeName(code); // rejects a status word no outcome has: the kernel and the enum disagree
  const outcome = code as OutcomeCode;
  const ok = isSuccess(outcome);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);

  const gasLeft = BigInt(head('gasLeft')) | (BigInt(out[base + OUT.offset.gasLeft + 1]) << 32n);
  const refund = BigInt.asIntN(64, BigInt(head('refund')) | (BigInt(out[base + OUT.offset.refund + 1]) << 32n));
  const keepsReturn = ok || outcome === Outcome.Revert;
  const returnData = keepsReturn ? bytes.slice((base + r.outReturn) * 4, (base + r.outReturn) * 4 + head('returnLen')) : new Uint8Array(0);

  const logs: GpuLog[] = [];
  if (ok) {
    for (let i = 0; i < head('logCount'); i++) {
      const at = base + r.outLogs + i * LOG.words;
      const topics = Array.from({ length: out[at + LOG.offset.topicCount] }, (_, t) => u256Bytes(out, at + LOG.offset.topics + 8 * t));
      const start = (base + r.outLogData) * 4 + out[at + LOG.offset.dataAt];
      logs.push({ address: call.address, topics, data: bytes.slice(start, start + out[at + LOG.offset.dataLen]) });
    }
  }

  const storageWrites: GpuCallResult['storageWrites'] = [];
  const storageReads: GpuCallResult['storageReads'] = [];
  for (let i = 0; i < head('journalCount'); i++) {
    const at = base + r.outJournal + i * JOURNAL.words;
    const flags = out[at + JOURNAL.offset.flags];
    const slot = getU256(out, at + JOURNAL.offset.key);
    if (flags & JOURNAL_READ) storageReads.push({ address: call.address, slot, value: getU256(out, at + JOURNAL.offset.original) });
    if (ok && flags & JOURNAL_WRITTEN) storageWrites.push({ address: call.address, slot, value: getU256(out, at + JOURNAL.offset.current) });
  }

  const accountReads: Uint8Array[] = [];
  for (let i = 0; i < head('accessedCount'); i++) {
    const at = base + r.outAccessed + i * ACCESSED.words;
    if (out[at + ACCESSED.offset.flags] & ACCESSED_READ) accountReads.push(getAddress(out, at + ACCESSED.offset.address));
  }

  return { outcome, gasLeft, refund, returnData, logs, storageWrites, storageReads, accountReads, steps: head('steps') };
}

/** Where execution stopped, for mismatch reports: the pc and opcode byte there. */
export function stopPoint(out: Uint32Array, base: number): { pc: number; op: number } {
  return { pc: out[base + OUT.offset.pc], op: out[base + OUT.offset.op] };
}
