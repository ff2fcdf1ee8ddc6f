import type { EngineRegistry } from '../registry/registry.js';

/** What the server needs of an engine registry; tests may hand in their own. */
export type EngineRegistryLike = Pick<EngineRegistry, 'get' | 'describe' | 'names' | 'close' | 'compilerReport'> & Partial<Pick<EngineRegistry, 'codes' | 'gpuRoute'>>;
