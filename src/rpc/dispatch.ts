/**
 * JSON-RPC 2.0 (https://www.jsonrpc.org/specification) over any transport: a table of
 * methods, each with its parameters' parser, and one `handle` for a request or a batch.
 * The Ethereum JSON-RPC (eth.ts) and the Engine API (src/engine-api/) are two tables.
 * Errors carry the spec's codes (-32700 .. -32603) or a method's own (-32000 family,
 * the Engine API's -38xxx); anything else thrown is an internal error (-32603), logged
 * by the caller and never shown with its stack.
 */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
/** Ethereum's server errors: an unknown block, state not kept, execution refused. */
export const SERVER_ERROR = -32000;
/** eth_call and eth_estimateGas of a reverted call (geth's code), the revert data in `data`. */
export const EXECUTION_REVERTED = 3;

export class RpcError extends Error {
  override name = 'RpcError';
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface RpcMethod<P = unknown> {
  /** Turns the request's `params` (an array, or absent) into the handler's argument; throws RpcError (INVALID_PARAMS) when they do not fit. */
  params(raw: unknown[]): P;
  handler(params: P): Json | Promise<Json>;
}

export type MethodTable = Record<string, RpcMethod<never>>;

export interface RpcResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: Json;
  error?: { code: number; message: string; data?: unknown };
}

/** Defines a method with its parameters' parser (typed together). */
export function method<P>(params: (raw: unknown[]) => P, handler: (p: P) => Json | Promise<Json>): RpcMethod<never> {
  return { params, handler } as unknown as RpcMethod<never>;
}

export interface DispatchOptions {
  /** Most requests in one batch. */
  maxBatch?: number;
  /** Called with an error that is not an RpcError (a bug, or the store failing). */
  onInternal?: (e: unknown, method: string) => void;
}

/**
 * Answers a parsed body: one request, or a batch (an array, answered as an array in any
 * order the ids tell apart). Notifications (no `id`) get no answer; a body of only
 * notifications answers undefined (HTTP: an empty 204/200).
 */
export async function handle(table: MethodTable, body: unknown, opts: DispatchOptions = {}): Promise<RpcResponse | RpcResponse[] | undefined> {
  if (Array.isArray(body)) {
    if (body.length === 0) return failure(null, INVALID_REQUEST, 'empty batch');
    if (opts.maxBatch !== undefined && body.length > opts.maxBatch) return failure(null, INVALID_REQUEST, `batch of ${body.length} requests; at most ${opts.maxBatch}`);
    const answers = await Promise.all(body.map((r) => one(table, r, opts)));
    const out = answers.filter((a): a is RpcResponse => a !== undefined);
    return out.length > 0 ? out : undefined;
  }
  return one(table, body, opts);
}

/** Parses the raw text of a body; a parse error is answered as JSON-RPC wants it. */
export async function handleText(table: MethodTable, text: string, opts: DispatchOptions = {}): Promise<RpcResponse | RpcResponse[] | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return failure(null, PARSE_ERROR, `parse error: ${(e as Error).message}`);
  }
  return handle(table, body, opts);
}

function failure(id: RpcResponse['id'], code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined ? { data } : {}) } };
}

function validId(id: unknown): id is string | number | null {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

async function one(table: MethodTable, r: unknown, opts: DispatchOptions): Promise<RpcResponse | undefined> {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return failure(null, INVALID_REQUEST, 'a request is an object');
  const req = r as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  const notification = !('id' in req);
  const id = validId(req.id) ? req.id : null;
  if (req.jsonrpc !== '2.0') return failure(id, INVALID_REQUEST, 'jsonrpc must be "2.0"');
  if (!notification && !validId(req.id)) return failure(null, INVALID_REQUEST, 'id must be a string, a number or null');
  if (typeof req.method !== 'string') return failure(id, INVALID_REQUEST, 'method must be a string');
  if (req.params !== undefined && !Array.isArray(req.params)) {
    return notification ? undefined : failure(id, INVALID_PARAMS, 'params must be an array (by-position)');
  }
  const m = Object.hasOwn(table, req.method) ? table[req.method] : undefined;
  if (!m) return notification ? undefined : failure(id, METHOD_NOT_FOUND, `the method ${req.method} does not exist/is not available`);
  let result: Json;
  try {
    result = await m.handler(m.params((req.params as unknown[] | undefined) ?? []));
  } catch (e) {
    if (notification) return undefined;
    if (e instanceof RpcError) return failure(id, e.code, e.message, e.data);
    opts.onInternal?.(e, req.method);
    return failure(id, INTERNAL_ERROR, 'internal error');
  }
  return notification ? undefined : { jsonrpc: '2.0', id, result };
}
