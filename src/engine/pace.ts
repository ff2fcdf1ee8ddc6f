/**
 * Cooperative pacing for loops that run on the main thread: `await pace()` once per
 * iteration yields to the event loop after every `sliceMs` of synchronous work (so
 * /healthz, /metrics and request parsing are answered while a long batch runs) and
 * throws the abort reason once `signal` has fired (so an abandoned batch stops at the
 * next iteration). Between slices it costs one clock read.
 */
export type Pace = () => Promise<void>;

/** Work slice between two yields: short enough for a 100 ms answer, long enough to cost nothing. */
export const SLICE_MS = 5;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function pacer(signal?: AbortSignal, sliceMs = SLICE_MS): Pace {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    signal?.throwIfAborted();
  };
}
