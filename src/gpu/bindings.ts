/**
 * The buffers the interpreter and compiled kernels bind, declared once: their WGSL
 * declarations are generated from this list (the prelude, interpreter-wgsl.ts) and the
 * host builds its bind groups from it (bindGroupEntries), so neither side restates a
 * binding index. Every buffer but the stack is a flat array<u32>; the word offsets
 * inside records come from layout.ts as generated constants (PARAMS_*, CALL_*, ...).
 * The stack pool is an array<vec4<u32>>, half an item an element: an item then moves
 * in two storage accesses rather than eight, and lavapipe pays each access with a
 * branch per SIMD lane (docs/architecture.md, "Run time on lavapipe").
 */
export interface KernelBinding {
  /** The WGSL variable, and the key the host passes its buffer under. */
  readonly name: string;
  readonly access: 'read' | 'read_write';
  readonly element: 'u32' | 'vec4<u32>';
  readonly doc: string;
}

const BINDINGS = [
  { name: 'params', access: 'read', element: 'u32', doc: 'dispatch-wide block context, budgets and region offsets (PARAMS layout).' },
  {
    name: 'chunk', access: 'read', element: 'u32',
    doc: 'which calls this dispatch runs (CHUNK layout); several dispatches may share one scratch buffer, one chunk after another.',
  },
  { name: 'calls', access: 'read', element: 'u32', doc: 'one CALL record per call.' },
  {
    name: 'blob', access: 'read', element: 'u32',
    doc: 'every variable-length input, word-aligned: code, JUMPDEST bitmaps, calldata, warm address and slot lists, blob hashes, '
      + 'compiled programs. Bytes are packed 4 per word, little-endian, as a host Uint8Array viewed as Uint32Array.',
  },
  { name: 'state', access: 'read', element: 'u32', doc: 'the snapshot as two open-addressing tables (ACCOUNT and SLOT records).' },
  {
    name: 'scratch', access: 'read_write', element: 'u32',
    doc: 'per running invocation, its frame records, undo log, transient storage and memory; never read back, so it is sized per chunk, not per call.',
  },
  {
    name: 'stack', access: 'read_write', element: 'vec4<u32>',
    doc: 'per running invocation, its stack pool, two elements an item (limbs 0-3, then 4-7); sized per chunk as scratch is.',
  },
  {
    name: 'out', access: 'read_write', element: 'u32',
    doc: 'per call, its OUT head, return data, logs, storage journal and accessed accounts: everything the host unpacks.',
  },
] as const satisfies readonly KernelBinding[];

export type BindingName = (typeof BINDINGS)[number]['name'];

/** Group 0, in binding order: the index of a buffer is its position here. */
export const KERNEL_BINDINGS: readonly KernelBinding[] = BINDINGS;

/** Binding index by name. */
export const BINDING = Object.fromEntries(BINDINGS.map((b, i) => [b.name, i])) as Readonly<Record<BindingName, number>>;

/** The WGSL declarations, with each buffer's role as a comment. */
export function bindingsWgsl(): string {
  const width = Math.max(...BINDINGS.map((b) => b.name.length)) + 2;
  const comment = (b: KernelBinding) => wrap(b.doc, 86 - width).map((line, i) => `// ${(i ? '' : `${b.name}:`).padEnd(width)}${line}`);
  return [
    '// The kernels\' buffers (src/gpu/bindings.ts), flat arrays:',
    ...BINDINGS.flatMap(comment),
    ...BINDINGS.map((b, i) => `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.element}>;`),
  ].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + 1 + word.length > width) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines;
}

/**
 * A bind group's entries: each buffer at its declared binding, whole unless `ranges`
 * gives the part to bind (a dispatch's CHUNK record).
 */
export function bindGroupEntries(
  buffers: Readonly<Record<BindingName, GPUBuffer>>,
  ranges: Partial<Record<BindingName, { readonly offset: number; readonly size: number }>> = {},
): GPUBindGroupEntry[] {
  return BINDINGS.map((b, binding) => ({ binding, resource: { buffer: buffers[b.name], ...ranges[b.name] } }));
}
