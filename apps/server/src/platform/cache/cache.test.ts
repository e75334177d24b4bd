/**
 * The read cache over both stores (memory always; Redis when REDIS_URL is set, failing instead of skipping
 * with REQUIRE_SERVICES=1): single flight, generation-based invalidation shared between processes, the TTL
 * backstop, and computing directly when the store is down.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { readTestEnv } from '../../config/env';
import { createManualClock } from '../clock';
import { createMemoryCacheStore } from './memory-store';
import type { CacheStore } from './port';
import { createReadCache } from './read-cache';
import { createRedisCacheStore } from './redis-store';

const testEnv = readTestEnv();
const clock = createManualClock('2026-11-20T12:00:00Z');

/** Stores that model two processes: memory shares one store (one process); Redis opens one per process. */
type Fabric = { open(): CacheStore; wait(ms: number): Promise<void>; dispose(): Promise<void> };

function memoryFabric(): Fabric {
  const store = createMemoryCacheStore({ clock });
  return {
    open: () => store,
    wait: async (ms) => clock.advance(ms),
    dispose: () => store.close(),
  };
}

function redisFabric(url: string): Fabric {
  const prefix = `tptest_cache_${randomUUID().slice(0, 8)}`;
  const stores: CacheStore[] = [];
  return {
    open() {
      const s = createRedisCacheStore({ redisUrl: url, prefix });
      stores.push(s);
      return s;
    },
    wait: (ms) => new Promise((r) => setTimeout(r, ms)),
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      const admin = new Redis(url);
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length) await admin.del(...keys);
      admin.disconnect();
    },
  };
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

for (const name of ['memory', 'redis'] as const) {
  const available = name === 'memory' || Boolean(testEnv.redisUrl);
  const skip = !available && !testEnv.requireServices;
  if (skip) console.log(`[cache.test] skipping the ${name} store: REDIS_URL is not set`);

  describe.skipIf(skip)(`read cache on the ${name} store`, () => {
    const fabrics: Fabric[] = [];
    const fabric = () => {
      if (name === 'redis' && !testEnv.redisUrl)
        throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set');
      const f = name === 'memory' ? memoryFabric() : redisFabric(testEnv.redisUrl!);
      fabrics.push(f);
      return f;
    };
    afterAll(async () => {
      await Promise.all(fabrics.map((f) => f.dispose()));
    });

    it('50 concurrent misses of one key run the computation once and all get its value', async () => {
      const cache = createReadCache({ store: fabric().open(), ttlMs: 60_000 });
      const gate = deferred();
      let runs = 0;
      const compute = async () => {
        runs++;
        await gate.promise;
        return { n: 42 };
      };
      const all = Array.from({ length: 50 }, () => cache.getOrCompute('k', { tags: ['quality'] }, compute));
      // Let every caller reach the cache before the computation ends.
      await new Promise((r) => setTimeout(r, 50));
      gate.resolve();
      const values = await Promise.all(all);
      expect(runs).toBe(1);
      expect(values.every((v) => v.n === 42)).toBe(true);
      // Later callers read the stored copy.
      expect(await cache.getOrCompute('k', { tags: ['quality'] }, compute)).toEqual({ n: 42 });
      expect(runs).toBe(1);
    });

    it('different keys are computed separately', async () => {
      const cache = createReadCache({ store: fabric().open(), ttlMs: 60_000 });
      const a = await cache.getOrCompute('a', { tags: ['t'] }, async () => 'A');
      const b = await cache.getOrCompute('b', { tags: ['t'] }, async () => 'B');
      expect([a, b]).toEqual(['A', 'B']);
    });

    it('invalidating a tag makes the next read compute again, in every process sharing the store', async () => {
      const f = fabric();
      const reader = createReadCache({ store: f.open(), ttlMs: 60_000 });
      const writer = createReadCache({ store: f.open(), ttlMs: 60_000 });
      let value = 1;
      const compute = async () => value;
      expect(await reader.getOrCompute('overview', { tags: ['quality'] }, compute)).toBe(1);
      value = 2;
      expect(await reader.getOrCompute('overview', { tags: ['quality'] }, compute)).toBe(1); // cached
      // An unrelated tag changes nothing.
      await writer.invalidate('operations');
      expect(await reader.getOrCompute('overview', { tags: ['quality'] }, compute)).toBe(1);
      await writer.invalidate('quality');
      expect(await reader.getOrCompute('overview', { tags: ['quality'] }, compute)).toBe(2);
      // A value depending on several tags is invalidated by any of them.
      expect(await reader.getOrCompute('mixed', { tags: ['quality', 'ops'] }, compute)).toBe(2);
      value = 3;
      await writer.invalidate('ops');
      expect(await reader.getOrCompute('mixed', { tags: ['quality', 'ops'] }, compute)).toBe(3);
    });

    it('expires values after their time to live even without an invalidation', async () => {
      const f = fabric();
      const cache = createReadCache({ store: f.open(), ttlMs: 100 });
      let value = 'old';
      const compute = async () => value;
      expect(await cache.getOrCompute('k', { tags: [] }, compute)).toBe('old');
      value = 'new';
      expect(await cache.getOrCompute('k', { tags: [] }, compute)).toBe('old');
      await f.wait(250);
      expect(await cache.getOrCompute('k', { tags: [] }, compute)).toBe('new');
    });

    it('a failed computation is not cached and the next caller computes again', async () => {
      const cache = createReadCache({ store: fabric().open(), ttlMs: 60_000 });
      await expect(
        cache.getOrCompute('k', { tags: ['t'] }, async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await cache.getOrCompute('k', { tags: ['t'] }, async () => 'ok')).toBe('ok');
    });
  });
}

describe('read cache with a failing store', () => {
  it('computes directly (reads never fail because of the cache) and counts the errors', async () => {
    const broken: CacheStore = {
      kind: 'redis',
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      generations: () => Promise.reject(new Error('down')),
      bump: () => Promise.reject(new Error('down')),
      close: async () => {},
    };
    const warnings: unknown[] = [];
    const cache = createReadCache({
      store: broken,
      ttlMs: 60_000,
      logger: { warn: (o: unknown) => warnings.push(o), info: () => {} } as never,
    });
    let runs = 0;
    const compute = async () => ++runs;
    expect(await cache.getOrCompute('k', { tags: ['t'] }, compute)).toBe(1);
    expect(await cache.getOrCompute('k', { tags: ['t'] }, compute)).toBe(2);
    await expect(cache.invalidate('t')).resolves.toBeUndefined();
    expect(cache.stats().errors).toBeGreaterThanOrEqual(3);
    expect(warnings).toHaveLength(1); // one warning per outage, not per call
  });

  it('with a time to live of 0 every call computes', async () => {
    const cache = createReadCache({ store: createMemoryCacheStore({ clock }), ttlMs: 0 });
    let runs = 0;
    await cache.getOrCompute('k', { tags: ['t'] }, async () => ++runs);
    await cache.getOrCompute('k', { tags: ['t'] }, async () => ++runs);
    expect(runs).toBe(2);
    expect(cache.kind).toBe('off');
  });
});
