/**
 * Parsers shared by every setting: each takes the text of a flag or variable and the
 * name to blame (`--port`, `EVMGPU_PORT`), and throws ConfigError naming it.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
};

/** A non-negative integer: decimal, 0x-hex, or `<digits>e<digits>` (so "1e12" works). */
export function parseCount(text: string, what: string): number {
  const s = text.trim().replace(/_/g, '');
  let v: number;
  if (/^\d+$/.test(s)) v = Number(s);
  else if (/^0x[0-9a-f]+$/i.test(s)) v = Number(BigInt(s));
  else if (/^\d+(\.\d+)?e\d+$/i.test(s)) v = Number(s);
  else throw new ConfigError(`${what}: '${text}' is not a non-negative integer`);
  if (!Number.isSafeInteger(v)) throw new ConfigError(`${what}: '${text}' is not an integer below 2^53`);
  return v;
}

/** Bytes, optionally with a unit: 1048576, 512KiB, 256MiB, 1GB. */
export function parseSize(text: string, what: string): number {
  const m = /^\s*([\d_]+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new ConfigError(`${what}: '${text}' is not a size (bytes, or with a unit such as 256MiB)`);
  const v = parseCount(m[1], what) * unit;
  if (!Number.isSafeInteger(v)) throw new ConfigError(`${what}: '${text}' is too large`);
  return v;
}

export function positive(v: number, what: string): number {
  if (v < 1) throw new ConfigError(`${what}: must be at least 1`);
  return v;
}

export function nonEmpty(text: string, what: string): string {
  if (text.trim() === '') throw new ConfigError(`${what}: must not be empty`);
  return text.trim();
}

/** One of a fixed list of words, compared case-insensitively. */
export function oneOf<T extends string>(choices: readonly T[]): (text: string, what: string) => T {
  return (text, what) => {
    const v = text.trim().toLowerCase();
    if (!(choices as readonly string[]).includes(v)) throw new ConfigError(`${what}: '${text}' is not one of ${choices.join(', ')}`);
    return v as T;
  };
}
