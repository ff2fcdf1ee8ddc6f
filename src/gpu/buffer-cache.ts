/**
 * Device buffers kept between dispatches, one per role, grown when too small. Dawn
 * zero-fills a new buffer on first use, which for the interpreter's scratch and output
 * buffers (hundreds of MiB for a large batch) costs more than the kernel; reusing them
 * pays that once. The kernel never reads what an earlier dispatch left (memory is zeroed
 * as it grows, everything else is written before it is read), so reuse is safe. Its
 * users take turns (`turn`): a dispatch in flight holds the buffers it took.
 */
export class GpuBufferCache {
  private readonly buffers = new Map<string, GPUBuffer>();
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly device: GPUDevice) {}

  /** Runs `task` once every task before it has settled, whatever their outcome: growing a buffer destroys the one it replaces. */
  turn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.last.then(task);
    // Settled with nothing: the queue must not keep the last task's result (a wave's results) alive until the next turn.
    this.last = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A buffer of at least `bytes` for `role`; its contents are whatever was there. */
  take(role: string, bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const have = this.buffers.get(role);
    if (have && have.size >= size && have.usage === usage) return have;
    have?.destroy();
    // Round up so that a slowly growing batch does not reallocate every time.
    const grown = Math.min(Math.max(size, Math.ceil(((have?.size ?? 0) * 3) / 2 / 16) * 16), this.maxSize());
    const b = this.device.createBuffer({ size: Math.max(size, grown), usage, label: role });
    this.buffers.set(role, b);
    return b;
  }

  /** Bytes held per role. */
  held(): Record<string, number> {
    return Object.fromEntries([...this.buffers].map(([role, b]) => [role, b.size]));
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
  }

  private maxSize(): number {
    return Math.min(this.device.limits.maxBufferSize, this.device.limits.maxStorageBufferBindingSize);
  }
}
