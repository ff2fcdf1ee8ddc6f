import { ServiceErrors, type ServiceErrorCode } from './registry.js';

export interface ErrorDetail {
  path?: string;
  message: string;
}

/** An error the service reports to a client, always with a registered code. */
export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly statusCode: number;
  readonly details: ErrorDetail[];
  /** Seconds a client should wait before trying again (the Retry-After header of a 503). */
  retryAfterS?: number;

  constructor(code: ServiceErrorCode, args: (string | number | bigint)[] = [], details: ErrorDetail[] = [], cause?: unknown) {
    let i = 0;
    super(ServiceErrors[code].message.replace(/%s/g, () => String(args[i++] ?? '')), { cause });
    this.name = 'ServiceError';
    this.code = code;
    this.statusCode = ServiceErrors[code].status;
    this.details = details;
  }

  /** This error with a Retry-After of `seconds` (whole, at least 1). */
  retryAfter(seconds: number): this {
    this.retryAfterS = Math.max(1, Math.ceil(seconds));
    return this;
  }

  toBody(): { error: { code: ServiceErrorCode; message: string; details?: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details.length ? { details: this.details } : {}) } };
  }
}

/**
 * Makes an error without capturing the stack: errors a client causes by the thousand
 * (503 OVERLOADED under a flood) are answered, never logged with a stack, and
 * capturing one through fastify's hooks was 6% of the main thread under such a flood.
 */
export function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
