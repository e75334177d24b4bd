/**
 * `GET /api/health` (readiness, public: database, queue, version; 503 naming what is down), `GET /api/health/live`
 * (liveness: 200 while the process runs) and `GET /metrics`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZHealth, type THealth } from '@tutorpulse/contracts/common';
import { access } from '../auth/principal';
import type { Metrics } from '../metrics';

/** A dependency the health check pings (the database, the job queue). */
export type HealthCheck = { kind: string; ping(): Promise<void> };

export type HealthDeps = {
  version: string;
  mode: 'embedded' | 'scaled';
  database: HealthCheck;
  queue: HealthCheck;
  metrics: Pick<Metrics, 'registry'>;
};

const CHECK_TIMEOUT_MS = 2_000;

const ZLiveness = z.object({ status: z.literal('ok'), uptime_s: z.number() });

export async function timed(
  fn: () => Promise<void>,
): Promise<{ ok: boolean; latency_ms: number; error?: string }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latency_ms: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    return { ok: false, latency_ms: Math.round(performance.now() - t0), error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness: every dependency pinged at once (2 s timeout each). 'degraded' names the ones that did not answer. */
export async function checkReadiness(deps: Omit<HealthDeps, 'metrics'>, started: number): Promise<THealth> {
  const [database, queue] = await Promise.all([
    timed(() => deps.database.ping()),
    timed(() => deps.queue.ping()),
  ]);
  const down = [...(database.ok ? [] : ['database' as const]), ...(queue.ok ? [] : ['queue' as const])];
  return {
    status: down.length === 0 ? 'ok' : 'degraded',
    version: deps.version,
    mode: deps.mode,
    checks: {
      database: { ...database, kind: deps.database.kind },
      queue: { ...queue, kind: deps.queue.kind },
    },
    uptime_s: Math.round((Date.now() - started) / 1000),
    ...(down.length ? { down } : {}),
  };
}

export function healthRoutes(deps: HealthDeps) {
  const started = Date.now();
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['system'],
          summary: 'Health of the API and its dependencies',
          response: { 200: ZHealth, 503: ZHealth },
        },
        config: { access: access.public, rateLimit: false },
      },
      async (_req, reply) => {
        const body = await checkReadiness(deps, started);
        reply.header('cache-control', 'no-store');
        if (body.status !== 'ok') reply.header('retry-after', '5');
        return reply.code(body.status === 'ok' ? 200 : 503).send(body);
      },
    );

    // Liveness: the process runs and its event loop turns. Never depends on Postgres or Redis, so an orchestrator
    // does not restart a process that is only waiting for them (it heals by itself).
    app.get(
      '/api/health/live',
      {
        schema: {
          tags: ['system'],
          summary: 'Liveness: 200 while the process runs (dependencies are not checked)',
          response: { 200: ZLiveness },
        },
        config: { access: access.public, rateLimit: false },
      },
      async (_req, reply) => {
        reply.header('cache-control', 'no-store');
        return { status: 'ok' as const, uptime_s: Math.round((Date.now() - started) / 1000) };
      },
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['system'],
          summary: 'Prometheus metrics (admin or operator; use an API key for scrapers)',
          produces: ['text/plain'],
        },
        config: { access: access.roles('admin', 'operator'), rateLimit: false },
      },
      async (_req, reply) => {
        const text = await deps.metrics.registry.metrics();
        return reply.header('content-type', deps.metrics.registry.contentType).send(text);
      },
    );
  };
}
