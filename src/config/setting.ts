/**
 * One configuration setting: its flag (as `evmgpu serve` takes it), its environment
 * variable, how its default reads in help and docs, and the parser that validates
 * its text. The settings tables (service.ts, runtime.ts) are the one source of the
 * resolver, `evmgpu serve --help` and the README's table (a test compares them).
 */
export interface Setting<T> {
  readonly flag: string;
  readonly env: string;
  readonly defaultText: string;
  readonly doc: string;
  parse(text: string, what: string): T;
}
