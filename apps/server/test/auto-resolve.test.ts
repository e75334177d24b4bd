/**
 * Auto-resolution of pattern flags on the real database (PGlite, or Postgres + Redis when set): a tutor flagged
 * for reschedules 45 days ago who has been clean since has the flag resolved by the nightly analysis, with the
 * evidence on the flag (API) and in its history and the audit log; re-running changes nothing; a tutor still
 * rescheduling, or one who stopped teaching, keeps theirs; and the behaviour coming back raises a new flag.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, flagEvents, flags } from '../src/db/schema/index';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { dailySessions, insertSessions, insertSubjects, insertTutors } from './helpers/quality-fixtures';

const DAY = 86_400_000;
const NOW = new Date('2026-11-20T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

let t: TestApp;
let admin: Session;
let coach: Session;

const openFlagOf = async (tutorId: string) =>
  t.rt.database.db
    .select()
    .from(flags)
    .where(and(eq(flags.tutorId, tutorId), eq(flags.flagType, 'high_reschedule_rate')));

const runNightly = async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/cron/daily-analysis?wait=true',
    headers: bearer(admin),
  });
  expect(res.statusCode).toBe(200);
  return res.json() as { auto_resolved_flags: number | null };
};

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  const db = t.rt.database.db;
  await createUser(t, { email: 'admin@ar.test', role: 'admin' });
  await createUser(t, { email: 'coach@ar.test', role: 'coach' });
  admin = await login(t, 'admin@ar.test');
  coach = await login(t, 'coach@ar.test');
  await insertSubjects(db, [{ id: 'math', name: 'Math' }]);
  await insertTutors(db, [
    { id: 'r-recovered', name: 'Recovered Tutor', mainSubjectId: 'math' },
    { id: 'r-still', name: 'Still Rescheduling', mainSubjectId: 'math' },
    { id: 'r-quiet', name: 'Stopped Teaching', mainSubjectId: 'math' },
  ]);
  // Two sessions a day; the first of each day rescheduled by the tutor (50 %) while the behaviour lasts.
  const resched = (d: number, k: number) => ({ rescheduledBy: k === 0 ? ('tutor' as const) : null });
  await insertSessions(db, [
    ...dailySessions(NOW, 'r-recovered', { fromDaysAgo: 80, toDaysAgo: 45, perDay: 2, shape: resched }),
    ...dailySessions(NOW, 'r-recovered', { fromDaysAgo: 44, toDaysAgo: 0, perDay: 2 }),
    ...dailySessions(NOW, 'r-still', { fromDaysAgo: 80, toDaysAgo: 0, perDay: 2, shape: resched }),
    ...dailySessions(NOW, 'r-quiet', { fromDaysAgo: 80, toDaysAgo: 45, perDay: 2, shape: resched }),
  ]);
  // The pattern rule as it ran 45 days ago (raises all three), then today (confirms only r-still).
  await t.app.services.scores.rescore(undefined, { now: daysAgo(45) });
  await t.app.services.scores.rescore(undefined, { now: NOW });
});

afterAll(async () => {
  await t?.close();
});

describe('nightly auto-resolution of pattern flags', () => {
  it('starts with three open reschedule flags, raised 45 days ago', async () => {
    for (const id of ['r-recovered', 'r-still', 'r-quiet']) {
      const rows = await openFlagOf(id);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe('open');
      expect(rows[0]!.firstSeenAt.toISOString()).toBe(daysAgo(45).toISOString());
    }
  });

  it('resolves the flag of the tutor back under the threshold for a full window, with the evidence', async () => {
    const summary = await runNightly();
    expect(summary.auto_resolved_flags).toBe(1);

    const [flag] = await openFlagOf('r-recovered');
    const res = await t.app.inject({ method: 'GET', url: `/api/flags/${flag!.id}`, headers: bearer(coach) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.flag).toMatchObject({
      status: 'resolved',
      resolved_at: NOW.toISOString(),
      resolved_by: null,
      auto_resolution: {
        metric: 'tutor_reschedule_rate',
        window_days: 30,
        window_start: daysAgo(30).toISOString(),
        window_end: NOW.toISOString(),
        count: 0,
        total: 60,
        rate: 0,
        threshold: 0.15,
        min_total: 20,
        last_confirmed_at: daysAgo(45).toISOString(),
        decided_at: NOW.toISOString(),
      },
    });
    expect(body.flag.resolution_notes).toMatch(/^Resolved automatically: 0 of 60/);
    const last = body.history.at(-1);
    expect(last).toMatchObject({
      action: 'auto_resolved',
      actor_label: 'system',
      details: { count: 0, total: 60 },
    });

    const audits = await t.rt.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'flag.auto_resolve'), eq(auditLog.targetId, flag!.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'system', outcome: 'success' });
  });

  it('leaves the tutor still above the threshold and the one who stopped teaching alone', async () => {
    expect((await openFlagOf('r-still'))[0]!.status).toBe('open');
    expect((await openFlagOf('r-still'))[0]!.autoResolution).toBeNull();
    // No sessions in the last 30 days: nothing shows the behaviour is gone.
    expect((await openFlagOf('r-quiet'))[0]!.status).toBe('open');
  });

  it('is idempotent: running again resolves nothing and records nothing twice', async () => {
    const summary = await runNightly();
    expect(summary.auto_resolved_flags).toBe(0);
    const [flag] = await openFlagOf('r-recovered');
    const events = await t.rt.database.db
      .select()
      .from(flagEvents)
      .where(and(eq(flagEvents.flagId, flag!.id), eq(flagEvents.action, 'auto_resolved')));
    expect(events).toHaveLength(1);
    const audits = await t.rt.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'flag.auto_resolve'), eq(auditLog.targetId, flag!.id)));
    expect(audits).toHaveLength(1);
  });

  it('raises a new flag when the behaviour comes back; the resolved one keeps its evidence', async () => {
    const [resolved] = await openFlagOf('r-recovered');
    await insertSessions(t.rt.database.db, [
      ...dailySessions(NOW, 'r-recovered', {
        fromDaysAgo: 2,
        toDaysAgo: 0,
        perDay: 6,
        shape: () => ({ rescheduledBy: 'tutor' }),
      }),
    ]);
    await t.app.services.scores.rescore(['r-recovered'], { now: NOW });
    const rows = await openFlagOf('r-recovered');
    expect(rows).toHaveLength(2);
    const fresh = rows.find((r) => r.id !== resolved!.id)!;
    expect(fresh).toMatchObject({ status: 'open', autoResolution: null });
    const old = rows.find((r) => r.id === resolved!.id)!;
    expect(old.status).toBe('resolved');
    expect(old.autoResolution?.count).toBe(0);
  });

  it('clears the evidence when a coach re-opens an auto-resolved flag', async () => {
    // Re-opening is refused while the tutor has another open flag of the type: dismiss the new one first.
    const rows = await openFlagOf('r-recovered');
    const fresh = rows.find((r) => r.status === 'open')!;
    const old = rows.find((r) => r.status === 'resolved')!;
    const dismiss = await t.app.inject({
      method: 'POST',
      url: `/api/flags/${fresh.id}/dismiss`,
      headers: { ...bearer(coach), 'content-type': 'application/json' },
      payload: {},
    });
    expect(dismiss.statusCode).toBe(200);
    const reopen = await t.app.inject({
      method: 'PATCH',
      url: `/api/flags/${old.id}`,
      headers: { ...bearer(coach), 'content-type': 'application/json' },
      payload: { status: 'open' },
    });
    expect(reopen.statusCode).toBe(200);
    expect(reopen.json()).toMatchObject({ status: 'open', auto_resolution: null, resolved_at: null });
  });
});
