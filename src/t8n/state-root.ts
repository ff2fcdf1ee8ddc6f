import { KECCAK256_NULL } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { stateRootOf } from '../chain/state-root.js';
import type { Alloc } from './alloc.js';

/**
 * The state root of a whole alloc. t8n needs it because block rewards and withdrawals
 * are applied after the engine has computed its own root.
 */
export function allocStateRoot(alloc: Alloc): Promise<Uint8Array> {
  return stateRootOf([...alloc].map(([addr, a]) => [addr, { ...a, codeHash: a.code.length ? keccak_256(a.code) : KECCAK256_NULL }]));
}
