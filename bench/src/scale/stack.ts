/**
 * The stack under test, as an operator runs scaled mode: one API process (`apps/server/src/main.ts`, what
 * `npm start` runs) and one worker (`apps/server/src/worker.ts`, `npm run worker`), both child processes of the
 * bench, tracked by pid. Rate limits are raised for them (every limit named in .env.example), request logs
 * are off (LOG_LEVEL=warn) so the figures are the API's, not the logger's.
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stackEnv, type ScaleTarget } from './database';
import { REPO_ROOT, spawnTracked, stopTracked, tailOf, tsxArgs } from './processes';

export type Stack = { baseUrl: string; apiPid: number; workerPid: number; stop(): Promise<void> };

const UNLIMITED = '10000000';

/** Every `*RATE_LIMIT*` setting of .env.example, set out of reach (new limits are covered without a change here). */
export function unlimitedRateLimits(): Record<string, string> {
  const out: Record<string, string> = {
    RATE_LIMIT_PER_MINUTE: UNLIMITED,
    RATE_LIMIT_API_KEY_PER_MINUTE: UNLIMITED,
    WEBHOOK_RATE_LIMIT_PER_MINUTE: UNLIMITED,
  };
  try {
    const example = readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
    for (const m of example.matchAll(/^#?\s*([A-Z0-9_]*RATE_LIMIT[A-Z0-9_]*)=/gm)) out[m[1]!] = UNLIMITED;
  } catch {
    // No .env.example: the three known limits above.
  }
  return out;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startStack(t: ScaleTarget): Promise<Stack> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...stackEnv(t),
    ...unlimitedRateLimits(),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DEMO_SEED: 'off',
    RUN_WORKERS: 'false',
  };
  const api = spawnTracked('API', tsxArgs('apps/server/src/main.ts'), {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const apiOut = tailOf(api.stdout);
  const apiErr = tailOf(api.stderr);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  let healthy = false;
  while (Date.now() < deadline && api.exitCode === null) {
    healthy = await fetch(`${baseUrl}/api/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (healthy) break;
    await sleep(300);
  }
  if (!healthy) {
    await stopTracked(api);
    throw new Error(`the API process did not become healthy:\n${apiOut()}\n${apiErr()}`);
  }

  // The worker logs "worker started" at info level once its handlers consume.
  const worker = spawnTracked('worker', tsxArgs('apps/server/src/worker.ts'), {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const workerErr = tailOf(worker.stderr);
  const started = await new Promise<boolean>((resolve) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-8000);
      if (out.includes('worker started')) resolve(true);
    };
    worker.stdout?.on('data', onData);
    worker.once('exit', () => resolve(false));
    setTimeout(() => resolve(false), 180_000).unref();
  });
  if (!started) {
    await Promise.all([stopTracked(worker), stopTracked(api)]);
    throw new Error(`the worker process did not start:\n${workerErr()}`);
  }
  return {
    baseUrl,
    apiPid: api.pid!,
    workerPid: worker.pid!,
    stop: async () => {
      await Promise.all([stopTracked(worker), stopTracked(api)]);
    },
  };
}
