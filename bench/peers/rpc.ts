/** A JSON-RPC transport: EDR's `Provider.handleRequest` takes and gives JSON strings. */
export interface RpcTransport {
  handleRequest(request: string): Promise<{ data: unknown }>;
}

export interface RpcError {
  code: number;
  message: string;
}

interface Envelope {
  result?: unknown;
  error?: RpcError;
}

function parse(data: unknown): Envelope {
  return (typeof data === 'string' ? JSON.parse(data) : data) as Envelope;
}

/** One request; a JSON-RPC error throws with its method, so a failed step is never mistaken for a result. */
export async function call<T>(p: RpcTransport, method: string, params: unknown[] = []): Promise<T> {
  const r = parse((await p.handleRequest(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))).data);
  if (r.error !== undefined) throw new Error(`${method}: ${r.error.message} (${r.error.code})`);
  return r.result as T;
}

/**
 * One JSON-RPC batch request: the calls travel in a single `handleRequest`. EDR answers a
 * batch with one envelope whose `result` is the array of results, or the first error
 * (measured on 0.20.0), so an error stops the whole batch and throws here.
 */
export async function batch<T>(p: RpcTransport, method: string, paramsList: unknown[][]): Promise<T[]> {
  if (paramsList.length === 0) return [];
  const body = paramsList.map((params, id) => ({ jsonrpc: '2.0', id, method, params }));
  const data = (await p.handleRequest(JSON.stringify(body))).data;
  const raw = (typeof data === 'string' ? JSON.parse(data) : data) as Envelope | Envelope[];
  // The standard answer (an array of envelopes) is accepted too, each checked for its error.
  const failed = Array.isArray(raw) ? raw.find((e) => e.error !== undefined) : raw;
  if (failed?.error !== undefined) throw new Error(`${method} (batch of ${paramsList.length}): ${failed.error.message} (${failed.error.code})`);
  const results = Array.isArray(raw) ? raw.map((e) => e.result) : raw.result;
  if (!Array.isArray(results) || results.length !== paramsList.length) {
    throw new Error(`${method} (batch of ${paramsList.length}): answer is not one result per call`);
  }
  return results as T[];
}
