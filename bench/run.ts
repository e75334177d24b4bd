/**
 * `npm run bench`: prints figures for the embedded stack, and for Postgres + Redis when DATABASE_URL /
 * REDIS_URL are set (a fresh database is created on that server and dropped afterwards). Never asserts.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { benchPlatform, type Target } from './src/platform.bench';

async function withFreshDatabase<T>(url: string, fn: (url: string) => Promise<T>): Promise<T> {
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

async function main() {
  console.log(
    `Tutorpulse benchmarks — node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  const targets: Target[] = [{ label: 'embedded (PGlite + in-process queue)' }];
  await benchPlatform(targets[0]!);
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (databaseUrl) {
    await withFreshDatabase(databaseUrl, (url) =>
      benchPlatform({
        label: `Postgres${redisUrl ? ' + Redis/BullMQ' : ''}`,
        databaseUrl: url,
        ...(redisUrl ? { redisUrl } : {}),
      }),
    );
  } else {
    console.log('\n(set DATABASE_URL and REDIS_URL to also measure Postgres + Redis)');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
