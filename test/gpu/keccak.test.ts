import { keccak_256, keccakP } from '@noble/hashes/sha3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu, testSession } from '../support/gpu.js';
import { linkWgslSource } from '../../src/gpu/wgsl-linker.js';
import { xorshift32 } from '../support/xorshift.js';

/**
 * Differential tests of the WGSL keccak (shaders/keccak/) against @noble/hashes, run on
 * whatever adapter WebGPU offers (lavapipe in CI). Each kernel invocation hashes one input.
 */

/** One invocation per state: the permutation alone, so a bad round shows up before any padding. */
const PERMUTE_KERNEL = linkWgslSource(/* wgsl */ `
//! requires: keccak/f1600
@group(0) @binding(0) var<storage, read> states: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= arrayLength(&states) / 50u) { return; }
  var s: array<vec2<u32>, 25>;
  for (var i = 0u; i < 25u; i++) { s[i] = vec2<u32>(states[id.x * 50u + 2u * i], states[id.x * 50u + 2u * i + 1u]); }
  keccak_f1600(&s);
  for (var i = 0u; i < 25u; i++) { out[id.x * 50u + 2u * i] = s[i].x; out[id.x * 50u + 2u * i + 1u] = s[i].y; }
}`);

/**
 * One invocation per (offset, len) job over a shared byte buffer. Per job it writes the digest,
 * the digest as a u256, and how many hook calls fell outside the job's words (the contract in
 * sponge.wgsl says none may).
 */
const OUT_WORDS = 17;
const SPONGE_KERNEL = linkWgslSource(/* wgsl */ `
//! requires: keccak/sponge
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read> jobs: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

var<private> first_word: u32;
var<private> last_word: u32;
var<private> stray_reads: u32;

fn keccak_input_word(word_index: u32) -> u32 {
  if (word_index < first_word || word_index > last_word) { stray_reads += 1u; }
  return input[word_index];
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= arrayLength(&jobs)) { return; }
  let job = jobs[id.x];
  // An empty job owns no word: first > last makes every read stray.
  first_word = select(1u, job.x / 4u, job.y != 0u);
  last_word = select(0u, (job.x + job.y - 1u) / 4u, job.y != 0u);
  let d = keccak256(job.x, job.y);
  let u = keccak_digest_to_u256(d);
  for (var i = 0u; i < 8u; i++) {
    out[id.x * ${OUT_WORDS}u + i] = d[i];
    out[id.x * ${OUT_WORDS}u + 8u + i] = u[i];
  }
  out[id.x * ${OUT_WORDS}u + 16u] = stray_reads;
}`);

const WORDS64_KERNEL = linkWgslSource(/* wgsl */ `
//! requires: keccak/words64
@group(0) @binding(0) var<storage, read> keys: array<u32>;
@group(0) @binding(1) var<storage, read> slots: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= arrayLength(&keys) / 8u) { return; }
  var a: array<u32, 8>;
  var b: array<u32, 8>;
  for (var i = 0u; i < 8u; i++) { a[i] = keys[id.x * 8u + i]; b[i] = slots[id.x * 8u + i]; }
  let h = keccak256_words64(a, b);
  for (var i = 0u; i < 8u; i++) { out[id.x * 8u + i] = h[i]; }
}`);

const pipelines = new Map<string, Promise<GPUComputePipeline>>();

/** Runs `code` over `invocations` threads with read-only `inputs` then one output binding. */
async function dispatch(code: string, inputs: Uint32Array[], outWords: number, invocations: number): Promise<Uint32Array> {
  const { device } = await testSession();
  let pipeline = pipelines.get(code);
  if (!pipeline) {
    pipeline = device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    pipelines.set(code, pipeline);
  }
  const pipe = await pipeline;
  const buffers = inputs.map((data) => {
    // Storage bindings may not be empty.
    const b = device.createBuffer({ size: Math.max(4, data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(b, 0, data);
    return b;
  });
  const out = device.createBuffer({ size: outWords * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: outWords * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bind = device.createBindGroup({
    layout: pipe.getBindGroupLayout(0),
    entries: [...buffers, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(Math.ceil(invocations / 64));
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, outWords * 4);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [...buffers, out, read]) b.destroy();
  return result;
}


const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const wordsHex = (w: Uint32Array) => hex(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
const limbsToBigint = (w: Uint32Array) => w.reduceRight((acc, limb) => (acc << 32n) | BigInt(limb), 0n);
const bigintToLimbs = (v: bigint, dst: Uint32Array, at: number) => {
  for (let i = 0; i < 8; i++) dst[at + i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
};
const bigintToBytes32 = (v: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * (31 - i))) & 0xffn));

/** A byte buffer padded to whole words, viewed as the u32 words the hook reads. */
function packed(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bytes.length / 4) || 1);
  new Uint8Array(words.buffer).set(bytes);
  return words;
}

/** Fails listing the first few mismatches and how many there were, not thousands of lines. */
function expectNone(bad: string[]): void {
  expect(bad.length === 0 ? [] : [`${bad.length} mismatches`, ...bad.slice(0, 20)]).toEqual([]);
}

interface Job {
  offset: number;
  len: number;
}

/** Hashes every job in one dispatch and returns readable mismatches (empty when all agree). */
async function spongeMismatches(data: Uint8Array, jobs: Job[]): Promise<string[]> {
  const jobWords = new Uint32Array(jobs.length * 2);
  jobs.forEach((j, i) => {
    jobWords[2 * i] = j.offset;
    jobWords[2 * i + 1] = j.len;
  });
  const out = await dispatch(SPONGE_KERNEL, [packed(data), jobWords], jobs.length * OUT_WORDS, jobs.length);
  const bad: string[] = [];
  jobs.forEach(({ offset, len }, i) => {
    const input = data.subarray(offset, offset + len);
    const want = keccak_256(input);
    const got = out.subarray(i * OUT_WORDS, i * OUT_WORDS + 8);
    const gotU256 = limbsToBigint(out.subarray(i * OUT_WORDS + 8, i * OUT_WORDS + 16));
    const stray = out[i * OUT_WORDS + 16];
    const where = `offset=${offset} len=${len} input=${hex(input)}`;
    if (wordsHex(got) !== hex(want)) bad.push(`${where}: digest ${wordsHex(got)}, want ${hex(want)}`);
    else if (gotU256 !== BigInt(`0x${hex(want)}`)) bad.push(`${where}: as u256 0x${gotU256.toString(16)}, want 0x${hex(want)}`);
    if (stray !== 0) bad.push(`${where}: ${stray} input-hook reads outside the range's words`);
  });
  return bad;
}

describe('keccak-256 in WGSL', () => {
  afterAll(() => closeTestGpu());

  it('keccak-f[1600] matches noble keccakP on random states and the zero state', async () => {
    const r = xorshift32(1600);
    const n = 256;
    const states = new Uint32Array(n * 50);
    for (let i = 50; i < states.length; i++) states[i] = r.next();
    const got = await dispatch(PERMUTE_KERNEL, [states], states.length, n);
    for (let i = 0; i < n; i++) {
      const want = states.slice(i * 50, i * 50 + 50);
      keccakP(want);
      expect(wordsHex(got.subarray(i * 50, i * 50 + 50)), `state ${i}: ${wordsHex(states.subarray(i * 50, i * 50 + 50))}`).toBe(wordsHex(want));
    }
  });

  it('hashes the empty input', async () => {
    expectNone(await spongeMismatches(new Uint8Array(0), [{ offset: 0, len: 0 }]));
    // The well-known constant, so the test does not only trust noble.
    expect(hex(keccak_256(new Uint8Array(0)))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });

  it('hashes every length 0..300 at every offset 0..7, all in one dispatch', async () => {
    const data = xorshift32(300).bytes(300 + 8);
    const jobs: Job[] = [];
    for (let offset = 0; offset < 8; offset++) for (let len = 0; len <= 300; len++) jobs.push({ offset, len });
    expectNone(await spongeMismatches(data, jobs));
  });

  it('hashes lengths at and around multiples of the 136-byte rate, from unaligned offsets', async () => {
    const data = xorshift32(136).bytes(4 * 136 + 16);
    const jobs: Job[] = [];
    for (const len of [135, 136, 137, 271, 272, 273, 407, 408, 409, 543, 544]) for (const offset of [0, 1, 2, 3, 5, 11]) jobs.push({ offset, len });
    expectNone(await spongeMismatches(data, jobs));
  });

  it('hashes random lengths up to 4 KiB at random offsets', async () => {
    const r = xorshift32(4096);
    const data = r.bytes(16 * 1024);
    const jobs: Job[] = Array.from({ length: 256 }, () => {
      const len = r.below(4097);
      return { offset: r.below(data.length - len + 1), len };
    });
    expectNone(await spongeMismatches(data, jobs));
  });

  it('hashes thousands of distinct inputs in one dispatch', async () => {
    const r = xorshift32(8192);
    const data = r.bytes(256 * 1024);
    const jobs: Job[] = Array.from({ length: 8192 }, () => {
      const len = r.below(300);
      return { offset: r.below(data.length - len + 1), len };
    });
    expectNone(await spongeMismatches(data, jobs));
  });

  it('hashes two u256 words (mapping-slot fast path) like keccak over their 64 big-endian bytes', async () => {
    const r = xorshift32(64);
    const max = (1n << 256n) - 1n;
    const edges = [0n, 1n, max, 1n << 255n, 0xffn, max - 1n, 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20n];
    const random = () => Array.from({ length: 8 }, () => BigInt(r.next())).reduce((acc, limb) => (acc << 32n) | limb, 0n);
    const pairs: [bigint, bigint][] = [];
    for (const a of edges) for (const b of edges) pairs.push([a, b]);
    while (pairs.length < 2048) pairs.push([random(), r.below(4) === 0 ? BigInt(r.below(16)) : random()]);
    const keys = new Uint32Array(pairs.length * 8);
    const slots = new Uint32Array(pairs.length * 8);
    pairs.forEach(([a, b], i) => {
      bigintToLimbs(a, keys, i * 8);
      bigintToLimbs(b, slots, i * 8);
    });
    const out = await dispatch(WORDS64_KERNEL, [keys, slots], pairs.length * 8, pairs.length);
    const bad: string[] = [];
    pairs.forEach(([a, b], i) => {
      const input = new Uint8Array(64);
      input.set(bigintToBytes32(a), 0);
      input.set(bigintToBytes32(b), 32);
      const want = BigInt(`0x${hex(keccak_256(input))}`);
      const got = limbsToBigint(out.subarray(i * 8, i * 8 + 8));
      if (got !== want) bad.push(`offset=0 len=64 input=${hex(input)}: 0x${got.toString(16)}, want 0x${want.toString(16)}`);
    });
    expectNone(bad);
  });
});
