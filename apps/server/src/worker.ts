/** A standalone worker process (`npm run worker`): job handlers and schedules, no HTTP. Scaled mode. */
import { ConfigError, loadConfig } from './config/env';
import { createRuntime } from './runtime';
import { createServices } from './services';
import { startWorkers } from './workers';

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
  if (!config.redisUrl) {
    console.error(
      'npm run worker needs REDIS_URL (and DATABASE_URL): in embedded mode `npm start` already runs the workers.',
    );
    process.exit(2);
  }
  const rt = await createRuntime(config);
  const services = createServices(rt);
  await startWorkers(rt, services, { concurrency: 8 });
  rt.logger.info({ queue: rt.queue.kind, database: rt.database.kind }, 'worker started');
  const stop = async () => {
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
