import { Common, Mainnet } from '@ethereumjs/common';
import { createTx, paramsTx } from '@ethereumjs/tx';
import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { isRejection, prepareTx } from '../../src/chain/transaction.js';
import { txCommon } from '../../src/chain/tx-common.js';
import type { TxInput } from '../../src/model/shapes.js';

const from = new Uint8Array(20).fill(0xaa);
const to = new Uint8Array(20).fill(0xbb);

function input(type: bigint, data: Uint8Array): TxInput {
  return {
    kind: 'unsigned',
    tx: {
      type, from, to, nonce: 0n, gas: 100_000n, value: 1n, data,
      gasPrice: type < 2n ? 10n : undefined,
      maxFeePerGas: type >= 2n ? 10n : undefined,
      maxPriorityFeePerGas: type >= 2n ? 1n : undefined,
      accessList: type >= 1n ? [{ address: to, storageKeys: [new Uint8Array(32)] }] : undefined,
    },
  } as TxInput;
}

describe('the Common a batch’s transactions share', () => {
  it('is made once per Common: transactions prepared on it share it, and copying it gives it back', () => {
    const common = makeCommon('Cancun', 1n);
    const a = prepareTx(input(2n, new Uint8Array([1, 0, 2])), common);
    const b = prepareTx(input(0n, new Uint8Array(4)), common);
    if (isRejection(a) || isRejection(b)) throw new Error('rejected');
    expect(a.tx.common).toBe(b.tx.common);
    expect(a.tx.common).toBe(txCommon(common));
    expect(a.tx.common.copy()).toBe(a.tx.common);
    expect(txCommon(a.tx.common)).toBe(a.tx.common);
    expect(txCommon(makeCommon('Cancun', 1n))).not.toBe(a.tx.common);
  });

  it('gives every transaction type the parameters a Common of its own gives it: intrinsic gas, data fees, access lists', () => {
    for (const fork of ['Berlin', 'London', 'Shanghai', 'Cancun', 'Prague'] as const) {
      const common = makeCommon(fork, 1n);
      for (const type of [0n, 1n, 2n]) {
        if (type === 2n && fork === 'Berlin') continue;
        const data = new Uint8Array([0, 0, 7, 0, 9, 9]);
        const shared = prepareTx(input(type, data), common);
        if (isRejection(shared)) throw new Error(`${fork} ${type} rejected`);
        // ethereumjs' own path: a fresh Common, copied and given the parameters by the constructor.
        const own = createTx(shared.tx.toJSON() as never, { common: new Common({ chain: Mainnet, hardfork: common.hardfork() }) });
        expect(shared.tx.getIntrinsicGas(), `${fork} type ${type}`).toBe(own.getIntrinsicGas());
        expect(shared.tx.getDataGas()).toBe(own.getDataGas());
        expect(shared.tx.common.param('txGas')).toBe(21000n);
        expect(shared.tx.common.hardfork()).toBe(common.hardfork());
      }
    }
  });

  it('still merges parameters other than the transactions’ own', () => {
    const c = txCommon(makeCommon('Cancun', 1n));
    c.updateParams({ 1559: { ...paramsTx[1559 as never] as object, elasticityMultiplier: 3 } } as never);
    expect(c.param('elasticityMultiplier')).toBe(3n);
  });
});
