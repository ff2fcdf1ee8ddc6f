import type { QueueConfig } from '../../config/queue.js';
import { BatchQueue } from '../../queue/connection.js';

/** Connects a front or worker to its queue, or says why not on stderr (undefined: exit 1). Gives up after `timeoutMs`. */
export async function openQueue(command: string, cfg: QueueConfig, role: 'front' | 'worker', timeoutMs = 15_000): Promise<BatchQueue | undefined> {
  if (cfg.nats === false) throw new Error('openQueue without --nats');
  const urls = cfg.nats;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      BatchQueue.open({ urls, prefix: cfg.natsPrefix, replicas: cfg.natsReplicas, maxBatches: cfg.queueMaxBatches, maxBytes: cfg.queueMaxBytes, ackWaitMs: cfg.queueAckWaitMs, resultTtlS: cfg.resultTtlS, role }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (e) {
    console.error(`${command}: cannot open the batch queue on NATS ${urls.join(',')} (JetStream on: nats-server -js): ${(e as Error).message}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
