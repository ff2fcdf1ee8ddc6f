import { keccak_256 } from '@noble/hashes/sha3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { eventPumpCounts, isDawnPump } from '../../src/gpu/event-pump.js';
import { hashOnGpu } from '../../src/gpu/keccak-batch.js';
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

});
