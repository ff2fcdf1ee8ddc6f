import { createEVM } from '@ethereumjs/evm';
import { Account, Address, bigIntToBytes, setLengthLeft } from '@ethereumjs/util';
import { makeCommon } from '../chain/common.js';
import type { GpuBlockContext, GpuCall, GpuStateSnapshot } from '../gpu/abi.js';
import type { Program } from './fragments.js';

/**
 * Which fragments a code's calls enter, from one sample call: a contract kernel made of
 * just those compiles in seconds where the whole contract takes minutes (lavapipe),
 * and the rest of the code still runs as a program in the same kernel. The sample runs
 * on @ethereumjs/evm with its step events; the path only chooses what is emitted, never
 * what a call computes, so an approximate state (the called account and the caller
 * from the snapshot, no block) is enough.
 */

/** Gas the sample may use: a profile needs the common path, not a long loop to its end. */
const SAMPLE_GAS = 2_000_000n;

/** The pcs of the sample call's own frame, in the order it runs them. */
export async function sampleTrace(block: GpuBlockContext, state: GpuStateSnapshot, call: GpuCall): Promise<number[]> {
  const evm = await createEVM({ common: makeCommon(block.fork, block.chainId) });
  for (const address of [call.address, call.caller]) {
    const a = state.accounts.get(`0x${Buffer.from(address).toString('hex')}`);
    const at = new Address(address);
    const own = address === call.address;
    await evm.stateManager.putAccount(at, new Account(a?.nonce ?? 0n, (a?.balance ?? 0n) + (own ? 0n : call.value)));
    if (own) {
      await evm.stateManager.putCode(at, call.code);
      for (const [k, v] of a?.storage ?? []) if (v !== 0n) await evm.stateManager.putStorage(at, setLengthLeft(bigIntToBytes(k), 32), bigIntToBytes(v));
    }
  }
  const pcs: number[] = [];
  evm.events!.on('step', (e: { depth: number; pc: number }) => {
    if (e.depth === 0) pcs.push(e.pc);
  });
  await evm.runCall({
    to: new Address(call.address),
    caller: new Address(call.caller),
    origin: new Address(call.origin),
    value: call.value,
    data: call.data,
    gasLimit: call.gas < SAMPLE_GAS ? call.gas : SAMPLE_GAS,
    gasPrice: call.gasPrice,
    skipNonceIncrement: true,
  });
  return pcs;
}

/**
 * The fragments a trace enters: a fragment's start pc reached other than by running on
 * from the opcode before it inside a fragment (a side exit's continuation, for one, is
 * entered only when its guarded opcode leaves the quick case).
 */
export function enteredFragments(p: Program, trace: readonly number[]): Set<number> {
  const starts = new Set(p.fragments.map((f) => f.start));
  const runsOn = new Map<number, number>();
  for (const f of p.fragments) for (let k = 0; k + 1 < f.body.length; k++) runsOn.set(f.body[k].pc, f.body[k + 1].pc);
  const entered = new Set<number>();
  let prev = -1;
  for (const pc of trace) {
    if (starts.has(pc) && runsOn.get(prev) !== pc) entered.add(pc);
    prev = pc;
  }
  return entered;
}
