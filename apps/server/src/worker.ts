/** A standalone worker process (`npm run worker`): job handlers and schedules, no HTTP. Scaled mode. */
import { ConfigError, loadConfig } from './config/env';
import { describeTarget } from './platform/dependency-monitor';
import { startWorkerHealthServer } from './platform/http/worker-health';
import { StartupError } from './platform/startup';
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
  // Readiness before the workers start: a worker waiting for Redis is alive and says what it waits for.
  const health =
    config.workerHealthPort !== undefined
      ? await startWorkerHealthServer(
          { version: config.version, mode: config.mode, database: rt.database, queue: rt.queue },
          { port: config.workerHealthPort, host: config.host },
        )
      : undefined;
  if (health)
    rt.logger.info({ port: health.port }, `worker health on http://${config.host}:${health.port}/health`);
  const stop = async () => {
    await health?.close();
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Until Redis answers, work() waits (the connection retries with backoff); say so once, clearly.
  const waiting = setTimeout(() => {
    // Only when Redis really is down (a slow start on a busy machine is not an outage).
    if (rt.monitor.get('redis')?.isUp() !== false) return;
    rt.logger.warn(
      { setting: 'REDIS_URL' },
      `worker cannot reach Redis at REDIS_URL (${describeTarget(config.redisUrl ?? '')}) yet: waiting for it, ` +
        'retrying with backoff (check that Redis runs there and that REDIS_URL points at it)',
    );
  }, 3_000);
  const services = createServices(rt);
  await startWorkers(rt, services, { concurrency: 8 });
  clearTimeout(waiting);
  rt.logger.info({ queue: rt.queue.kind, database: rt.database.kind }, 'worker started');
}

main().catch((err: unknown) => {
  console.error(
    err instanceof StartupError
      ? `worker cannot start: ${err.message}`
      : err instanceof Error
        ? err.message
        : err,
  );
  process.exit(1);
});
