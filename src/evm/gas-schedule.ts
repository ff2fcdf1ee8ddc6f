import { forkAtLeast, type Fork } from '../model/fork.js';

/**
 * The dynamic-gas constants: what an opcode costs beyond its static gas (per word
 * copied or hashed, per byte of exponent or log data, for memory, for a cold account or
 * slot) and SSTORE's EIP-2200 costs and refunds. Static gas is the opcode table's
 * (opcodes.ts); these are the numbers its dynamic rules multiply and add. As there,
 * fork rules are deltas, each tagged with the EIP that made it, and
 * test/evm/gas-schedule.test.ts checks every value against @ethereumjs/common's
 * params. The kernels read them by name (GAS_* in the generated WGSL prelude,
 * src/gpu/interpreter-wgsl.ts).
 */
export type GasName =
  | 'memory' | 'quadCoefficientDiv' | 'copy' | 'keccak256Word' | 'expByte'
  | 'log' | 'logTopic' | 'logData'
  | 'sstoreReset'
  | 'sstoreSentry' | 'sstoreNoop' | 'sstoreDirty' | 'sstoreInit' | 'sstoreClean'
  | 'sstoreInitRefund' | 'sstoreCleanRefund' | 'sstoreClearRefund'
  | 'coldSload' | 'coldAccountAccess' | 'warmStorageRead'
  | 'callValueTransfer' | 'callNewAccount' | 'callStipend' | 'createData' | 'initCodeWord' | 'selfdestructRefund'
  | 'sha256' | 'sha256Word' | 'identity' | 'identityWord'
  | 'callDepth' | 'maxCodeSize' | 'maxInitCodeSize';

/** One fork's change to the dynamic-gas constants, tagged with the EIP that made it. */
export interface GasScheduleDelta {
  readonly eip: string;
  readonly fork: Fork;
  readonly gas: Readonly<Partial<Record<GasName, number>>>;
}

export const GAS_SCHEDULE_DELTAS: readonly GasScheduleDelta[] = [
  {
    eip: 'Yellow Paper', fork: 'Frontier',
    gas: {
      // Memory of w words costs memory * w + w^2 / quadCoefficientDiv.
      memory: 3, quadCoefficientDiv: 512,
      // Per 32-byte word: *COPY and MCOPY, KECCAK256.
      copy: 3, keccak256Word: 6,
      // Per byte of EXP's exponent.
      expByte: 10,
      // LOGn: log + n * logTopic (static, in the opcode table) and logData per byte.
      log: 375, logTopic: 375, logData: 8,
      // What EIP-2929 prices SSTORE's reset refund from.
      sstoreReset: 5000,
      // The call family: a call that moves value, one that makes a new account (also
      // SELFDESTRUCT's), and the gas a value-moving call adds for its callee.
      callValueTransfer: 9000, callNewAccount: 25000, callStipend: 2300,
      // Per byte of code a create deposits; the refund of the first SELFDESTRUCT of an account.
      createData: 200, selfdestructRefund: 24000,
      // The sha256 (0x02) and identity (0x04) precompiles, which the kernels run: a base and per 32-byte word.
      sha256: 60, sha256Word: 12, identity: 15, identityWord: 3,
      // Limits, not gas: the deepest call frame.
      callDepth: 1024,
    },
  },
  // The longest code a create may deposit.
  { eip: 'EIP-170', fork: 'SpuriousDragon', gas: { maxCodeSize: 24576 } },
  { eip: 'EIP-160', fork: 'SpuriousDragon', gas: { expByte: 50 } },
  // Net metering: SSTORE priced and refunded from the slot's original and current values.
  {
    eip: 'EIP-2200', fork: 'Istanbul',
    gas: {
      // Not charged: SSTORE fails when no more than this is left.
      sstoreSentry: 2300,
      sstoreNoop: 800, sstoreDirty: 800, sstoreInit: 20000, sstoreClean: 5000,
      sstoreInitRefund: 19200, sstoreCleanRefund: 4200, sstoreClearRefund: 15000,
    },
  },
  // Access lists: the first touch of an account or slot in a transaction is cold.
  {
    eip: 'EIP-2929', fork: 'Berlin',
    gas: {
      coldSload: 2100, coldAccountAccess: 2600, warmStorageRead: 100,
      sstoreNoop: 100, sstoreDirty: 100, sstoreClean: 2900, sstoreInitRefund: 19900, sstoreCleanRefund: 4900,
    },
  },
  { eip: 'EIP-3529', fork: 'London', gas: { sstoreClearRefund: 4800, selfdestructRefund: 0 } },
  // Init code: per 32-byte word, and the longest (0 before: no limit, no charge).
  { eip: 'EIP-3860', fork: 'Shanghai', gas: { initCodeWord: 2, maxInitCodeSize: 49152 } },
];

/** Constants that are limits rather than gas: the kernels read them as `LIMIT_<NAME>`. */
export const LIMIT_NAMES: ReadonlySet<GasName> = new Set(['callDepth', 'maxCodeSize', 'maxInitCodeSize']);

/** Every constant, in the order the deltas introduce them. */
export const GAS_NAMES: readonly GasName[] = [...new Set(GAS_SCHEDULE_DELTAS.flatMap((d) => Object.keys(d.gas) as GasName[]))];

/** A constant's value at `fork`, or undefined before the EIP that introduced it. */
export function gasAt(name: GasName, fork: Fork): number | undefined {
  let v: number | undefined;
  for (const d of GAS_SCHEDULE_DELTAS) if (forkAtLeast(fork, d.fork) && d.gas[name] !== undefined) v = d.gas[name];
  return v;
}

/** The EIPs that set or changed a constant, with their forks (the generated WGSL's comments). */
export function gasHistory(name: GasName): readonly { eip: string; fork: Fork; value: number }[] {
  return GAS_SCHEDULE_DELTAS.filter((d) => d.gas[name] !== undefined).map((d) => ({ eip: d.eip, fork: d.fork, value: d.gas[name]! }));
}
