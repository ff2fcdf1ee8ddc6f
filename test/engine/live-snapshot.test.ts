import { Account, Address, bigIntToBytes } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { loadPreState, RecordingStateManager, slotKey } from '../../src/chain/recording-state.js';
import { LiveSnapshot, snapshotState } from '../../src/gpu/state-snapshot.js';
import type { Account as PreAccount } from '../../src/model/shapes.js';
import { hexToBytes } from '../../src/primitives/hex.js';

const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';
const C = '0x00000000000000000000000000000000000000cc';
const addr = (h: string) => new Address(hexToBytes(h));

/** The incrementally updated snapshot must always equal a full reread of the state. */
describe('LiveSnapshot', () => {
  it('tracks slot writes, zeroing, deletion, re-creation and new accounts like a full reread', async () => {
    const sm = new RecordingStateManager(makeCommon('Prague', 1n));
    const pre = new Map<string, PreAccount>([
      [A, { balance: 10n, nonce: 1n, code: Uint8Array.from([0x60, 0x00]), storage: new Map([[1n, 5n], [2n, 6n]]) }],
      [B, { balance: 20n, nonce: 0n, code: new Uint8Array(0), storage: new Map([[7n, 8n]]) }],
    ]);
    await loadPreState(sm, pre);
    const live = new LiveSnapshot(sm, await snapshotState(sm, pre));
    expect(live.entries()).toBe(2 + 3);

    const rounds: (() => Promise<void>)[] = [
      async () => {
        await sm.putStorage(addr(A), slotKey(1n), bigIntToBytes(9n));
        await sm.putStorage(addr(A), slotKey(2n), new Uint8Array(0));
        await sm.putAccount(addr(C), new Account(0n, 3n));
      },
      async () => {
        await sm.deleteAccount(addr(B));
        await sm.putStorage(addr(C), slotKey(4n), bigIntToBytes(4n));
      },
      async () => {
        await sm.putAccount(addr(B), new Account(1n, 1n));
        await sm.putCode(addr(C), Uint8Array.from([0x00]));
      },
    ];
    for (const round of rounds) {
      await round();
      const got = await live.current();
      const want = await snapshotState(sm, pre);
      expect([...got.accounts.keys()].sort()).toEqual([...want.accounts.keys()].sort());
      for (const [k, v] of want.accounts) expect(got.accounts.get(k), k).toEqual(v);
    }
  });
});
