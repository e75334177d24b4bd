/**
 * The API process (`npm start`). Embedded mode: also runs the workers and scheduler, and seeds demo data on
 * the first start. Scaled mode: API only by default (RUN_WORKERS=true to also run workers here).
 */
import path from 'node:path';
import { count } from 'drizzle-orm';
import { buildApp } from './app';
import { seedDemo } from './cli/seed/seed';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './cli/seed/demo-accounts';
import { ConfigError, loadConfig } from './config/env';
import { users } from './db/schema/index';
import { backfillQuality } from './modules/quality/index';
import { StartupError } from './platform/startup';
import { createRuntime, type Runtime } from './runtime';
import type { Services } from './services';
import { startWorkers } from './workers';

async function seedOnFirstStart(rt: Runtime): Promise<boolean> {
  const { config } = rt;
  if (config.demoSeed !== 'auto' || config.mode !== 'embedded') return false;
  const [row] = await rt.database.db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return false;
  rt.logger.info({ scale: config.demoSeedScale }, 'first start: generating demo data');
  const t0 = performance.now();
  const result = await seedDemo({
    db: rt.database.db,
    scale: config.demoSeedScale,
    seed: 42,
    now: rt.clock.now(),
    truthPath: path.join(config.dataDir, 'ground-truth.json'),
    withAccounts: true,
    quiet: true,
  });
  rt.logger.info(
    { ...result, seconds: Math.round((performance.now() - t0) / 100) / 10 },
    'demo data written',
  );
  return true;
}

/** Seeded history goes through tier 1 in bulk, then tier 3 once, so the dashboards are full at first sight. */
async function processSeededHistory(rt: Runtime, services: Services): Promise<void> {
  const t0 = performance.now();
  const backfill = await backfillQuality({
    db: rt.database.db,
    clock: rt.clock,
    queue: rt.queue,
    events: services.events,
    scores: services.scores,
  });
  const tier3 = await services.tier3.run({});
  const forecast = await services.forecasts.run();
  rt.logger.info(
    {
      backfill,
      tier3Tutors: tier3.tutors,
      forecastImbalances: forecast.imbalances,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    },
    'demo data processed',
  );
}

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const rt = await createRuntime(config);
  const seeded = await seedOnFirstStart(rt);
  const app = await buildApp(rt);
  if (seeded) await processSeededHistory(rt, app.services);
  if (config.runWorkers) await startWorkers(rt, app.services);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.logger.info({ signal }, 'shutting down');
    await app.close();
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  const lines = [
    '',
    `  Tutorpulse ${config.version} is running at ${url}`,
    `  mode: ${config.mode} (database: ${rt.database.kind}, queue: ${rt.queue.kind}, workers: ${config.runWorkers ? 'in this process' : 'separate'})`,
    `  API docs: ${url}/api/docs   health: ${url}/api/health`,
  ];
  if (config.mode === 'embedded') {
    lines.push(`  data: ${config.dataDir}${seeded ? ' (demo data generated on this first start)' : ''}`);
    lines.push(`  demo logins (password "${DEMO_PASSWORD}"):`);
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.role.padEnd(9)} ${a.email}`);
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error(
    err instanceof StartupError
      ? `Tutorpulse cannot start: ${err.message}`
      : err instanceof Error
        ? err.message
        : err,
  );
  process.exit(1);
});
