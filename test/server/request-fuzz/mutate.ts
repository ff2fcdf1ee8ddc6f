import { xorshift32 } from '../../support/xorshift.js';

/**
 * Seeded mutations of JSON values for the request fuzzer: field deletion, type swaps,
 * boundary numbers, hex oddities, duplicated keys, deep nesting, giant arrays and
 * truncation. Every choice comes from one xorshift32 stream, so a seed reproduces a run.
 */
export type Rand = ReturnType<typeof xorshift32>;
type Json = unknown;
type Path = (string | number)[];

const TWO = 2n;
/** Quantities around the bounds the wire format checks (64 and 256 bits). */
const BOUNDARY_HEX = ['0x0', '0x1', '0x00', '0x01', `0x${(TWO ** 63n).toString(16)}`, `0x${(TWO ** 64n - 1n).toString(16)}`, `0x${(TWO ** 64n).toString(16)}`,
  `0x${(TWO ** 256n - 1n).toString(16)}`, `0x${(TWO ** 256n).toString(16)}`, `0x${'f'.repeat(200)}`, `0x${'0'.repeat(70)}1`];
/** Hex strings a careless parser might accept or choke on. */
const ODD_HEX = ['0x', '0X1', '0x-1', '-0x1', ' 0x1', '0x1 ', '0xg', '0x0x1', '0x1.5', '0x1e3', 'x1', '1', '', '0xAbCd', '0x\u0661', '0x1\u0000', '0x' + 'a'.repeat(41), '0x' + 'ab'.repeat(20) + 'a', '0x' + 'AB'.repeat(20)];
/** JSON numbers of every awkward kind; written as text so 1e400 and -0 survive. */
const ODD_NUMBERS = ['0', '-0', '-1', '0.5', '1e400', '-1e400', '9007199254740993', '1e308', '18446744073709551616', '115792089237316195423570985008687907853269984665640564039457584007913129639936', '1E2', '0e0'];
const TYPE_SWAPS: Json[] = [null, true, false, 0, -1, 1.5, '', 'x', [], {}, [1, 2], { a: 1 }, '0x', ['0x1']];

export const NUMBER_MARK = '\u0001num:';

/** Every path to a value inside `v` (the root included). */
function paths(v: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (out.length > 400) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function get(v: Json, p: Path): Json {
  return p.reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], v);
}

/** `v` with the value at `p` replaced by `f(old)`, or deleted when `f` returns `DELETE`. */
const DELETE = Symbol('delete');
function update(v: Json, p: Path, f: (old: Json) => Json | typeof DELETE): Json {
  if (p.length === 0) {
    const r = f(v);
    return r === DELETE ? {} : r;
  }
  const [k, ...rest] = p;
  if (Array.isArray(v)) {
    const copy = [...v];
    const r = rest.length === 0 ? f(copy[k as number]) : update(copy[k as number], rest, f);
    if (r === DELETE) copy.splice(k as number, 1);
    else copy[k as number] = r;
    return copy;
  }
  const copy = { ...(v as Record<string, Json>) };
  const r = rest.length === 0 ? f(copy[k as string]) : update(copy[k as string], rest, f);
  if (r === DELETE) delete copy[k as string];
  else copy[k as string] = r;
  return copy;
}

/** A value nested `depth` arrays or objects deep. */
export function deep(depth: number, objects: boolean): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
  return v;
}

/** A random JSON value of small size. */
export function randomValue(r: Rand, depth = 0): Json {
  switch (r.below(depth > 2 ? 5 : 7)) {
    case 0: return null;
    case 1: return r.below(2) === 0;
    case 2: return Number(r.pick(ODD_NUMBERS));
    case 3: return r.pick([...BOUNDARY_HEX, ...ODD_HEX]);
    case 4: return `0x${Buffer.from(r.bytes(r.below(40))).toString('hex')}`;
    case 5: return Array.from({ length: r.below(4) }, () => randomValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.below(4) }, (_, i) => [r.pick(['fork', 'env', 'txs', 'pre', 'options', 'raw', 'from', `k${i}`]), randomValue(r, depth + 1)]));
  }
}

/** One structural mutation of `v`. Numbers that JSON.stringify cannot write are marked and patched into the text later. */
export function mutateOnce(v: Json, r: Rand, maxArrayBytes: number): Json {
  const ps = paths(v);
  const p = r.pick(ps);
  switch (r.below(9)) {
    case 0: return p.length === 0 ? v : update(v, p, () => DELETE);
    case 1: return update(v, p, () => structuredClone(r.pick(TYPE_SWAPS)));
    case 2: return update(v, p, () => r.pick(BOUNDARY_HEX));
    case 3: return update(v, p, () => r.pick(ODD_HEX));
    case 4: return update(v, p, () => `${NUMBER_MARK}${r.pick(ODD_NUMBERS)}`);
    case 5: return update(v, p, () => deep(1 + r.below(r.below(4) === 0 ? 1000 : 60), r.below(2) === 0));
    case 6: {
      // A giant array: copies of one element, up to about `maxArrayBytes` of JSON.
      const arrays = ps.filter((q) => Array.isArray(get(v, q)) && (get(v, q) as Json[]).length > 0);
      const q = arrays.length > 0 ? r.pick(arrays) : p;
      const item = Array.isArray(get(v, q)) ? (get(v, q) as Json[])[0] : get(v, q);
      const n = Math.max(1, Math.floor(maxArrayBytes / Math.max(8, JSON.stringify(item ?? null)?.length ?? 8)) >> r.below(6));
      return update(v, q, () => Array.from({ length: n }, () => item));
    }
    case 7: {
      // A new key, known or not, with a random value.
      const objects = ps.filter((q) => { const o = get(v, q); return o !== null && typeof o === 'object' && !Array.isArray(o); });
      if (objects.length === 0) return v;
      const key = r.pick(['fork', 'env', 'txs', 'pre', 'options', 'engine', 'gas', 'nonce', '__proto__', 'constructor', 'raw', 'extra', 'number']);
      return update(v, r.pick(objects), (o) => JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(randomValue(r))}, ${JSON.stringify(o).slice(1)}`.replace(/, }$/, '}')));
    }
    default: return update(v, p, () => randomValue(r));
  }
}

/** JSON text of `v`, marked numbers written raw. */
export function toJsonText(v: Json): string {
  return JSON.stringify(v).replace(new RegExp(`"${NUMBER_MARK}([^"]*)"`, 'g'), '$1');
}

/** Text-level damage to JSON: truncation, a duplicated key, stray bytes, comments. */
export function damageText(text: string, r: Rand): string {
  switch (r.below(6)) {
    case 0: return text.slice(0, r.below(Math.max(1, text.length)));
    case 1: {
      // The first key duplicated with another value: the later one wins in JSON.parse.
      const m = /^\{("[^"]*"):/.exec(text);
      return m ? `{${m[1]}:${toJsonText(randomValue(r))},${text.slice(1)}` : text;
    }
    case 2: {
      const at = r.below(text.length + 1);
      return text.slice(0, at) + r.pick(['\u0000', '}', ']', ',', '"', '\\', '\ud800', '/*x*/', 'NaN', '\u2028', '\r\n']) + text.slice(at);
    }
    case 3: return `${text}${r.pick([' ', '\n', 'x', '{}', ','])}`;
    case 4: return `\ufeff${text}`;
    default: return `${'['.repeat(r.below(2) === 0 ? 100_000 : 2000)}${'1'}`;
  }
}

/** Bytes of `b` with a few flipped, cut or added. */
export function damageBytes(b: Uint8Array, r: Rand): Uint8Array {
  const out = Uint8Array.from(b);
  switch (r.below(4)) {
    case 0: return out.subarray(0, r.below(Math.max(1, out.length)));
    case 1: for (let i = 0; i < 1 + r.below(4); i++) if (out.length > 0) out[r.below(out.length)] ^= 1 << r.below(8); return out;
    case 2: return Uint8Array.from([...out, ...r.bytes(1 + r.below(8))]);
    default: return r.bytes(r.below(300));
  }
}
