import { isSuccess, Outcome, outcomeName, type OutcomeCode } from '../evm/outcome.js';
import type { GpuAccountChange, GpuCallResult, GpuLog } from './abi.js';
import {
  ACCT, ACCT_AT_LEAST, ACCT_CODE, ACCT_CREATED, ACCT_DESTROYED, ACCT_READ, ACCT_SEEN, ACCT_STORAGE_READ, ACCT_TOUCHED, ACCT_WRITTEN,
  JOURNAL, JOURNAL_READ, JOURNAL_WRITTEN, LOG, OUT, type Regions,
} from './layout.js';
import { getAddress, getU256, u256Bytes } from './words.js';

/**
 * Reads one call's output region into a GpuCallResult. Logs, storage writes and
 * account changes are reported only for a successful call (a reverted or halted
 * transaction frame keeps none; a frame inside it that failed has rolled its own back
 * in the kernel); storage and account reads are reported for every outcome, since the
 * conflict validator needs them whatever happened. Storage writes list every slot the
 * call SSTOREd, with its last value, even when that equals the original value: the
 * engine applies them as given.
 */
export function unpackResult(out: Uint32Array, base: number, r: Regions, kernel?: GpuCallResult['kernel']): GpuCallResult {
  const h = OUT.offset;
  const code = out[base + h.outcome];
  outcomeName(code); // rejects a status word no outcome has: the kernel and the enum disagree
  const outcome = code as OutcomeCode;
  const ok = isSuccess(outcome);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);

  const gasLeft = BigInt(out[base + h.gasLeft]) | (BigInt(out[base + h.gasLeft + 1]) << 32n);
  const refund = BigInt.asIntN(64, BigInt(out[base + h.refund]) | (BigInt(out[base + h.refund + 1]) << 32n));
  const keepsReturn = ok || outcome === Outcome.Revert;
  const returnData = keepsReturn ? bytes.slice((base + r.outReturn) * 4, (base + r.outReturn) * 4 + out[base + h.returnLen]) : new Uint8Array(0);

  const addresses: Uint8Array[] = [];
  const accountReads: Uint8Array[] = [];
  const accountSeenReads: Uint8Array[] = [];
  const accountNeeds: GpuCallResult['accountNeeds'] = [];
  const storageEmptyReads: Uint8Array[] = [];
  const accounts: GpuAccountChange[] = [];
  const o = ACCT.offset;
  for (let i = 0; i < out[base + h.accountCount]; i++) {
    const at = base + r.outAccounts + i * ACCT.words;
    const address = getAddress(out, at + o.address);
    addresses.push(address);
    const flags = out[at + o.flags];
    if (flags & ACCT_READ) accountReads.push(address);
    else if (flags & ACCT_SEEN) {
      accountSeenReads.push(address);
      if (flags & ACCT_AT_LEAST) accountNeeds.push({ address, need: getU256(out, at + o.need) });
    }
    if (flags & ACCT_STORAGE_READ) storageEmptyReads.push(address);
    if (!ok || !(flags & (ACCT_WRITTEN | ACCT_CODE | ACCT_CREATED | ACCT_DESTROYED | ACCT_TOUCHED))) continue;
    const start = (base + out[at + o.codeAt]) * 4;
    accounts.push({
      address,
      balance: getU256(out, at + o.balance),
      nonce: BigInt(out[at + o.nonce]) | (BigInt(out[at + o.nonce + 1]) << 32n),
      code: flags & ACCT_CODE ? bytes.slice(start, start + out[at + o.codeLen]) : undefined,
      written: (flags & (ACCT_WRITTEN | ACCT_CODE)) !== 0,
      created: (flags & ACCT_CREATED) !== 0,
      destroyed: (flags & ACCT_DESTROYED) !== 0,
      touched: (flags & ACCT_TOUCHED) !== 0,
    });
  }

  const logs: GpuLog[] = [];
  if (ok) {
    for (let i = 0; i < out[base + h.logCount]; i++) {
      const at = base + r.outLogs + i * LOG.words;
      const topics = Array.from({ length: out[at + LOG.offset.topicCount] }, (_, t) => u256Bytes(out, at + LOG.offset.topics + 8 * t));
      const start = (base + r.outLogData) * 4 + out[at + LOG.offset.dataAt];
      logs.push({ address: addresses[out[at + LOG.offset.account]], topics, data: bytes.slice(start, start + out[at + LOG.offset.dataLen]) });
    }
  }

  const storageWrites: GpuCallResult['storageWrites'] = [];
  const storageReads: GpuCallResult['storageReads'] = [];
  for (let i = 0; i < out[base + h.journalCount]; i++) {
    const at = base + r.outJournal + i * JOURNAL.words;
    const flags = out[at + JOURNAL.offset.flags];
    const address = addresses[out[at + JOURNAL.offset.account]];
    const slot = getU256(out, at + JOURNAL.offset.key);
    if (flags & JOURNAL_READ) storageReads.push({ address, slot, value: getU256(out, at + JOURNAL.offset.original) });
    if (ok && flags & JOURNAL_WRITTEN) storageWrites.push({ address, slot, value: getU256(out, at + JOURNAL.offset.current) });
  }

  // A precompile call left to the host: its input is where return data would be.
  const hostAddress = outcome === Outcome.NeedsHost ? out[base + h.hostCall] : 0;
  const hostCall = hostAddress === 0 ? undefined : {
    address: hostAddress,
    gas: BigInt(out[base + h.hostGas]) | (BigInt(out[base + h.hostGas + 1]) << 32n),
    input: bytes.slice((base + r.outReturn) * 4, (base + r.outReturn) * 4 + out[base + h.returnLen]),
    answer: out[base + h.hostAnswer],
  };

  return {
    outcome, gasLeft, refund, returnData, logs, storageWrites, storageReads, accountReads, accountSeenReads, accountNeeds, storageEmptyReads, accounts,
    // One shape for every result (hostCall undefined where none): tens of thousands are made a batch.
    maxDepth: out[base + h.maxDepth], steps: out[base + h.steps], hostCall,
    stoppedAt: stopPoint(out, base), kernel,
  };
}

/** Where execution stopped, for mismatch reports: the pc and opcode byte there. */
export function stopPoint(out: Uint32Array, base: number): { pc: number; op: number } {
  return { pc: out[base + OUT.offset.pc], op: out[base + OUT.offset.op] };
}
