import { OPCODE_BY_NAME } from '../../src/evm/opcodes.js';
import type { Hex } from '../../src/model/shapes.js';

/**
 * A tiny assembler for the fuzz contracts, so their bytecode reads as opcodes. Items:
 * an opcode name, a bigint (pushed with the smallest PUSHn; never PUSH0, which would
 * make the contracts invalid before Shanghai), `@label` (a PUSH2 of the label's offset:
 * fixed width, so offsets are known in one pass) and `label:` (a JUMPDEST there); `@end` is the code's size.
 * Opcode bytes come from the project's one opcode table.
 */
export type AsmItem = string | bigint;

function op(name: string): number {
  const spec = OPCODE_BY_NAME.get(name);
  if (!spec) throw new Error(`asm: unknown opcode ${name}`);
  return spec.code;
}

function pushBytes(v: bigint): number[] {
  if (v < 0n || v >= 1n << 256n) throw new Error(`asm: push out of range: ${v}`);
  const bytes: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
  if (bytes.length === 0) bytes.push(0);
  return [op(`PUSH${bytes.length}`), ...bytes];
}

export function asm(...items: AsmItem[]): Uint8Array {
  const labels = new Map<string, number>();
  const sizeOf = (it: AsmItem) => (typeof it === 'bigint' ? pushBytes(it).length : it.startsWith('@') ? 3 : 1);
  let offset = 0;
  for (const it of items) {
    if (typeof it === 'string' && it.endsWith(':')) labels.set(it.slice(0, -1), offset);
    offset += sizeOf(it);
  }
  labels.set('end', offset);
  const out: number[] = [];
  for (const it of items) {
    if (typeof it === 'bigint') out.push(...pushBytes(it));
    else if (it.startsWith('@')) {
      const at = labels.get(it.slice(1));
      if (at === undefined) throw new Error(`asm: unknown label ${it}`);
      out.push(op('PUSH2'), at >> 8, at & 0xff);
    } else if (it.endsWith(':')) out.push(op('JUMPDEST'));
    else out.push(op(it));
  }
  return Uint8Array.from(out);
}

export const toHex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;

/** Init code that runs `constructor` and then deploys `runtime`, copied from its own tail (`@end`). */
export function initCode(runtime: Uint8Array, constructor: AsmItem[] = []): Uint8Array {
  const head = asm(...constructor, BigInt(runtime.length), 'DUP1', '@end', 0n, 'CODECOPY', 0n, 'RETURN');
  return Uint8Array.from([...head, ...runtime]);
}
