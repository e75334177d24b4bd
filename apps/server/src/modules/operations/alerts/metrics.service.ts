/**
 * `GET /api/operations/metrics`: the dashboard cards of every registered provider, in registration order,
 * through the read cache (Redis in scaled mode, memory embedded) under OPERATIONS_READ_TAG, which the events
 * the providers declare bump (services.ts). A failing provider drops its cards, never the answer.
 */
import type { TOperationsMetrics } from '@tutorpulse/contracts/operations-alerts';
import type { ReadCache } from '../../../platform/cache/read-cache';
import type { Clock } from '../../../platform/clock';
import type { Logger } from '../../../platform/logger';
import type { MetricCardProvider } from './plugins';

export const OPERATIONS_READ_TAG = 'operations';
const MINUTE_MS = 60_000;

/** Whether an event type invalidates any provider's cards (prefixes end with `.` or `_`). */
export function invalidatesOperationsWith(providers: () => readonly MetricCardProvider[]) {
  return (eventType: string) =>
    providers().some((p) =>
      p.invalidatedBy.some((t) => (/[._]$/.test(t) ? eventType.startsWith(t) : eventType === t)),
    );
}

export function createOperationsMetricsService(deps: {
  providers: () => readonly MetricCardProvider[];
  clock: Clock;
  cache?: ReadCache;
  logger?: Pick<Logger, 'warn'>;
}) {
  const { clock, cache } = deps;
  async function compute(): Promise<TOperationsMetrics> {
    const now = clock.now();
    const all = await Promise.all(
      deps.providers().map((p) =>
        p.cards({ now }).catch((err: unknown) => {
          deps.logger?.warn({ err, provider: p.name }, 'metric card provider failed; its cards are left out');
          return [];
        }),
      ),
    );
    return { generated_at: now.toISOString(), cards: all.flat() };
  }
  return {
    /** Cached per minute of the clock (the cards' windows move with time) and invalidated by events. */
    get(): Promise<TOperationsMetrics> {
      if (!cache) return compute();
      const minute = Math.floor(clock.now().getTime() / MINUTE_MS);
      return cache.getOrCompute(`operations:metrics:${minute}`, { tags: [OPERATIONS_READ_TAG] }, compute);
    },
  };
}

export type OperationsMetricsService = ReturnType<typeof createOperationsMetricsService>;
