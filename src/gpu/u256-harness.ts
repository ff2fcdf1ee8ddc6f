import { compileWgsl } from './shader.js';
import { linkWgslSource } from './wgsl-linker.js';

/**
 * Host-side driver for the WGSL 256-bit library: runs many (opcode, operands) cases
 * in one dispatch and returns the result words. The differential tests use it to
 * compare the shaders against the reference EVM; benches can use it to time them.
 */
export interface U256Op {
  readonly name: string;
  /** The EVM opcode byte, also the selector the kernel switches on. */
  readonly code: number;
  /** Stack inputs, first = top of stack = first WGSL argument. */
  readonly arity: 1 | 2 | 3;
  /** WGSL expression over the operands a, b, c yielding a u256. */
  readonly wgsl: string;
}

const bool = (expr: string) => `u256_from_bool(${expr})`;

export const U256_OPS: readonly U256Op[] = [
  { name: 'ADD', code: 0x01, arity: 2, wgsl: 'u256_add(a, b)' },
  { name: 'MUL', code: 0x02, arity: 2, wgsl: 'u256_mul(a, b)' },
  { name: 'SUB', code: 0x03, arity: 2, wgsl: 'u256_sub(a, b)' },
  { name: 'DIV', code: 0x04, arity: 2, wgsl: 'u256_div(a, b)' },
  { name: 'SDIV', code: 0x05, arity: 2, wgsl: 'u256_sdiv(a, b)' },
  { name: 'MOD', code: 0x06, arity: 2, wgsl: 'u256_mod(a, b)' },
  { name: 'SMOD', code: 0x07, arity: 2, wgsl: 'u256_smod(a, b)' },
  { name: 'ADDMOD', code: 0x08, arity: 3, wgsl: 'u256_addmod(a, b, c)' },
  { name: 'MULMOD', code: 0x09, arity: 3, wgsl: 'u256_mulmod(a, b, c)' },
  { name: 'EXP', code: 0x0a, arity: 2, wgsl: 'u256_exp(a, b)' },
  { name: 'SIGNEXTEND', code: 0x0b, arity: 2, wgsl: 'u256_signextend(a, b)' },
  { name: 'LT', code: 0x10, arity: 2, wgsl: bool('u256_lt(a, b)') },
  { name: 'GT', code: 0x11, arity: 2, wgsl: bool('u256_gt(a, b)') },
  { name: 'SLT', code: 0x12, arity: 2, wgsl: bool('u256_slt(a, b)') },
  { name: 'SGT', code: 0x13, arity: 2, wgsl: bool('u256_sgt(a, b)') },
  { name: 'EQ', code: 0x14, arity: 2, wgsl: bool('u256_eq(a, b)') },
  { name: 'ISZERO', code: 0x15, arity: 1, wgsl: bool('u256_iszero(a)') },
  { name: 'AND', code: 0x16, arity: 2, wgsl: 'u256_and(a, b)' },
  { name: 'OR', code: 0x17, arity: 2, wgsl: 'u256_or(a, b)' },
  { name: 'XOR', code: 0x18, arity: 2, wgsl: 'u256_xor(a, b)' },
  { name: 'NOT', code: 0x19, arity: 1, wgsl: 'u256_not(a)' },
  { name: 'BYTE', code: 0x1a, arity: 2, wgsl: 'u256_byte(a, b)' },
  { name: 'SHL', code: 0x1b, arity: 2, wgsl: 'u256_shl(a, b)' },
  { name: 'SHR', code: 0x1c, arity: 2, wgsl: 'u256_shr(a, b)' },
  { name: 'SAR', code: 0x1d, arity: 2, wgsl: 'u256_sar(a, b)' },
];

export const U256_OP_BY_NAME: ReadonlyMap<string, U256Op> = new Map(U256_OPS.map((o) => [o.name, o]));

/** One u32 selector then three operand words per case. */
const CASE_WORDS = 1 + 3 * 8;
const WORKGROUP = 64;
const MASK = (1n << 256n) - 1n;

export function u256KernelSource(): string {
  const cases = U256_OPS.map((o) => `    case ${o.code}u: { r = ${o.wgsl}; }`).join('\n');
  return /* wgsl */ `//! requires: u256/all
@group(0) @binding(0) var<storage, read> cases: array<u32>;
@group(0) @binding(1) var<storage, read_write> results: array<u32>;

fn load_word(at: u32) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = cases[at + i];
  }
  return r;
}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Two-dimensional grid: one dimension caps at 65535 workgroups.
  let idx = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (idx >= arrayLength(&results) / 8u) {
    return;
  }
  let at = idx * ${CASE_WORDS}u;
  let a = load_word(at + 1u);
  let b = load_word(at + 9u);
  let c = load_word(at + 17u);
  var r: u256;
  switch cases[at] {
${cases}
    default: { r = u256_zero(); }
  }
  for (var i = 0u; i < 8u; i++) {
    results[idx * 8u + i] = r[i];
  }
}
`;
}

const pipelines = new WeakMap<GPUDevice, Promise<GPUComputePipeline>>();

function pipelineFor(device: GPUDevice): Promise<GPUComputePipeline> {
  let p = pipelines.get(device);
  if (!p) {
    p = (async () => {
      const module = await compileWgsl(device, linkWgslSource(u256KernelSource()), 'u256-ops');
      return device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    })();
    pipelines.set(device, p);
  }
  return p;
}

export interface U256Case {
  readonly op: U256Op;
  /** Operands in stack order; missing ones are zero. Each must be in [0, 2^256). */
  readonly args: readonly bigint[];
}

function putWord(dst: Uint32Array, at: number, v: bigint): void {
  if (v < 0n || v > MASK) throw new RangeError(`operand out of 256-bit range: ${v}`);
  for (let i = 0; i < 8; i++) dst[at + i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
}

function getWord(src: Uint32Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 32n) | BigInt(src[at + i]);
  return v;
}

/** Evaluates every case on the GPU in one dispatch; results in case order. */
export async function runU256Cases(device: GPUDevice, cases: readonly U256Case[]): Promise<bigint[]> {
  if (cases.length === 0) return [];
  const input = new Uint32Array(cases.length * CASE_WORDS);
  cases.forEach((c, i) => {
    input[i * CASE_WORDS] = c.op.code;
    c.args.forEach((v, k) => putWord(input, i * CASE_WORDS + 1 + 8 * k, v));
  });
  const outBytes = cases.length * 32;
  const pipeline = await pipelineFor(device);
  const inBuf = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const outBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readBuf = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    device.queue.writeBuffer(inBuf, 0, input);
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [inBuf, outBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const groups = Math.ceil(cases.length / WORKGROUP);
    const maxX = device.limits.maxComputeWorkgroupsPerDimension;
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.min(groups, maxX), Math.ceil(groups / maxX));
    pass.end();
    enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await readBuf.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(readBuf.getMappedRange().slice(0));
    readBuf.unmap();
    return cases.map((_, i) => getWord(out, i * 8));
  } finally {
    for (const b of [inBuf, outBuf, readBuf]) b.destroy();
  }
}
