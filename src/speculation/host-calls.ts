import type { GpuHostAnswer, GpuHostCall } from '../gpu/abi.js';

/**
 * Precompile calls the kernel leaves to the host. A call that reaches a precompile it
 * has no answer for ends NeedsHost with the request (GpuHostCall); the host runs every
 * pending request of the dispatch with @ethereumjs/evm's own precompiles (one batch),
 * appends each answer to its call, and the wave runs those calls again against the
 * same snapshot: a replay reaches the same precompile calls with the same inputs and
 * goes past them. A failing precompile run (out of gas, bad input) gets no answer: the
 * call stays NeedsHost and its transaction goes to the CPU.
 */
export type PrecompileRunner = (address: number, input: Uint8Array, gas: bigint) => Promise<{ ok: boolean; gasUsed: bigint; output: Uint8Array } | undefined>;

/**
 * The most precompile calls one call may have answered before it is left to the CPU:
 * each answer costs a replay of the call, so a transaction that calls many precompiles
 * costs its square. A route may answer fewer (gpu-route.ts: hostAnswers).
 */
export const MAX_HOST_ANSWERS = 8;

/** The answer to one request, or undefined when the host leaves the call to the CPU. */
export async function answer(run: PrecompileRunner, call: GpuHostCall): Promise<GpuHostAnswer | undefined> {
  const r = await run(call.address, call.input, call.gas);
  if (!r?.ok || r.gasUsed > call.gas) return undefined;
  return { address: call.address, input: call.input, gasUsed: r.gasUsed, output: r.output };
}
