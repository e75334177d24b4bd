/** A fresh database on a Postgres server for one bench (or one bench phase), dropped afterwards. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export async function withFreshDatabase<T>(url: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `tp_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  try {
    return await fn(fresh.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** A bench's Redis keys (its queues, jobs left behind on purpose) must not stay in a shared Redis. */
export async function dropRedisPrefix(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch (err) {
    console.log(`  (could not clean Redis keys ${prefix}:*: ${String(err)})`);
  } finally {
    redis.disconnect();
  }
}
