/**
 * Deletes every key of one Redis namespace (`<prefix>:*`, see REDIS_PREFIX): what an evaluation, a benchmark or
 * a test file leaves behind on purpose (finished jobs, schedulers) must not stay in a shared Redis. SCAN in
 * pages and UNLINK, so a large namespace neither blocks Redis nor needs one huge reply.
 */
import { Redis } from 'ioredis';

export async function dropRedisNamespace(redisUrl: string, prefix: string): Promise<number> {
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new Error(`not a namespace: ${JSON.stringify(prefix)}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  let removed = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}
