import { describe, expect, it } from 'vitest';
import { OPCODES, opcodeTable } from '../../src/evm/opcodes.js';
import { Outcome } from '../../src/evm/outcome.js';
import { BINDING, KERNEL_BINDINGS } from '../../src/gpu/bindings.js';
import { GPU_FORKS, interpreterPrelude, interpreterSource, OPINFO } from '../../src/gpu/interpreter-wgsl.js';
import { LAYOUTS } from '../../src/gpu/layout.js';
import { kernelsRoot, linkWgsl, shadersRoot } from '../../src/gpu/wgsl-linker.js';

/** The generated part of the kernel and its agreement with the TypeScript tables (no GPU needed). */
describe('interpreter kernel source', () => {
  it('generated declarations are stable (snapshot)', () => {
    expect(interpreterPrelude()).toMatchSnapshot();
  });

  it('declares every outcome with its number from src/evm/outcome.ts', () => {
    const prelude = interpreterPrelude();
    for (const [name, code] of Object.entries(Outcome)) {
      const wgsl = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
      expect(prelude).toContain(`const OUTCOME_${wgsl}: u32 = ${code}u;`);
    }
  });

  it('declares every layout field at the offset the host packs it', () => {
    const prelude = interpreterPrelude();
    for (const l of LAYOUTS) {
      for (const [field, offset] of Object.entries(l.offset)) {
        const wgsl = `${l.name}_${field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
        expect(prelude).toContain(`const ${wgsl}: u32 = ${offset}u;`);
      }
      expect(prelude).toContain(`const ${l.name}_WORDS: u32 = ${l.words}u;`);
    }
  });

  it('the opcode table rows decode to the opcode table, fork by fork', () => {
    const m = /const OPCODE_INFO = array<u32, (\d+)>\(([\s\S]*?)\);/.exec(interpreterPrelude())!;
    const words = m[2].replace(/\/\/[^\n]*/g, '').split(',').map((w) => w.trim()).filter(Boolean).map((w) => Number(w.replace(/u$/, '')));
    expect(words).toHaveLength(256 * GPU_FORKS.length);
    GPU_FORKS.forEach((fork, row) => {
      const table = opcodeTable(fork);
      for (const op of OPCODES) {
        const info = words[row * 256 + op.code];
        const at = `${fork} ${op.name}`;
        expect((info & OPINFO.defined) !== 0, at).toBe(table.defined[op.code]);
        if (!table.defined[op.code]) continue;
        expect(info & OPINFO.gasMask, at).toBe(table.gas[op.code]);
        expect((info >>> OPINFO.popsShift) & 31, at).toBe(op.pops);
        expect((info >>> OPINFO.pushesShift) & 31, at).toBe(op.pushes);
        expect((info & OPINFO.host) !== 0, at).toBe(op.exec === 'host');
        expect((info & OPINFO.dynamic) !== 0, at).toBe(op.dynamicGas);
      }
    });
  });

  it('links kernel modules from kernels/ and library modules from shaders/', () => {
    const src = interpreterSource();
    expect(src).toContain('// ---- module interpreter/step ----');
    expect(src).toContain('// ---- module u256/divrem ----');
    expect(src).toContain('// ---- module keccak/f1600 ----');
    expect(src).not.toContain('//! requires: interpreter/nope');
    expect(() => linkWgsl('interpreter/nope', { roots: [kernelsRoot(), shadersRoot()] })).toThrow(/not found/);
    expect(linkWgsl('interpreter/control', { roots: [kernelsRoot(), shadersRoot()] })).toContain('fn is_jumpdest');
  });

  it('declares the buffers once: WGSL bindings in the host\'s order', () => {
    const prelude = interpreterPrelude();
    KERNEL_BINDINGS.forEach((b, i) => {
      expect(BINDING[b.name as keyof typeof BINDING]).toBe(i);
      expect(prelude).toContain(`@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.element}>;`);
    });
    expect(interpreterSource().match(/@binding\(/g)).toHaveLength(KERNEL_BINDINGS.length);
  });
});
