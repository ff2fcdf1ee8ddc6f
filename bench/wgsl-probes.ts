import { parseArgs } from 'node:util';
import { openGpuContext } from '../src/gpu/device.js';

/**
 * What two shapes of WGSL cost on the adapter, each in a tiny kernel of its own: the
 * facts the interpreter's layout rests on (docs/architecture.md, "Run time on
 * lavapipe"). Not a test: it reports, it asserts nothing about time.
 *
 * - `access`: a loop that reads two 256-bit items and writes one, from a storage
 *   buffer of u32 (eight accesses an item) or of vec4<u32> (two).
 * - `switch`: a loop through a switch of 120 labels on a value the compiler cannot
 *   know, hitting the first, a middle or the last label; then the same cases as a
 *   switch on the value's top bits with switches of 16 inside.
 *
 *   npx tsx bench/wgsl-probes.ts [--probes access,switch] [--iterations 200000]
 *
 * On lavapipe every figure is CPU time of the software rasteriser: compare the rows of
 * one run.
 */
const { values } = parseArgs({
  options: {
    probes: { type: 'string', default: 'access,switch' },
    iterations: { type: 'string', default: '200000' },
  },
});
const n = Number(values.iterations);
const ctx = await openGpuContext();
const device = ctx.device;

/** Best of three dispatches of one invocation, in ns an iteration; `init` seeds the buffer's first words. */
async function time(code: string, init: Uint32Array): Promise<string> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const buffer = device.createBuffer({ size: 64 << 10, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, init);
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer } }] });
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    best = Math.min(best, performance.now() - t);
  }
  const error = await device.popErrorScope();
  if (error) throw new Error(error.message);
  buffer.destroy();
  return `${((best * 1e6) / n).toFixed(1)} ns an iteration`;
}

// word 0: a zero the compiler cannot see (loop bounds, selectors); items from word 64.
const accessU32 = `
@group(0) @binding(0) var<storage, read_write> s: array<u32>;
@compute @workgroup_size(1) fn main() {
  var sp = 4u;
  for (var i = 0u; i < ${n}u + s[0]; i++) {
    let at = 64u + (sp - 1u) * 8u;
    let bt = 64u + (sp - 2u) * 8u;
    var v: array<u32, 8>;
    var w: array<u32, 8>;
${[0, 1, 2, 3, 4, 5, 6, 7].map((l) => `    v[${l}] = s[at + ${l}u]; w[${l}] = s[bt + ${l}u];`).join('\n')}
${[0, 1, 2, 3, 4, 5, 6, 7].map((l) => `    s[bt + ${l}u] = v[${l}] + w[${l}]${l === 7 ? ' + i' : ''};`).join('\n')}
    sp = 2u + (i & 3u);
  }
}`;
const accessVec4 = `
@group(0) @binding(0) var<storage, read_write> s: array<vec4<u32>>;
@compute @workgroup_size(1) fn main() {
  var sp = 4u;
  for (var i = 0u; i < ${n}u + s[0].x; i++) {
    let at = 16u + (sp - 1u) * 2u;
    let bt = 16u + (sp - 2u) * 2u;
    let v0 = s[at];
    let v1 = s[at + 1u];
    let w0 = s[bt];
    let w1 = s[bt + 1u];
    s[bt] = v0 + w0;
    s[bt + 1u] = v1 + w1 + vec4<u32>(0u, 0u, 0u, i);
    sp = 2u + (i & 3u);
  }
}`;

const LABELS = 120;
const caseBody = (c: number) => `acc = acc * ${c + 3}u + s[${(c % 7) + 1}u];`;
function switchKernel(nested: boolean): string {
  const flat = (from: number, to: number, indent: string) =>
    Array.from({ length: to - from }, (_, k) => `${indent}case ${from + k}u: { ${caseBody(from + k)} }`).join('\n');
  const body = nested
    ? `    switch op >> 4u {\n${Array.from({ length: Math.ceil(LABELS / 16) }, (_, g) =>
      `      case ${g}u: {\n        switch op {\n${flat(g * 16, Math.min(LABELS, g * 16 + 16), '          ')}\n          default: { acc += 1u; }\n        }\n      }`).join('\n')}\n      default: { acc += 1u; }\n    }`
    : `    switch op {\n${flat(0, LABELS, '      ')}\n      default: { acc += 1u; }\n    }`;
  return `
@group(0) @binding(0) var<storage, read_write> s: array<u32>;
@compute @workgroup_size(1) fn main() {
  var acc = 0u;
  let first = s[8];
  for (var i = 0u; i < ${n}u + s[0]; i++) {
    let op = (first + (i & s[0])) % ${LABELS}u;
${body}
  }
  s[9] = acc;
}`;
}

console.log(`${ctx.adapterName}, ${n} iterations, one invocation, best of 3`);
const probes = values.probes.split(',');
for (const probe of probes) if (probe !== 'access' && probe !== 'switch') throw new Error(`unknown probe ${probe}: access or switch`);
if (probes.includes('access')) {
  console.log(`access  two items read, one written, u32 buffer   ${await time(accessU32, new Uint32Array(1))}`);
  console.log(`access  two items read, one written, vec4 buffer  ${await time(accessVec4, new Uint32Array(1))}`);
}
if (probes.includes('switch')) {
  for (const nested of [false, true]) {
    for (const label of [0, 60, 119]) {
      const init = new Uint32Array(9);
      init[8] = label;
      console.log(`switch  ${nested ? 'nested 8 x 16' : `flat ${LABELS}`.padEnd(13)}, label ${String(label).padStart(3)}  ${await time(switchKernel(nested), init)}`);
    }
  }
}
device.destroy();
// Dawn's instance stays referenced until exit (src/gpu/device.ts says why).
process.exit(0);
