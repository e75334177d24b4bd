/**
 * Webhook senders in a process of their own, over real HTTP (keep-alive connections to a listening API), as
 * the tutoring platform would deliver: the bench writes the signed deliveries to a JSON file and passes its path
 * in BENCH_SENDERS_FILE; this process sends the warm-up ones, then the measured ones with `concurrency`
 * senders, and prints one JSON line with the elapsed time, the answers by status code and the latencies.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { runConcurrent } from './util';

export type Delivery = { body: string; headers: Record<string, string> };
/** `urls`: one per API process; delivery i goes to urls[i % urls.length], as a round-robin balancer would. */
export type SendersJob = { urls: string[]; concurrency: number; warmup: Delivery[]; measured: Delivery[] };
export type SendersResult = { elapsedMs: number; codes: Record<string, number>; latenciesMs: number[] };

function post(agent: http.Agent, url: URL, d: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(d.body);
  });
}

async function main() {
  const job = JSON.parse(readFileSync(process.env.BENCH_SENDERS_FILE ?? '', 'utf8')) as SendersJob;
  const urls = job.urls.map((u) => new URL(u));
  const to = (i: number) => urls[i % urls.length]!;
  // maxSockets is per host:port: every API process can get all `concurrency` connections.
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  await runConcurrent(job.warmup.length, job.concurrency, async (i) => {
    await post(agent, to(i), job.warmup[i]!);
  });
  const latenciesMs: number[] = [];
  const codes: Record<string, number> = {};
  const t0 = performance.now();
  await runConcurrent(job.measured.length, job.concurrency, async (i) => {
    const t = performance.now();
    const code = await post(agent, to(i), job.measured[i]!).catch(() => 0);
    latenciesMs.push(performance.now() - t);
    codes[code] = (codes[code] ?? 0) + 1;
  });
  const elapsedMs = performance.now() - t0;
  agent.destroy();
  process.stdout.write(JSON.stringify({ elapsedMs, codes, latenciesMs } satisfies SendersResult) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
