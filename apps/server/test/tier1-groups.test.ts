/**
 * Tier 1 in groups: sessions submitted together are processed in one pass (one rescore of their tutors, one
 * status update, one event insert), each job still resolves only when its own session is done, and a group
 * with a session that fails is retried one session at a time so only that session's job fails.
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { flags, sessionFindings, sessions, tutorScores } from '../src/db/schema/index';
import { createTier1Handler } from '../src/modules/quality/tier1';
import type { ScoreService } from '../src/modules/quality/scores.service';
import type { BusEvent } from '../src/platform/events/port';
import { createTestApp, type TestApp } from './helpers/build-app';

let t: TestApp;
const NOW = new Date('2026-11-20T12:00:00Z');

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
});
afterAll(() => t?.close());

const minutesBefore = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

/** An hour-long session that ended two hours ago; the tutor joined `lateMin` minutes late. */
function payload(id: string, tutor: string, lateMin = 0): TWebhookPayload {
  return {
    session_id: id,
    tutor_id: tutor,
    student_id: `stu_${id}`,
    session_start_time: minutesBefore(180),
    session_end_time: minutesBefore(120),
    tutor_join_time: minutesBefore(180 - lateMin),
    student_join_time: minutesBefore(180),
    tutor_leave_time: minutesBefore(120),
    student_leave_time: minutesBefore(120),
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
    student_feedback: { rating: 4, description: 'Fine' },
  };
}

/** Ingests without workers (so nothing processes them yet) and returns the job payloads tier 1 would get. */
async function ingest(list: TWebhookPayload[]) {
  const refs = [];
  for (const p of list) {
    const r = await t.app.services.sessions.ingest(p);
    refs.push({ sessionId: r.session!.id, version: r.session!.version });
  }
  return refs;
}

/** A tier 1 handler over the app's real services, with rescore calls counted (and optionally sabotaged). */
function handler(opts: { failFor?: string } = {}) {
  const calls: string[][] = [];
  const scores: ScoreService = {
    ...t.app.services.scores,
    async rescore(tutorIds, o) {
      calls.push([...(tutorIds ?? [])]);
      if (opts.failFor && tutorIds?.includes(opts.failFor))
        throw new Error(`rescore of ${opts.failFor} broke`);
      return t.app.services.scores.rescore(tutorIds, o);
    },
  };
  const process = createTier1Handler({
    db: t.rt.database.db,
    clock: t.clock,
    queue: t.rt.queue,
    events: t.app.services.events,
    scores,
    logger: t.rt.logger,
    sessions: t.app.services.sessions,
  });
  return { process, calls };
}

const statusOf = async (ids: string[]) =>
  new Map(
    (
      await t.rt.database.db
        .select({ id: sessions.sessionId, status: sessions.processingStatus })
        .from(sessions)
        .where(inArray(sessions.sessionId, ids))
    ).map((r) => [r.id, r.status]),
  );

describe('tier 1 groups', () => {
  it('processes sessions submitted together in one pass, each job resolving when its session is done', async () => {
    const list = Array.from({ length: 12 }, (_, i) =>
      payload(`grp_${i}`, `tut_g${i % 4}`, i % 3 === 0 ? 25 : 0),
    );
    const refs = await ingest(list);
    const seen: BusEvent[] = [];
    const off = t.app.services.events.subscribe((e) => seen.push(e));
    const { process, calls } = handler();

    await Promise.all(refs.map((r) => process(r)));

    // One rescore for the whole burst, covering its four tutors once each.
    expect(calls).toHaveLength(1);
    expect([...calls[0]!].sort()).toEqual(['tut_g0', 'tut_g1', 'tut_g2', 'tut_g3']);
    const status = await statusOf(list.map((p) => p.session_id));
    expect([...status.values()]).toEqual(Array(12).fill('processed'));
    // Every session's own findings: the four 25-minute-late sessions are late (high), the others clean.
    const findings = await t.rt.database.db
      .select({ sessionId: sessionFindings.sessionId, type: sessionFindings.type })
      .from(sessionFindings)
      .where(
        inArray(
          sessionFindings.sessionId,
          refs.map((r) => r.sessionId),
        ),
      );
    expect(findings.filter((f) => f.type === 'tutor_late')).toHaveLength(4);
    // One lateness flag per tutor with a late session, carrying that tutor's evidence.
    const late = await t.rt.database.db.select().from(flags).where(eq(flags.flagType, 'tutor_late'));
    expect(late.map((f) => f.tutorId).sort()).toEqual(['tut_g0', 'tut_g1', 'tut_g2', 'tut_g3']);
    const scored = await t.rt.database.db
      .select({ tutorId: tutorScores.tutorId })
      .from(tutorScores)
      .where(eq(tutorScores.windowDays, 30));
    expect(new Set(scored.map((s) => s.tutorId))).toEqual(new Set(['tut_g0', 'tut_g1', 'tut_g2', 'tut_g3']));
    // The dashboard hears about every session (through Redis pub/sub when REDIS_URL is set: asynchronously).
    const processed = () =>
      new Set(seen.filter((e) => e.type === 'session.processed').map((e) => e.payload.session_id));
    await vi.waitFor(() => expect(processed()).toEqual(new Set(list.map((p) => p.session_id))), {
      timeout: 5_000,
    });
    off();
  });

  it('retries a failing group one session at a time: only the failing session fails', async () => {
    const list = [
      payload('bad_1', 'tut_ok1'),
      payload('bad_2', 'tut_broken', 25),
      payload('bad_3', 'tut_ok2', 25),
      payload('bad_4', 'tut_ok3'),
    ];
    const refs = await ingest(list);
    const { process, calls } = handler({ failFor: 'tut_broken' });

    const results = await Promise.allSettled(refs.map((r) => process(r)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    // The group's pass, then one pass per session.
    expect([...calls[0]!].sort()).toEqual(['tut_broken', 'tut_ok1', 'tut_ok2', 'tut_ok3']);
    expect(calls.slice(1).sort()).toEqual([['tut_broken'], ['tut_ok1'], ['tut_ok2'], ['tut_ok3']]);
    const status = await statusOf(list.map((p) => p.session_id));
    expect(Object.fromEntries(status)).toEqual({
      bad_1: 'processed',
      bad_2: 'processing', // its job failed: the queue retries it, or the sweeper finds it
      bad_3: 'processed',
      bad_4: 'processed',
    });
  });

  it('does nothing for a stale version or an unknown session, and processes a duplicate ref once', async () => {
    const [ref] = await ingest([payload('dup_1', 'tut_dup')]);
    const { process, calls } = handler();
    await Promise.all([
      process(ref!),
      process(ref!),
      process({ sessionId: ref!.sessionId, version: ref!.version + 1 }),
      process({ sessionId: '00000000-0000-4000-8000-00000000abcd', version: 1 }),
    ]);
    expect(calls).toEqual([['tut_dup']]);
    expect((await statusOf(['dup_1'])).get('dup_1')).toBe('processed');
  });
});
