import { afterAll, describe, expect, it } from 'vitest';
import { closeTestGpu, testSession } from '../support/gpu.js';

/**
 * The GPU path's precondition: WebGPU runs here (lavapipe in CI, a real GPU where
 * one is lent) and a WGSL compute kernel produces correct results. The kernel adds
 * two 256-bit words held as 8 x u32 little-endian limbs with emulated carries, the
 * representation the EVM kernels use.
 */
const ADD256 = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let n = arrayLength(&a) / 8u;
  if (id.x >= n) { return; }
  var carry = 0u;
  for (var i = 0u; i < 8u; i++) {
    let x = a[id.x * 8u + i];
    let y = b[id.x * 8u + i];
    let s = x + y;
    let c1 = select(0u, 1u, s < x);
    let t = s + carry;
    let c2 = select(0u, 1u, t < s);
    out[id.x * 8u + i] = t;
    carry = c1 + c2;
  }
}`;

const MASK = (1n << 256n) - 1n;
const toLimbs = (v: bigint, dst: Uint32Array, at: number) => {
  for (let i = 0; i < 8; i++) dst[at + i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
};
const fromLimbs = (src: Uint32Array, at: number) => {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 32n) | BigInt(src[at + i]);
  return v;
};

describe('WebGPU on this machine', () => {
  afterAll(() => closeTestGpu());

  it('opens an adapter and a device', async () => {
    const ctx = await testSession();
    expect(ctx.ctx.adapterName.length).toBeGreaterThan(0);
    expect(ctx.device.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
  });

  it('runs a 256-bit add kernel and matches bigint arithmetic mod 2^256', async () => {
    const { device } = await testSession();
    const n = 1000;
    let seed = 0x9e3779b97f4a7c15n;
    const rnd = () => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      return seed;
    };
    const xs: bigint[] = [];
    const ys: bigint[] = [];
    for (let i = 0; i < n; i++) {
      // Mix random words with carry-chain edge cases.
      const edge = [MASK, 1n, 0n, (1n << 255n), MASK - 1n][i % 5];
      xs.push(i % 7 === 0 ? edge : (rnd() << 192n) | (rnd() << 128n) | (rnd() << 64n) | rnd());
      ys.push(i % 11 === 0 ? edge : (rnd() << 192n) | (rnd() << 128n) | (rnd() << 64n) | rnd());
    }
    const a = new Uint32Array(n * 8);
    const b = new Uint32Array(n * 8);
    xs.forEach((x, i) => toLimbs(x, a, i * 8));
    ys.forEach((y, i) => toLimbs(y, b, i * 8));

    const buf = (data: Uint32Array) => {
      const g = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(g, 0, data);
      return g;
    };
    const ga = buf(a);
    const gb = buf(b);
    const gout = device.createBuffer({ size: a.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const read = device.createBuffer({ size: a.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: ADD256 }), entryPoint: 'main' },
    });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [ga, gb, gout].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(n / 64));
    pass.end();
    enc.copyBufferToBuffer(gout, 0, read, 0, a.byteLength);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(read.getMappedRange().slice(0));
    read.unmap();
    for (const g of [ga, gb, gout, read]) g.destroy();

    for (let i = 0; i < n; i++) expect(fromLimbs(out, i * 8)).toBe((xs[i] + ys[i]) & MASK);
  });
});
