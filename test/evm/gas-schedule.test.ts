import { paramsEVM } from '@ethereumjs/evm';
import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { GAS_NAMES, GAS_SCHEDULE_DELTAS, gasAt, type GasName } from '../../src/evm/gas-schedule.js';
import { FORKS, forkIndex } from '../../src/model/fork.js';
import { GPU_FORKS } from '../../src/gpu/interpreter-wgsl.js';

/**
 * The dynamic-gas constants against @ethereumjs/common's params (with @ethereumjs/evm's
 * gas parameters registered), fork by fork: every constant the kernels read by name
 * starts from the reference. Each of ours is one of its params, named here.
 */
const REFERENCE_PARAM: Record<GasName, string> = {
  memory: 'memoryGas',
  quadCoefficientDiv: 'quadCoefficientDivGas',
  copy: 'copyGas',
  keccak256Word: 'keccak256WordGas',
  expByte: 'expByteGas',
  log: 'logGas',
  logTopic: 'logTopicGas',
  logData: 'logDataGas',
  sstoreReset: 'sstoreResetGas',
  sstoreSentry: 'sstoreSentryEIP2200Gas',
  sstoreNoop: 'sstoreNoopEIP2200Gas',
  sstoreDirty: 'sstoreDirtyEIP2200Gas',
  sstoreInit: 'sstoreInitEIP2200Gas',
  sstoreClean: 'sstoreCleanEIP2200Gas',
  sstoreInitRefund: 'sstoreInitRefundEIP2200Gas',
  sstoreCleanRefund: 'sstoreCleanRefundEIP2200Gas',
  sstoreClearRefund: 'sstoreClearRefundEIP2200Gas',
  coldSload: 'coldsloadGas',
  coldAccountAccess: 'coldaccountaccessGas',
  warmStorageRead: 'warmstoragereadGas',
  callValueTransfer: 'callValueTransferGas',
  callNewAccount: 'callNewAccountGas',
  callStipend: 'callStipendGas',
  createData: 'createDataGas',
  initCodeWord: 'initCodeWordGas',
  selfdestructRefund: 'selfdestructRefundGas',
  sha256: 'sha256Gas',
  sha256Word: 'sha256WordGas',
  identity: 'identityGas',
  identityWord: 'identityWordGas',
  callDepth: 'stackLimit',
  maxCodeSize: 'maxCodeSize',
  maxInitCodeSize: 'maxInitCodeSize',
};

/** Constants an EIP after Berlin introduced: undefined before it, 0 in the kernels' rows there. */
const AFTER_BERLIN = new Set<GasName>(['initCodeWord', 'maxInitCodeSize']);

/** The reference's value, or undefined where it has no such param at that fork. */
function reference(param: string, common: ReturnType<typeof makeCommon>): number | undefined {
  try {
    return Number(common.param(param));
  } catch {
    return undefined;
  }
}

describe('dynamic-gas schedule', () => {
  it('names every constant once, with an EIP, in fork order', () => {
    expect(Object.keys(REFERENCE_PARAM).sort()).toEqual([...GAS_NAMES].sort());
    for (const d of GAS_SCHEDULE_DELTAS) expect(d.eip, d.fork).toMatch(/^(EIP-\d+|Yellow Paper)$/);
    const order = GAS_SCHEDULE_DELTAS.map((d) => forkIndex(d.fork));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('defines every constant at every GPU fork, but those a later EIP introduced', () => {
    for (const fork of GPU_FORKS) for (const name of GAS_NAMES) if (!AFTER_BERLIN.has(name)) expect(gasAt(name, fork), `${fork} ${name}`).toBeTypeOf('number');
    for (const name of AFTER_BERLIN) expect(gasAt(name, 'Berlin'), name).toBeUndefined();
  });

  for (const fork of FORKS) {
    it(`matches @ethereumjs/common at ${fork}`, () => {
      const common = makeCommon(fork, 1n);
      common.updateParams(paramsEVM);
      for (const name of GAS_NAMES) expect(gasAt(name, fork), `${fork} ${name}`).toBe(reference(REFERENCE_PARAM[name], common));
    });
  }
});
