/** `GET /api/health` (public: database, queue, version; 503 when a dependency is down) and `GET /metrics`. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
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

async function timed(fn: () => Promise<void>): Promise<{ ok: boolean; latency_ms: number; error?: string }> {
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
        const [database, queue] = await Promise.all([
          timed(() => deps.database.ping()),
          timed(() => deps.queue.ping()),
        ]);
        const body: THealth = {
          status: database.ok && queue.ok ? 'ok' : 'degraded',
          version: deps.version,
          mode: deps.mode,
          checks: {
            database: { ...database, kind: deps.database.kind },
            queue: { ...queue, kind: deps.queue.kind },
          },
          uptime_s: Math.round((Date.now() - started) / 1000),
        };
        reply.header('cache-control', 'no-store');
        return reply.code(body.status === 'ok' ? 200 : 503).send(body);
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
