/**
 * JSON as Go's encoding/json writes it, so t8n output files compare byte for byte with
 * geth's: files are indented by one space, stdout/stderr objects by two with a final
 * newline, and <, >, & and U+2028/9 inside strings are \u-escaped.
 */
export function goJson(value: unknown, indent: number): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go marshals map[string]any with sorted keys: the stdout object is {alloc, body, result} in that order. */
export function sortedKeys<T>(obj: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}
