import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAS_NAMES, gasAt, LIMIT_NAMES } from '../../src/evm/gas-schedule.js';
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
        expect((info & OPINFO.writes) !== 0, at).toBe(op.writesState);
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

  it('declares every defined opcode as OP_<name>, and no kernel file writes an opcode byte', () => {
    const prelude = interpreterPrelude();
    for (const op of OPCODES.filter((o) => o.defined)) expect(prelude).toContain(`const OP_${op.name}: u32 = 0x${op.code.toString(16).padStart(2, '0')}u;`);
    const files = readdirSync(kernelsRoot(), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wgsl'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const code = readFileSync(join(kernelsRoot(), f), 'utf8').replace(/\/\/[^\n]*/g, '');
      // One- and two-digit hex literals are opcode bytes, but for the byte mask 0xff.
      const bytes = [...code.matchAll(/\b0x[0-9a-fA-F]{1,2}u\b/g)].map((m) => m[0]).filter((h) => h !== '0xffu');
      expect(bytes, f).toEqual([]);
      // Opcode ranges and offsets are written from their ends' names too (OP_PUSH0 .. OP_PUSH32).
      expect(code.match(/\b(op|kind)\s*[-<>=!]=?\s*\d+u\b/g) ?? [], f).toEqual([]);
      for (const [, name] of code.matchAll(/\bOP_([A-Z0-9_]+)\b/g)) expect(prelude, `${f}: OP_${name}`).toContain(`const OP_${name}: u32`);
    }
  });

  it('declares the dynamic-gas schedule: a constant where GPU forks agree, a row per fork where they differ', () => {
    const prelude = interpreterPrelude();
    for (const name of GAS_NAMES) {
      const wgsl = `${LIMIT_NAMES.has(name) ? 'LIMIT' : 'GAS'}_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
      const values = GPU_FORKS.map((fork) => gasAt(name, fork) ?? 0);
      if (values.every((v) => v === values[0])) expect(prelude).toContain(`const ${wgsl}: u32 = ${values[0]}u;`);
      else expect(prelude).toContain(`const ${wgsl}_BY_FORK = array<u32, ${GPU_FORKS.length}>(${values.map((v) => `${v}u`).join(', ')});`);
    }
    expect(prelude).toContain('GAS_SSTORE_CLEAR_REFUND_BY_FORK');
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
