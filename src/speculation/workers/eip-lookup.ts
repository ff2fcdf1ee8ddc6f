import type { Common } from '@ethereumjs/common';

/**
 * `isActivatedEIP` by set lookup, for the Common of this project's CPU executor.
 *
 * ethereumjs asks whether an EIP is active at almost every opcode and searches an
 * array of some sixty numbers each time: 5% of a Uniswap swap's re-execution. The
 * array is rebuilt, as a new array, whenever the hardfork or the EIPs change, so a set
 * made once per array answers the same. Copies of the Common (every VM, EVM and
 * transaction makes one) keep the method and look up their own array.
 */
const sets = new WeakMap<readonly number[], Set<number>>();

export function lookUpEipsBySet(common: Common): void {
  common.isActivatedEIP = function (this: Common, eip: number): boolean {
    const active = (this as unknown as { _activatedEIPsCache: number[] })._activatedEIPsCache;
    let set = sets.get(active);
    if (!set) sets.set(active, (set = new Set(active)));
    return set.has(eip);
  };
}
