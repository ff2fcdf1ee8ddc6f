import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineRule } from '../../src/compiler/inline-ops.js';
import { OPCODES, staticGas, type InlineKind } from '../../src/evm/opcodes.js';
import { GPU_FORKS, interpreterPrelude } from '../../src/gpu/interpreter-wgsl.js';
import { kernelsRoot } from '../../src/gpu/wgsl-linker.js';

/**
 * The opcode table's `inline` column drives the compiler (inline-ops.ts) and the WGSL
 * that runs inline opcodes: the switches of arith_light (kernels/interpreter/arith.wgsl)
 * and frame_word (kernels/compiled/fragment.wgsl) must have a case for exactly the
 * opcodes the column gives them, and the generated selectors must agree with it.
 */
const names = (kind: InlineKind) => OPCODES.filter((o) => o.inline === kind).map((o) => o.name).sort();

/** The OP_ names in the case labels of the first switch in WGSL function `fn`. */
function switchCases(file: string, fn: string): string[] {
  const text = readFileSync(join(kernelsRoot(), file), 'utf8');
  const at = text.indexOf(`fn ${fn}(`);
  expect(at, `${fn} in ${file}`).toBeGreaterThanOrEqual(0);
  // The function's body: up to the brace that closes it.
  let depth = 0;
  let end = text.indexOf('{', at);
  for (let i = end; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  const body = text.slice(at, end);
  const labels = [...body.matchAll(/^\s*case\s+([^:{]+):/gm)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
  expect(labels.filter((l) => l !== 'default' && !l.startsWith('OP_')), `${fn}: every case names an opcode`).toEqual([]);
  return labels.filter((l) => l.startsWith('OP_')).map((l) => l.slice(3)).sort();
}

describe('inline column of the opcode table', () => {
  it('gives the compiler its rules: families, arities, guarded outputs', () => {
    for (const op of OPCODES) {
      const r = inlineRule(op, op.defined);
      expect(r?.kind, op.name).toBe(op.defined ? op.inline : undefined);
      if (op.family === 'push' || op.family === 'dup' || op.family === 'swap') expect(op.inline, op.name).toBe(op.family);
      if (r?.kind === 'dup') expect(r.n, op.name).toBe(Number(op.name.slice(3)));
      if (r?.kind === 'swap') expect(r.n, op.name).toBe(Number(op.name.slice(4)));
      if (r?.kind === 'arith') expect(r.arity, op.name).toBe(op.pops);
      if (r?.kind === 'guarded') expect(r.produces, op.name).toBe(op.pushes > 0);
    }
  });

  it('inlines only what cannot fail once a fragment\'s entry check passed', () => {
    for (const op of OPCODES.filter((o) => o.inline)) {
      expect(op.exec, op.name).toBe('gpu');
      expect(op.terminates, op.name).toBe(false);
      // A guarded opcode's dynamic part (memory growth) is nil in its quick case.
      if (op.inline !== 'guarded') expect(op.dynamicGas, op.name).toBe(false);
    }
    // The quick case costs the static gas alone, the same for all three, at every GPU fork.
    const gas = new Set(GPU_FORKS.flatMap((fork) => OPCODES.filter((o) => o.inline === 'guarded').map((o) => staticGas(o, fork))));
    expect(gas.size).toBe(1);
    expect(interpreterPrelude()).toContain(`const INLINE_GUARDED_GAS: u32 = ${[...gas][0]}u;`);
  });

  it('arith_light has a case for exactly the `arith` opcodes', () => {
    expect(switchCases('interpreter/arith.wgsl', 'arith_light')).toEqual(names('arith'));
  });

  it('frame_word has a case for exactly the `word` opcodes', () => {
    expect(switchCases('compiled/fragment.wgsl', 'frame_word')).toEqual(names('word'));
  });

  it('the generated selectors are the table\'s: inline_guarded, and arith_light\'s range below every `word` and `guarded` opcode', () => {
    const prelude = interpreterPrelude();
    const guarded = /fn inline_guarded\(op: u32\) -> bool \{\s*return ([^;]*);/.exec(prelude)![1];
    expect(guarded.split('||').map((s) => s.trim().replace(/^op == OP_/, '')).sort()).toEqual(names('guarded'));
    const last = /const INLINE_ARITH_LAST: u32 = OP_(\w+);/.exec(prelude)![1];
    const code = (name: string) => OPCODES.find((o) => o.name === name)!.code;
    for (const n of names('arith')) expect(code(n), n).toBeLessThanOrEqual(code(last));
    for (const n of [...names('word'), ...names('guarded')]) expect(code(n), n).toBeGreaterThan(code(last));
  });
});
