/** Dropping one Redis namespace leaves every other key alone. Needs REDIS_URL (skipped without it). */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { readTestEnv } from '../config/env';
import { dropRedisNamespace } from './redis-namespace';

const testEnv = readTestEnv();
if (!testEnv.redisUrl && testEnv.requireServices)
  throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set');

describe.skipIf(!testEnv.redisUrl)('dropRedisNamespace', () => {
  it('deletes every `<prefix>:*` key, over several SCAN pages, and nothing else', async () => {
    const redis = new Redis(testEnv.redisUrl!);
    const ns = `tpns_${randomUUID().slice(0, 8)}`;
    const neighbour = `${ns}x`; // shares the prefix's characters, not its namespace
    try {
      const keys = Array.from({ length: 2500 }, (_, i) => `${ns}:k${i}`);
      for (let i = 0; i < keys.length; i += 500)
        await redis.mset(...keys.slice(i, i + 500).flatMap((k) => [k, '1']));
      await redis.set(`${neighbour}:keep`, '1');
      await redis.set(ns, 'the bare name is not in the namespace');

      expect(await dropRedisNamespace(testEnv.redisUrl!, ns)).toBe(2500);
      expect(await redis.exists(keys[0]!, keys[2499]!)).toBe(0);
      expect(await redis.get(`${neighbour}:keep`)).toBe('1');
      expect(await redis.exists(ns)).toBe(1);
      await expect(dropRedisNamespace(testEnv.redisUrl!, '*')).rejects.toThrow(/not a namespace/);
    } finally {
      await redis.del(`${neighbour}:keep`, ns);
      redis.disconnect();
    }
  });
});
