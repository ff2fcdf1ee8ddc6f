import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GpuBufferCache } from '../../src/gpu/buffer-cache.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('GpuBufferCache.turn', () => {
  it('runs tasks one after another, whatever the last one did', async () => {
    // turn() touches no device.
    const cache = new GpuBufferCache({} as GPUDevice);
    const order: string[] = [];
    const a = cache.turn(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('a');
      throw new Error('a failed');
    });
    const b = cache.turn(async () => {
      order.push('b');
      return 2;
    });
    await expect(a).rejects.toThrow('a failed');
    await expect(b).resolves.toBe(2);
    expect(order).toEqual(['a', 'b']);
  });

  it('keeps no task\'s result once its caller lets it go (a wave\'s results are hundreds of MB)', async () => {
    const cache = new GpuBufferCache({} as GPUDevice);
    let ref: WeakRef<object> | undefined;
    await (async () => {
      const result = await cache.turn(async () => ({ results: new Array(1000).fill(0) }));
      ref = new WeakRef(result);
    })();
    // A WeakRef holds its target until the job that made it ends.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(ref!.deref()).toBeUndefined();
  });
});
