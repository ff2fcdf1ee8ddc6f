import { stateRootOf } from '../chain/state-root.js';
import type { Alloc } from './alloc.js';
import { codeHash } from '../primitives/code-hash.js';

/**
 * The state root of a whole alloc. t8n needs it because block rewards and withdrawals
 * are applied after the engine has computed its own root.
 */
export function allocStateRoot(alloc: Alloc): Promise<Uint8Array> {
  return stateRootOf([...alloc].map(([addr, a]) => [addr, { ...a, codeHash: codeHash(a.code) }]));
}
