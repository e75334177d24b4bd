/**
 * Property-based fuzzing of every API route, driven by the route table and the routes' own zod schemas: a route
 * added tomorrow is fuzzed without a line here. For each route, FUZZ_RUNS (default 1,000) generated requests —
 * path ids, query strings and bodies, well formed and hostile (see helpers/fuzz-arbitraries.ts) — are sent as
 * every role (Bearer token and cookie + CSRF), with API keys, anonymously, and for the webhook signed, stale
 * or forged, on a database holding a small seeded marketplace that the pipeline has processed.
 *
 * Each response must hold: no 5xx; a 4xx has the `{error, code}` shape; a 4xx wrote nothing, and a GET never
 * writes (every table's writes are logged by trigger, helpers/write-log.ts); nothing was logged at error level,
 * and no bad value reached the database (its refusals are the error handler's safety net, not the way bad
 * input is meant to be caught). FUZZ_SEED replays a run. The SSE stream is fuzzed too, each stream closed as
 * soon as it opens.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_STATUSES } from '@tutorpulse/contracts/dead-letters';
import { ROLES, type TRole } from '@tutorpulse/contracts/identity';
import { EMAIL_REPORT_STATUSES, INTERVENTION_TYPES } from '@tutorpulse/contracts/quality-flags';
import { FLAG_STATUSES, FLAG_TYPES, INTERVENTION_OUTCOMES, SEVERITIES } from '@tutorpulse/contracts/quality';
import { sql } from 'drizzle-orm';
import { seedDemo } from '../src/cli/seed/seed';
import { authSessions } from '../src/db/schema/index';
import type { AccessTableEntry } from '../src/platform/auth/access.plugin';
import { createDeadLetterSink } from '../src/platform/queue/dead-letters.service';
import { backfillQuality } from '../src/modules/quality/backfill';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_PASSWORD,
  TEST_WEBHOOK_SECRET,
  type Session,
} from './helpers/build-app';
import {
  encodeComponent,
  fuzzedValue,
  OMIT,
  RAW_QUERIES,
  RAW_SEGMENTS,
  rawBody,
  toQueryString,
  HOSTILE_STRINGS,
  type BodyPlan,
  type Dictionary,
} from './helpers/fuzz-arbitraries';
import { signWebhook } from './helpers/webhooks';
import { lastWriteId, installWriteLog, writesSince } from './helpers/write-log';
import { defOf, requestSchemasOf, type AnySchema } from './helpers/zod-schemas';

// Test knobs, read here rather than through config/env.ts: they tune this suite, not the application.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_120);
const WEBHOOK_URL = '/api/webhooks/session-completed';
const SSE_URL = '/api/events';

// ---------------------------------------------------------------------------------------------------------
// The app, its data and its callers. Built at collection time (top-level await) so that each route of the real
// route table becomes a test of its own.

type LogLine = { level: number; msg: string; err?: { message?: string }; sqlstate?: string };
const logLines: LogLine[] = [];
const logger = pino(
  { level: 'warn' },
  { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
);

const t = await createTestApp({
  loginRateLimitPerMinute: 1_000_000,
  env: { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_API_KEY_PER_MINUTE: '1000000' },
  logger,
});
afterAll(() => t.close());
const db = t.rt.database.db;
const now = t.clock.now();

// A small marketplace, through the real seed and the real tier 1 backfill and tier 3.
await seedDemo({
  db,
  scale: 0.01,
  seed: 7,
  now,
  days: 30,
  truthPath: null,
  withAccounts: false,
  quiet: true,
});
await backfillQuality({
  db,
  clock: t.clock,
  queue: t.rt.queue,
  events: t.app.services.events,
  scores: t.app.services.scores,
});
await t.app.services.tier3.run();

const pickIds = async (query: ReturnType<typeof sql>) =>
  ((await db.execute<{ v: string }>(query)) as unknown as { rows: Array<{ v: string }> }).rows.map(
    (r) => r.v,
  );
const tutorIds = await pickIds(sql`select id as v from tutors order by id limit 6`);
const studentIds = await pickIds(sql`select id as v from students order by id limit 4`);

const sessionsByRole = {} as Record<TRole, Session>;
const userIds = {} as Record<TRole, string>;
for (const role of ROLES) {
  userIds[role] = await createUser(t, {
    email: `${role}@fuzz.test`,
    role,
    tutorId: tutorIds[0],
    studentId: studentIds[0],
  });
  sessionsByRole[role] = await login(t, `${role}@fuzz.test`);
}
const admin = sessionsByRole.admin;
const createKey = async (role: TRole, name: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/api-keys',
    headers: bearer(admin),
    payload: { name, role },
  });
  return res.json() as { id: string; key: string };
};
const apiKeys = {
  admin: await createKey('admin', 'fuzz admin'),
  operator: await createKey('operator', 'fuzz operator'),
};
// Users and keys the fuzzer may disable, demote or revoke: never the callers it sends requests as.
const victimUsers = [
  await createUser(t, { email: 'victim-1@fuzz.test', role: 'coach' }),
  await createUser(t, { email: 'victim-2@fuzz.test', role: 'viewer' }),
];
const victimKey = await createKey('viewer', 'fuzz victim');
const flagIds = await pickIds(sql`select id::text as v from flags order by created_at limit 8`);
for (const flagId of flagIds.slice(0, 3)) {
  const [flag] = await pickIds(sql`select tutor_id as v from flags where id = ${flagId}`);
  await t.app.inject({
    method: 'POST',
    url: '/api/interventions',
    headers: bearer(sessionsByRole.coach),
    payload: {
      tutor_id: flag,
      flag_id: flagId,
      intervention_type: 'coaching_session',
      description: 'fuzz fixture',
    },
  });
}

// Failed jobs for the dead-letter routes to list, re-run and discard (no worker runs here: re-runs just queue).
const deadLetterSink = createDeadLetterSink({ db });
for (const [i, tutorId] of tutorIds.slice(0, 4).entries()) {
  await deadLetterSink.record({
    queue: 'default',
    name: 'quality.rescore',
    id: `fuzz-dead-${i}`,
    payload: { tutorId },
    error: 'fuzz fixture failure',
    stack: null,
    attempts: 3,
    failedAt: now,
  });
}

const dictionary: Dictionary = {
  now,
  uuids: [
    ...flagIds,
    ...(await pickIds(sql`select id::text as v from interventions limit 3`)),
    ...(await pickIds(sql`select id::text as v from sessions order by session_start_time desc limit 4`)),
    ...(await pickIds(sql`select id::text as v from email_reports limit 2`)),
    ...victimUsers,
    victimKey.id,
    ...(await pickIds(sql`select id::text as v from dead_letters order by job_id`)),
  ],
  emails: [...ROLES.map((r) => `${r}@fuzz.test`), 'victim-1@fuzz.test', 'nobody@fuzz.test'],
  strings: [
    ...tutorIds,
    ...studentIds,
    ...(await pickIds(sql`select session_id as v from sessions order by session_start_time desc limit 4`)),
    ...(await pickIds(sql`select id as v from subjects order by id limit 4`)),
    ...FLAG_STATUSES,
    ...SEVERITIES,
    ...FLAG_TYPES,
    ...INTERVENTION_OUTCOMES,
    ...INTERVENTION_TYPES,
    ...EMAIL_REPORT_STATUSES,
    ...DEAD_LETTER_STATUSES,
    'default',
    'quality.rescore',
    'open,in_progress',
    'critical,high',
    'me',
    'none',
    TEST_PASSWORD,
  ],
};

await installWriteLog(db);

// ---------------------------------------------------------------------------------------------------------
// Callers

type Caller =
  | { kind: 'anonymous' }
  | { kind: 'bearer' | 'cookie' | 'cookie-without-csrf'; role: TRole }
  | { kind: 'api-key'; role: 'admin' | 'operator' }
  | { kind: 'webhook'; signature: 'valid' | 'stale' | 'forged' | 'missing' };

const label = (c: Caller) =>
  c.kind === 'anonymous' ? c.kind : c.kind === 'webhook' ? `webhook ${c.signature}` : `${c.kind} ${c.role}`;

function callersOf(route: AccessTableEntry): fc.Arbitrary<Caller> {
  const all: Caller[] = [
    { kind: 'anonymous' },
    ...ROLES.flatMap((role) => [
      { kind: 'bearer' as const, role },
      { kind: 'cookie' as const, role },
    ]),
    { kind: 'cookie-without-csrf', role: 'admin' },
    { kind: 'api-key', role: 'admin' },
    { kind: 'api-key', role: 'operator' },
  ];
  if (route.url === WEBHOOK_URL) {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant<Caller>({ kind: 'webhook', signature: 'valid' }) },
      {
        weight: 2,
        arbitrary: fc.constantFrom<Caller>(
          { kind: 'webhook', signature: 'stale' },
          { kind: 'webhook', signature: 'forged' },
          { kind: 'webhook', signature: 'missing' },
        ),
      },
    );
  }
  const access = route.access;
  const allowed =
    'public' in access
      ? all
      : all.filter(
          (c) =>
            (c.kind === 'bearer' || c.kind === 'cookie' || c.kind === 'api-key') &&
            access.roles.includes(c.role),
        );
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...allowed) },
    { weight: 2, arbitrary: fc.constantFrom(...all) },
  );
}

/** A fresh session for a user (no password hashing): logout ends the session it is sent with. */
async function freshSession(role: TRole): Promise<Session> {
  const expiresAt = new Date(now.getTime() + 3_600_000);
  const [row] = await db
    .insert(authSessions)
    .values({ userId: userIds[role], createdAt: now, lastSeenAt: now, expiresAt })
    .returning({ id: authSessions.id });
  const token = await t.app.services.tokens.sign(userIds[role], row!.id, now, expiresAt);
  return {
    token,
    cookie: `tp_session=${token}`,
    csrf: t.app.services.tokens.csrfFor(row!.id),
    userId: userIds[role],
  };
}

/** Routes that end the session they are called with (refresh rotates it): each call gets a fresh one. */
const ENDS_SESSION = new Set(['/api/auth/logout', '/api/auth/refresh']);

async function headersFor(c: Caller, route: AccessTableEntry): Promise<Record<string, string>> {
  if (c.kind === 'anonymous' || c.kind === 'webhook') return {};
  if (c.kind === 'api-key') return { 'x-api-key': apiKeys[c.role].key };
  const s = ENDS_SESSION.has(route.url) ? await freshSession(c.role) : sessionsByRole[c.role];
  if (c.kind === 'bearer') return { authorization: `Bearer ${s.token}` };
  return c.kind === 'cookie' ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : { cookie: s.cookie };
}

// ---------------------------------------------------------------------------------------------------------
// Requests

type Plan = { caller: Caller; path: string; query: string; body: BodyPlan };

function pathArb(route: AccessTableEntry, params: AnySchema | undefined): fc.Arbitrary<string> {
  const names = [...route.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  if (names.length === 0) return fc.constant(route.url);
  const shape = params ? (defOf(params).shape as Record<string, AnySchema>) : {};
  const segment = (name: string) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: (shape[name] ? fuzzedValue(shape[name], dictionary) : fc.string()).map((v) =>
          encodeComponent(typeof v === 'string' ? v : JSON.stringify(v ?? null)),
        ),
      },
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map(encodeComponent) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    );
  return fc
    .tuple(...names.map(segment))
    .map((values) => names.reduce((url, name, i) => url.replace(`:${name}`, values[i]!), route.url));
}

function planArb(route: AccessTableEntry): fc.Arbitrary<Plan> {
  const schemas = requestSchemasOf(route.schema);
  const query = fc.oneof(
    {
      weight: 9,
      arbitrary: schemas.querystring
        ? fuzzedValue(schemas.querystring, dictionary).map(toQueryString)
        : fc.constant(''),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERIES) },
  );
  const writes = route.method !== 'GET' && route.method !== 'DELETE';
  const body: fc.Arbitrary<BodyPlan> = schemas.body
    ? fc.oneof(
        {
          weight: 9,
          arbitrary: fuzzedValue(schemas.body, dictionary).map((value): BodyPlan =>
            value === OMIT ? { kind: 'none' } : { kind: 'json', value },
          ),
        },
        { weight: 1, arbitrary: rawBody },
      )
    : fc.oneof(
        { weight: 8, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) },
        {
          weight: writes ? 1 : 0,
          arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value): BodyPlan => ({ kind: 'json', value })),
        },
        { weight: writes ? 1 : 0, arbitrary: rawBody },
      );
  return fc.record({ caller: callersOf(route), path: pathArb(route, schemas.params), query, body });
}

type Sent = { status: number; body: string; contentType: string };

async function send(route: AccessTableEntry, plan: Plan, headers: Record<string, string>): Promise<Sent> {
  let payload: string | undefined;
  if (plan.body.kind === 'json') {
    payload = JSON.stringify(plan.body.value);
    headers['content-type'] = 'application/json';
  } else if (plan.body.kind === 'raw') {
    payload = plan.body.payload;
    if (plan.body.contentType) headers['content-type'] = plan.body.contentType;
  }
  if (plan.caller.kind === 'webhook' && plan.caller.signature !== 'missing') {
    const at = plan.caller.signature === 'stale' ? new Date(now.getTime() - 600_000) : now;
    const signed = signWebhook(payload ?? '', TEST_WEBHOOK_SECRET, { timestamp: at });
    if (plan.caller.signature === 'forged')
      signed['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')}`;
    Object.assign(headers, { ...signed, 'content-type': headers['content-type'] ?? signed['content-type'] });
  }
  const url = `${plan.path}${plan.query}`;
  if (route.url === SSE_URL) {
    // A stream that opens is closed at once: what is fuzzed is how it answers and that it cleans up.
    const abort = new AbortController();
    const res = await t.app.inject({
      method: 'GET',
      url,
      headers,
      payloadAsStream: true,
      signal: abort.signal,
    });
    const contentType = String(res.headers['content-type'] ?? '');
    if (contentType.startsWith('text/event-stream')) {
      abort.abort();
      return { status: res.statusCode, body: '', contentType };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
    return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), contentType };
  }
  const res = await t.app.inject({
    method: route.method as 'GET',
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  return { status: res.statusCode, body: res.body, contentType: String(res.headers['content-type'] ?? '') };
}

// ---------------------------------------------------------------------------------------------------------
// Properties

type Failure = { kind: string; status: number; request: string; response: string };

function describePlan(route: AccessTableEntry, plan: Plan): string {
  const body =
    plan.body.kind === 'none'
      ? ''
      : ` body=${(plan.body.kind === 'json' ? JSON.stringify(plan.body.value) : JSON.stringify(plan.body.payload)).slice(0, 300)}`;
  return `${label(plan.caller)} ${route.method} ${`${plan.path}${plan.query}`.slice(0, 300)}${body}`;
}

let writesSeen = await lastWriteId(db);

async function check(route: AccessTableEntry, plan: Plan, statuses: Map<number, number>): Promise<Failure[]> {
  const headers = await headersFor(plan.caller, route);
  // The count after the previous request, unless preparing this one wrote (a fresh session for logout). A late
  // write of the previous request would be blamed on this one: none is expected, and it would be worth a look.
  const writesBefore = ENDS_SESSION.has(route.url) ? await lastWriteId(db) : writesSeen;
  const logsBefore = logLines.length;
  const res = await send(route, plan, headers);
  const writesAfter = (writesSeen = await lastWriteId(db));
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const failures: Array<Omit<Failure, 'request' | 'status' | 'response'>> = [];
  if (res.status >= 500) failures.push({ kind: `${res.status}` });
  if (res.status >= 400) {
    let shaped = false;
    try {
      const body = JSON.parse(res.body) as { error?: unknown; code?: unknown };
      shaped = typeof body.error === 'string' && body.error !== '' && typeof body.code === 'string';
    } catch {
      shaped = false;
    }
    if (!shaped) failures.push({ kind: 'error body without {error, code}' });
  }
  if (writesAfter !== writesBefore && (res.status >= 400 || route.method === 'GET')) {
    const what = (await writesSince(db, writesBefore)).join(', ');
    failures.push({ kind: `${res.status >= 400 ? 'refused request' : 'GET'} wrote: ${what}` });
  }
  for (const line of logLines.slice(logsBefore)) {
    if (line.level >= 50)
      failures.push({ kind: `logged an error: ${line.msg} ${line.err?.message ?? ''}`.slice(0, 200) });
    else if (line.sqlstate) failures.push({ kind: `reached the database: SQLSTATE ${line.sqlstate}` });
  }
  return failures.map((f) => ({
    ...f,
    status: res.status,
    request: describePlan(route, plan),
    response: res.body.slice(0, 300),
  }));
}

const routes = t.app.accessTable;

describe(`fuzzing every route (${RUNS} requests each, seed ${SEED})`, () => {
  it('covers the route table, writes and reads', () => {
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.filter((r) => r.method !== 'GET').length).toBeGreaterThan(10);
    expect(dictionary.uuids.length).toBeGreaterThan(10);
  });

  for (const route of routes) {
    it(`${route.method} ${route.url}`, { timeout: Math.max(60_000, RUNS * 250) }, async () => {
      const statuses = new Map<number, number>();
      const failures: Failure[] = [];
      const t0 = performance.now();
      await fc.assert(
        fc.asyncProperty(planArb(route), async (plan) => {
          failures.push(...(await check(route, plan, statuses)));
        }),
        { numRuns: RUNS, seed: SEED },
      );
      const byKind = new Map<string, Failure & { count: number }>();
      for (const f of failures) {
        const seen = byKind.get(f.kind);
        if (seen) seen.count++;
        else byKind.set(f.kind, { ...f, count: 1 });
      }
      const tally = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      console.log(
        `${route.method} ${route.url}: ${RUNS} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s (${tally.join(' ')})`,
      );
      expect([...byKind.values()]).toEqual([]);
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);
    });
  }

  it('left no event stream open', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    const gauge = await t.rt.metrics.sseConnections.get();
    expect(gauge.values.reduce((sum, v) => sum + v.value, 0)).toBe(0);
  });
});
