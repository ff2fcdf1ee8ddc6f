import { keccak_256 } from '@noble/hashes/sha3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { eventPumpCounts, isDawnPump } from '../../src/gpu/event-pump.js';
import { hashOnGpu } from '../../src/gpu/keccak-batch.js';
import { computePipeline } from '../../src/gpu/shader.js';
import { closeTestGpu, testSession } from '../support/gpu.js';

afterAll(() => closeTestGpu());
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the spaced event pump (src/gpu/event-pump.ts)', () => {
  it("tells Dawn's callback apart from every other setImmediate callback", () => {
    // Function.prototype is an anonymous native function of no parameters, as Dawn's is.
    expect(isDawnPump(Function.prototype, [])).toBe(true);
    let resolve!: (v: unknown) => void;
    void new Promise((r) => (resolve = r));
    expect(isDawnPump(resolve, [])).toBe(false);
    expect(isDawnPump(() => undefined, [])).toBe(false);
    expect(isDawnPump(function named() {}.bind(null), [])).toBe(false);
    expect(isDawnPump((() => undefined).bind(null), [])).toBe(false);
    expect(isDawnPump(Function.prototype, [1])).toBe(false);
    expect(isDawnPump(Math.max, [])).toBe(false);
  });

  it('spaces Dawn while a read-back is awaited on lavapipe: about one pump a millisecond, not a busy loop, with the same digests', async () => {
    const session = await testSession();
    // Tests run on lavapipe: a software adapter, where the device opens with the spaced pump.
    expect(session.ctx.software).toBe(true);
    const counts = eventPumpCounts();
    expect(counts).toBeDefined();
    // The hasher's pipeline first (its creation waits on the device too: the next test).
    await hashOnGpu(session, [Uint8Array.of(1)]);
    const before = { ...counts! };
    const inputs = Array.from({ length: 200_000 }, (_, i) => Uint8Array.of(i & 255, (i >> 8) & 255, i >> 16, 7));
    const t = performance.now();
    const got = await hashOnGpu(session, inputs);
    const ms = performance.now() - t;
    for (const i of [0, 99_999, 199_999]) expect(hex(got[i])).toBe(hex(keccak_256(inputs[i])));
    expect(counts!.waits).toBe(before.waits + 1);
    const spaced = counts!.spaced - before.spaced;
    expect(spaced).toBeGreaterThan(0);
    // setTimeout(…, 0) waits at least a millisecond: Dawn's busy loop pumps many times more often.
    expect(spaced).toBeLessThanOrEqual(ms + 2);
  }, 120_000);

  it('spaces Dawn while a pipeline is created: the compilation messages, the error scope and the pipeline are device waits', async () => {
    const session = await testSession();
    const counts = eventPumpCounts()!;
    const before = { ...counts };
    const t = performance.now();
    // A new source each run, so no cache of Dawn's answers at once.
    const code = `@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n@compute @workgroup_size(1) fn main() { out[0] = ${Date.now() % 100_000}u; }`;
    const pipeline = await computePipeline(session.ctx.device, code, 'pump test');
    const ms = performance.now() - t;
    expect(pipeline).toBeDefined();
    expect(counts.waits).toBe(before.waits + 3);
    expect(counts.spaced - before.spaced).toBeLessThanOrEqual(ms + 6);
  }, 120_000);
});
