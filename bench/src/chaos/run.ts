/**
 * The chaos run (issue 9 §3): scaled mode on a fresh database and Redis prefix, API and worker processes
 * started here, a burst of signed session-completed webhooks, and during it, one after the other: kill -9 of a
 * worker (and its replacement), Redis stopped and restarted empty, a Postgres fast restart, kill -9 of an API
 * process (and its replacement). Nothing else is restarted. After each fault, and at the end, it prints what
 * was sent, accepted, stored, processed, duplicated and lost, then PASS/FAIL per target.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { collectSessions, generateDemoDataset } from '@tutorpulse/server/src/cli/seed/generate';
import { writeDirectory } from '@tutorpulse/server/src/cli/seed/write';
import { createDatabase } from '@tutorpulse/server/src/db/client';
import { dropRedisNamespace } from '@tutorpulse/server/src/platform/redis-namespace';
import type { ChaosOptions, FaultName } from './options';
import { createObserver, type DbSnapshot, type Observer } from './observer';
import { createSupervisor, type Proc, type Supervisor } from './processes';
import { createSender, type Delivery, type Sender, type SenderCounters } from './sender';

const WEBHOOK_PATH = '/api/webhooks/session-completed';
const SESSIONS_PER_DAY = 3000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type FaultResult = {
  name: FaultName;
  title: string;
  /** Seconds from the fault's end until health ready and the work accepted before it all processed; null: never. */
  recoveredS: number | null;
};

// ---------------------------------------------------------------------------------------------------------
// Small helpers.

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** PING over a raw connection: whether the Redis server at this URL answers. */
function redisPing(redisUrl: string): Promise<boolean> {
  const u = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** Fisher–Yates with a small seeded generator (mulberry32): the same order on every run. */
function shuffle<T>(items: T[], seed: number): void {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const line = (label: string, value: string | number) => console.log(`  ${label.padEnd(46)} ${value}`);

function statusText(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, n]) => `${k}×${n}`).join(', ') : 'none';
}

function fivexx(c: SenderCounters) {
  let all = 0;
  for (const [status, n] of Object.entries(c.statuses)) if (Number(status) >= 500) all += n;
  return { all, s500: c.statuses['500'] ?? 0, s503: c.statuses['503'] ?? 0 };
}

/** The errors a process logged (pino levels ≥ 50), grouped by message, and what it printed as it died. */
function summariseLog(file: string): { errors: Array<[string, number]>; tail: string[] } {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { errors: [], tail: [] };
  }
  const lines = text.split('\n').filter(Boolean);
  const byMsg = new Map<string, number>();
  for (const l of lines) {
    let msg: string | undefined;
    if (l.startsWith('{')) {
      try {
        const j = JSON.parse(l) as { level?: number; msg?: string; err?: { message?: string } };
        if ((j.level ?? 0) >= 50) msg = `${j.msg ?? ''}${j.err?.message ? `: ${j.err.message}` : ''}`;
      } catch {
        msg = undefined;
      }
    }
    if (msg) {
      const key = msg.slice(0, 200);
      byMsg.set(key, (byMsg.get(key) ?? 0) + 1);
    }
  }
  // What Node printed when the process died: the error's own line and where it was thrown from.
  const crash = lines
    .filter((l) => !l.startsWith('{') && /^(\w*error\b|emitted 'error'|.*unhandled|\s*code: ')/i.test(l))
    .map((l) => l.trim().slice(0, 300));
  return {
    errors: [...byMsg].sort((a, b) => b[1] - a[1]).slice(0, 4),
    tail: [...new Set(crash)].slice(-4),
  };
}

// ---------------------------------------------------------------------------------------------------------

export async function runChaos(opts: ChaosOptions): Promise<number> {
  const t0 = Date.now();
  const runDir = opts.logDir
    ? path.resolve(opts.logDir)
    : mkdtempSync(path.join(tmpdir(), `tp-chaos-${new Date().toISOString().replace(/[:.]/g, '')}-`));
  mkdirSync(runDir, { recursive: true });
  const dataDir = path.join(runDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const timelineFile = path.join(runDir, 'timeline.log');
  const at = () => `t+${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
  const note = (msg: string) => {
    console.log(`[${at()}] ${msg}`);
    appendFileSync(timelineFile, `${new Date().toISOString()} ${msg}\n`);
  };

  const dbName = `tp_chaos_${randomBytes(4).toString('hex')}`;
  const prefix = `tpchaos_${randomBytes(3).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const runDbUrl = (() => {
    const u = new URL(opts.databaseUrl);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const faults: FaultName[] = (['worker', 'redis', 'postgres', 'api'] as const).filter(
    (f) => !opts.skip.has(f),
  );

  console.log('Tutorpulse chaos run (issue 9 §3)');
  line('Postgres server', `${new URL(opts.databaseUrl).host} (fresh database ${dbName})`);
  line('Redis server', `${new URL(opts.redisUrl).host} (fresh prefix ${prefix})`);
  line('processes', `${opts.apis} API, ${opts.workers} workers`);
  line(
    'burst',
    `${opts.sessions} signed deliveries, ${opts.rate}/s while faults run, ${opts.senders} in flight`,
  );
  line('faults, in order', faults.length ? faults.join(' → ') : 'none');
  if (faults.includes('postgres')) line('Postgres restart command', opts.pgRestartCmd);
  if (faults.includes('redis')) {
    line('Redis stop command', opts.redisStopCmd);
    line('Redis start command', opts.redisStartCmd);
  }
  line('logs', runDir);
  console.log('');

  // State the clean-up needs, whatever happens.
  let supervisor: Supervisor | undefined;
  let observer: Observer | undefined;
  let sender: Sender | undefined;
  let redisStoppedByUs = false;
  let databaseCreated = false;
  const unexpected: Proc[] = [];

  async function runShell(label: string, cmd: string, timeoutMs = 120_000): Promise<boolean> {
    appendFileSync(timelineFile, `${new Date().toISOString()} $ ${cmd}\n`);
    const child = spawn('sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    if (out.trim()) appendFileSync(timelineFile, out.endsWith('\n') ? out : `${out}\n`);
    if (code !== 0)
      note(`! ${label} exited with code ${code}: ${out.trim().split('\n').slice(-2).join(' | ')}`);
    return code === 0;
  }

  let cleaned = false;
  async function cleanUp() {
    if (cleaned) return;
    cleaned = true;
    sender?.release();
    if (supervisor) {
      note('stopping every process this run started (by pid)');
      await supervisor.stopAll();
    }
    if (redisStoppedByUs) {
      note('Redis is still stopped by this run: starting it again');
      if (await runShell('Redis start', opts.redisStartCmd)) redisStoppedByUs = false;
    }
    await observer?.close().catch(() => {});
    await dropRedisNamespace(opts.redisUrl, prefix).catch((err: unknown) =>
      note(`! could not drop Redis prefix ${prefix}: ${(err as Error).message}`),
    );
    if (databaseCreated && !opts.keepDatabase) {
      const admin = new pg.Client({ connectionString: opts.databaseUrl });
      try {
        await admin.connect();
        await admin.query(`drop database if exists ${dbName} with (force)`);
      } catch (err) {
        note(`! could not drop database ${dbName}: ${(err as Error).message}`);
      } finally {
        await admin.end().catch(() => {});
      }
    } else if (databaseCreated) {
      note(`database ${dbName} kept (--keep-db)`);
    }
  }

  // Ctrl-C / SIGTERM: stop everything started here (and bring Redis back if it is down because of us).
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    note(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => supervisor?.killAllNow());

  try {
    // --- The burst's deliveries: the newest sessions of the demo generator. ---
    const days = Math.ceil(opts.sessions / SESSIONS_PER_DAY) + 1;
    const dataset = generateDemoDataset({ seed: 9, scale: 1, now: new Date(), days });
    const all = collectSessions(dataset).sessions;
    all.sort((a, b) => Date.parse(a.session_end_time) - Date.parse(b.session_end_time));
    const payloads = all.slice(Math.max(0, all.length - opts.sessions));
    // Shuffled (seeded): only sessions that ended within a day get mail, so the mail-raising ones are spread
    // over the whole burst, and every fault meets some; webhooks promise no order anyway.
    shuffle(payloads, 9);
    const deliveries: Delivery[] = payloads.map((p, i) => ({
      sessionId: p.session_id,
      webhookId: `msg_chaos_${prefix}_${i}`,
      body: JSON.stringify(p),
    }));
    if (deliveries.length < opts.sessions) note(`only ${deliveries.length} sessions generated`);

    // --- A fresh database with the platform's directory (tutors, students, subjects). ---
    const admin = new pg.Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${dbName}`);
      databaseCreated = true;
    } finally {
      await admin.end();
    }
    const database = await createDatabase({ kind: 'postgres', url: runDbUrl, poolSize: 4 });
    try {
      await database.migrate();
      await writeDirectory(database.db, dataset);
    } finally {
      await database.close();
    }
    note(
      `database ${dbName} migrated, directory written; ${deliveries.length} deliveries signed per attempt`,
    );

    // --- Processes. ---
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('CHAOS_')) delete env[k];
    Object.assign(env, {
      DATABASE_URL: runDbUrl,
      REDIS_URL: opts.redisUrl,
      REDIS_PREFIX: prefix,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      JWT_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: webhookSecret,
      DEMO_SEED: 'off',
      LOG_LEVEL: opts.logLevel,
    });
    delete env.SMTP_URL;
    delete env.OPENAI_API_KEY;
    supervisor = createSupervisor({
      logDir: runDir,
      env,
      onUnexpectedExit: (p) => {
        unexpected.push(p);
        const how = p.exit?.signal ? `signal ${p.exit.signal}` : `code ${p.exit?.code}`;
        note(`! ${p.name} (pid ${p.pid}) exited by itself (${how}); nothing restarts it — see ${p.logFile}`);
      },
    });
    const sup = supervisor;
    const ports: number[] = [];
    for (let i = 1; i <= opts.apis; i++) ports.push(await freePort());
    const apiUrl = (port: number) => `http://127.0.0.1:${port}`;
    const liveApiUrls = () => sup.live('api').map((p) => apiUrl(p.port!));
    observer = createObserver({
      databaseUrl: runDbUrl,
      outboxDir: path.join(dataDir, 'outbox'),
      healthPath: opts.healthPath,
    });
    const obs = observer;

    const counters: Record<string, number> = {};
    const startProc = (role: 'api' | 'worker', port?: number) => {
      counters[role] = (counters[role] ?? 0) + 1;
      const p = sup.start(`${role}-${counters[role]}`, role, port);
      note(`started ${p.name} (pid ${p.pid}${port ? `, port ${port}` : ''})`);
      return p;
    };
    // One API at a time on a fresh database, so only one of them runs the (already applied) migrations first.
    for (const port of ports) {
      const p = startProc('api', port);
      if (!(await waitFor(() => obs.allHealthy([apiUrl(port)]), 90_000, 300)))
        throw new Error(`${p.name} did not become healthy within 90 s: see ${p.logFile}`);
    }
    const workerReady = (p: Proc) => async () => {
      try {
        return readFileSync(p.logFile, 'utf8').includes('worker started');
      } catch {
        return false;
      }
    };
    const firstWorkers = Array.from({ length: opts.workers }, () => startProc('worker'));
    for (const w of firstWorkers)
      if (!(await waitFor(workerReady(w), 90_000, 300)))
        throw new Error(`${w.name} did not start within 90 s: see ${w.logFile}`);
    note('all processes up; the burst starts');

    // --- The burst. ---
    sender = createSender({
      urls: ports.map((p) => `${apiUrl(p)}${WEBHOOK_PATH}`),
      webhookSecret,
      deliveries,
      rate: opts.rate,
      concurrency: opts.senders,
      maxAttempts: opts.maxAttempts,
      requestTimeoutMs: opts.requestTimeoutMs,
      onReserve: () =>
        note('the faults outlast 90% of the burst: the last tenth trickles at a tenth of the rate'),
      onRefused: (d, status, body) =>
        appendFileSync(
          timelineFile,
          `refused ${d.webhookId} (${d.sessionId}): ${status} ${body.slice(0, 300)}\n`,
        ),
    });
    const snd = sender;
    const burst = snd.run();
    let phaseStart = Date.now();
    let previous = snd.counters();

    // --- What the run prints after each fault and at the end. ---
    const outboxFigures = () => obs.scanOutbox();
    function printFigures(title: string, db: DbSnapshot | null) {
      const c = snd.counters();
      const phase5xx = fivexx(c).all - fivexx(previous).all;
      const phase500 = fivexx(c).s500 - fivexx(previous).s500;
      const x = fivexx(c);
      console.log(`\n── ${title} (${at()}) ──`);
      line('deliveries sent', `${c.started} (${c.attempts} requests; ${c.finished} finished)`);
      line('accepted (2xx)', c.accepted);
      if (db) {
        const accepted = [...snd.acceptedAt.keys()];
        const lost = accepted.filter((id) => !db.statusOf.has(id)).length;
        const acceptedProcessed = accepted.filter((id) => db.statusOf.get(id) === 'processed').length;
        const out = outboxFigures();
        const dupFlags = db.dupOpenFlags + db.dupFlagEvidence + db.dupFlagOccurrences;
        const dupMails = db.dupMailRows + out.duplicates;
        line('stored (rows in sessions)', db.stored);
        line(
          'fully processed (scored)',
          `${db.fullyProcessed} (tier 1 done: ${db.processed}; accepted and processed: ${acceptedProcessed}` +
            `${db.failed ? `; failed: ${db.failed}` : ''})`,
        );
        line(
          'duplicated',
          `${db.dupSessions + db.dupFindings + dupFlags + dupMails} (sessions ${db.dupSessions}, findings ` +
            `${db.dupFindings}, flags ${dupFlags}, mails ${dupMails})`,
        );
        line('lost (accepted, not stored)', lost);
        line(
          'mails pending',
          `${db.mailsPending} (sent ${db.mailsSent}, failed ${db.mailsFailed}, files in outbox ${out.files})`,
        );
        if (db.rerunPasses) line('tier 1 passes run again (no effect twice)', db.rerunPasses);
      } else {
        line('stored / processed / duplicated / lost', 'database not answering');
      }
      line(
        '5xx answers',
        `${x.all} (500: ${x.s500}, 503: ${x.s503}; this phase ${phase5xx}, 500: ${phase500})`,
      );
      line(
        'other answers',
        statusText(Object.fromEntries(Object.entries(c.statuses).filter(([s]) => Number(s) < 500))),
      );
      line('network errors (no answer)', statusText(c.networkErrors));
      line('max answer time', `${Math.round(c.maxAnswerMs)} ms (${c.slowAnswers} answers over 2 s)`);
      if (c.gaveUp || c.refused) line('given up / refused (4xx)', `${c.gaveUp} / ${c.refused}`);
      const alive = `${sup.live('api').length} API, ${sup.live('worker').length} workers alive`;
      line(
        'processes',
        unexpected.length
          ? `${alive}; exited by themselves: ${unexpected.map((p) => p.name).join(', ')}`
          : alive,
      );
      previous = c;
    }

    /**
     * From the fault's end: health ready on every live API, and everything accepted since the previous fault's
     * recovery (or the burst's start) up to this fault's end processed. Work a previous fault stranded is
     * counted against that fault, not this one.
     */
    async function awaitRecovery(since: number, endedAt: number): Promise<number | null> {
      const before = [...snd.acceptedAt].filter(([, t]) => t >= since && t <= endedAt).map(([id]) => id);
      let readyAt: number | null = null;
      let drainedAt: number | null = null;
      let left = before.length;
      const deadline = endedAt + opts.recoveryTimeoutSeconds * 1000;
      while (Date.now() <= deadline && (readyAt === null || drainedAt === null)) {
        if (readyAt === null && (await obs.allHealthy(liveApiUrls()))) readyAt = Date.now();
        if (drainedAt === null) {
          const done = await obs.processedAmong(before);
          if (done !== null) left = before.length - done;
          if (done === before.length) drainedAt = Date.now();
        }
        if (readyAt === null || drainedAt === null) await sleep(500);
      }
      const s = (t: number | null) => (t === null ? 'never' : fmtS(t - endedAt));
      note(
        `health ready after ${s(readyAt)}; the ${before.length} deliveries accepted from the phase's start to the fault's end ` +
          `all processed after ${s(drainedAt)}${drainedAt === null ? ` (${left} still not)` : ''}`,
      );
      return readyAt === null || drainedAt === null ? null : Math.max(readyAt, drainedAt) - endedAt;
    }

    // --- The faults, one after the other, each once the previous one has recovered (or timed out). ---
    const results: FaultResult[] = [];
    await sleep(opts.gapSeconds * 1000);
    for (const [k, name] of faults.entries()) {
      let title = '';
      let endedAt = Date.now();
      if (name === 'worker') {
        const victim = sup.live('worker')[0];
        title = 'kill -9 of a worker, replacement started';
        if (victim) {
          note(`fault ${k + 1}: kill -9 ${victim.name} (pid ${victim.pid})`);
          await sup.kill9(victim);
        } else note(`fault ${k + 1}: no live worker to kill`);
        startProc('worker');
        endedAt = Date.now();
      } else if (name === 'redis') {
        title = `Redis stopped ${opts.redisDownSeconds} s, restarted empty`;
        note(`fault ${k + 1}: stopping Redis for ${opts.redisDownSeconds} s`);
        redisStoppedByUs = true;
        await runShell('Redis stop', opts.redisStopCmd);
        if (!(await waitFor(async () => !(await redisPing(opts.redisUrl)), 10_000)))
          note('! Redis still answers after the stop command');
        await sleep(opts.redisDownSeconds * 1000);
        note('starting Redis again (empty)');
        await runShell('Redis start', opts.redisStartCmd);
        if (!(await waitFor(() => redisPing(opts.redisUrl), 30_000)))
          throw new Error('Redis did not come back within 30 s of the start command');
        redisStoppedByUs = false;
        endedAt = Date.now();
      } else if (name === 'postgres') {
        title = 'Postgres fast restart';
        note(`fault ${k + 1}: Postgres fast restart`);
        await runShell('Postgres restart', opts.pgRestartCmd);
        if (!(await waitFor(() => obs.databaseUp(), 60_000, 500)))
          throw new Error('Postgres did not take queries within 60 s of the restart command');
        endedAt = Date.now();
      } else {
        const victim = sup.live('api').at(-1);
        title = 'kill -9 of an API process, replacement started';
        const port = victim?.port ?? ports.at(-1)!;
        if (victim) {
          note(`fault ${k + 1}: kill -9 ${victim.name} (pid ${victim.pid})`);
          await sup.kill9(victim);
        } else note(`fault ${k + 1}: no live API process to kill`);
        startProc('api', port);
        endedAt = Date.now();
      }
      note(`fault ${k + 1} over: ${title}`);
      const recoveredS = await awaitRecovery(phaseStart, endedAt).then((ms) =>
        ms === null ? null : ms / 1000,
      );
      phaseStart = Date.now();
      results.push({ name, title, recoveredS });
      printFigures(`after fault ${k + 1}/${faults.length}: ${title}`, await obs.snapshot());
      line(
        'time to recover',
        recoveredS === null ? `not within ${opts.recoveryTimeoutSeconds} s` : `${recoveredS.toFixed(1)} s`,
      );
      console.log('');
      await sleep(opts.gapSeconds * 1000);
    }

    // --- The rest of the burst, then the backlog. ---
    snd.release();
    note('faults done: the rest of the burst goes at full speed');
    await burst;
    note('every delivery accepted, refused or given up; waiting for the backlog');
    const drainDeadline = Date.now() + opts.drainTimeoutSeconds * 1000;
    let final = await obs.snapshot();
    const settled = (db: DbSnapshot | null) =>
      db !== null &&
      [...snd.acceptedAt.keys()].every((id) => db.statusOf.has(id)) &&
      db.fullyProcessed + db.failed >= db.stored &&
      db.mailsPending === 0;
    while (!settled(final) && Date.now() < drainDeadline) {
      await sleep(2_000);
      final = (await obs.snapshot()) ?? final;
    }
    // A last look a few seconds on, so a late duplicate (a re-run job) is counted too.
    await sleep(3_000);
    final = (await obs.snapshot()) ?? final;
    note(settled(final) ? 'backlog drained' : `backlog not drained within ${opts.drainTimeoutSeconds} s`);
    printFigures('at the end', final);

    // --- What the processes said. ---
    console.log('\n── processes ──');
    for (const p of sup.all()) {
      const how = p.exit
        ? p.exit.expected
          ? 'killed by this run'
          : `EXITED BY ITSELF (${p.exit.signal ? `signal ${p.exit.signal}` : `code ${p.exit.code}`})`
        : 'running';
      console.log(`  ${p.name.padEnd(10)} pid ${String(p.pid).padEnd(8)} ${how}   ${p.logFile}`);
      const s = summariseLog(p.logFile);
      for (const [msg, n] of s.errors) console.log(`      ${String(n).padStart(5)}× ${msg}`);
      if (p.exit && !p.exit.expected) for (const l of s.tail) console.log(`      | ${l}`);
    }

    // --- Targets. ---
    const c = snd.counters();
    const accepted = [...snd.acceptedAt.keys()];
    const db = final;
    const out = outboxFigures();
    const lost = db ? accepted.filter((id) => !db.statusOf.has(id)).length : accepted.length;
    const notProcessed = db
      ? accepted.filter((id) => db.statusOf.get(id) !== 'processed').length
      : accepted.length;
    const notFully = db ? Math.max(0, db.stored - db.fullyProcessed) : 0;
    const dupFlags = db ? db.dupOpenFlags + db.dupFlagEvidence + db.dupFlagOccurrences : 0;
    const dupMails = (db?.dupMailRows ?? 0) + out.duplicates;
    const dupEffects = db ? db.dupSessions + db.dupFindings : 0;
    const slow = results.filter((r) => r.recoveredS === null || r.recoveredS > opts.recoveryTargetSeconds);
    const targets: Array<[string, boolean, string]> = [
      [
        'every accepted delivery stored and processed exactly once',
        db !== null && lost === 0 && notProcessed === 0 && notFully === 0 && dupEffects === 0,
        db
          ? `${accepted.length} accepted: ${lost} lost, ${notProcessed} not processed, ${notFully} stored not fully ` +
            `processed, ${dupEffects} stored twice`
          : 'database not answering',
      ],
      [
        '0 duplicated flags or mails',
        db !== null && dupFlags + dupMails === 0,
        `flags ${dupFlags}, mails ${dupMails}`,
      ],
      ['0 mails pending', db !== null && db.mailsPending === 0, `${db?.mailsPending ?? '?'} pending`],
      ['0 answers of 500', (c.statuses['500'] ?? 0) === 0, `${c.statuses['500'] ?? 0} answers of 500`],
      [
        `recovery ≤ ${opts.recoveryTargetSeconds} s after every fault`,
        slow.length === 0,
        results
          .map((r) => `${r.name} ${r.recoveredS === null ? 'never' : `${r.recoveredS.toFixed(1)} s`}`)
          .join(', ') || 'no faults',
      ],
      [
        'no process exited by itself',
        unexpected.length === 0,
        unexpected.length
          ? unexpected.map((p) => `${p.name} (${p.exit?.signal ?? `code ${p.exit?.code}`})`).join(', ')
          : 'none',
      ],
    ];
    console.log('\n── targets ──');
    for (const [name, ok, detail] of targets) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
    const pass = targets.every(([, ok]) => ok);
    console.log(
      `\n${pass ? 'PASS' : 'FAIL'}: chaos run ${pass ? 'met every target' : 'missed a target'}; logs in ${runDir}`,
    );
    return pass ? 0 : 1;
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
