import { openGpuContext, type GpuContext } from './device.js';
import { InterpreterPolicy, type KernelMode, type KernelPolicy } from './kernel-policy.js';
import { PipelineCache } from './pipelines.js';
import { evmWorkgroup } from './workgroup.js';

/**
 * Everything that lives as long as one GPU device: the device, its pipelines, the
 * kernel policy of each mode and whatever else its users keep per device (`memo`:
 * executors, contract kernels). A session ends with its device; after a device loss
 * the runtime opens a fresh one and a new session, so nothing built on a dead device
 * is ever reused.
 */
export class GpuSession {
  readonly pipelines: PipelineCache;
  /** Settles when the device is lost or destroyed. */
  readonly lost: Promise<unknown>;
  private readonly memos = new Map<string, unknown>();

  constructor(
    readonly ctx: GpuContext,
    private readonly policies: KernelPolicyFactory,
  ) {
    this.pipelines = new PipelineCache(ctx.device, evmWorkgroup(ctx.software));
    this.lost = ctx.device.lost;
  }

  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** The value `make()` gives, made once per session under `key`. */
  memo<T>(key: string, make: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as T;
  }

  /** What `memo` made under `key`, if anything; makes nothing (for health reports). */
  peek<T>(key: string): T | undefined {
    return this.memos.get(key) as T | undefined;
  }

  /** Forgets what `memo` made under `key` (a failed warm-up is not kept). */
  forget(key: string): void {
    this.memos.delete(key);
  }

  /** The kernel policy of `mode` on this device, one per mode. */
  policy(mode: KernelMode): KernelPolicy {
    return this.memo(`policy:${mode}`, () => this.policies(this, mode));
  }
}

/** Makes the kernel policy of a mode for a session; `interpreter` mode must never need the compiler. */
export type KernelPolicyFactory = (session: GpuSession, mode: KernelMode) => KernelPolicy;

/** Without a compiler every mode runs the interpreter kernel. */
export const interpreterOnly: KernelPolicyFactory = (session) => new InterpreterPolicy(session.pipelines);

export interface GpuRuntimeOptions {
  /** Kernel policies by mode; default the interpreter only. The engine registry passes the compiler's. */
  policies?: KernelPolicyFactory;
  /** Opens a device; default openGpuContext (tests substitute failing ones). */
  open?: () => Promise<GpuContext>;
}

/**
 * The GPU as the engines share it, owned by the engine registry: one device at a time,
 * opened on first use, reopened after a loss, destroyed only by close(). Engines never
 * close it, so closing one engine cannot pull the device from under another.
 */
export class GpuRuntime {
  private opening: Promise<GpuSession> | undefined;
  private live: GpuSession | undefined;
  private closed = false;
  private readonly policies: KernelPolicyFactory;
  private readonly open: () => Promise<GpuContext>;

  constructor(opts: GpuRuntimeOptions = {}) {
    this.policies = opts.policies ?? interpreterOnly;
    this.open = opts.open ?? openGpuContext;
  }

  /** The current session, opening a device if none is open. Rejects when no adapter exists. */
  session(): Promise<GpuSession> {
    if (this.closed) return Promise.reject(new Error('the GPU runtime is closed'));
    const opening = (this.opening ??= this.open().then((ctx) => {
      const s = new GpuSession(ctx, this.policies);
      void s.lost.then(() => {
        if (this.live === s) this.live = undefined;
        if (this.opening === opening) this.opening = undefined;
      });
      this.live = s;
      return s;
    }));
    opening.catch(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    return opening;
  }

  /** The open session, if any; never opens a device (for reports and metrics). */
  current(): GpuSession | undefined {
    return this.live;
  }

  /** Destroys the device. Later session() calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    this.live = undefined;
    if (opening) (await opening.catch(() => undefined))?.device.destroy();
  }
}
