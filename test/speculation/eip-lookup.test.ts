import { Common, Mainnet } from '@ethereumjs/common';
import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { lookUpEipsBySet } from '../../src/speculation/workers/eip-lookup.js';

const EIPS = Array.from({ length: 8200 }, (_, i) => i);

describe('isActivatedEIP by set lookup', () => {
  it('answers as ethereumjs does for every fork, after a hardfork change, and on copies', () => {
    for (const fork of ['Berlin', 'London', 'Shanghai', 'Cancun', 'Prague'] as const) {
      const plain = makeCommon(fork, 1n);
      const fast = makeCommon(fork, 1n);
      lookUpEipsBySet(fast);
      expect(fast.isActivatedEIP).not.toBe(Common.prototype.isActivatedEIP);
      expect(EIPS.filter((e) => fast.isActivatedEIP(e))).toEqual(EIPS.filter((e) => plain.isActivatedEIP(e)));
      const copy = fast.copy();
      expect(copy.isActivatedEIP).toBe(fast.isActivatedEIP);
      expect(EIPS.filter((e) => copy.isActivatedEIP(e))).toEqual(EIPS.filter((e) => plain.isActivatedEIP(e)));
    }
    const c = new Common({ chain: Mainnet, hardfork: 'berlin' });
    lookUpEipsBySet(c);
    expect(c.isActivatedEIP(1559)).toBe(false);
    c.setHardfork('london');
    expect(c.isActivatedEIP(1559)).toBe(true);
  });
});
