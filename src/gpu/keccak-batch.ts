import type { BatchHasher } from '../chain/hasher.js';
import { cpuHasher } from '../chain/hasher.js';
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
 * A device error also falls back to the CPU, which gives the same digests.
 */
export function gpuHasher(session: GpuSession, minBlocks = 512): BatchHasher {
  return async (inputs) => {
    let blocks = 0;
    for (let i = 0; i < inputs.length && blocks < minBlocks; i++) blocks += Math.floor(inputs[i].length / KECCAK_RATE) + 1;
    if (blocks < minBlocks) return cpuHasher(inputs);
    try {
      return await hashOnGpu(session, inputs);
    } catch {
      return cpuHasher(inputs);
    }
  };
}

/**
 * Compiles the kernel and runs it once: lavapipe compiles a shader at its first
 * dispatch, which would otherwise land in the first batch's roots.
 */
export async function warmUpGpuHasher(session: GpuSession): Promise<void> {
  await dispatch(session, [new Uint8Array(1)], 4);
}

export async function hashOnGpu(session: GpuSession, inputs: Uint8Array[]): Promise<Uint8Array[]> {
  const device = session.device;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const out: Uint8Array[] = [];
  // Inputs are laid out 4-byte aligned; a batch holds as many as fit one binding.
  for (let start = 0; start < inputs.length; ) {
    let bytes = 0;
    let end = start;
    while (end < inputs.length && (end === start || bytes + align4(inputs[end].length) <= limit)) bytes += align4(inputs[end++].length);
    // Not push(...): spreading more than about 120k arguments overflows V8's stack.
    for (const digest of await dispatch(session, inputs.slice(start, end), bytes)) out.push(digest);
    start = end;
  }
  return out;
}

const align4 = (n: number) => (n + 3) & ~3;

async function dispatch(session: GpuSession, inputs: Uint8Array[], bytes: number): Promise<Uint8Array[]> {
  const device = session.device;
  const p = await pipeline(session);
  const data = new Uint8Array(Math.max(4, bytes));
  const spans = new Uint32Array(inputs.length * 2);
  let o = 0;
  inputs.forEach((x, j) => {
    data.set(x, o);
    spans[2 * j] = o;
    spans[2 * j + 1] = x.length;
    o += align4(x.length);
  });
  const upload = (a: ArrayBufferView) => {
    const b = device.createBuffer({ size: a.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(b, 0, a as never);
    return b;
  };
  const dataBuf = upload(data);
  const spanBuf = upload(spans);
  const outBytes = inputs.length * 32;
  const outBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: [dataBuf, spanBuf, outBuf].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
    const groups = Math.ceil(inputs.length / WORKGROUP);
    const gx = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
    pass.end();
    enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await awaitDevice(readBuf.mapAsync(GPUMapMode.READ));
    const all = new Uint8Array(readBuf.getMappedRange().slice(0));
    readBuf.unmap();
    return inputs.map((_, j) => all.subarray(j * 32, j * 32 + 32));
  } finally {
    for (const b of [dataBuf, spanBuf, outBuf, readBuf]) b.destroy();
  }
}
