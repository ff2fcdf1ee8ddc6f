import { pathToFileURL } from 'node:url';
/**
 * keccak-256 throughput: 64-byte inputs hashed by the WGSL kernels (shaders/keccak/) against
 * @noble/hashes on the CPU, in the same process and on the same data.
 *
 *   npx tsx bench/keccak.ts [--sizes 16384,65536,262144] [--reps 3] [--json out.json]
 *
 * Two kernels: `sponge` is the general keccak256(offset, len) reading bytes through the input
 * hook (what SHA3 over EVM memory does); `words64` is the one-block fast path over two u256
 * words (mapping storage slots). Pipeline creation, buffer allocation and a warm-up run (which
 * also checks results against noble) are not timed; the warm-up matters because lavapipe
 * JIT-compiles the shader at its first dispatch, not at pipeline creation, which would make
 * the first timed batch look ten times slower. "end-to-end" covers upload, dispatch and
 * readback into a JS array; "kernel" is submit -> onSubmittedWorkDone for the dispatch alone.
 * Figures are medians over the repetitions.
 */
import { writeFileSync } from 'node:fs';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { GpuRuntime } from '../src/gpu/runtime.js';
import { linkWgslSource } from '../src/gpu/wgsl-linker.js';

const WORKGROUP = 64;
const MAX_GROUPS_X = 65535;

// The kernels index a 2-D grid because one dimension caps out at 65535 workgroups.
const INDEX = `let j = id.x + id.y * nwg.x * ${WORKGROUP}u;`;
const ENTRY = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)`;

const KERNELS = {
  sponge: linkWgslSource(/* wgsl */ `
//! requires: keccak/sponge
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
fn keccak_input_word(word_index: u32) -> u32 { return input[word_index]; }
${ENTRY} {
  ${INDEX}
  if (j >= arrayLength(&out) / 8u) { return; }
  let d = keccak256(j * 64u, 64u);
  for (var i = 0u; i < 8u; i++) { out[j * 8u + i] = d[i]; }
}`),
  words64: linkWgslSource(/* wgsl */ `
//! requires: keccak/words64
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
${ENTRY} {
  ${INDEX}
  if (j >= arrayLength(&out) / 8u) { return; }
  let k = j * 16u;
  let a = array<u32, 8>(input[k], input[k + 1u], input[k + 2u], input[k + 3u], input[k + 4u], input[k + 5u], input[k + 6u], input[k + 7u]);
  let b = array<u32, 8>(input[k + 8u], input[k + 9u], input[k + 10u], input[k + 11u], input[k + 12u], input[k + 13u], input[k + 14u], input[k + 15u]);
  let h = keccak256_words64(a, b);
  for (var i = 0u; i < 8u; i++) { out[j * 8u + i] = h[i]; }
}`),
} as const;
type KernelName = keyof typeof KERNELS;

export interface Row {
  kernel: KernelName;
  batch: number;
  endToEndHashesPerSec: number;
  kernelHashesPerSec: number;
  cpuHashesPerSec: number;
}

function parseArgs(argv: string[]): { sizes: number[]; reps: number; json?: string } {
  let sizes = [16384, 65536, 262144];
  let reps = 5;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    if (argv[i] === '--json') json = value();
    else if (argv[i] === '--sizes') sizes = value().split(',').map(Number);
    else if (argv[i] === '--reps') reps = Number(value());
    else throw new Error(`unknown argument ${argv[i]} (expected --sizes, --reps, --json)`);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !Number.isInteger(reps) || reps <= 0) throw new Error('--sizes and --reps take positive integers');
  return { sizes, reps, json };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Reproducible pseudo-random words (xorshift32); content does not affect keccak's speed. */
function randomWords(n: number, seed: number): Uint32Array {
  const w = new Uint32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    w[i] = x >>> 0;
  }
  return w;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** The 64 bytes each kernel hashes for input j: raw bytes for `sponge`, two big-endian u256 for `words64`. */
function message(kernel: KernelName, input: Uint32Array, j: number): Uint8Array {
  const words = input.subarray(j * 16, j * 16 + 16);
  if (kernel === 'sponge') return new Uint8Array(words.buffer, words.byteOffset, 64);
  const bytes = new Uint8Array(64);
  const view = new DataView(bytes.buffer);
  for (let half = 0; half < 2; half++) for (let limb = 0; limb < 8; limb++) view.setUint32(half * 32 + (7 - limb) * 4, words[half * 8 + limb]);
  return bytes;
}

/** The kernel's output word block j as the digest bytes noble returns. */
function digest(kernel: KernelName, out: Uint32Array, j: number): Uint8Array {
  const words = out.subarray(j * 8, j * 8 + 8);
  if (kernel === 'sponge') return new Uint8Array(words.buffer, words.byteOffset, 32).slice();
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  for (let limb = 0; limb < 8; limb++) view.setUint32((7 - limb) * 4, words[limb]);
  return bytes;
}

async function benchKernel(device: GPUDevice, kernel: KernelName, batch: number, reps: number): Promise<Omit<Row, 'cpuHashesPerSec'> & { input: Uint32Array }> {
  const pipeline = await device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: KERNELS[kernel] }), entryPoint: 'main' },
  });
  const input = randomWords(batch * 16, 0x6b656363 ^ batch);
  const inBuf = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const outBytes = batch * 32;
  const outBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [inBuf, outBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const groups = Math.ceil(batch / WORKGROUP);
  const gx = Math.min(groups, MAX_GROUPS_X);
  const gy = Math.ceil(groups / gx);

  const encodeDispatch = (enc: GPUCommandEncoder) => {
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
  };
  const endToEnd = async (): Promise<Uint32Array> => {
    device.queue.writeBuffer(inBuf, 0, input);
    const enc = device.createCommandEncoder();
    encodeDispatch(enc);
    enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await readBuf.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(readBuf.getMappedRange().slice(0));
    readBuf.unmap();
    return out;
  };

  try {
    const warm = await endToEnd();
    for (const j of [0, 1, batch >> 1, batch - 1]) {
      const want = hex(keccak_256(message(kernel, input, j)));
      const got = hex(digest(kernel, warm, j));
      if (got !== want) throw new Error(`${kernel} kernel disagrees with noble at input ${j} (${hex(message(kernel, input, j))}): ${got}, want ${want}`);
    }

    const e2e: number[] = [];
    const kern: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await endToEnd();
      e2e.push(performance.now() - t0);

      // The input is already resident; drain the queue so only the dispatch is timed.
      await device.queue.onSubmittedWorkDone();
      const enc = device.createCommandEncoder();
      encodeDispatch(enc);
      const commands = enc.finish();
      const t1 = performance.now();
      device.queue.submit([commands]);
      await device.queue.onSubmittedWorkDone();
      kern.push(performance.now() - t1);
    }
    return {
      kernel,
      batch,
      endToEndHashesPerSec: batch / (median(e2e) / 1000),
      kernelHashesPerSec: batch / (median(kern) / 1000),
      input,
    };
  } finally {
    for (const b of [inBuf, outBuf, readBuf]) b.destroy();
  }
}

function cpuHashesPerSec(kernel: KernelName, input: Uint32Array, batch: number): number {
  const messages = Array.from({ length: batch }, (_, j) => message(kernel, input, j));
  const t0 = performance.now();
  for (const m of messages) keccak_256(m);
  return batch / ((performance.now() - t0) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function printKeccakTable(adapterName: string, software: boolean, rows: Row[]): void {
  console.log(`adapter: ${adapterName}`);
  if (software) console.log('warning: software adapter (lavapipe/llvmpipe runs WGSL on the CPU); these are not GPU timings');
  const header = ['kernel', 'batch', 'end-to-end hash/s', 'kernel-only hash/s', 'noble CPU hash/s', 'e2e / CPU'];
  const body = rows.map((r) => [r.kernel, String(r.batch), fmt(r.endToEndHashesPerSec), fmt(r.kernelHashesPerSec), fmt(r.cpuHashesPerSec), `${(r.endToEndHashesPerSec / r.cpuHashesPerSec).toFixed(2)}x`]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c < 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, c) => (c < 1 ? `${'-'.repeat(w + 1)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`);
  for (const row of body) console.log(line(row));
}

/** keccak-256 of 64-byte inputs per second: both WGSL kernels at each batch size, and noble on the CPU. */
export async function keccakRows(device: GPUDevice, sizes: number[], reps: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kernel of Object.keys(KERNELS) as KernelName[]) {
    for (const batch of sizes) {
      const { input, ...gpu } = await benchKernel(device, kernel, batch, reps);
      rows.push({ ...gpu, cpuHashesPerSec: cpuHashesPerSec(kernel, input, batch) });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const { sizes, reps, json } = parseArgs(process.argv.slice(2));
  const gpu = new GpuRuntime();
  try {
    const { device, ctx: { adapterName, software } } = await gpu.session();
    const rows = await keccakRows(device, sizes, reps);
    printKeccakTable(adapterName, software, rows);
    if (json) {
      const report = { benchmark: 'keccak256-64-byte-inputs', adapter: adapterName, software, reps, node: process.version, date: new Date().toISOString(), rows };
      writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`wrote ${json}`);
    }
  } finally {
    await gpu.close();
  }
}

// Runs when invoked as a script; bench/gpu.ts imports the functions above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
