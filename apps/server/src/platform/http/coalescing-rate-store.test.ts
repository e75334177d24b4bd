/**
 * The coalescing Redis store of the rate limits (scaled mode; skipped without REDIS_URL, failing instead with
 * REQUIRE_SERVICES=1): concurrent requests of one key share round trips yet each gets its own position in the
 * window, the window expires with its first request, and routes count under their own keys.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { readTestEnv } from '../../config/env';
import { coalescingRedisStore, type CoalescingStore } from './coalescing-rate-store';

const testEnv = readTestEnv();
const skip = !testEnv.redisUrl && !testEnv.requireServices;
if (skip) console.log('[coalescing-rate-store.test] skipping: REDIS_URL is not set');

describe.skipIf(skip)('coalescing rate-limit store on Redis', () => {
  const prefix = `tptest_rate_${randomUUID().slice(0, 8)}:rate:`;
  const redis = new Redis(testEnv.redisUrl ?? 'redis://127.0.0.1:6379', { lazyConnect: false });
  let calls = 0;
  const sent = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<typeof sent>) => {
    calls++;
    return sent(...args);
  }) as typeof redis.sendCommand;
  const Store = coalescingRedisStore(redis, prefix);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const incr = (store: CoalescingStore, key: string, windowMs = 60_000) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) =>
      store.incr(key, (err, res) => (err ? reject(err) : resolve(res!)), windowMs),
    );

  it('gives 200 concurrent requests positions 1…200 in far fewer round trips', async () => {
    const store = new Store({} as never) as CoalescingStore;
    await incr(store, 'warm'); // the scripts are loaded once
    calls = 0;
    const results = await Promise.all(Array.from({ length: 200 }, () => incr(store, 'webhook:k')));
    expect(results.map((r) => r.current).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    for (const r of results) expect(r.ttl).toBeGreaterThan(50_000);
    expect(calls).toBeLessThan(20);
    // One at a time, it counts on.
    expect((await incr(store, 'webhook:k')).current).toBe(201);
  });

  it('starts a new window when the old one expires, and keeps routes apart', async () => {
    const store = new Store({} as never) as CoalescingStore;
    expect((await incr(store, 'user:a', 200)).current).toBe(1);
    expect((await incr(store, 'user:a', 200)).current).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    const fresh = await incr(store, 'user:a', 200);
    expect(fresh.current).toBe(1);
    expect(fresh.ttl).toBeLessThanOrEqual(200);

    const route = store.child({ routeInfo: { method: 'POST', url: '/api/x' } });
    expect((await incr(route, 'user:a')).current).toBe(1);
    const read = await new Promise<{ current: number }>((resolve, reject) =>
      route.read('user:a', (err, res) => (err ? reject(err) : resolve(res!))),
    );
    expect(read.current).toBe(1);
  });
});
