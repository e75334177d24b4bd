/**
 * Keyset pagination of GET /api/sessions and GET /api/flags: every row exactly once while rows are inserted
 * between page fetches (before and after the cursor, and tied with it), for every sort; refused cursors are a
 * 400 naming the field; totals are exact up to LIST_EXACT_COUNT_LIMIT and flagged as estimates past it, and
 * estimates are kept in the read cache's store, shared by every process using it.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/bulk';
import { flags } from '../src/db/schema/index';
import { createMemoryCacheStore } from '../src/platform/cache/memory-store';
import { createReadCache } from '../src/platform/cache/read-cache';
import { createListTotals } from '../src/platform/list-paging';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { insertSessions, insertTutors } from './helpers/quality-fixtures';

const DAY = 86_400_000;
const BASE = Date.parse('2026-10-01T12:00:00Z');
const EXACT_LIMIT = 30;

/** Ever further from BASE: a row placed at ±extreme() sorts beyond every row inserted before it. */
let extremes = 1000;
const extreme = () => ++extremes;

let t: TestApp;
let coach: Session;

type Page = {
  data: Array<{ id: string }>;
  total: number;
  total_is_estimate: boolean;
  limit: number;
  offset: number;
  next_cursor: string | null;
};

beforeAll(async () => {
  t = await createTestApp({
    env: {
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_API_KEY_PER_MINUTE: '100000',
      LIST_EXACT_COUNT_LIMIT: String(EXACT_LIMIT),
      LIST_COUNT_CACHE_SECONDS: '60',
    },
  });
  await createUser(t, { email: 'coach@paging.test', role: 'coach' });
  coach = await login(t, 'coach@paging.test');
  await insertTutors(t.rt.database.db, [
    { id: 'tut_page_a', name: 'Tutor A' },
    { id: 'tut_page_b', name: 'Tutor B' },
  ]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const db = () => t.rt.database.db;

async function get(url: string) {
  return t.app.inject({ method: 'GET', url, headers: bearer(coach) });
}

async function getPage(url: string): Promise<Page> {
  const res = await get(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

/**
 * Walks a list by cursor, calling `between` after every page (to insert rows), and returns the ids in the
 * order they were served.
 */
async function walk(base: string, between: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const body = await getPage(`${base}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...body.data.map((r) => r.id));
    if (!body.next_cursor) return seen;
    cursor = body.next_cursor;
    await between(page);
  }
  throw new Error('the list never ended');
}

function expectOnce(seen: string[], ids: string[]) {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const id of ids) expect(counts.get(id) ?? 0, `row ${id}`).toBe(1);
}

function expectNoDuplicates(seen: string[]) {
  expect(new Set(seen).size).toBe(seen.length);
}

// ---------------------------------------------------------------------------------------------------------

describe('GET /api/sessions by cursor', () => {
  /** Row uuids of sessions inserted with these start offsets (days from BASE), for tutor A. */
  async function addSessions(days: number[]): Promise<string[]> {
    const ids = await insertSessions(
      db(),
      days.map((d) => ({ tutorId: 'tut_page_a', studentId: 'stu_page', start: new Date(BASE + d * DAY) })),
    );
    return [...ids.values()];
  }

  let initial: string[] = [];
  beforeAll(async () => {
    // 40 sessions, in groups of 4 sharing a start time: ties are broken by id.
    initial = await addSessions(Array.from({ length: 40 }, (_, i) => Math.floor(i / 4)));
  });

  for (const sort of ['newest', 'oldest'] as const) {
    it(`with sort=${sort}, serves every row once while rows arrive before, after and level with the cursor`, async () => {
      const before: string[] = [];
      const after: string[] = [];
      const tied: string[] = [];
      // newest first: a later start sorts before the cursor; oldest first: an earlier one does.
      const sign = sort === 'newest' ? 1 : -1;
      const present = new Set(
        rowsOf<{ id: string }>(
          await db().execute(sql`select id::text from sessions where tutor_id = 'tut_page_a'`),
        ).map((r) => r.id),
      );
      const seen = await walk(`/api/sessions?tutor_id=tut_page_a&sort=${sort}`, async (page) => {
        before.push(...(await addSessions([sign * extreme()])));
        after.push(...(await addSessions([-sign * extreme()])));
        // Level with the rows just served (same start): lands on either side of the cursor by its id.
        tied.push(...(await addSessions([page % 10])));
      });
      expectNoDuplicates(seen);
      expectOnce(seen, [...present]);
      expectOnce(seen, after);
      for (const id of before) expect(seen).not.toContain(id);
      expect(after.length).toBeGreaterThan(3);
      void tied; // at most once (no duplicates above); which side of the cursor depends on the id
      expect(seen.filter((id) => initial.includes(id))).toHaveLength(initial.length);
    });
  }

  it('serves the same order by cursor as by offset', async () => {
    const byCursor = await walk('/api/sessions?tutor_id=tut_page_b&sort=oldest', async () => {});
    expect(byCursor).toEqual([]);
    const full = (await getPage('/api/sessions?tutor_id=tut_page_a&sort=newest&limit=100')).data.map(
      (r) => r.id,
    );
    const byOffset = (await getPage('/api/sessions?tutor_id=tut_page_a&sort=newest&limit=5&offset=5')).data;
    expect(byOffset.map((r) => r.id)).toEqual(full.slice(5, 10));
    const paged = await walk('/api/sessions?tutor_id=tut_page_a&sort=newest', async () => {});
    expect(paged).toEqual(full.slice(0, paged.length));
  });

  it('returns next_cursor null on the last page', async () => {
    const body = await getPage('/api/sessions?tutor_id=tut_page_a&limit=100');
    expect(body.next_cursor).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('GET /api/flags by cursor', () => {
  const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
  const STATUSES = ['open', 'in_progress', 'resolved', 'dismissed'] as const;

  type FlagSpec = {
    severity: (typeof SEVERITIES)[number];
    status: (typeof STATUSES)[number];
    at: number;
  };

  /** Inserts flags, each for a tutor of its own (one open flag per tutor and type); returns their ids. */
  async function addFlags(specs: FlagSpec[]): Promise<string[]> {
    const tutorIds = specs.map(() => `tut_flag_${randomUUID().slice(0, 8)}`);
    await insertTutors(
      db(),
      tutorIds.map((id) => ({ id, name: id })),
    );
    const rows = await db()
      .insert(flags)
      .values(
        specs.map((s, i) => {
          const at = new Date(BASE + s.at * DAY);
          return {
            tutorId: tutorIds[i]!,
            flagType: 'tutor_late',
            severity: s.severity,
            title: 'Late',
            description: 'Joined late',
            supportingData: { sessions: [], metrics: {} },
            status: s.status,
            firstSeenAt: at,
            lastSeenAt: at,
            createdAt: at,
          };
        }),
      )
      .returning({ id: flags.id });
    return rows.map((r) => r.id);
  }

  let initial: string[] = [];
  beforeAll(async () => {
    // 48 flags: every severity × status, three to a timestamp (ties broken by id).
    initial = await addFlags(
      Array.from({ length: 48 }, (_, i) => ({
        severity: SEVERITIES[i % 4]!,
        status: STATUSES[Math.floor(i / 4) % 4]!,
        at: Math.floor(i / 3),
      })),
    );
  });

  /** A flag that sorts first (before any cursor) and one that sorts last (after any cursor), per sort. */
  const EXTREMES: Record<string, { first: FlagSpec; last: FlagSpec }> = {
    priority: {
      first: { severity: 'critical', status: 'open', at: -1000 },
      last: { severity: 'low', status: 'dismissed', at: 1000 },
    },
    newest: {
      first: { severity: 'low', status: 'open', at: 1000 },
      last: { severity: 'low', status: 'open', at: -1000 },
    },
    oldest: {
      first: { severity: 'low', status: 'open', at: -1000 },
      last: { severity: 'low', status: 'open', at: 1000 },
    },
    last_seen: {
      first: { severity: 'high', status: 'resolved', at: 1000 },
      last: { severity: 'high', status: 'resolved', at: -1000 },
    },
  };

  for (const sort of ['priority', 'newest', 'oldest', 'last_seen'] as const) {
    it(`with sort=${sort}, serves every row once while rows arrive before, after and level with the cursor`, async () => {
      const before: string[] = [];
      const after: string[] = [];
      const present = rowsOf<{ id: string }>(await db().execute(sql`select id::text from flags`)).map(
        (r) => r.id,
      );
      const { first, last } = EXTREMES[sort]!;
      const seen = await walk(
        `/api/flags?status=open,in_progress,resolved,dismissed&sort=${sort}`,
        async (page) => {
          before.push(...(await addFlags([{ ...first, at: Math.sign(first.at) * extreme() }])));
          after.push(...(await addFlags([{ ...last, at: Math.sign(last.at) * extreme() }])));
          // Level with served rows: same timestamp as the initial ones at this position.
          await addFlags([{ severity: SEVERITIES[page % 4]!, status: STATUSES[page % 4]!, at: page }]);
        },
      );
      expectNoDuplicates(seen);
      expectOnce(seen, present);
      expectOnce(seen, after);
      for (const id of before) expect(seen).not.toContain(id);
      expect(after.length).toBeGreaterThan(3);
      expect(seen.filter((id) => initial.includes(id))).toHaveLength(initial.length);
    });
  }

  it('keeps the triage order of sort=priority across pages', async () => {
    const all: Array<{ status: string; severity: string; first_seen_at: string; id: string }> = [];
    let cursor: string | null = null;
    do {
      const body = (await getPage(
        `/api/flags?status=open,in_progress,resolved,dismissed&limit=9${cursor ? `&cursor=${cursor}` : ''}`,
      )) as Page & { data: typeof all };
      all.push(...body.data);
      cursor = body.next_cursor;
    } while (cursor);
    const rank = (f: (typeof all)[number]) => [
      f.status === 'open' || f.status === 'in_progress' ? 0 : 1,
      3 - SEVERITIES.indexOf(f.severity as (typeof SEVERITIES)[number]),
      Date.parse(f.first_seen_at),
    ];
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [rank(all[i - 1]!), rank(all[i]!)];
      const cmp = a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
      expect(cmp, `${i}`).toBeLessThanOrEqual(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('refused cursors', () => {
  let good: string;
  beforeAll(async () => {
    good = (await getPage('/api/sessions?tutor_id=tut_page_a&limit=2')).next_cursor!;
    expect(good).toBeTruthy();
  });

  function expectBadRequest(res: { statusCode: number; json(): unknown }, path: string, message?: RegExp) {
    expect(res.statusCode).toBe(400);
    const body = res.json() as {
      code: string;
      error: string;
      details: Array<{ path: string; message: string }>;
    };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.error).toContain(path);
    const detail = body.details.find((d) => d.path === path);
    expect(detail, JSON.stringify(body.details)).toBeDefined();
    if (message) expect(detail!.message).toMatch(message);
  }

  const encode = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
  const decoded = () =>
    JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as Record<string, unknown>;

  it('refuses text that is not a cursor', async () => {
    expectBadRequest(
      await get('/api/sessions?tutor_id=tut_page_a&cursor=abc'),
      'querystring.cursor',
      /malformed/,
    );
    expectBadRequest(await get(`/api/flags?cursor=${encode([1, 2])}`), 'querystring.cursor', /malformed/);
    expectBadRequest(await get('/api/sessions?cursor=a.b%2Fc'), 'querystring.cursor');
  });

  it('refuses a tampered key', async () => {
    const tampered = { ...decoded(), k: ['2026-02-30T00:00:00.000000Z', randomUUID()] };
    expectBadRequest(
      await get(`/api/sessions?tutor_id=tut_page_a&cursor=${encode(tampered)}`),
      'querystring.cursor',
      /bad key/,
    );
    const wrongType = { ...decoded(), k: ['yesterday', 'x'] };
    expectBadRequest(
      await get(`/api/sessions?tutor_id=tut_page_a&cursor=${encode(wrongType)}`),
      'querystring.cursor',
    );
    const short = { ...decoded(), k: [(decoded().k as string[])[0]] };
    expectBadRequest(
      await get(`/api/sessions?tutor_id=tut_page_a&cursor=${encode(short)}`),
      'querystring.cursor',
    );
  });

  it('refuses a cursor with another sort, other filters or an offset', async () => {
    expectBadRequest(
      await get(`/api/sessions?tutor_id=tut_page_a&sort=oldest&cursor=${good}`),
      'querystring.cursor',
      /sort=newest.*sort=oldest/,
    );
    expectBadRequest(
      await get(`/api/sessions?tutor_id=tut_page_b&cursor=${good}`),
      'querystring.cursor',
      /different filters/,
    );
    expectBadRequest(
      await get(`/api/sessions?tutor_id=tut_page_a&offset=2&cursor=${good}`),
      'querystring.offset',
    );
    // A sessions cursor on the flags list: the sort names differ or the filters do.
    expectBadRequest(await get(`/api/flags?sort=newest&cursor=${good}`), 'querystring.cursor');
  });

  it('continues with the untouched cursor', async () => {
    const res = await get(`/api/sessions?tutor_id=tut_page_a&limit=2&cursor=${good}`);
    expect(res.statusCode).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('totals', () => {
  it('counts exactly up to LIST_EXACT_COUNT_LIMIT', async () => {
    const body = await getPage('/api/sessions?tutor_id=tut_page_a&start_date=2026-10-01&end_date=2026-10-03');
    expect(body.total_is_estimate).toBe(false);
    expect(body.total).toBe(body.data.length);
    expect(body.total).toBeGreaterThan(0);
    expect(body.total).toBeLessThanOrEqual(EXACT_LIMIT);
  });

  it('past the limit, estimates (never below what it counted) and reuses the estimate for a while', async () => {
    await db().execute(sql`analyze sessions`);
    const first = await getPage('/api/sessions?limit=1');
    expect(first.total_is_estimate).toBe(true);
    expect(first.total).toBeGreaterThan(EXACT_LIMIT);

    // Rows added within LIST_COUNT_CACHE_SECONDS: the cached estimate stands.
    await insertSessions(
      db(),
      Array.from({ length: 200 }, (_, i) => ({ tutorId: 'tut_page_b', start: new Date(BASE - i * DAY) })),
    );
    await db().execute(sql`analyze sessions`);
    expect((await getPage('/api/sessions?limit=1')).total).toBe(first.total);

    // Once it expires, a new estimate sees them.
    t.clock.advance(61_000);
    const later = await getPage('/api/sessions?limit=1');
    expect(later.total_is_estimate).toBe(true);
    expect(later.total).toBeGreaterThan(first.total + 100);
    const [row] = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from sessions`));
    expect(later.total).toBeGreaterThan(Number(row!.n) / 2);
  });

  it('keeps estimates (never exact counts) in the read cache, so processes sharing its store reuse one', async () => {
    await db().execute(sql`analyze sessions`);
    // Two API processes: each its own ListTotals and read cache, one store between them (Redis in scaled mode).
    const store = createMemoryCacheStore({ clock: t.clock });
    const opts = { exactCountLimit: EXACT_LIMIT, cacheSeconds: 60, now: () => t.clock.now().getTime() };
    const a = createListTotals({ ...opts, cache: createReadCache({ store, ttlMs: 60_000 }) });
    const b = createListTotals({ ...opts, cache: createReadCache({ store, ttlMs: 60_000 }) });
    let queries = 0;
    const watched = {
      execute: (q: Parameters<ReturnType<typeof db>['execute']>[0]) => {
        queries++;
        return db().execute(q);
      },
    } as unknown as ReturnType<typeof db>;

    const all = sql`select 1 from sessions`;
    const first = await a.count(db(), 'sessions:shared-test', all);
    expect(first.isEstimate).toBe(true);
    expect(await b.count(watched, 'sessions:shared-test', all)).toEqual(first);
    expect(queries).toBe(0);

    const none = sql`select 1 from sessions where tutor_id = 'tut_nobody'`;
    expect(await a.count(db(), 'sessions:none-test', none)).toEqual({ total: 0, isEstimate: false });
    expect(await b.count(watched, 'sessions:none-test', none)).toEqual({ total: 0, isEstimate: false });
    expect(queries).toBe(1);

    // Concurrent requests for one list in a process share one count.
    queries = 0;
    const c = createListTotals({ ...opts, cache: createReadCache({ store, ttlMs: 60_000 }) });
    const many = await Promise.all(
      Array.from({ length: 10 }, () => c.count(watched, 'sessions:none2', none)),
    );
    expect(new Set(many.map((m) => m.total))).toEqual(new Set([0]));
    expect(queries).toBe(1);
  });

  it('flags totals carry the same flag', async () => {
    const exact = await getPage('/api/flags?status=open&severity=critical');
    expect(exact.total_is_estimate).toBe(false);
    expect(exact.total).toBe(exact.data.length);
    await db().execute(sql`analyze flags`);
    const all = await getPage('/api/flags?status=open,in_progress,resolved,dismissed&limit=1');
    expect(all.total_is_estimate).toBe(true);
    expect(all.total).toBeGreaterThan(EXACT_LIMIT);
  });
});
