import { OPCODE_BY_NAME } from '../../src/evm/opcodes.js';

// A small assembler for test programs: `asm('PUSH 3 PUSH1 0x05 ADD')`.

/** Bytes of v, big-endian, at least one (PUSH 0 becomes PUSH1 0x00, not PUSH0). */
function minimalBytes(v: bigint): number[] {
  const out: number[] = [];
  do {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return out;
}

/**
 * Opcode names from the table; `PUSH v` picks the shortest PUSHn; `PUSHn v` pads v to
 * n bytes; `0x..` alone is raw bytes; `;` starts a comment to the end of the line.
 */
export function asm(src: string): Uint8Array {
  const out: number[] = [];
  const labels = new Map<string, number>();
  const uses: [at: number, label: string][] = [];
  const tokens = src.replace(/;[^\n]*/g, '').split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // `:name` is a JUMPDEST named `name`; `@name` pushes its offset (PUSH2).
    if (t.startsWith(':')) {
      labels.set(t.slice(1), out.length);
      out.push(OPCODE_BY_NAME.get('JUMPDEST')!.code);
      continue;
    }
    if (t.startsWith('@')) {
      uses.push([out.length + 1, t.slice(1)]);
      out.push(0x61, 0, 0);
      continue;
    }
    if (t === 'PUSH') {
      const bytes = minimalBytes(BigInt(tokens[++i]));
      out.push(0x5f + bytes.length, ...bytes);
      continue;
    }
    const m = /^PUSH([1-9]|[12][0-9]|3[0-2])$/.exec(t);
    if (m) {
      const n = Number(m[1]);
      const v = BigInt(tokens[++i]);
      out.push(0x5f + n, ...Array.from({ length: n }, (_, k) => Number((v >> BigInt(8 * (n - 1 - k))) & 0xffn)));
      continue;
    }
    if (/^0x[0-9a-fA-F]*$/.test(t)) {
      out.push(...Buffer.from(t.slice(2), 'hex'));
      continue;
    }
    const op = OPCODE_BY_NAME.get(t);
    if (!op) throw new Error(`asm: unknown token ${t}`);
    out.push(op.code);
  }
  for (const [at, label] of uses) {
    const to = labels.get(label);
    if (to === undefined) throw new Error(`asm: unknown label ${label}`);
    out[at] = to >> 8;
    out[at + 1] = to & 0xff;
  }
  return Uint8Array.from(out);
}
