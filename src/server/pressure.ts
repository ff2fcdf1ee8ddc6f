import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { Admission } from './admission.js';

/**
 * Event-loop and memory pressure (@fastify/under-pressure): past either bound, new
 * requests get 503 OVERLOADED with a Retry-After, before their body is read. Routes
 * marked `OPEN_UNDER_PRESSURE` (/healthz, /metrics) are always answered, so an
 * overloaded service can still be watched.
 */
export interface PressureLimits {
  /** Mean event-loop delay over the last second, in ms; 0: not checked. */
  maxEventLoopDelayMs: number;
  /** V8 heap in use, in bytes; 0: not checked. */
  maxHeapUsedBytes: number;
}

/** Route config that exempts a route from the pressure check. */
export const OPEN_UNDER_PRESSURE = { pressureHandler: () => undefined } as const;

/** On the root instance: under-pressure's hook then covers every route. */
export function registerPressure(app: FastifyInstance, limits: PressureLimits, admission: Admission): void {
  void app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxHeapUsedBytes: limits.maxHeapUsedBytes,
    sampleInterval: 1000,
    // A rejected promise goes to the error handler, which sends the coded 503 and its Retry-After.
    pressureHandler: async (_request, _reply, type, value) => {
      admission.refused.pressure++;
      throw admission.overloaded(`${type} at ${typeof value === 'number' ? Math.round(value) : value}`);
    },
  });
}
