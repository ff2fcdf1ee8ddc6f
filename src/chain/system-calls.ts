import type { VM } from '@ethereumjs/vm';
import { Address, bigIntToAddressBytes, bigIntToBytes, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import type { BlockEnv } from '../model/shapes.js';

/**
 * Block-level system writes that happen before the first transaction, as geth's t8n
 * applies them: EIP-4788 (Cancun) stores the parent beacon block root when the env
 * gives one, and EIP-2935 (Prague) stores the parent block hash when `blockHashes`
 * has the parent. A system contract without code receives nothing.
 */
/** EIP-4788's beacon roots contract (a fixed address, not a chain parameter). */
const BEACON_ROOTS_ADDRESS = createAddressFromString('0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02');

export async function applyPreBlockSystemCalls(vm: VM, env: BlockEnv): Promise<void> {
  const common = vm.common;
  if (common.isActivatedEIP(4788) && env.parentBeaconBlockRoot !== undefined) {
    const address = BEACON_ROOTS_ADDRESS;
    if ((await vm.stateManager.getCode(address)).length > 0) {
      const len = BigInt(common.param('historicalRootsLength'));
      const idx = env.timestamp % len;
      await vm.stateManager.putStorage(address, setLengthLeft(bigIntToBytes(idx), 32), bigIntToBytes(env.timestamp));
      await vm.stateManager.putStorage(address, setLengthLeft(bigIntToBytes(idx + len), 32), env.parentBeaconBlockRoot);
    }
  }
  const parent = env.number > 0n ? env.blockHashes.get(env.number - 1n) : undefined;
  if (common.isActivatedEIP(2935) && parent !== undefined) {
    const address = new Address(bigIntToAddressBytes(common.param('historyStorageAddress')));
    if ((await vm.stateManager.getCode(address)).length > 0) {
      const key = (env.number - 1n) % BigInt(common.param('historyServeWindow'));
      await vm.stateManager.putStorage(address, setLengthLeft(bigIntToBytes(key), 32), parent);
    }
  }
}
