/**
 * geth's t8n exit codes (cmd/evm/internal/t8ntool/transition.go). Tools that drive a
 * transition tool (retesteth, execution-spec-tests) branch on these numbers, so they
 * are part of the interface and must not drift.
 */
export const ExitCode = {
  Ok: 0,
  /** Anything geth would report without a number (urfave/cli's default). */
  General: 1,
  /** Other EVM error. */
  Evm: 2,
  /** Unsupported or invalid fork, or an env that the fork cannot run with. */
  Config: 3,
  /** BLOCKHASH asked for a block whose hash the env does not give. */
  MissingBlockhash: 4,
  /** Input JSON could not be decoded (or a transaction could not be signed). */
  Json: 10,
  /** An input file could not be read or an output file written. */
  IO: 11,
  /** The RLP transaction list could not be decoded. */
  Rlp: 12,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure with geth's exit code; printed as `ERROR(code): message` like geth's NumberedError. */
export class T8nError extends Error {
  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'T8nError';
  }

  override toString(): string {
    return `ERROR(${this.exitCode}): ${this.message}`;
  }
}

export const jsonError = (what: string) => new T8nError(ExitCode.Json, what);
export const configError = (what: string) => new T8nError(ExitCode.Config, what);
