import type { BatchHasher } from '../chain/hasher.js';
import { align4, cpuHasher, hashSpansOnCpu } from '../chain/hasher.js';
import { GpuBufferCache } from './buffer-cache.js';
import { awaitDevice } from './event-pump.js';
import type { GpuSession } from './runtime.js';
import { linkWgslSource } from './wgsl-linker.js';

const WORKGROUP = 64;
/** keccak-256's rate: the bytes one permutation absorbs. */
const KECCAK_RATE = 136;

/** Input j is `spans[2j]` bytes into `data`, `spans[2j+1]` long; its digest goes to out[8j..8j+8). */
const SOURCE = linkWgslSource(/* wgsl */ `
//! requires: keccak/sponge
@group(0) @binding(0) var<storage, read> data: array<u32>;
@group(0) @binding(1) var<storage, read> spans: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
fn keccak_input_word(word_index: u32) -> u32 { return data[word_index]; }
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let j = id.x + id.y * nwg.x * ${WORKGROUP}u;
  if (j >= arrayLength(&spans) / 2u) { return; }
  let d = keccak256(spans[2u * j], spans[2u * j + 1u]);
  for (var i = 0u; i < 8u; i++) { out[j * 8u + i] = d[i]; }
}`);

function pipeline(session: GpuSession): Promise<GPUComputePipeline> {
  return session.pipelines.get('keccak-batch', () => SOURCE);
}

/**
 * A BatchHasher on the GPU (shaders/keccak/sponge.wgsl, the kernel SHA3 uses). A batch
 * of fewer than `minBlocks` keccak blocks (136 bytes each, one permutation) stays on the
 * CPU, where it costs less than a dispatch: on lavapipe (2026-12-05) a dispatch costs
 * about 2 ms and @noble/hashes about 6 µs a block, so 128 trie nodes of 532 bytes took
 * 2.0 ms on the GPU against 3.2 ms on the CPU, and 32 of them 0.7-2.1 against 0.8-0.9.
 * The CPU's hash is now WebAssembly (primitives/keccak.ts, about 0.8 µs a block), so
 * alone the CPU wins further up (2,000 nodes of 532 bytes: 3.9-8.2 ms against 13-21 on
 * lavapipe, 2026-12-06); keeping every batch on the CPU on lavapipe did not make a
 * 100k erc20 batch's roots faster (6.4-6.9 s against 6.0-6.6), so the bound stays.
 * A device error also falls back to the CPU, which gives the same digests.
 */
export function gpuHasher(session: GpuSession, minBlocks = 512): BatchHasher {
  const many = async (inputs: Uint8Array[]) => {
    let blocks = 0;
    for (let i = 0; i < inputs.length && blocks < minBlocks; i++) blocks += Math.floor(inputs[i].length / KECCAK_RATE) + 1;
    if (blocks < minBlocks) return cpuHasher(inputs);
    try {
      return await hashOnGpu(session, inputs);
    } catch {
      return cpuHasher(inputs);
    }
  };
  const spans = async (data: Uint8Array, spans: Uint32Array, out?: Uint8Array) => {
    let blocks = 0;
    for (let j = 1; j < spans.length && blocks < minBlocks; j += 2) blocks += Math.floor(spans[j] / KECCAK_RATE) + 1;
    if (blocks < minBlocks) return hashSpansOnCpu(data, spans, out);
    try {
      return await hashSpansOnGpu(session, data, spans, out);
    } catch {
      return hashSpansOnCpu(data, spans, out);
    }
  };
  return Object.assign(many, { spans });
}

/**
 * Compiles the kernel and runs it once: lavapipe compiles a shader at its first
 * dispatch, which would otherwise land in the first batch's roots.
 */
export async function warmUpGpuHasher(session: GpuSession): Promise<void> {
  await hashSpansOnGpu(session, new Uint8Array(4), Uint32Array.of(0, 1));
}

/** Each input's digest, the inputs laid out 4-byte aligned in one buffer. */
export async function hashOnGpu(session: GpuSession, inputs: Uint8Array[]): Promise<Uint8Array[]> {
  let bytes = 0;
  for (const x of inputs) bytes += align4(x.length);
  const data = new Uint8Array(Math.max(4, bytes));
  const spans = new Uint32Array(inputs.length * 2);
  let o = 0;
  inputs.forEach((x, j) => {
    data.set(x, o);
    spans[2 * j] = o;
    spans[2 * j + 1] = x.length;
    o += align4(x.length);
  });
  const all = await hashSpansOnGpu(session, data, spans);
  return inputs.map((_, j) => all.subarray(j * 32, j * 32 + 32));
}

/** The span form of the hasher (chain/hasher.ts: SpanHasher): as many spans a dispatch as the bytes they cover fit one binding. */
export async function hashSpansOnGpu(session: GpuSession, data: Uint8Array, spans: Uint32Array, out: Uint8Array = new Uint8Array(16 * spans.length)): Promise<Uint8Array> {
  const device = session.device;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const count = spans.length / 2;
  for (let first = 0; first < count; ) {
    let lo = spans[0 + 2 * first];
    let hi = align4(lo + spans[2 * first + 1]);
    let end = first + 1;
    for (; end < count; end++) {
      const l = Math.min(lo, spans[2 * end]);
      const h = Math.max(hi, align4(spans[2 * end] + spans[2 * end + 1]));
      if (h - l > limit) break;
      lo = l;
      hi = h;
    }
    const local = new Uint32Array(2 * (end - first));
    for (let j = first; j < end; j++) {
      local[2 * (j - first)] = spans[2 * j] - lo;
      local[2 * (j - first) + 1] = spans[2 * j + 1];
    }
    // The device reads whole words: a span ending in the buffer's last, partial word is read from a padded copy.
    const bytes = hi <= data.length ? data.subarray(lo, Math.max(hi, lo + 4)) : padded(data.subarray(lo), hi - lo);
    await dispatch(session, bytes.length >= 4 ? bytes : padded(bytes, 4), local, out.subarray(32 * first, 32 * end));
    first = end;
  }
  return out;
}

function padded(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes);
  return out;
}

/**
 * The hasher's device buffers, one set per session, grown as needed and reused: a new
 * buffer is fresh memory, which on lavapipe costs more than hashing into it (a 10k
 * batch's roots hash 9.5 MB into 3.2 MB of digests). Dispatches take turns with them.
 */
function dispatch(session: GpuSession, data: Uint8Array, spans: Uint32Array, out: Uint8Array): Promise<void> {
  const cache = session.memo('keccak-batch:buffers', () => new GpuBufferCache(session.device));
  return cache.turn(() => dispatchNow(session, cache, data, spans, out));
}

/** Hashes the spans and copies their digests from the mapped read-back into `out`. */
async function dispatchNow(session: GpuSession, cache: GpuBufferCache, data: Uint8Array, spans: Uint32Array, out: Uint8Array): Promise<void> {
  const device = session.device;
  const p = await pipeline(session);
  const upload = (role: string, a: Uint8Array | Uint32Array) => {
    const buffer = cache.take(role, a.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(buffer, 0, a as never);
    // Bound to the input's own length: the kernel counts the spans by arrayLength.
    return { buffer, size: a.byteLength };
  };
  const count = spans.length / 2;
  const outBytes = count * 32;
  const bound = [
    upload('keccak-data', data),
    upload('keccak-spans', spans),
    { buffer: cache.take('keccak-out', outBytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC), size: outBytes },
  ];
  const readBuf = cache.take('keccak-read', outBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: bound.map((resource, binding) => ({ binding, resource })) }));
  const groups = Math.ceil(count / WORKGROUP);
  const gx = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
  pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
  pass.end();
  enc.copyBufferToBuffer(bound[2].buffer, 0, readBuf, 0, outBytes);
  device.queue.submit([enc.finish()]);
  await awaitDevice(readBuf.mapAsync(GPUMapMode.READ, 0, outBytes));
  try {
    out.set(new Uint8Array(readBuf.getMappedRange(0, outBytes)));
  } finally {
    readBuf.unmap();
  }
}
