import { ServiceError } from '../errors/service-error.js';
import type { Engine } from '../engine/engine.js';
import { ParallelEngine } from '../speculation/engine.js';
import { GpuEngine } from '../engine/gpu.js';
import { ReferenceEngine } from '../engine/reference.js';

/**
 * Engines by name. `auto`, the service default, is the parallel engine: a GPU wave for
 * plain calls, CPU workers for the rest, validated in block order. `cpu` is the same
 * without the GPU.
 */
export const ENGINE_NAMES = ['reference', 'cpu', 'gpu', 'gpu-interpreter', 'auto'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export class EngineRegistry {
  private readonly engines = new Map<string, Engine>();

  constructor() {
    const reference = new ReferenceEngine();
    this.engines.set('reference', reference);
    this.engines.set('cpu', new ParallelEngine({ name: 'cpu' }));
    this.engines.set('gpu', new GpuEngine());
    this.engines.set('gpu-interpreter', new GpuEngine({ name: 'gpu-interpreter', kernel: 'interpreter' }));
    this.engines.set('auto', new ParallelEngine({ name: 'auto' }));
  }

  names(): string[] {
    return [...this.engines.keys()];
  }

  describe(): { name: string; resolvesTo: string; description: string }[] {
    return [...this.engines.entries()].map(([name, e]) => ({ name, resolvesTo: e.name, description: e.description }));
  }

  /** The engine for `name` (default `auto`), or a coded UNKNOWN_ENGINE error. */
  get(name: string | undefined): Engine {
    const e = this.engines.get(name ?? 'auto');
    if (!e) throw new ServiceError('UNKNOWN_ENGINE', [JSON.stringify(name)], [{ path: '/options/engine', message: `known engines: ${this.names().join(', ')}` }]);
    return e;
  }

  async close(): Promise<void> {
    for (const e of new Set(this.engines.values())) await e.close?.();
  }
}
