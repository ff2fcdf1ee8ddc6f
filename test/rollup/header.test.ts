import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { isRejection, prepareTx } from '../../src/chain/transaction.js';
import type { Hex } from '../../src/model/shapes.js';
import { encodeUnsigned } from '../../src/rollup/header.js';
import { parseUnsignedTx } from '../../src/wire/parse.js';
import { ALICE, BOB, signAuthorization, key } from '../server/helpers.js';

/** A sequencer-trusted transaction goes into the transactions root as @ethereumjs/tx serializes it unsigned. */
describe('encodeUnsigned', () => {
  const common = makeCommon('Prague', 1n);
  const base = { from: ALICE, to: BOB, nonce: '0x5', gas: '0x186a0', value: '0x2a', data: '0x01020304' as Hex };
  const list = [{ address: BOB, storageKeys: [`0x${'07'.padStart(64, '0')}` as Hex] }];
  const cases = {
    legacy: { ...base, gasPrice: '0xa' },
    'EIP-2930': { ...base, gasPrice: '0xa', accessList: list },
    'EIP-1559': { ...base, maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', accessList: list },
    'EIP-4844': { ...base, maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', maxFeePerBlobGas: '0x3', blobVersionedHashes: [`0x01${'ab'.repeat(31)}` as Hex] },
    'EIP-7702': { ...base, maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1', authorizationList: [signAuthorization(BOB, 0, key(3).priv)] },
    create: { ...base, to: null, maxFeePerGas: '0xa', maxPriorityFeePerGas: '0x1' },
  };
  for (const [name, wire] of Object.entries(cases)) {
    it(name, () => {
      const tx = parseUnsignedTx(wire as never, 0);
      const p = prepareTx({ kind: 'unsigned', tx }, common);
      if (isRejection(p)) throw new Error(p.error);
      expect(Buffer.from(encodeUnsigned(tx, 1n)).toString('hex')).toBe(Buffer.from(p.tx.serialize()).toString('hex'));
    });
  }
});
