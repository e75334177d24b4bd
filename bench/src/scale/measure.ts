/**
 * One route under load: autocannon with N keep-alive connections for S seconds. Every response's latency is
 * kept (autocannon's own histogram has no p95), so p50 / p95 / p99 come from the same samples. Requests still
 * in flight when the time is up are not counted; the caller lets the server settle before the next route.
 */
import autocannon from 'autocannon';
import { percentile } from '../util';

export type LoadResult = {
  requests: number;
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  /** Responses other than 2xx. */
  non2xx: number;
  /** Connection errors and timeouts (no response at all). */
  errors: number;
  statuses: Record<string, number>;
};

/** A request without an answer after this long is counted as an error (the slowest routes answer in ~15 s today). */
const TIMEOUT_S = 60;

export function runLoad(opts: {
  url: string;
  token?: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.seconds,
        timeout: TIMEOUT_S,
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        latencies.sort((a, b) => a - b);
        resolve({
          requests: latencies.length,
          reqPerSec: latencies.length / Math.max(result.duration, 1e-9),
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          non2xx: result.non2xx,
          errors: result.errors,
          statuses,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
}
