/**
 * Rate limits that fit who calls (GitHub's API does the same): a signed-in user is limited per user, an API key
 * per key, anyone else per client IP; a signed webhook per signing key, counted only once its signature has
 * been verified (a forger cannot spend the marketplace's budget). Health, metrics and the event stream are not
 * limited. Every refusal is a 429 with `retry-after`.
 *
 * The access-control plugin authenticates in its app-level `onRequest` hook and enforces roles in
 * `preParsing`; the limit runs in between (a route-level `onRequest` hook), so it knows the principal and a
 * flood of 401s from one address is still limited per address.
 *
 * In scaled mode the counters live in Redis (`<prefix>:rate:`), shared by every API process; when Redis cannot
 * answer, requests pass (skipOnError) rather than wait — a limit must never become an outage.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { coalescingRedisStore } from './coalescing-rate-store';
import { redisRetryStrategy, watchRedis, type DependencyHandle } from '../dependency-monitor';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A pre-handler limiting a verified webhook sender per signing key (`keyId` names the key). Put it after
     * the signature check (e.g. `preHandler` when the signature is checked in `preValidation`).
     */
    webhookLimit(keyId: string): preHandlerAsyncHookHandler;
  }
}

export type RateLimitSettings = {
  /** Requests per minute per signed-in user, and per client IP for anonymous callers. */
  perUserPerMinute: number;
  /** Requests per minute per API key. */
  perApiKeyPerMinute: number;
  /** Deliveries per minute per webhook signing key. */
  perWebhookKeyPerMinute: number;
};

export type RateLimitOptions = RateLimitSettings & {
  /** Scaled mode: counters shared through Redis under `<redisPrefix>:rate:`. */
  redisUrl?: string;
  redisPrefix: string;
  /** Where the limiter's Redis connection reports errors and recoveries (logged once per outage). */
  dependency?: DependencyHandle;
};

const WINDOW_MS = 60_000;

/** The key a request is counted under: `user:<id>`, `key:<id>` or `ip:<address>`. */
export function rateLimitKey(req: FastifyRequest): string {
  const p = req.principal;
  if (p) return `${p.kind === 'api_key' ? 'key' : 'user'}:${p.id}`;
  return `ip:${req.ip}`;
}

function errorBody(_req: FastifyRequest, ctx: { ttl: number }) {
  return {
    statusCode: 429,
    error: `Too many requests; retry in ${Math.max(1, Math.ceil(ctx.ttl / 1000))} s`,
    code: 'RATE_LIMITED',
  };
}

export const rateLimits = fp(
  async (app: FastifyInstance, opts: RateLimitOptions) => {
    const redis = opts.redisUrl ? limiterRedis(app, opts.redisUrl, opts.dependency) : undefined;
    if (redis) app.addHook('onClose', async () => void redis.disconnect());

    await app.register(fastifyRateLimit, {
      global: true,
      hook: 'onRequest',
      timeWindow: WINDOW_MS,
      keyGenerator: rateLimitKey,
      max: (_req, key) => (key.startsWith('key:') ? opts.perApiKeyPerMinute : opts.perUserPerMinute),
      allowList: (req) => !req.url.startsWith('/api/'),
      errorResponseBuilder: errorBody,
      // Scaled mode: counters in Redis, concurrent requests of one key counted in one round trip.
      ...(redis
        ? { store: coalescingRedisStore(redis, `${opts.redisPrefix}:rate:`), skipOnError: true }
        : {}),
    });

    const webhookLimiters = new Map<string, preHandlerAsyncHookHandler>();
    app.decorate('webhookLimit', (keyId: string) => {
      let limiter = webhookLimiters.get(keyId);
      if (!limiter) {
        limiter = app.rateLimit({
          max: opts.perWebhookKeyPerMinute,
          timeWindow: WINDOW_MS,
          keyGenerator: () => `webhook:${keyId}`,
        }) as preHandlerAsyncHookHandler;
        webhookLimiters.set(keyId, limiter);
      }
      return limiter;
    });
  },
  { name: 'rate-limits', dependencies: ['access-control'] },
);

/**
 * The limiter's own connection: no offline queue and a short command timeout, so a Redis outage fails the
 * count at once (and the request passes) instead of holding answers; reconnects with capped backoff; one log
 * line per outage, not one per request.
 */
function limiterRedis(app: FastifyInstance, url: string, dependency?: DependencyHandle): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2_000,
    retryStrategy: redisRetryStrategy,
  });
  if (dependency) {
    watchRedis(redis, dependency, 'rate-limits');
    return redis;
  }
  let down = false;
  redis.on('error', (err) => {
    if (down) return;
    down = true;
    app.log.warn(
      { err: err.message },
      'rate limits: Redis unreachable; requests pass unlimited until it is back',
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    app.log.info('rate limits: Redis is back; limits shared again');
  });
  return redis;
}
