import type { GpuBlockContext, GpuCall, GpuCallResult, GpuStateSnapshot } from './abi.js';
import { bindGroupEntries } from './bindings.js';
import { awaitDevice } from './event-pump.js';
import { GpuBufferCache } from './buffer-cache.js';
import { forkRow } from './interpreter-wgsl.js';
import type { KernelPolicy } from './kernel-policy.js';
import { CALL, CHUNK, regions, type RegionCaps } from './layout.js';
import { limits, type GpuLimitOptions, type Limits } from './limits.js';
import { packBatch, type PackedBatch } from './pack.js';
import { ProgramArena } from './program-arena.js';
import { unpackResult } from './unpack.js';

/**
 * Runs many calls' frames on the GPU, one kernel invocation per call, against one
 * read-only snapshot. The host packs, dispatches and unpacks; the kernel policy says
 * which kernel runs each call; the kernels (kernels/) do the EVM.
 */
const NO_PROGRAM = 0xffffffff;
/**
 * How much output reserve() makes room for: WebGPU's default binding limit, which is a
 * whole group on lavapipe (about 10k calls). A real GPU's larger groups grow the buffers
 * on demand as before, rather than every service holding gigabytes of mappable memory.
 */
const RESERVE_BYTES = 128 << 20;
/** The scratch and stack buffers' usage, COPY_DST only so that reserve() can clear them (a function: WebGPU's globals exist once a device is open). */
const scratchUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;

/**
 * Where a caller's submits spent their time, added up (stats.speculation.perWave):
 * the host before the submit (kernel plan, which may create a pipeline, packing,
 * uploads), the device until the results are mapped, then unpacking them.
 */
export interface DispatchTally {
  submits: number;
  prepareMs: number;
  deviceMs: number;
  unpackMs: number;
}

export function newDispatchTally(): DispatchTally {
  return { submits: 0, prepareMs: 0, deviceMs: 0, unpackMs: 0 };
}

export class GpuCallExecutor {
  private readonly limits: Limits;
  private readonly regions: RegionCaps & ReturnType<typeof regions>;
  private readonly buffers: GpuBufferCache;
  /** How much of which lineage's code prefix the blob buffer holds (weakly, as stateHeld). */
  private prefixHeld?: { buffer: GPUBuffer; owner: WeakRef<object>; words: number };
  /** Which base tables the state buffer holds, as last uploaded (weakly: a finished batch's tables are not kept alive). */
  private stateHeld?: { buffer: GPUBuffer; tables: WeakRef<object>; patches: number };
  /** Where the programs sit in the blob buffer, kept there across dispatches. */
  private readonly programs: ProgramArena;

  constructor(
    private readonly device: GPUDevice,
    private readonly policy: KernelPolicy,
    opts: GpuLimitOptions = {},
  ) {
    this.limits = limits(opts);
    this.regions = { ...this.limits, ...regions(this.limits) };
    this.buffers = new GpuBufferCache(device);
    this.programs = new ProgramArena(Math.floor(maxBinding(device) / 4));
  }

  /** Creates the kernels now rather than at the first execute(). */
  warmUp(): Promise<void> {
    return this.policy.warmUp();
  }

  /**
   * Makes the scratch, stack, output and read-back buffers as large as a full group
   * needs (up to RESERVE_BYTES of output) and uses each once. A buffer's first use is
   * when the device zero-fills all of it: on lavapipe that is fresh memory, about 1 s
   * for the 3 x 128 MiB of a 10k-call batch, which the service would otherwise pay
   * inside the first large batch it runs.
   */
  async reserve(): Promise<void> {
    await this.buffers.turn(() => this.reserveNow());
  }

  private async reserveNow(): Promise<void> {
    const calls = Math.max(1, Math.min(this.perGroup(), Math.floor(RESERVE_BYTES / (this.regions.outWords * 4))));
    const { scratch, stack, out, read } = this.groupBuffers(calls);
    this.device.pushErrorScope('validation');
    const enc = this.device.createCommandEncoder();
    enc.clearBuffer(scratch, 0, 16);
    enc.clearBuffer(stack, 0, 16);
    enc.copyBufferToBuffer(out, 0, read, 0, 16);
    this.device.queue.submit([enc.finish()]);
    // An invalid command buffer would otherwise be dropped with a console line, touching nothing.
    const invalid = await this.device.popErrorScope();
    if (invalid) throw new Error(`GPU buffer reserve: ${invalid.message}`);
    await awaitDevice(read.mapAsync(GPUMapMode.READ, 0, 16));
    read.unmap();
  }

  /** The cached device buffers' sizes in bytes, by role. */
  buffersHeld(): Record<string, number> {
    return this.buffers.held();
  }

  /** Frees the cached device buffers (they are also freed with the device). */
  dispose(): void {
    this.buffers.dispose();
    this.stateHeld = undefined;
    this.prefixHeld = undefined;
    this.programs.clear();
  }

  async execute(block: GpuBlockContext, state: GpuStateSnapshot, calls: readonly GpuCall[], tally?: DispatchTally): Promise<GpuCallResult[]> {
    forkRow(block.fork);
    if (calls.length === 0) return [];
    const perGroup = this.perGroup();
    const groups: GpuCall[][] = [];
    for (let i = 0; i < calls.length; i += perGroup) groups.push(calls.slice(i, i + perGroup));
    // One turn for all the groups: they share the cached buffers, one dispatch after
    // another, and each next group is prepared on the host while the device runs the last.
    return this.buffers.turn(async () => {
      const results: GpuCallResult[] = [];
      let next: Promise<PreparedGroup> | undefined = this.prepareGroup(block, state, groups[0], tally);
      for (let g = 0; g < groups.length; g++) {
        const mapped = this.submitGroup(await next!, tally);
        next = g + 1 < groups.length ? this.prepareGroup(block, state, groups[g + 1], tally) : undefined;
        // Awaited only after this group's results: until then, a failure must not count as unhandled.
        next?.catch(() => undefined);
        // Not push(...): a group may hold more calls than V8 takes arguments (about 120k).
        for (const r of await mapped) results.push(r);
      }
      return results;
    });
  }

  /** Output regions are per call and read back whole: a group is as many calls as fit one binding. */
  private perGroup(): number {
    return Math.max(1, Math.floor(maxBinding(this.device) / (this.regions.outWords * 4)));
  }

  /**
   * The scratch, stack, output and read-back buffers of a group of `calls`: `slots` of
   * them run at once, as many slots as the scratch cap (scratch and stack together)
   * holds and as one binding of each holds.
   */
  private groupBuffers(calls: number): { slots: number; outBytes: number; scratch: GPUBuffer; stack: GPUBuffer; out: GPUBuffer; read: GPUBuffer } {
    const r = this.regions;
    const binding = maxBinding(this.device);
    const fit = Math.min(
      this.limits.scratchBytes / ((r.scratchWords + r.stackWords) * 4),
      binding / (r.scratchWords * 4),
      binding / (r.stackWords * 4),
    );
    const slots = Math.max(1, Math.min(calls, Math.floor(fit)));
    const outBytes = calls * r.outWords * 4;
    return {
      slots,
      outBytes,
      scratch: this.buffers.take('scratch', slots * r.scratchWords * 4, scratchUsage()),
      stack: this.buffers.take('stack', slots * r.stackWords * 4, scratchUsage()),
      out: this.buffers.take('out', outBytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
      read: this.buffers.take('read', outBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
    };
  }

  /**
   * The state buffer: the base tables, uploaded only when they are not what the buffer
   * already holds (a wave's groups and host rounds share them; a rerun wave patches
   * them), then this dispatch's override entries after them.
   */
  private stateBuffer(packed: PackedBatch): GPUBuffer {
    const b = this.buffers.take('state', (packed.state.length + packed.stateTail.length) * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    const v = packed.stateVersion;
    const held = this.stateHeld;
    if (!held || held.buffer !== b || held.tables.deref() !== v.tables || held.patches !== v.patches) {
      this.device.queue.writeBuffer(b, 0, packed.state);
      this.stateHeld = { buffer: b, tables: new WeakRef(v.tables), patches: v.patches };
    }
    if (packed.stateTail.length > 0) this.device.queue.writeBuffer(b, packed.state.byteLength, packed.stateTail);
    return b;
  }

  /**
   * The blob buffer: the lineage's code prefix where the dispatch has one, uploaded only
   * past what the buffer already holds of it (the prefix only grows), then the
   * dispatch's own words after it, then its programs, each written from its own array
   * (a mainnet block's first wave runs about 50 programs, 12 MB in all: copying them
   * into one array first cost more than the upload).
   */
  private blobBuffer(packed: PackedBatch, programs: PlacedPrograms): GPUBuffer {
    const b = this.buffers.take('blob', programs.end * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    const p = packed.blobPrefix;
    if (p) {
      const held = this.prefixHeld;
      const from = held && held.buffer === b && held.owner.deref() === p.owner ? Math.min(held.words, p.words.length) : 0;
      if (p.words.length > from) this.device.queue.writeBuffer(b, from * 4, p.words.subarray(from));
    }
    // A dispatch without the prefix writes over it.
    this.prefixHeld = p && { buffer: b, owner: new WeakRef(p.owner), words: p.words.length };
    this.device.queue.writeBuffer(b, packed.blobAt * 4, packed.blob);
    for (const [program, at] of this.programs.uploads(b, programs.used)) this.device.queue.writeBuffer(b, at * 4, program);
    return b;
  }

  /** A group on the host: its calls ordered by code, the kernels' plan, the packed words. No device buffer is touched. */
  private async prepareGroup(block: GpuBlockContext, state: GpuStateSnapshot, unsorted: readonly GpuCall[], tally?: DispatchTally): Promise<PreparedGroup> {
    const t = performance.now();
    // Calls running the same code sit next to each other, so a workgroup's invocations
    // run one program and diverge only where their inputs make them.
    const order = unsorted.map((_, i) => i);
    const codeRank = new Map<Uint8Array, number>();
    unsorted.forEach((c) => codeRank.has(c.code) || codeRank.set(c.code, codeRank.size));
    order.sort((a, b) => codeRank.get(unsorted[a].code)! - codeRank.get(unsorted[b].code)! || a - b);
    const calls = order.map((i) => unsorted[i]);
    const plan = await this.policy.plan(block, state, calls);
    const packed = packBatch(block, state, calls, this.limits);
    const programs = placePrograms(packed, plan.programs, this.programs);
    if (tally) tally.prepareMs += performance.now() - t;
    return { order, calls, plan, packed, programs };
  }

  /**
   * Uploads a prepared group, dispatches it and reads its results back. Its uploads and
   * submission happen before it returns (the next group is prepared meanwhile); the
   * promise settles with the results in the calls' original order.
   */
  private submitGroup(group: PreparedGroup, tally?: DispatchTally): Promise<GpuCallResult[]> {
    const device = this.device;
    let t = performance.now();
    const { order, calls, plan, packed, programs } = group;
    const r = this.regions;
    const { slots, outBytes, scratch, stack, out, read } = this.groupBuffers(calls.length);
    const input = (role: string, data: Uint32Array) => {
      const b = this.buffers.take(role, data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(b, 0, data);
      return b;
    };
    const params = input('params', packed.params);
    const callBuf = input('calls', packed.calls);
    const blob = this.blobBuffer(packed, programs);
    const stateBuf = this.stateBuffer(packed);

    // Chunks of `slots` calls share the scratch buffer, one dispatch after another; a
    // chunk is split where its calls' kernel changes. Each dispatch reads its CHUNK
    // record at its own aligned offset of one buffer.
    const runs: { first: number; count: number; pipeline: GPUComputePipeline }[] = [];
    for (let k = 0; k < calls.length; k += slots) {
      const end = Math.min(calls.length, k + slots);
      for (let i = k; i < end; ) {
        let j = i + 1;
        while (j < end && plan.pipelines[j] === plan.pipelines[i]) j++;
        runs.push({ first: i, count: j - i, pipeline: plan.pipelines[i] });
        i = j;
      }
    }
    const stride = Math.max(device.limits.minStorageBufferOffsetAlignment, CHUNK.words * 4) / 4;
    const chunkWords = new Uint32Array(runs.length * stride);
    runs.forEach((run, k) => {
      chunkWords[k * stride + CHUNK.offset.firstCall] = run.first;
      chunkWords[k * stride + CHUNK.offset.count] = run.count;
    });
    const chunkBuf = input('chunks', chunkWords);

    const enc = device.createCommandEncoder();
    runs.forEach((run, k) => {
      const buffers = { params, chunk: chunkBuf, calls: callBuf, blob, state: stateBuf, scratch, stack, out };
      const bind = device.createBindGroup({
        layout: run.pipeline.getBindGroupLayout(0),
        entries: bindGroupEntries(buffers, { chunk: { offset: k * stride * 4, size: CHUNK.words * 4 } }),
      });
      const pass = enc.beginComputePass();
      pass.setPipeline(run.pipeline);
      pass.setBindGroup(0, bind);
      const groups = Math.ceil(run.count / plan.workgroup);
      const maxX = device.limits.maxComputeWorkgroupsPerDimension;
      pass.dispatchWorkgroups(Math.min(groups, maxX), Math.ceil(groups / maxX));
      pass.end();
    });
    enc.copyBufferToBuffer(out, 0, read, 0, outBytes);
    device.queue.submit([enc.finish()]);
    if (tally) [tally.submits, tally.prepareMs, t] = [tally.submits + 1, tally.prepareMs + performance.now() - t, performance.now()];
    return this.readBack(read, calls.length, (words, i, at) => unpackResult(words, at, r, plan.kinds[i]), tally, t).then((sorted) => {
      const results = new Array<GpuCallResult>(calls.length);
      order.forEach((original, i) => (results[original] = sorted[i]));
      return results;
    });
  }

  /**
   * Maps the read-back buffer a window of calls at a time (limits.ts: readBackWindowBytes),
   * unpacking each and unmapping it before the next. V8 counts a mapped range as external
   * memory, and an allocation that takes external memory 64 MiB past where the last full
   * collection left it starts a full mark of the heap. A group's whole output mapped at
   * once (14 KiB a call: 140 MB for 10k calls) started one per group, 16 full marks of a
   * 550-830 MB heap in a 100k-transfer batch. Unmapping detaches the range, and V8 takes
   * its count back.
   */
  private async readBack(read: GPUBuffer, calls: number, unpack: (words: Uint32Array, call: number, at: number) => GpuCallResult, tally: DispatchTally | undefined, t: number): Promise<GpuCallResult[]> {
    const callBytes = this.regions.outWords * 4;
    // Windows start at multiples of 8 bytes (mapAsync's alignment): an even number of calls.
    const perWindow = Math.max(2, Math.floor(this.limits.readWindowBytes / callBytes) & ~1);
    const out = new Array<GpuCallResult>(calls);
    for (let first = 0; first < calls; first += perWindow) {
      const count = Math.min(perWindow, calls - first);
      await awaitDevice(read.mapAsync(GPUMapMode.READ, first * callBytes, count * callBytes));
      if (tally && first === 0) [tally.deviceMs, t] = [tally.deviceMs + performance.now() - t, performance.now()];
      try {
        // Unpacked straight from the mapping: every value it keeps is copied out of it.
        const words = new Uint32Array(read.getMappedRange(first * callBytes, count * callBytes));
        for (let i = 0; i < count; i++) out[first + i] = unpack(words, first + i, i * this.regions.outWords);
      } finally {
        read.unmap();
      }
    }
    if (tally) tally.unpackMs += performance.now() - t;
    return out;
  }
}

/** A group ready for the device: its calls in dispatch order, where each came from, the kernels' plan and the packed words. */
interface PreparedGroup {
  order: number[];
  calls: GpuCall[];
  plan: Awaited<ReturnType<KernelPolicy['plan']>>;
  packed: PackedBatch;
  programs: PlacedPrograms;
}

function maxBinding(device: GPUDevice): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

/** The programs a dispatch's calls run, and the words its blob buffer needs (its own words, and the program arena's). */
interface PlacedPrograms {
  used: readonly (Uint32Array | undefined)[];
  end: number;
}

/** Places the dispatch's programs in the arena and points its calls at them (CALL.programAt, a word of the blob buffer). */
function placePrograms(packed: PackedBatch, programs: readonly (Uint32Array | undefined)[] | undefined, arena: ProgramArena): PlacedPrograms {
  const own = packed.blobAt + packed.blob.length;
  // Placed even without programs: words of a dispatch that reach the arena move it.
  const at = arena.place(own, programs ?? []);
  programs?.forEach((p, i) => (packed.calls[i * CALL.words + CALL.offset.programAt] = p ? at.get(p)! : NO_PROGRAM));
  return { used: programs ?? [], end: Math.max(own, arena.words) };
}
