/**
 * The whole tier 1 pipeline through the real webhook and the real workers: ingestion → findings → flags
 * (one open per tutor and type) → scores → events, replays that change nothing, and corrections that re-score.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { events, flags, sessionFindings, sessions, tutorScores } from '../src/db/schema/index';
import { startWorkers } from '../src/workers';
import { createTestApp, createUser, TEST_WEBHOOK_SECRET, type TestApp } from './helpers/build-app';
import { signWebhook } from './helpers/webhooks';

let t: TestApp;
const NOW = new Date('2026-11-20T12:00:00Z');

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  await createUser(t, { email: 'coach@pipe.test', role: 'coach' });
  // The unqueued sweep every 200 ms instead of 5 s, so the test below waits less.
  await startWorkers(t.rt, t.app.services, { unqueuedSweepMs: 200 });
});
afterAll(() => t?.close());

const minutesBefore = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

/** A session that ended `endedAgoMin` minutes before NOW, one hour long, everyone on time. */
function session(
  id: string,
  tutor: string,
  endedAgoMin: number,
  over: Partial<TWebhookPayload> = {},
): TWebhookPayload {
  const start = endedAgoMin + 60;
  return {
    session_id: id,
    tutor_id: tutor,
    student_id: `stu_${id}`,
    session_start_time: minutesBefore(start),
    session_end_time: minutesBefore(endedAgoMin),
    tutor_join_time: minutesBefore(start + 2),
    student_join_time: minutesBefore(start),
    tutor_leave_time: minutesBefore(endedAgoMin),
    student_leave_time: minutesBefore(endedAgoMin),
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
    student_feedback: { rating: 5, description: 'Great' },
    ...over,
  };
}

async function deliver(p: TWebhookPayload, webhookId?: string) {
  const body = JSON.stringify(p);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/webhooks/session-completed',
    headers: signWebhook(body, TEST_WEBHOOK_SECRET, {
      timestamp: t.clock.now(),
      ...(webhookId ? { id: webhookId } : {}),
    }),
    payload: body,
  });
  expect(res.statusCode).toBe(202);
  await t.rt.queue.whenIdle({ timeoutMs: 30_000 });
  return res.json();
}

const db = () => t.rt.database.db;
const openFlags = (tutor: string, type: string) =>
  db()
    .select()
    .from(flags)
    .where(and(eq(flags.tutorId, tutor), eq(flags.flagType, type), eq(flags.status, 'open')));
const rowOf = async (sessionId: string) =>
  (await db().select().from(sessions).where(eq(sessions.sessionId, sessionId)))[0]!;

describe('tier 1 through the webhook', () => {
  it('processes a late session: finding, flag, scores, events', async () => {
    await deliver(session('ses_late_1', 'tut_a', 120, { tutor_join_time: minutesBefore(180 - 25) }));
    const row = await rowOf('ses_late_1');
    expect(row.processingStatus).toBe('processed');
    const found = await db().select().from(sessionFindings).where(eq(sessionFindings.sessionId, row.id));
    expect(found.map((f) => [f.type, f.severity, f.minutes])).toEqual([['tutor_late', 'high', 25]]);
    const [flag] = await openFlags('tut_a', 'tutor_late');
    expect(flag).toMatchObject({ severity: 'high', occurrences: 1, sessionId: 'ses_late_1' });
    expect(flag!.supportingData.sessions).toEqual(['ses_late_1']);
    const scores = await db().select().from(tutorScores).where(eq(tutorScores.tutorId, 'tut_a'));
    expect(scores.map((s) => s.windowDays).sort((a, b) => a - b)).toEqual([7, 30, 90]);
    const s30 = scores.find((s) => s.windowDays === 30)!;
    expect(s30).toMatchObject({ totalSessions: 1, lateCount: 1, lateRate: 1 });
    expect(s30.overallScore).toBeGreaterThan(0);
    expect(s30.confidence).toBeLessThan(0.1);
    const types = (await db().select({ type: events.type }).from(events)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['session.received', 'session.processed', 'flag.raised', 'score.changed']),
    );
  });

  it('adds a second incident to the same open flag instead of opening another', async () => {
    await deliver(session('ses_late_2', 'tut_a', 30, { tutor_join_time: minutesBefore(90 - 8) }));
    const open = await openFlags('tut_a', 'tutor_late');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ occurrences: 2, severity: 'high', sessionId: 'ses_late_2' });
    expect(open[0]!.supportingData.sessions).toEqual(['ses_late_2', 'ses_late_1']);
  });

  it('a replayed delivery changes nothing', async () => {
    const p = session('ses_replay', 'tut_b', 200, { tutor_join_time: null, tutor_leave_time: null });
    const first = await deliver(p, 'msg_replay_1');
    const [before] = await openFlags('tut_b', 'tutor_no_show');
    const again = await deliver(p, 'msg_replay_1');
    const sameContent = await deliver(p, 'msg_replay_2');
    expect(again).toEqual(first);
    expect(sameContent.session_id).toBe('ses_replay');
    const [after] = await openFlags('tut_b', 'tutor_no_show');
    expect(after!.occurrences).toBe(before!.occurrences);
    expect((await rowOf('ses_replay')).version).toBe(1);
  });

  it('a corrected re-send re-scores the session', async () => {
    const late = session('ses_fix', 'tut_c', 300, { tutor_join_time: minutesBefore(360 - 15) });
    await deliver(late);
    const lateScore = (
      await db()
        .select()
        .from(tutorScores)
        .where(and(eq(tutorScores.tutorId, 'tut_c'), eq(tutorScores.windowDays, 30)))
    )[0]!;
    expect(lateScore.lateCount).toBe(1);
    await deliver({ ...late, tutor_join_time: minutesBefore(360 + 1) });
    const row = await rowOf('ses_fix');
    expect(row).toMatchObject({ version: 2, processingStatus: 'processed' });
    expect(await db().select().from(sessionFindings).where(eq(sessionFindings.sessionId, row.id))).toEqual(
      [],
    );
    const fixed = (
      await db()
        .select()
        .from(tutorScores)
        .where(and(eq(tutorScores.tutorId, 'tut_c'), eq(tutorScores.windowDays, 30)))
    )[0]!;
    expect(fixed.lateCount).toBe(0);
    expect(fixed.overallScore!).toBeGreaterThan(lateScore.overallScore!);
  });

  it('records a student no-show without flagging the tutor', async () => {
    await deliver(
      session('ses_student_absent', 'tut_d', 400, {
        student_join_time: null,
        student_leave_time: null,
        tutor_leave_time: minutesBefore(400 + 40),
      }),
    );
    const row = await rowOf('ses_student_absent');
    const found = await db().select().from(sessionFindings).where(eq(sessionFindings.sessionId, row.id));
    expect(found.map((f) => [f.type, f.blamesTutor])).toEqual([['student_no_show', false]]);
    expect(await db().select().from(flags).where(eq(flags.tutorId, 'tut_d'))).toEqual([]);
  });

  it('raises a high-reschedule-rate flag once the 30-day rate passes 15 %', async () => {
    // 20 sessions: the fewest a rate flag trusts (thresholds.minSessionsForRate).
    for (let i = 0; i < 20; i++) {
      const resched = i % 5 === 0 || i % 5 === 2; // 8 of 20 tutor-initiated
      await deliver(
        session(
          `ses_r_${i}`,
          'tut_e',
          600 + i * 120,
          resched ? { was_rescheduled: true, rescheduled_by: 'tutor' } : {},
        ),
      );
    }
    const [flag] = await openFlags('tut_e', 'high_reschedule_rate');
    expect(flag).toBeDefined();
    expect(flag!.severity).toBe('high');
    expect(flag!.supportingData.metrics).toMatchObject({ tutor_reschedules_30d: 8, sessions_30d: 20 });
    const s30 = (
      await db()
        .select()
        .from(tutorScores)
        .where(and(eq(tutorScores.tutorId, 'tut_e'), eq(tutorScores.windowDays, 30)))
    )[0]!;
    expect(s30.isHighRisk).toBe(true);
  });
});

describe('a session the queue refused at ingestion (queued: false)', () => {
  it('is processed within seconds once the queue takes jobs again, with no sweep counted', async () => {
    const p = session('ses_unqueued_1', 'tut_u', 120);
    const body = JSON.stringify(p);
    const { add, addBulk } = t.rt.queue;
    const refuse = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    };
    Object.assign(t.rt.queue, { add: refuse, addBulk: refuse });
    let res;
    try {
      res = await t.app.inject({
        method: 'POST',
        url: '/api/webhooks/session-completed',
        headers: signWebhook(body, TEST_WEBHOOK_SECRET, { timestamp: t.clock.now() }),
        payload: body,
      });
    } finally {
      Object.assign(t.rt.queue, { add, addBulk });
    }
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ queued: false });
    // The manual clock stands still: the regular sweeper (2 minutes) would never see this session as stale.
    let row = await rowOf('ses_unqueued_1');
    for (let i = 0; i < 100 && row.processingStatus !== 'processed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await t.rt.queue.whenIdle({ timeoutMs: 30_000 });
      row = await rowOf('ses_unqueued_1');
    }
    expect(row.processingStatus).toBe('processed');
    expect(row.processingAttempts).toBe(0);
    expect(row.unqueuedAt).toBeNull();
  });
});
