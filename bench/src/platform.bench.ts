/**
 * Platform floor figures: single-row insert rate of the database (what every write path is bounded by),
 * authenticated API reads through the full HTTP stack (in-process inject), and trivial job throughput.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { buildApp } from '@tutorpulse/server/src/app';
import { loadConfig } from '@tutorpulse/server/src/config/env';
import { createDatabase, type Database } from '@tutorpulse/server/src/db/client';
import { users } from '@tutorpulse/server/src/db/schema/index';
import { hashPassword } from '@tutorpulse/server/src/modules/identity/passwords';
import { createLogger } from '@tutorpulse/server/src/platform/logger';
import { dropRedisNamespace } from '@tutorpulse/server/src/platform/redis-namespace';
import { createBullmqQueue } from '@tutorpulse/server/src/platform/queue/bullmq-queue';
import { createMemoryQueue } from '@tutorpulse/server/src/platform/queue/memory-queue';
import type { JobQueue } from '@tutorpulse/server/src/platform/queue/port';
import { createRuntime } from '@tutorpulse/server/src/runtime';
import { printFigure, runConcurrent, section, timeIt } from './util';

export type Target = { label: string; databaseUrl?: string; redisUrl?: string };

/** Single-row INSERTs, each its own transaction: the floor to compare ingestion with. */
export async function measureInsertRate(database: Database, n = 2000, concurrency = 1): Promise<number> {
  await database.db.execute(
    sql`create table if not exists bench_insert (id bigserial primary key, v text, at timestamptz default now())`,
  );
  const { ms } = await timeIt(() =>
    runConcurrent(n, concurrency, async (i) => {
      await database.db.execute(sql`insert into bench_insert (v) values (${`row-${i}`})`);
    }),
  );
  await database.db.execute(sql`drop table bench_insert`);
  return (n / ms) * 1000;
}

async function measureJobs(queue: JobQueue<{ 'bench.noop': z.ZodObject<{ i: z.ZodNumber }> }>, n: number) {
  let done = 0;
  await queue.work({ 'bench.noop': async () => void done++ }, { concurrency: 10 });
  const { ms } = await timeIt(async () => {
    for (let i = 0; i < n; i += 500) {
      await queue.addBulk(
        Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
          name: 'bench.noop' as const,
          payload: { i: i + k },
        })),
      );
    }
    await queue.whenIdle({ timeoutMs: 120_000 });
  });
  return (done / ms) * 1000;
}

export async function benchPlatform(target: Target) {
  section(`Platform — ${target.label}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-bench-'));
  const database = target.databaseUrl
    ? await createDatabase({ kind: 'postgres', url: target.databaseUrl, poolSize: 20 })
    : await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'db') });
  try {
    await database.migrate();
    printFigure('single-row INSERT, 1 connection', await measureInsertRate(database, 1000, 1), 'rows/s');
    printFigure('single-row INSERT, 20 concurrent', await measureInsertRate(database, 4000, 20), 'rows/s');

    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
        WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        RATE_LIMIT_PER_MINUTE: '10000000',
        RATE_LIMIT_API_KEY_PER_MINUTE: '10000000',
        WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000',
        REDIS_PREFIX: `tpbench_${process.pid}`,
        ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
        ...(target.redisUrl ? { REDIS_URL: target.redisUrl } : {}),
      },
      { persistSecrets: false },
    );
    const rt = await createRuntime(config, {
      database,
      logger: createLogger({ level: 'silent' }),
    });
    const app = await buildApp(rt, { webDist: false });
    await rt.database.db
      .insert(users)
      .values({
        email: 'bench@bench.test',
        name: 'Bench',
        role: 'admin',
        passwordHash: await hashPassword('bench-password-1'),
      })
      .onConflictDoNothing();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'bench@bench.test', password: 'bench-password-1' },
    });
    const token = login.json().token as string;
    const n = 2000;
    const { ms } = await timeIt(() =>
      runConcurrent(n, 20, async () => {
        const r = await app.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: { authorization: `Bearer ${token}` },
        });
        if (r.statusCode !== 200) throw new Error(`GET /api/auth/me → ${r.statusCode}`);
      }),
    );
    printFigure('authenticated GET /api/auth/me (inject, 20 concurrent)', (n / ms) * 1000, 'req/s');
    await app.close();
    await rt.close();

    const registry = { 'bench.noop': z.object({ i: z.number() }) };
    const prefix = `tpbench_${process.pid}`;
    const queue = target.redisUrl
      ? createBullmqQueue({ registry, redisUrl: target.redisUrl, prefix })
      : createMemoryQueue({ registry });
    printFigure(
      `trivial jobs through the ${queue.kind} queue (concurrency 10)`,
      await measureJobs(queue, 5000),
      'jobs/s',
    );
    await queue.close();
    if (target.redisUrl) await dropRedisNamespace(target.redisUrl, prefix);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
