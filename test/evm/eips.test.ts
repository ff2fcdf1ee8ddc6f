import { getActivePrecompiles } from '@ethereumjs/evm';
import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { eipActive, KERNEL_EIP_LIST, lastPrecompile } from '../../src/evm/eips.js';
import { GPU_FORKS } from '../../src/gpu/interpreter-wgsl.js';

/**
 * The EIPs the kernels branch on and the precompile range of each fork
 * (src/evm/eips.ts), against @ethereumjs/common and @ethereumjs/evm, fork by fork.
 */
describe('kernel EIPs and precompiles', () => {
  for (const fork of GPU_FORKS) {
    it(`${fork}: the same EIPs active as @ethereumjs/common`, () => {
      const common = makeCommon(fork, 1n);
      for (const eip of KERNEL_EIP_LIST) expect([eip, eipActive(eip, fork)]).toEqual([eip, common.isActivatedEIP(eip)]);
    });

    it(`${fork}: precompiles are exactly 0x01..lastPrecompile, as @ethereumjs/evm has them`, () => {
      const active = [...getActivePrecompiles(makeCommon(fork, 1n)).keys()].map((k) => Number(BigInt(`0x${k.replace(/^0x/, '')}`))).sort((a, b) => a - b);
      expect(active).toEqual(Array.from({ length: lastPrecompile(fork) }, (_, i) => i + 1));
    });
  }
});
