/**
 * Operations forecasts on a known fixture (both modes: PGlite, or Postgres + Redis/BullMQ when set):
 * - supply ingestion handlers applied on the real database (created / unchanged / updated, unknown ids are
 *   errors, CSV rows mapped to the same records);
 * - the forecast job run through the queue on a series with known daily and weekly seasonality: Math has 3
 *   sessions an hour 16–20 UTC on weekdays and 1 at weekends; 4 tutors are available on weekdays except
 *   Wednesday (1 tutor) — a planted shortage the imbalances must find, and nothing else;
 * - bookings as a floor of demand, accuracy of yesterday's forecasts, routes × roles.
 * The clock is Wednesday 2026-11-18 12:00 UTC.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type TRole } from '@tutorpulse/contracts/identity';
import type { DbOrTx } from '../src/db/client';
import { forecastRuns, sessions, supplyDemandForecasts } from '../src/db/schema/index';
import type { IngestHandler, IngestResult } from '../src/modules/operations/ingest/handler';
import { createForecastJobs } from '../src/modules/operations/index';
import {
  availabilityIngestHandler,
  bookingIngestHandler,
  cancellationIngestHandler,
  supplyIngestHandlers,
} from '../src/modules/operations/supply/supply.ingest';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { insertStudents, insertSubjects, insertTutors } from './helpers/quality-fixtures';

let t: TestApp;
const NOW = new Date('2026-11-18T12:00:00Z'); // a Wednesday
const HOUR = 3_600_000;
const DAY = 86_400_000;
const users = {} as Record<TRole, Session>;
const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

async function apply<T>(handler: IngestHandler<T, DbOrTx>, records: unknown[]): Promise<IngestResult[]> {
  const parsed = records.map((r) => handler.schema.parse(r));
  return t.rt.database.db.transaction((tx) => handler.apply(tx, parsed));
}

/** Math demand: 3 sessions an hour 16–20 UTC on weekdays, 1 at weekends. */
function mathSessionsOn(dayStart: number) {
  const dow = new Date(dayStart).getUTCDay();
  const perHour = dow === 0 || dow === 6 ? 1 : 3;
  const out: Array<typeof sessions.$inferInsert> = [];
  for (let h = 16; h <= 20; h++) {
    for (let k = 0; k < perHour; k++) {
      const start = new Date(dayStart + h * HOUR);
      const id = `s-${dayStart}-${h}-${k}`;
      out.push({
        sessionId: id,
        tutorId: `t${k + 1}`,
        studentId: 'stu-1',
        sessionStartTime: start,
        sessionEndTime: new Date(start.getTime() + HOUR),
        tutorJoinTime: start,
        studentJoinTime: start,
        subjectsCovered: ['math'],
        contentHash: id,
        processingStatus: 'processed',
      });
    }
  }
  return out;
}

async function relogin() {
  for (const role of ROLES) users[role] = await login(t, `${role}@forecasts.test`);
}

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString(), env: { FORECAST_HOLIDAYS: 'none' } });
  const db = t.rt.database.db;
  for (const role of ROLES) await createUser(t, { email: `${role}@forecasts.test`, role });
  await relogin();
  await insertSubjects(db, [
    { id: 'math', name: 'Math' },
    { id: 'chem', name: 'Chemistry' },
  ]);
  await insertTutors(db, [
    { id: 't1', name: 'One', subjectIds: ['math'] },
    { id: 't2', name: 'Two', subjectIds: ['math'] },
    { id: 't3', name: 'Three', subjectIds: ['math'] },
    { id: 't4', name: 'Four', subjectIds: ['math', 'chem'] },
  ]);
  await insertStudents(db, ['stu-1', 'stu-2']);
  // 8 weeks of history before today.
  const today = Date.parse('2026-11-18T00:00:00Z');
  const rows = [];
  for (let d = 56; d >= 1; d--) rows.push(...mathSessionsOn(today - d * DAY));
  for (let i = 0; i < rows.length; i += 500) await db.insert(sessions).values(rows.slice(i, i + 500));
}, 120_000);
afterAll(() => t?.close());

describe('supply ingestion handlers', () => {
  it('are the three supply event types with their kinds', () => {
    expect(supplyIngestHandlers.map((h) => [h.eventType, h.kind])).toEqual([
      ['tutor.availability_updated', 'availability'],
      ['session.booked', 'bookings'],
      ['session.cancelled', 'booking_cancellations'],
    ]);
  });

  it('stores availability, answers unchanged on a re-send and updated on a change', async () => {
    const weekdays = [1, 2, 4, 5]; // not Wednesday
    const rec = (tutor: string, days: number[]) => ({
      tutor_id: tutor,
      time_zone: 'UTC',
      weekly: days.map((weekday) => ({ subject_id: 'math', weekday, start: '16:00', end: '21:00' })),
    });
    const first = await apply(availabilityIngestHandler, [
      rec('t1', [1, 2, 3, 4, 5, 6, 7]),
      rec('t2', [...weekdays, 6, 7]),
      rec('t3', weekdays),
      { ...rec('t4', weekdays), exceptions: [{ date: '2026-12-24', available: false }] },
    ]);
    expect(first).toEqual([
      { outcome: 'created', id: 't1' },
      { outcome: 'created', id: 't2' },
      { outcome: 'created', id: 't3' },
      { outcome: 'created', id: 't4' },
    ]);
    expect(await apply(availabilityIngestHandler, [rec('t3', weekdays)])).toEqual([
      { outcome: 'unchanged', id: 't3' },
    ]);
    const changed = await apply(availabilityIngestHandler, [
      { ...rec('t4', weekdays), exceptions: [{ date: '2026-12-31', available: false }] },
    ]);
    expect(changed).toEqual([{ outcome: 'updated', id: 't4' }]);
  });

  it('reports unknown tutors and subjects as errors and inserts nothing for them', async () => {
    const res = await apply(availabilityIngestHandler, [
      { tutor_id: 'nobody', time_zone: 'UTC', weekly: [] },
      {
        tutor_id: 't1',
        time_zone: 'UTC',
        weekly: [{ subject_id: 'astrology', weekday: 1, start: '10:00', end: '11:00' }],
      },
    ]);
    expect(res).toEqual([
      { error: expect.objectContaining({ code: 'UNKNOWN_ID', field: 'tutor_id' }) },
      { error: expect.objectContaining({ code: 'UNKNOWN_ID', field: 'subject_id' }) },
    ]);
    const [n] = rowsOf<{ n: number }>(
      await t.rt.database.db.execute(
        sql`select count(*)::int as n from tutor_availability where tutor_id = 't1'`,
      ),
    );
    expect(Number(n!.n)).toBe(7); // t1's schedule is untouched
  });

  it('refuses overlapping slots, bad times and unknown time zones at validation', () => {
    const bad = [
      {
        tutor_id: 't1',
        time_zone: 'UTC',
        weekly: [
          { subject_id: 'math', weekday: 1, start: '10:00', end: '12:00' },
          { subject_id: 'math', weekday: 1, start: '11:00', end: '13:00' },
        ],
      },
      {
        tutor_id: 't1',
        time_zone: 'UTC',
        weekly: [{ subject_id: 'math', weekday: 8, start: '10:00', end: '11:00' }],
      },
      {
        tutor_id: 't1',
        time_zone: 'UTC',
        weekly: [{ subject_id: 'math', weekday: 1, start: '12:00', end: '11:00' }],
      },
      { tutor_id: 't1', time_zone: 'Mars/Olympus', weekly: [] },
    ];
    for (const b of bad) expect(availabilityIngestHandler.schema.safeParse(b).success).toBe(false);
  });

  it('maps CSV rows to the same records', () => {
    const row = availabilityIngestHandler.fromCsvRow({
      tutor_id: 't1',
      time_zone: 'America/New_York',
      weekly: 'math mon 16:00-21:00; chem tue 9:00-12:30',
      exceptions: '2026-12-24 off; 2026-12-26 math 10:00-12:00 on',
    });
    expect(availabilityIngestHandler.schema.parse(row)).toEqual({
      tutor_id: 't1',
      time_zone: 'America/New_York',
      weekly: [
        { subject_id: 'math', weekday: 1, start: '16:00:00', end: '21:00:00' },
        { subject_id: 'chem', weekday: 2, start: '09:00:00', end: '12:30:00' },
      ],
      exceptions: [
        { date: '2026-12-24', available: false },
        { date: '2026-12-26', subject_id: 'math', start: '10:00:00', end: '12:00:00', available: true },
      ],
    });
    const badCell = availabilityIngestHandler.fromCsvRow({
      tutor_id: 't1',
      time_zone: 'UTC',
      weekly: 'math monday',
    });
    const parsed = availabilityIngestHandler.schema.safeParse(badCell);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['weekly', 0]);

    const booking = bookingIngestHandler.fromCsvRow({
      session_id: 'b-csv',
      tutor_id: 't4',
      student_id: 'stu-1',
      subject_id: 'chem',
      scheduled_start: '2026-11-19T10:00:00Z',
      duration_minutes: '60',
      booked_at: '',
    });
    expect(bookingIngestHandler.schema.parse(booking)).toMatchObject({ duration_minutes: 60 });
    const cancel = cancellationIngestHandler.fromCsvRow({
      session_id: 'b-csv',
      cancelled_at: '2026-11-18T11:00:00Z',
      cancelled_by: 'student',
      reason: '',
    });
    expect(cancellationIngestHandler.schema.parse(cancel)).toEqual({
      session_id: 'b-csv',
      cancelled_at: '2026-11-18T11:00:00Z',
      cancelled_by: 'student',
    });
  });

  it('books, moves and cancels sessions; unknown ids and cancelled bookings are errors', async () => {
    const book = (id: string, over: Record<string, unknown> = {}) => ({
      session_id: id,
      tutor_id: 't4',
      student_id: 'stu-2',
      subject_id: 'chem',
      scheduled_start: '2026-11-19T10:00:00Z',
      duration_minutes: 60,
      ...over,
    });
    expect(
      await apply(bookingIngestHandler, [book('b-1'), book('b-2'), book('b-x', { student_id: 'ghost' })]),
    ).toEqual([
      { outcome: 'created', id: 'b-1' },
      { outcome: 'created', id: 'b-2' },
      { error: expect.objectContaining({ code: 'UNKNOWN_ID', field: 'student_id' }) },
    ]);
    expect(await apply(bookingIngestHandler, [book('b-1')])).toEqual([{ outcome: 'unchanged', id: 'b-1' }]);
    expect(
      await apply(bookingIngestHandler, [book('b-2', { scheduled_start: '2026-11-19T11:00:00Z' })]),
    ).toEqual([{ outcome: 'updated', id: 'b-2' }]);
    const cancel = { session_id: 'b-2', cancelled_at: '2026-11-18T11:00:00Z', cancelled_by: 'tutor' };
    expect(await apply(cancellationIngestHandler, [cancel, { ...cancel, session_id: 'nope' }])).toEqual([
      { outcome: 'updated', id: 'b-2' },
      { error: expect.objectContaining({ code: 'UNKNOWN_ID', field: 'session_id' }) },
    ]);
    expect(await apply(cancellationIngestHandler, [cancel])).toEqual([{ outcome: 'unchanged', id: 'b-2' }]);
    expect(await apply(bookingIngestHandler, [book('b-2')])).toEqual([
      { error: expect.objectContaining({ code: 'BOOKING_CANCELLED' }) },
    ]);
  });
});

describe('the forecast job', () => {
  beforeAll(async () => {
    const jobs = createForecastJobs({ forecasts: t.app.services.forecasts });
    await t.rt.queue.work(jobs.handlers);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/forecasts/run',
      headers: bearer(users.operator),
    });
    expect(res.statusCode).toBe(202);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const runs = await t.rt.database.db.select().from(forecastRuns);
      if (runs.length > 0) break;
      if (Date.now() > deadline) throw new Error('the forecast job did not run');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  it('stores 168 hours per subject under one forecasted_at, never negative', async () => {
    const rows = await t.rt.database.db.select().from(supplyDemandForecasts);
    expect(rows.length).toBe(2 * 168);
    expect(new Set(rows.map((r) => r.forecastedAt.toISOString()))).toEqual(new Set([NOW.toISOString()]));
    for (const r of rows) {
      expect(r.demandLo).toBeGreaterThanOrEqual(0);
      expect(r.demandLo).toBeLessThanOrEqual(r.demandMean + 1e-9);
      expect(r.demandHi).toBeGreaterThanOrEqual(r.demandMean - 1e-9);
    }
  });

  it('learns the daily and weekly seasonality', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/forecasts?subject=math',
      headers: bearer(users.viewer),
    });
    expect(res.statusCode).toBe(200);
    const byHour = new Map(
      (res.json().data as Array<{ hour: string; demand: { mean: number; hi: number } }>).map((h) => [
        h.hour,
        h,
      ]),
    );
    expect(byHour.size).toBe(168);
    const at = (iso: string) => byHour.get(new Date(iso).toISOString())!.demand.mean;
    expect(at('2026-11-19T17:00:00Z')).toBeCloseTo(3, 0); // Thursday evening
    expect(at('2026-11-21T17:00:00Z')).toBeCloseTo(1, 0); // Saturday evening
    expect(at('2026-11-19T04:00:00Z')).toBeLessThan(0.3); // night
  });

  it('computes supply from availability and finds the planted Wednesday shortage, and only it', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/forecasts/imbalances',
      headers: bearer(users.admin),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      data: Array<{
        subject_id: string;
        start_hour: string;
        end_hour: string;
        severity: string;
        min_supply: number;
      }>;
      total: number;
    };
    const math = body.data.filter((i) => i.subject_id === 'math');
    expect(math).toHaveLength(1);
    expect(math[0]).toMatchObject({
      start_hour: '2026-11-18T16:00:00.000Z',
      end_hour: '2026-11-18T21:00:00.000Z',
      severity: 'critical',
    });
    expect(math[0]!.min_supply).toBeGreaterThan(0.9); // t1, reliable
    // Chemistry: one booking left (b-1 at 10:00 Thursday), no tutor available: demand at least the booking.
    const chem = body.data.filter((i) => i.subject_id === 'chem');
    expect(chem).toEqual([
      expect.objectContaining({ start_hour: '2026-11-19T10:00:00.000Z', hours: 1, severity: 'critical' }),
    ]);
    const sub = await t.app.inject({
      method: 'GET',
      url: '/api/forecasts/subject/chem',
      headers: bearer(users.operator),
    });
    expect(sub.statusCode).toBe(200);
    const hour = (sub.json().hours as Array<{ hour: string; booked: number; demand: { lo: number } }>).find(
      (h) => h.hour === '2026-11-19T10:00:00.000Z',
    )!;
    expect(hour.booked).toBe(1);
    expect(hour.demand.lo).toBeGreaterThanOrEqual(1);
    const thursday = (
      await t.app.inject({
        method: 'GET',
        url: '/api/forecasts/subject/math',
        headers: bearer(users.operator),
      })
    ).json().hours as Array<{ hour: string; supply: { tutors: number; expected: number } }>;
    expect(thursday.find((h) => h.hour === '2026-11-19T17:00:00.000Z')!.supply.tutors).toBe(4);
  });

  it('answers 404 for an unknown subject and exports CSV', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/forecasts/subject/nope',
      headers: bearer(users.admin),
    });
    expect(res.statusCode).toBe(404);
    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/forecasts/export.csv?subject=math',
      headers: bearer(users.operator),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(
      'subject_id,hour,demand_mean,demand_lo,demand_hi,booked,supply_tutors,supply_expected,shortage,method',
    );
    expect(lines).toHaveLength(169);
  });

  it('re-running the same hour replaces the run (unique key), and the accuracy of the next day is stored', async () => {
    await t.app.services.forecasts.run();
    const rows = await t.rt.database.db.select().from(supplyDemandForecasts);
    expect(rows.length).toBe(2 * 168);
    // Thursday happens as usual (and chemistry's booking does not).
    await t.rt.database.db.insert(sessions).values(mathSessionsOn(Date.parse('2026-11-19T00:00:00Z')));
    t.clock.set('2026-11-20T03:00:00Z');
    await relogin(); // the clock jumped past the session idle time
    const r = await t.app.services.forecasts.computeAccuracy();
    expect(r).toEqual({ day: '2026-11-19', subjects: 2, run: NOW.toISOString() });
    const acc = await t.app.inject({
      method: 'GET',
      url: '/api/forecasts/accuracy?subject=math',
      headers: bearer(users.viewer),
    });
    expect(acc.statusCode).toBe(200);
    const [row] = acc.json().data as Array<{
      day: string;
      mae: number;
      coverage: number;
      actual_total: number;
    }>;
    expect(row).toMatchObject({ day: '2026-11-19', actual_total: 15 });
    expect(row!.mae).toBeLessThan(0.5);
    expect(row!.coverage).toBeGreaterThanOrEqual(0.9);
    t.clock.set(NOW);
    await relogin();
  });
});

describe('forecast routes × roles', () => {
  const reads = [
    '/api/forecasts',
    '/api/forecasts/subject/math',
    '/api/forecasts/imbalances',
    '/api/forecasts/accuracy',
  ];
  const readers: TRole[] = ['admin', 'operator', 'viewer'];

  it.each(ROLES.map((role) => ({ role })))('$role', async ({ role }) => {
    for (const url of reads) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(users[role]) });
      expect(res.statusCode, `${role} GET ${url}`).toBe(readers.includes(role) ? 200 : 403);
    }
    const exp = await t.app.inject({
      method: 'GET',
      url: '/api/forecasts/export.csv',
      headers: bearer(users[role]),
    });
    expect(exp.statusCode, `${role} export`).toBe(role === 'admin' || role === 'operator' ? 200 : 403);
    const run = await t.app.inject({
      method: 'POST',
      url: '/api/forecasts/run',
      headers: bearer(users[role]),
    });
    expect(run.statusCode, `${role} run`).toBe(role === 'admin' || role === 'operator' ? 202 : 403);
  });

  it('rejects bad query values with 400', async () => {
    for (const url of [
      '/api/forecasts?from=yesterday',
      '/api/forecasts/imbalances?min_severity=huge',
      '/api/forecasts/imbalances?limit=1000',
      '/api/forecasts/accuracy?from=2026-13-01',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(users.admin) });
      expect(res.statusCode, url).toBe(400);
    }
  });
});
