import { ServiceErrors } from '../../../src/errors/registry.js';
import type { FuzzRequest } from './requests.js';

/**
 * What every answer to a fuzz request must be: a 5xx only as a load 503 (OVERLOADED or
 * EXECUTION_TIMEOUT) with a Retry-After; a 4xx or 503 with a coded JSON body whose code
 * is in the error registry at that status; a JSON-RPC answer without an internal error
 * (-32603 is the JSON-RPC form of a 500). Returns why an answer breaks that, or undefined.
 */
export const LOAD_503 = new Set(['OVERLOADED', 'EXECUTION_TIMEOUT']);
const RPC_INTERNAL = -32603;

export interface Answer {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

function codeOf(a: Answer): string | undefined {
  try {
    const v = JSON.parse(Buffer.from(a.body).toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
    return typeof v.error?.code === 'string' && typeof v.error.message === 'string' ? v.error.code : undefined;
  } catch {
    return undefined;
  }
}

function rpcInternal(body: Uint8Array): boolean {
  try {
    const v = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
    return (Array.isArray(v) ? v : [v]).some((x) => (x as { error?: { code?: number } })?.error?.code === RPC_INTERNAL);
  } catch {
    return true;
  }
}

export function judge(req: FuzzRequest, a: Answer): string | undefined {
  // HEAD answers carry no body to read a code from.
  if (req.method === 'HEAD') return a.status >= 500 ? `HEAD answered ${a.status}` : undefined;
  if (a.status >= 400) {
    const code = codeOf(a);
    if (code === undefined) return `${a.status} without a coded JSON body: ${Buffer.from(a.body).toString('utf8').slice(0, 200)}`;
    const known = (ServiceErrors as Record<string, { status: number }>)[code];
    if (known === undefined) return `${a.status} with code ${code}, not in the registry`;
    if (known.status !== a.status) return `${a.status} with code ${code}, registered as ${known.status}`;
    if (a.status >= 500) {
      if (!LOAD_503.has(code)) return `${a.status} ${code}`;
      if (!(Number(a.headers.get('retry-after')) >= 1)) return `503 ${code} without a Retry-After`;
    }
    return undefined;
  }
  if (req.path === '/rpc' && req.method === 'POST' && a.status === 200 && rpcInternal(a.body)) return `JSON-RPC internal error: ${Buffer.from(a.body).toString('utf8').slice(0, 300)}`;
  return undefined;
}
