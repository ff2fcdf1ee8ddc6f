import { Gauge, type Registry } from 'prom-client';
import type { BatchQueue, QueueDepth } from './connection.js';
import type { WorkerAnnouncement } from './worker.js';

/** The workers' announcements (live ones: the bucket's entries expire 30 s after a worker's last). */
export async function announcedWorkers(queue: BatchQueue): Promise<WorkerAnnouncement[]> {
  const out: WorkerAnnouncement[] = [];
  for await (const k of await queue.workers.keys()) {
    const e = await queue.workers.get(k);
    if (e && e.operation === 'PUT' && e.value.length) out.push(e.json<WorkerAnnouncement>());
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The front's view of the queue on its /metrics, read from JetStream once a scrape:
 * batches waiting, taken and not acknowledged (in flight), redelivered, the queue's
 * bytes, and each announced worker's executed count (rate() of it is that worker's
 * throughput) with its adapter.
 */
export function registerQueueGauges(registry: Registry, queue: BatchQueue): void {
  const registers = [registry];
  // One read of JetStream per scrape, shared by the gauges below.
  let read: Promise<QueueDepth | undefined> | undefined;
  let readAt = 0;
  const depth = () => {
    if (!read || performance.now() - readAt > 250) {
      readAt = performance.now();
      read = queue.depth().catch(() => undefined);
    }
    return read;
  };
  const fromDepth = (name: string, help: string, pick: (d: QueueDepth) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const d = await depth();
        if (d) this.set(pick(d));
      },
    });
  // A failed read must show as 0, not as the last good value.
  new Gauge({ name: 'evmgpu_queue_up', help: '1 when the last scrape could read the queue from NATS, else 0', registers, async collect() { this.set((await depth()) ? 1 : 0); } });
  fromDepth('evmgpu_queue_waiting_batches', 'Batches queued and not yet taken by a worker', (d) => d.waiting);
  fromDepth('evmgpu_queue_in_flight_batches', 'Batches a worker took and has not acknowledged', (d) => d.inFlight);
  fromDepth('evmgpu_queue_redelivered_batches', 'Batches in flight that were delivered more than once', (d) => d.redelivered);
  fromDepth('evmgpu_queue_bytes', "Bytes in the batch stream (batches past one message's size are counted in the object store, not here)", (d) => d.bytes);
  new Gauge({
    name: 'evmgpu_queue_worker_executed_batches',
    help: 'Batches each announced worker has run since it started, by worker and adapter',
    labelNames: ['worker', 'adapter'],
    registers,
    async collect() {
      this.reset();
      const workers = await announcedWorkers(queue).catch(() => []);
      for (const w of workers) this.set({ worker: w.id, adapter: w.adapter ?? 'not opened' }, w.executed);
    },
  });
}
