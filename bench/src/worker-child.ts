/**
 * The job workers in a process of their own, as `npm run worker` runs them in scaled mode: the bench starts it
 * next to its API stack (same database, Redis key prefix and secrets, passed in BENCH_WORKER_SETTINGS) and
 * stops it with SIGTERM. Prints `ready` once the workers are consuming.
 */
import { loadConfig } from '@tutorpulse/server/src/config/env';
import { createDatabase } from '@tutorpulse/server/src/db/client';
import { createLogger } from '@tutorpulse/server/src/platform/logger';
import { createRuntime } from '@tutorpulse/server/src/runtime';
import { createServices } from '@tutorpulse/server/src/services';
import { startWorkers } from '@tutorpulse/server/src/workers';

export type WorkerChildSettings = {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  dataDir: string;
  jwtSecret: string;
  webhookSecret: string;
  concurrency: number;
};

async function main() {
  const s = JSON.parse(process.env.BENCH_WORKER_SETTINGS ?? '') as WorkerChildSettings;
  const config = loadConfig(
    {
      DATA_DIR: s.dataDir,
      LOG_LEVEL: 'silent',
      JWT_SECRET: s.jwtSecret,
      WEBHOOK_SECRET: s.webhookSecret,
      DATABASE_URL: s.databaseUrl,
      REDIS_URL: s.redisUrl,
      REDIS_PREFIX: s.prefix,
    },
    { persistSecrets: false },
  );
  const database = await createDatabase({ kind: 'postgres', url: s.databaseUrl, poolSize: 20 });
  const rt = await createRuntime(config, {
    database,
    logger: createLogger({ level: 'silent' }),
  });
  await startWorkers(rt, createServices(rt), { concurrency: s.concurrency });
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void rt.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
