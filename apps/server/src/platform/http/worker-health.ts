/**
 * Health of a worker process (`npm run worker`), which has no API: a bare HTTP server on WORKER_HEALTH_PORT.
 * `GET /health` is readiness (200 when Postgres and Redis answer, 503 naming the ones that do not), `GET
 * /health/live` is liveness (200 while the process runs). Same bodies as the API's /api/health routes.
 */
import { createServer, type Server } from 'node:http';
import { checkReadiness, type HealthCheck } from './health.routes';

export type WorkerHealthDeps = {
  version: string;
  mode: 'embedded' | 'scaled';
  database: HealthCheck;
  queue: HealthCheck;
};

export async function startWorkerHealthServer(
  deps: WorkerHealthDeps,
  opts: { port: number; host: string },
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const started = Date.now();
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra });
      res.end(JSON.stringify(body));
    };
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, { error: 'Only GET', code: 'METHOD_NOT_ALLOWED' }, { allow: 'GET, HEAD' });
      return;
    }
    if (url === '/health/live') {
      send(200, { status: 'ok', uptime_s: Math.round((Date.now() - started) / 1000) });
      return;
    }
    if (url === '/health' || url === '/health/ready') {
      checkReadiness(deps, started).then(
        (body) =>
          send(body.status === 'ok' ? 200 : 503, body, body.status === 'ok' ? {} : { 'retry-after': '5' }),
        (err: unknown) => send(503, { error: (err as Error).message, code: 'SERVICE_UNAVAILABLE' }),
      );
      return;
    }
    send(404, { error: 'Try /health or /health/live', code: 'NOT_FOUND' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
