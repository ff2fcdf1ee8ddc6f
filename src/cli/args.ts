import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * A command's flags, with `--help` built in and the exit codes every command shares:
 * a number means "return this now" (0 after printing help, 2 after a usage error).
 */
export function commandArgs<const T extends Options>(command: string, help: string, args: string[], options: T) {
  type Config = { args: string[]; allowPositionals: true; options: T & typeof HELP_OPTION };
  let parsed;
  try {
    parsed = parseArgs<Config>({ args, allowPositionals: true, options: { ...options, ...HELP_OPTION } });
  } catch (e) {
    return usageError(command, help, (e as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return 0;
  }
  return parsed;
}

/** Prints the problem and the command's help to stderr; returns the usage exit code. */
export function usageError(command: string, help: string, message: string): 2 {
  console.error(`${command}: ${message}\n${help}`);
  return 2;
}
