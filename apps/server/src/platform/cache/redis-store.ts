/**
 * Redis cache store (scaled mode), shared by every process: values under `<prefix>:cache:v:<key>` with PX
 * expiry, generations under `<prefix>:cache:g:<tag>` (INCR). Its own connection with no offline queue and a
 * short command timeout, so a Redis outage costs a fast error (the read cache then computes directly), never
 * a held request.
 */
import { Redis } from 'ioredis';
import type { CacheStore } from './port';

export function createRedisCacheStore(opts: {
  redisUrl: string;
  prefix: string;
  onError?: (err: Error) => void;
}): CacheStore {
  const redis = new Redis(opts.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  redis.on('error', (err: Error) => opts.onError?.(err));
  // Until the first connection is up, commands wait for it (bounded); after that an outage fails fast.
  let firstReady: Promise<void> | null = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      firstReady = null;
      resolve();
    };
    const timer = setTimeout(done, 2_000);
    timer.unref();
    redis.once('ready', done);
  });
  const ready = () => firstReady ?? Promise.resolve();
  const v = (key: string) => `${opts.prefix}:cache:v:${key}`;
  const g = (tag: string) => `${opts.prefix}:cache:g:${tag}`;
  return {
    kind: 'redis',
    async get(key) {
      await ready();
      return redis.get(v(key));
    },
    async set(key, value, ttlMs) {
      await ready();
      await redis.set(v(key), value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async generations(tags) {
      if (tags.length === 0) return [];
      await ready();
      const res = await redis.mget(...tags.map(g));
      return res.map((x) => (x === null ? 0 : Number(x)));
    },
    async bump(tags) {
      if (tags.length === 0) return;
      await ready();
      const m = redis.multi();
      for (const t of tags) m.incr(g(t));
      await m.exec();
    },
    async close() {
      redis.disconnect();
    },
  };
}
