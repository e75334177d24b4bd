/**
 * Quality pipeline figures (issue 3, "Evaluation and benchmarks"): signed webhooks accepted per second with
 * 50 concurrent senders, the raw single-row insert rate of the same database (the floor), the end-to-end
 * latency from 202 to tier 1 done at a steady offered rate, one full day through tier 1, and tier 3 over
 * 90 days of seeded history at two scales. Every phase runs on a fresh database (a fresh database on the
 * Postgres server of `target.databaseUrl`, or PGlite in a fresh temp dir). Prints figures and the targets
 * next to them; never asserts. Targets are for Postgres + Redis on a 2-core machine.
 *
 * Environment knobs: BENCH_QUICK=1 (small sizes for a quick run), BENCH_WEBHOOKS, BENCH_STEADY_RATE,
 * BENCH_STEADY_SECONDS, BENCH_DAY_SESSIONS, BENCH_TIER3_SCALES (comma-separated, e.g. "1,10"); BENCH_PHASES and
 * BENCH_TARGETS pick what runs (see util.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { buildApp } from '@tutorpulse/server/src/app';
import {
  collectSessions,
  generateDemoDataset,
  type DemoDataset,
} from '@tutorpulse/server/src/cli/seed/generate';
import { seedDemo } from '@tutorpulse/server/src/cli/seed/seed';
import { writeDirectory } from '@tutorpulse/server/src/cli/seed/write';
import { loadConfig } from '@tutorpulse/server/src/config/env';
import { createDatabase, type Database } from '@tutorpulse/server/src/db/client';
import { backfillQuality } from '@tutorpulse/server/src/modules/quality/backfill';
import type { BusEvent } from '@tutorpulse/server/src/platform/events/port';
import { createLogger } from '@tutorpulse/server/src/platform/logger';
import { dropRedisNamespace } from '@tutorpulse/server/src/platform/redis-namespace';
import { createRuntime, type Runtime } from '@tutorpulse/server/src/runtime';
import type { Services } from '@tutorpulse/server/src/services';
import { startWorkers as startInlineWorkers } from '@tutorpulse/server/src/workers';
import { rowsOf } from '@tutorpulse/server/src/db/bulk';
import { withFreshDatabase } from './fresh-db';
import type { Delivery, SendersJob, SendersResult } from './http-senders';
import type { WorkerChildSettings } from './worker-child';
import { measureInsertRate, type Target } from './platform.bench';
import { percentile, printFigure, runConcurrent, section, timeIt, wantPhase } from './util';

const WEBHOOK_URL = '/api/webhooks/session-completed';
const SENDERS = 50;
/** Deliveries sent (unmeasured) before the acceptance figure. */
const WARMUP = 500;
const WORKER_CONCURRENCY = 8;

type Settings = {
  webhooks: number;
  burst: number;
  steadyRate: number;
  steadySeconds: number;
  daySessions: number;
  tier3Scales: number[];
};

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function settingsFor(target: Target): Settings {
  const quick = process.env.BENCH_QUICK === '1';
  const postgres = Boolean(target.databaseUrl);
  const scalesRaw =
    process.env.BENCH_TIER3_SCALES ?? (quick ? (postgres ? '0.02,0.05' : '0.02') : postgres ? '1,10' : '0.1');
  const tier3Scales = scalesRaw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((s) => Number.isFinite(s) && s > 0);
  return {
    webhooks: Math.round(envNumber('BENCH_WEBHOOKS', quick ? 1000 : 3000)),
    burst: Math.round(envNumber('BENCH_BURST', quick ? 1000 : 5000)),
    steadyRate: envNumber('BENCH_STEADY_RATE', 100),
    steadySeconds: envNumber('BENCH_STEADY_SECONDS', quick ? 5 : 20),
    daySessions: Math.round(envNumber('BENCH_DAY_SESSIONS', quick ? 1000 : 3000)),
    tier3Scales,
  };
}

/** BENCH_API_PROCESSES (comma-separated, default "1"): API process counts for acceptance over HTTP. */
function apiProcessCounts(target: Target): number[] {
  const counts = (process.env.BENCH_API_PROCESSES ?? '1')
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((n) => Number.isInteger(n) && n >= 1 && n <= 8);
  // Embedded PGlite belongs to one process; several API processes share Postgres + Redis.
  return target.databaseUrl && target.redisUrl ? counts : counts.filter((n) => n === 1);
}

const target3 = (s: string) => `(target ${s})`;
const ms = (x: number) => Math.round(x);

// ---------------------------------------------------------------------------------------------------------
// A fresh stack per phase.

type Stack = {
  rt: Runtime;
  app: FastifyInstance & { services: Services };
  database: Database;
  signer: Webhook;
  /** Starts the job workers: in this process, or (scaled mode) in a process of their own. */
  startWorkers(): Promise<void>;
};

/**
 * Where the workers run. Scaled mode runs them in `npm run worker` processes, apart from the API: on
 * Postgres + Redis the bench does the same by default (BENCH_WORKERS=process), so API and workers each have
 * an event loop. BENCH_WORKERS=inline runs them inside the API process, as embedded mode does.
 */
function workersMode(target: Target): 'inline' | 'process' {
  if (!target.redisUrl || !target.databaseUrl) return 'inline';
  return process.env.BENCH_WORKERS === 'inline' ? 'inline' : 'process';
}

/** Node arguments that run a TypeScript entry point through tsx, as `npm start` and `npm run worker` do. */
const tsxArgs = (entry: string) => ['--import', 'tsx', entry];

async function spawnWorkers(settings: WorkerChildSettings): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, tsxArgs(path.join(import.meta.dirname, 'worker-child.ts')), {
    env: { ...process.env, BENCH_WORKER_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bench worker process exited early (code ${code})`)));
  });
  return async () => {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
}

async function withStack<T>(target: Target, fn: (stack: Stack) => Promise<T>): Promise<T> {
  const run = async (databaseUrl: string | undefined) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-bench-q-'));
    const prefix = `tpbenchq_${randomBytes(3).toString('hex')}`;
    const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const jwtSecret = randomBytes(32).toString('hex');
    try {
      const database = databaseUrl
        ? await createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 20 })
        : await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'db') });
      const config = loadConfig(
        {
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          JWT_SECRET: jwtSecret,
          WEBHOOK_SECRET: webhookSecret,
          RATE_LIMIT_PER_MINUTE: '10000000',
          RATE_LIMIT_API_KEY_PER_MINUTE: '10000000',
          WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000',
          REDIS_PREFIX: prefix,
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
          ...(target.redisUrl ? { REDIS_URL: target.redisUrl } : {}),
        },
        { persistSecrets: false },
      );
      const rt = await createRuntime(config, {
        database,
        logger: createLogger({ level: 'silent' }),
      });
      const app = (await buildApp(rt, { webDist: false })) as Stack['app'];
      let stopWorkers: (() => Promise<void>) | undefined;
      const start = async () => {
        if (workersMode(target) === 'inline') {
          await startInlineWorkers(rt, app.services, { concurrency: WORKER_CONCURRENCY });
          return;
        }
        stopWorkers = await spawnWorkers({
          databaseUrl: databaseUrl!,
          redisUrl: target.redisUrl!,
          prefix,
          dataDir,
          jwtSecret,
          webhookSecret,
          concurrency: WORKER_CONCURRENCY,
        });
      };
      try {
        return await fn({ rt, app, database, signer: new Webhook(webhookSecret), startWorkers: start });
      } finally {
        await stopWorkers?.();
        await app.close();
        await rt.close();
        if (target.redisUrl) await dropRedisNamespace(target.redisUrl, prefix);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  return target.databaseUrl ? withFreshDatabase(target.databaseUrl, run) : run(undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Deliveries.

type Signed = { sessionId: string; body: string; headers: Record<string, string> };

let deliveryCounter = 0;
function sign(signer: Webhook, payload: TWebhookPayload): Signed {
  const body = JSON.stringify(payload);
  const id = `msg_bench_${process.pid}_${++deliveryCounter}`;
  const at = new Date();
  return {
    sessionId: payload.session_id,
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign(id, at, body),
    },
  };
}

async function deliver(app: Stack['app'], d: Signed): Promise<number> {
  const res = await app.inject({ method: 'POST', url: WEBHOOK_URL, headers: d.headers, payload: d.body });
  return res.statusCode;
}

function codesText(codes: Map<number, number>): string {
  return [...codes].map(([c, n]) => `${c}×${n}`).join(', ');
}

/** Sessions of roughly one platform day at scale 1 (~3,000), the latest first kept, oldest delivered first. */
function daySessions(need: number): { dataset: DemoDataset; payloads: TWebhookPayload[] } {
  const dataset = generateDemoDataset({ seed: 11, scale: 1, now: new Date(), days: 3 });
  const { sessions } = collectSessions(dataset);
  sessions.sort((a, b) => Date.parse(a.session_end_time) - Date.parse(b.session_end_time));
  return { dataset, payloads: sessions.slice(Math.max(0, sessions.length - need)) };
}

/** Collects the time each session's `session.processed` event arrives (live, through the event service). */
function watchProcessed(services: Services) {
  const at = new Map<string, number>();
  const unsubscribe = services.events.subscribe((e: BusEvent) => {
    if (e.type !== 'session.processed') return;
    const sid = e.payload.session_id;
    if (typeof sid === 'string' && !at.has(sid)) at.set(sid, performance.now());
  });
  return { at, unsubscribe };
}

const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, t));

// ---------------------------------------------------------------------------------------------------------
// Phases.

/** 1 + 2: acceptance with workers off, then the single-row insert floor on the same database. */
async function phaseAcceptance(
  target: Target,
  s: Settings,
  dataset: DemoDataset,
  payloads: TWebhookPayload[],
  warmup: TWebhookPayload[],
) {
  await withStack(target, async ({ rt, app, database, signer }) => {
    await writeDirectory(rt.database.db, dataset);
    // Unmeasured deliveries of other sessions first, so the figure is not the JIT compiler warming up.
    const warm = warmup.map((p) => sign(signer, p));
    await runConcurrent(warm.length, SENDERS, async (i) => {
      await deliver(app, warm[i]!);
    });
    const batch = payloads.slice(0, s.webhooks);
    // Signed up front: the figure is the server's acceptance, not the sender's HMAC.
    const signed = batch.map((p) => sign(signer, p));
    const latencies: number[] = [];
    const codes = new Map<number, number>();
    const { ms: elapsed } = await timeIt(() =>
      runConcurrent(signed.length, SENDERS, async (i) => {
        const t0 = performance.now();
        const code = await deliver(app, signed[i]!);
        latencies.push(performance.now() - t0);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }),
    );
    latencies.sort((a, b) => a - b);
    const accepted = codes.get(202) ?? 0;
    console.log(
      `  signed webhooks accepted per second, workers off (${signed.length} sent after ${warm.length} warm-up):`,
    );
    printFigure(
      `in the API process (app.inject, no sockets), ${SENDERS} senders`,
      (accepted / elapsed) * 1000,
      `/s ${target3('≥ 1,000/s')}`,
    );
    printFigure(
      '  answer latency p50 / p99',
      `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`,
      'ms',
    );
    printFigure('  answers', codesText(codes));
    const c = await rt.queue.counts();
    printFigure('  tier 1 jobs waiting afterwards', c.waiting + c.delayed);
    for (const n of apiProcessCounts(target))
      await phaseAcceptanceHttp(target, s, dataset, payloads, warmup, n);

    printFigure(
      'single-row INSERT floor, same database, 1 connection',
      await measureInsertRate(database, 500, 1),
      'rows/s',
    );
    printFigure(
      'single-row INSERT floor, same database, 20 concurrent',
      await measureInsertRate(database, 2000, 20),
      'rows/s',
    );
  });
}

/**
 * 1b: acceptance as the platform sees it: `processes` API processes started from the real entry point
 * (apps/server/src/main.ts, default log level, workers off), each on its own loopback port, and the senders in
 * a process of their own sending over keep-alive HTTP connections, spread over the API processes as a load
 * balancer would. Sockets, HTTP parsing and request logging are in this figure; on 2 cores the sender process
 * takes CPU from the API, Postgres and Redis. Several API processes need Postgres + Redis (scaled mode).
 */
async function phaseAcceptanceHttp(
  target: Target,
  s: Settings,
  dataset: DemoDataset,
  payloads: TWebhookPayload[],
  warmup: TWebhookPayload[],
  processes: number,
) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-bench-http-'));
  const prefix = `tpbenchh_${randomBytes(3).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const run = async (databaseUrl: string | undefined) => {
    // The directory is written before the servers start (PGlite's data dir belongs to one process at a time).
    const database = databaseUrl
      ? await createDatabase({ kind: 'postgres', url: databaseUrl })
      : await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'db') });
    try {
      await database.migrate();
      await writeDirectory(database.db, dataset);
    } finally {
      await database.close();
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      JWT_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: webhookSecret,
      RUN_WORKERS: 'false',
      DEMO_SEED: 'off',
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_API_KEY_PER_MINUTE: '100000000',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000000',
      REDIS_PREFIX: prefix,
    };
    delete env.LOG_LEVEL;
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    if (databaseUrl && target.redisUrl) env.REDIS_URL = target.redisUrl;
    const servers: ServerProcess[] = [];
    try {
      for (let i = 0; i < processes; i++) servers.push(await startServerProcess(env));
      const signer = new Webhook(webhookSecret);
      const strip = ({ body, headers }: Signed): Delivery => ({ body, headers });
      const job: SendersJob = {
        urls: servers.map((sp) => `${sp.baseUrl}${WEBHOOK_URL}`),
        concurrency: SENDERS,
        warmup: warmup.map((p) => strip(sign(signer, p))),
        measured: payloads.slice(0, s.webhooks).map((p) => strip(sign(signer, p))),
      };
      const file = path.join(dataDir, 'senders.json');
      writeFileSync(file, JSON.stringify(job));
      const r = await runSenders(file);
      const latencies = [...r.latenciesMs].sort((a, b) => a - b);
      printFigure(
        `over HTTP: ${processes} API process${processes === 1 ? '' : 'es'}, ${SENDERS} senders in another process`,
        ((r.codes['202'] ?? 0) / r.elapsedMs) * 1000,
        `/s ${target3('≥ 1,000/s')}`,
      );
      printFigure(
        '  answer latency p50 / p99',
        `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`,
        'ms',
      );
      printFigure('  answers', codesText(new Map(Object.entries(r.codes).map(([c, n]) => [Number(c), n]))));
    } finally {
      await Promise.all(servers.map((sp) => sp.stop()));
      if (target.redisUrl && databaseUrl) await dropRedisNamespace(target.redisUrl, prefix);
    }
  };
  try {
    await (target.databaseUrl ? withFreshDatabase(target.databaseUrl, run) : run(undefined));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export type ServerProcess = { baseUrl: string; stop(): Promise<void> };

const SERVER_ENTRY = path.resolve(import.meta.dirname, '../../apps/server/src/main.ts');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `node --import tsx apps/server/src/main.ts` on a free port; resolves once /api/health answers 200 (a first
 * embedded start seeds demo data before it listens: give it `timeoutMs`).
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, tsxArgs(SERVER_ENTRY), {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${baseUrl}/api/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { baseUrl, stop };
    await sleep(200);
  }
  await stop();
  throw new Error(`the bench API process did not become healthy:\n${stderr}`);
}

async function runSenders(file: string): Promise<SendersResult> {
  const child = spawn(process.execPath, tsxArgs(path.join(import.meta.dirname, 'http-senders.ts')), {
    env: { ...process.env, BENCH_SENDERS_FILE: file },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the bench senders exited with code ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as SendersResult;
}

const BURST_SENDERS = 100;

/**
 * 1c (scaled mode only): a burst as the platform sends it, issue 10's figure: one API process (the real entry
 * point) and one worker process (`npm run worker`'s code) on a fresh database and Redis prefix, `BENCH_BURST`
 * signed deliveries from 100 concurrent senders in a process of their own. Prints accepted/s, the 202 latency,
 * and received → scored (the session's `received_at` to its `processed_at`, both written by the server) once
 * the workers have drained the burst.
 */
async function phaseBurst(
  target: Target,
  s: Settings,
  dataset: DemoDataset,
  payloads: TWebhookPayload[],
  warmup: TWebhookPayload[],
) {
  if (!target.databaseUrl || !target.redisUrl) return;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-bench-burst-'));
  const prefix = `tpbenchb_${randomBytes(3).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const jwtSecret = randomBytes(32).toString('hex');
  const run = async (databaseUrl: string) => {
    const database = await createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
    let stopWorkers: (() => Promise<void>) | undefined;
    let server: ServerProcess | undefined;
    try {
      await database.migrate();
      await writeDirectory(database.db, dataset);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        JWT_SECRET: jwtSecret,
        WEBHOOK_SECRET: webhookSecret,
        RUN_WORKERS: 'false',
        DEMO_SEED: 'off',
        RATE_LIMIT_PER_MINUTE: '100000000',
        RATE_LIMIT_API_KEY_PER_MINUTE: '100000000',
        WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000000',
        REDIS_PREFIX: prefix,
        DATABASE_URL: databaseUrl,
        REDIS_URL: target.redisUrl,
      };
      delete env.LOG_LEVEL;
      server = await startServerProcess(env);
      stopWorkers = await spawnWorkers({
        databaseUrl,
        redisUrl: target.redisUrl!,
        prefix,
        dataDir,
        jwtSecret,
        webhookSecret,
        concurrency: WORKER_CONCURRENCY,
      });
      const signer = new Webhook(webhookSecret);
      const strip = ({ body, headers }: Signed): Delivery => ({ body, headers });
      const url = `${server.baseUrl}${WEBHOOK_URL}`;
      // Warm-up first, on its own and drained, so the burst starts on warm processes and an empty queue.
      const warmFile = path.join(dataDir, 'warmup.json');
      writeFileSync(
        warmFile,
        JSON.stringify({
          urls: [url],
          concurrency: BURST_SENDERS,
          warmup: [],
          measured: warmup.map((p) => strip(sign(signer, p))),
        } satisfies SendersJob),
      );
      await runSenders(warmFile);
      await waitDrained(database, 120_000);
      const burst = payloads.slice(0, s.burst);
      const file = path.join(dataDir, 'burst.json');
      writeFileSync(
        file,
        JSON.stringify({
          urls: [url],
          concurrency: BURST_SENDERS,
          warmup: [],
          measured: burst.map((p) => strip(sign(signer, p))),
        } satisfies SendersJob),
      );
      const burstStart = new Date();
      const r = await runSenders(file);
      const drained = await waitDrained(database, 180_000);
      const latencies = [...r.latenciesMs].sort((a, b) => a - b);
      const accepted = r.codes['202'] ?? 0;
      printFigure(
        `burst: ${burst.length} signed webhooks, ${BURST_SENDERS} senders, 1 API + 1 worker process`,
        (accepted / r.elapsedMs) * 1000,
        `accepted/s ${target3('≥ 1,000/s')}`,
      );
      printFigure(
        '  202 latency p50 / p95 / p99',
        `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))} / ${ms(percentile(latencies, 99))}`,
        'ms',
      );
      printFigure('  answers', codesText(new Map(Object.entries(r.codes).map(([c, n]) => [Number(c), n]))));
      const [q] = rowsOf<{ n: number; p50: number | null; p99: number | null; max: number | null }>(
        await database.db.execute(sql`
          select count(*)::int as n,
                 percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)) * 1000 as p50,
                 percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at)) * 1000 as p99,
                 max(extract(epoch from processed_at - received_at)) * 1000 as max
          from sessions where received_at >= ${burstStart.toISOString()}::timestamptz and processed_at is not null`),
      );
      printFigure(
        '  received → scored p50 / p99 / max',
        `${ms(Number(q?.p50))} / ${ms(Number(q?.p99))} / ${ms(Number(q?.max))}`,
        `ms over ${q?.n ?? 0} sessions ${target3('p99 ≤ 5,000 ms')}${drained ? '' : ' (NOT drained within 180 s)'}`,
      );
    } finally {
      await stopWorkers?.();
      await server?.stop();
      await database.close();
      await dropRedisNamespace(target.redisUrl!, prefix);
    }
  };
  try {
    await withFreshDatabase(target.databaseUrl, run);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Waits until no session is `received` or `processing`; false on timeout. */
async function waitDrained(database: Database, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const [row] = rowsOf<{ n: number }>(
      await database.db.execute(
        sql`select count(*)::int as n from sessions where processing_status in ('received', 'processing')`,
      ),
    );
    if (Number(row?.n ?? 0) === 0) return true;
    await sleep(250);
  }
  return false;
}

/** 3: open-loop offered rate with workers on; latency from the 202 to the session's `session.processed`. */
async function phaseSteady(target: Target, s: Settings, dataset: DemoDataset, payloads: TWebhookPayload[]) {
  await withStack(target, async ({ rt, app, signer, startWorkers }) => {
    await writeDirectory(rt.database.db, dataset);
    await startWorkers();
    const watch = watchProcessed(app.services);
    const total = Math.min(payloads.length, Math.round(s.steadyRate * s.steadySeconds));
    const interval = 1000 / s.steadyRate;
    const acceptedAt = new Map<string, number>();
    const codes = new Map<number, number>();
    const inflight: Array<Promise<void>> = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + i * interval - performance.now();
      if (wait > 1) await sleep(wait);
      const d = sign(signer, payloads[i]!);
      inflight.push(
        deliver(app, d).then((code) => {
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (code === 202) acceptedAt.set(d.sessionId, performance.now());
        }),
      );
    }
    await Promise.all(inflight);
    const sendS = (performance.now() - t0) / 1000;
    const processedInWindow = [...acceptedAt.keys()].filter((id) => watch.at.has(id)).length;
    // Grace period for the tail, so the percentiles cover (almost) every session; what is left is backlog.
    const graceUntil = performance.now() + 15_000;
    while (performance.now() < graceUntil && [...acceptedAt.keys()].some((id) => !watch.at.has(id)))
      await sleep(100);
    watch.unsubscribe();
    const latencies: number[] = [];
    let early = 0;
    for (const [id, a] of acceptedAt) {
      const p = watch.at.get(id);
      if (p === undefined) continue;
      if (p < a) early++;
      latencies.push(Math.max(0, p - a));
    }
    latencies.sort((a, b) => a - b);
    const backlog = acceptedAt.size - latencies.length;
    const c = await rt.queue.counts();
    const behindAtEnd = acceptedAt.size - processedInWindow;
    printFigure(
      `offered ${s.steadyRate}/s for ${s.steadySeconds} s, workers on (concurrency ${WORKER_CONCURRENCY})`,
      `${total} sent in ${sendS.toFixed(1)} s, achieved ${(acceptedAt.size / sendS).toFixed(1)}`,
      'accepted/s',
    );
    printFigure('  answers', codesText(codes));
    printFigure(
      '  accepted → tier 1 done p50 / p95 / p99',
      `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))} / ${ms(percentile(latencies, 99))}`,
      `ms ${target3('p99 ≤ 1,000 ms')}`,
    );
    printFigure('  tier 1 done during the sending window', processedInWindow / sendS, '/s');
    printFigure('  backlog when sending stopped', behindAtEnd, 'sessions accepted but not through tier 1');
    if (early) printFigure('  tier 1 done before the 202 was read (counted 0 ms)', early);
    printFigure(
      '  backlog 15 s later',
      `${backlog} sessions; queue ${c.waiting} waiting, ${c.active} active (incl. tier 2/mail)`,
    );
    if (behindAtEnd > s.steadyRate || backlog > 0) {
      console.log(
        `  → the pipeline did NOT keep up with ${s.steadyRate}/s: tier 1 fell behind (latency grows with the queue)`,
      );
    }
  });
}

/** 4: one full day delivered with workers on, then until the queue is idle. */
async function phaseDay(target: Target, s: Settings, dataset: DemoDataset, payloads: TWebhookPayload[]) {
  await withStack(target, async ({ rt, app, signer, startWorkers }) => {
    await writeDirectory(rt.database.db, dataset);
    await startWorkers();
    const watch = watchProcessed(app.services);
    const batch = payloads.slice(0, s.daySessions);
    // Signed up front, as in the acceptance phase: the figure is the server's work, not the sender's HMAC.
    const signed = batch.map((p) => sign(signer, p));
    const codes = new Map<number, number>();
    const t0 = performance.now();
    await runConcurrent(batch.length, SENDERS, async (i) => {
      const code = await deliver(app, signed[i]!);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    });
    const deliveredS = (performance.now() - t0) / 1000;
    let idle = true;
    try {
      await rt.queue.whenIdle({ timeoutMs: 10 * 60_000 });
    } catch {
      idle = false;
    }
    const totalS = (performance.now() - t0) / 1000;
    watch.unsubscribe();
    const processed = batch.filter((p) => watch.at.has(p.session_id)).length;
    const lastTier1 = Math.max(0, ...batch.map((p) => watch.at.get(p.session_id) ?? 0));
    const tier1S = lastTier1 > 0 ? (lastTier1 - t0) / 1000 : Number.NaN;
    printFigure(
      `full day: ${batch.length} sessions, ${SENDERS} senders, workers on`,
      `last through tier 1 after ${tier1S.toFixed(1)} s (${processed} of ${batch.length})`,
      target3('≤ 10 s for 3,000'),
    );
    printFigure('  sessions through tier 1 per second', processed / tier1S, '/s');
    printFigure('  delivered (all answered) after', deliveredS, `s; answers ${codesText(codes)}`);
    printFigure(
      '  queue idle (tier 2 and per-session mails done too) after',
      `${totalS.toFixed(1)} s${idle ? '' : ' (TIMED OUT)'}`,
      '(background work yields to tier 1)',
    );
  });
}

/** 4b: tier 1 alone: a day's sessions already stored and queued (workers were down), then workers start. */
async function phaseDrain(target: Target, s: Settings, dataset: DemoDataset, payloads: TWebhookPayload[]) {
  await withStack(target, async ({ rt, app, signer, startWorkers }) => {
    await writeDirectory(rt.database.db, dataset);
    const batch = payloads.slice(0, s.daySessions);
    const signed = batch.map((p) => sign(signer, p));
    await runConcurrent(signed.length, SENDERS, async (i) => {
      await deliver(app, signed[i]!);
    });
    const watch = watchProcessed(app.services);
    const t0 = performance.now();
    await startWorkers();
    while (watch.at.size < batch.length && performance.now() - t0 < 5 * 60_000) await sleep(20);
    const tier1S = (Math.max(0, ...watch.at.values()) - t0) / 1000;
    watch.unsubscribe();
    printFigure(
      `tier 1 alone: ${batch.length} queued sessions, workers started`,
      `all through tier 1 after ${tier1S.toFixed(1)} s`,
      `(${(watch.at.size / tier1S).toFixed(0)} sessions/s; mail and tier 2 running alongside)`,
    );
  });
}

/** 5: tier 3 over 90 days of seeded history (seed → backfill tier 1 → tier 3), per scale. */
async function phaseTier3(target: Target, s: Settings) {
  for (const scale of s.tier3Scales) {
    await withStack(target, async ({ rt, app }) => {
      const seeded = await timeIt(() =>
        seedDemo({
          db: rt.database.db,
          scale,
          seed: 42,
          now: new Date(),
          days: 90,
          truthPath: null,
          withAccounts: false,
          quiet: true,
        }),
      );
      const g = seeded.result.generated;
      printFigure(
        `${scale}× scale: seeded 90 days (${g.tutors} tutors, ${g.sessions} sessions)`,
        seeded.ms / 1000,
        's',
      );
      // Score history is not part of what is measured here.
      const backfill = await backfillQuality(
        {
          db: rt.database.db,
          clock: rt.clock,
          queue: rt.queue,
          events: app.services.events,
          scores: app.services.scores,
        },
        { historyDays: 0 },
      );
      printFigure(
        `  backfill tier 1 (${backfill.sessions} sessions, ${backfill.findings} findings, ${backfill.flags} flags)`,
        backfill.ms / 1000,
        's',
      );
      const t3 = await timeIt(() => app.services.tier3.run({}));
      printFigure(
        `  tier 3 run (${t3.result.tutors} tutors)`,
        `${(t3.ms / 1000).toFixed(2)} s (its own duration_ms ${t3.result.duration_ms})`,
        scale === 10 ? target3('≤ 60 s at 10×') : '',
      );
    });
  }
  if (!s.tier3Scales.includes(10)) {
    console.log(
      '  (10× not run: the default is "1,10" on Postgres without BENCH_QUICK; or set BENCH_TIER3_SCALES. The ≤ 60 s target is for 10×)',
    );
  }
}

export async function benchQuality(target: Target) {
  const s = settingsFor(target);
  section(`Quality pipeline — ${target.label}${process.env.BENCH_QUICK === '1' ? ' (BENCH_QUICK)' : ''}`);
  console.log('  (targets are for Postgres + Redis on 2 cores; each phase on a fresh database)');
  console.log(
    workersMode(target) === 'process'
      ? '  (workers in a process of their own, as `npm run worker` in scaled mode; BENCH_WORKERS=inline to share the API process)'
      : '  (workers inside the API process, as in embedded mode)',
  );
  const need = Math.max(s.webhooks, Math.round(s.steadyRate * s.steadySeconds), s.daySessions, s.burst);
  const { dataset, payloads: all } = daySessions(need + WARMUP);
  // The oldest sessions warm the acceptance phase up; every phase measures the same newest `need`.
  const warmup = all.slice(0, all.length - need);
  const payloads = all.slice(all.length - need);
  if (payloads.length < need)
    console.log(`  (only ${payloads.length} generated sessions available; phases capped)`);
  if (wantPhase('acceptance')) {
    await phaseAcceptance(target, s, dataset, payloads, warmup);
  }
  if (wantPhase('burst')) await phaseBurst(target, s, dataset, payloads, warmup);
  if (wantPhase('steady')) await phaseSteady(target, s, dataset, payloads);
  if (wantPhase('day')) await phaseDay(target, s, dataset, payloads);
  if (wantPhase('drain')) await phaseDrain(target, s, dataset, payloads);
  if (wantPhase('tier3')) await phaseTier3(target, s);
}
