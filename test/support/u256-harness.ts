import { OPCODES } from '../../src/evm/opcodes.js';
import { gasScheduleWgsl, opcodeConstantsWgsl } from '../../src/gpu/interpreter-wgsl.js';
import { compileWgsl } from '../../src/gpu/shader.js';
import { kernelsRoot, linkWgslSource, shadersRoot } from '../../src/gpu/wgsl-linker.js';

/**
 * Host-side driver for the 256-bit arithmetic every kernel runs: many (opcode,
 * operands) cases in one dispatch through the interpreter's own arith()
 * (kernels/interpreter/arith.wgsl, over the shaders/u256 library), returning the
 * result words. test/gpu/u256.test.ts compares them with the reference EVM.
 */
export interface U256Op {
  readonly name: string;
  /** The EVM opcode byte, also the selector arith() switches on. */
  readonly code: number;
  /** Stack inputs, first = top of stack = first WGSL argument. */
  readonly arity: number;
}

/** The pure opcodes, from the opcode table: arithmetic, comparison and bitwise. */
export const U256_OPS: readonly U256Op[] = OPCODES
  .filter((o) => o.family === 'arithmetic' || o.family === 'compare' || o.family === 'bitwise')
  .map((o) => ({ name: o.name, code: o.code, arity: o.pops }));

export const U256_OP_BY_NAME: ReadonlyMap<string, U256Op> = new Map(U256_OPS.map((o) => [o.name, o]));

/** One u32 selector then three operand words per case. */
const CASE_WORDS = 1 + 3 * 8;
const WORKGROUP = 64;
const MASK = (1n << 256n) - 1n;

export function u256KernelSource(): string {
  // arith() names opcodes and EXP's byte gas by their generated constants.
  return /* wgsl */ `//! requires: interpreter/arith
${opcodeConstantsWgsl()}
${gasScheduleWgsl()}

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
  let r = arith(cases[at], load_word(at + 1u), load_word(at + 9u), load_word(at + 17u));
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
      const module = await compileWgsl(device, linkWgslSource(u256KernelSource(), { roots: [kernelsRoot(), shadersRoot()] }), 'u256-ops');
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
