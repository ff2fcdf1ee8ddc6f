/**
 * Waits until a service's (or a worker's) default engine has its GPU kernels, as its
 * GET /healthz says (`gpu`): `ready`, or `none` for an engine without a GPU route. While
 * they are being made the service answers on the CPU routes, which a benchmark of the
 * GPU must not time. A route still `closed` after `closedMs` (no warm-up, or no device)
 * is not waited for longer. Resolves to the last state seen.
 */
export async function untilGpuSettled(url: string, timeoutMs = 300_000, closedMs = 10_000): Promise<string> {
  const started = performance.now();
  for (;;) {
    const { gpu } = (await (await fetch(`${url}/healthz`)).json()) as { gpu?: string };
    const waited = performance.now() - started;
    if (gpu === undefined || gpu === 'ready' || gpu === 'none' || waited > timeoutMs || (gpu === 'closed' && waited > closedMs)) return gpu ?? 'unknown';
    await new Promise((r) => setTimeout(r, 500));
  }
}
