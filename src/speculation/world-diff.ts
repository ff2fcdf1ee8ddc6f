import type { DiffSource } from '../chain/state-diff.js';
import type { WorldState } from './world-state.js';

/** The committed state as the state diff reads it. */
export function worldDiffSource(world: WorldState): DiffSource {
  return {
    written: world.written(),
    account: (addr) => world.account(addr),
    storage: (addr, slot) => world.storage(addr, slot),
  };
}
