/**
 * The JetStream names of one deployment, all derived from its prefix: the work-queue
 * stream of batches and its one durable consumer (every worker pulls from it), the
 * key-value buckets of results and of the workers' announcements, and the object
 * stores that carry what is too large for one NATS message.
 */
export interface QueueNames {
  stream: string;
  subject: string;
  consumer: string;
  results: string;
  workers: string;
  batchObjects: string;
  resultObjects: string;
}

export function queueNames(prefix: string): QueueNames {
  return {
    stream: `${prefix}_batches`,
    subject: `${prefix}.batches`,
    consumer: `${prefix}-workers`,
    results: `${prefix}-results`,
    workers: `${prefix}-workers`,
    batchObjects: `${prefix}-batches`,
    resultObjects: `${prefix}-results`,
  };
}
