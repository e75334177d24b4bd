/**
 * Work stored in Postgres whose job never reached (or was lost by) the queue, found again without waiting for
 * the regular sweeper: sessions ingestion stored with `queued: false` (marked `unqueued_at`, enqueued by the
 * unqueued sweep under their original job id, no sweep counted), and tier 2 analyses lost with Redis (the tier 2
 * sweep). Both modes: the queue is the in-process one, or BullMQ when REDIS_URL is set. Workers are not started:
 * capturing handlers record the jobs and leave the sessions as they are.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { sessionAnalyses, sessions } from '../src/db/schema/index';
import { createTier2Sweep } from '../src/modules/quality/index';
import { createSessionJobs } from '../src/modules/sessions/index';
import { createTestApp, TEST_WEBHOOK_SECRET, type TestApp } from './helpers/build-app';
import { signWebhook } from './helpers/webhooks';

const MINUTE = 60_000;
const DAY = 86_400_000;

let t: TestApp;
const tier1Jobs: Array<{ id: string; sessionId: string }> = [];
const tier2Jobs: Array<{ id: string; sessionId: string }> = [];
let seq = 0;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-20T12:00:00Z' });
  await t.rt.queue.work({
    'quality.tier1': async (payload, ctx) => {
      tier1Jobs.push({ id: ctx.id, sessionId: payload.sessionId });
    },
    'quality.tier2': async (payload, ctx) => {
      tier2Jobs.push({ id: ctx.id, sessionId: payload.sessionId });
    },
  });
});
afterAll(() => t?.close());

function payload(changes: Partial<TWebhookPayload> = {}): TWebhookPayload {
  seq += 1;
  return {
    session_id: `ses_unq_${seq}_${Math.random().toString(36).slice(2, 8)}`,
    tutor_id: 'tut_unq',
    student_id: 'stu_unq',
    session_start_time: '2026-11-20T09:00:00Z',
    session_end_time: '2026-11-20T10:00:00Z',
    tutor_join_time: '2026-11-20T09:00:00Z',
    student_join_time: '2026-11-20T09:00:00Z',
    tutor_leave_time: '2026-11-20T10:00:00Z',
    student_leave_time: '2026-11-20T10:00:00Z',
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
    student_feedback: { rating: 5, description: 'Great' },
    ...changes,
  };
}

function deliver(p: TWebhookPayload) {
  const raw = JSON.stringify(p);
  return t.app.inject({
    method: 'POST',
    url: '/api/webhooks/session-completed',
    headers: signWebhook(raw, TEST_WEBHOOK_SECRET, { timestamp: t.clock.now() }),
    payload: raw,
  });
}

/** Replaces the queue's add and addBulk while `fn` runs. */
async function withEnqueue<T>(
  replacement: (real: typeof t.rt.queue.addBulk) => typeof t.rt.queue.addBulk,
  fn: () => Promise<T>,
): Promise<T> {
  const { add, addBulk } = t.rt.queue;
  const bulk = replacement(addBulk.bind(t.rt.queue));
  const single = (async (name, p, o) => {
    const [r] = await bulk([{ name, payload: p, opts: o }] as never);
    return r!;
  }) as typeof add;
  Object.assign(t.rt.queue, { add: single, addBulk: bulk });
  try {
    return await fn();
  } finally {
    Object.assign(t.rt.queue, { add, addBulk });
  }
}

const refuse = () =>
  (async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  }) as typeof t.rt.queue.addBulk;

async function rowOf(sessionId: string) {
  const [row] = await t.rt.database.db.select().from(sessions).where(eq(sessions.sessionId, sessionId));
  return row!;
}

async function tier1JobIds(rowId: string) {
  await t.rt.queue.whenIdle({ timeoutMs: 10_000 });
  return tier1Jobs.filter((j) => j.sessionId === rowId).map((j) => j.id);
}

const sessionJobs = () => createSessionJobs({ sessions: t.app.services.sessions, logger: t.rt.logger });

describe('sessions stored without a job (queued: false)', () => {
  it('are marked unqueued when the queue refuses the job, and answered 202 queued: false', async () => {
    const p = payload();
    const res = await withEnqueue(refuse, () => deliver(p));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ session_id: p.session_id, queued: false });
    const row = await rowOf(p.session_id);
    expect(row.processingStatus).toBe('received');
    expect(row.unqueuedAt).toEqual(t.clock.now());
    expect(row.processingAttempts).toBe(0);
    expect(await tier1JobIds(row.id)).toEqual([]);
    // Leaves it for the sweep below.
    await sessionJobs().sweepUnqueued();
  });

  it('are enqueued by the unqueued sweep at once, under their original job id, with no sweep counted', async () => {
    const p = payload();
    await withEnqueue(refuse, () => deliver(p));
    const before = await rowOf(p.session_id);
    t.clock.advance(5_000); // seconds, not the regular sweeper's minutes
    expect(await sessionJobs().sweepUnqueued()).toEqual({ requeued: 1, cleared: 0 });
    const after = await rowOf(p.session_id);
    expect(after.unqueuedAt).toBeNull();
    expect(after.processingAttempts).toBe(0);
    expect(after.processingStatus).toBe('received');
    // Its job was just enqueued: the regular sweeper's staleness clock starts again.
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    expect(await tier1JobIds(before.id)).toEqual([`tier1:${before.id}:v1`]);
    expect(await sessionJobs().sweepUnqueued()).toEqual({ requeued: 0, cleared: 0 });
    // The regular sweeper still sees nothing stale right after.
    expect((await sessionJobs().sweep()).requeued).toBe(0);
  });

  it('keep their mark while the queue still refuses, and are enqueued once it takes jobs', async () => {
    const p = payload();
    await withEnqueue(refuse, () => deliver(p));
    await withEnqueue(refuse, () => expect(sessionJobs().sweepUnqueued()).rejects.toThrow('ECONNREFUSED'));
    const row = await rowOf(p.session_id);
    expect(row.unqueuedAt).not.toBeNull();
    expect(row.processingAttempts).toBe(0);
    expect(await sessionJobs().sweepUnqueued()).toEqual({ requeued: 1, cleared: 0 });
    expect(await tier1JobIds(row.id)).toEqual([`tier1:${row.id}:v1`]);
  });

  it('run once when the slow enqueue landed after all: the sweep re-uses its job id', async () => {
    const p = payload();
    let late: Promise<unknown> | undefined;
    // Slower than the 300 ms the sender is given, then it lands (as a command ioredis held while reconnecting).
    const slow = (real: typeof t.rt.queue.addBulk) =>
      ((jobs) => {
        late = new Promise((resolve) => setTimeout(resolve, 500)).then(() => real(jobs));
        return late;
      }) as typeof t.rt.queue.addBulk;
    const res = await withEnqueue(slow, () => deliver(p));
    expect(res.json()).toMatchObject({ queued: false });
    await late;
    const row = await rowOf(p.session_id);
    expect(row.unqueuedAt).not.toBeNull();
    await sessionJobs().sweepUnqueued();
    expect(await tier1JobIds(row.id)).toEqual([`tier1:${row.id}:v1`]);
  });

  it('need no job once taken or processed: the mark is cleared, nothing is enqueued', async () => {
    const p = payload();
    await withEnqueue(refuse, () => deliver(p));
    const row = await rowOf(p.session_id);
    expect(await t.app.services.sessions.markProcessed(row.id, row.version)).toBe(true);
    expect(await sessionJobs().sweepUnqueued()).toEqual({ requeued: 0, cleared: 1 });
    expect((await rowOf(p.session_id)).unqueuedAt).toBeNull();
    expect(await tier1JobIds(row.id)).toEqual([]);
  });

  it('are still caught by the regular sweeper (which clears the mark) if the unqueued sweep never ran', async () => {
    const p = payload();
    await withEnqueue(refuse, () => deliver(p));
    const row = await rowOf(p.session_id);
    t.clock.advance(3 * MINUTE);
    expect((await sessionJobs().sweep()).requeued).toBeGreaterThanOrEqual(1);
    const after = await rowOf(p.session_id);
    expect(after.unqueuedAt).toBeNull();
    expect(after.processingAttempts).toBe(1);
    expect(await tier1JobIds(row.id)).toEqual([`tier1:${row.id}:v1:s1`]);
    expect(await sessionJobs().sweepUnqueued()).toEqual({ requeued: 0, cleared: 0 });
  });

  it('a corrected re-send that could not be enqueued is enqueued at its new version', async () => {
    const p = payload();
    await deliver(p);
    const v1 = await rowOf(p.session_id);
    await withEnqueue(refuse, () => deliver({ ...p, student_feedback: { rating: 2, description: 'Meh' } }));
    const v2 = await rowOf(p.session_id);
    expect(v2.version).toBe(2);
    expect(v2.unqueuedAt).not.toBeNull();
    expect(await sessionJobs().sweepUnqueued()).toEqual({ requeued: 1, cleared: 0 });
    expect(await tier1JobIds(v1.id)).toEqual([`tier1:${v1.id}:v1`, `tier1:${v1.id}:v2`]);
  });
});

describe('the tier 2 sweep (analyses lost with Redis)', () => {
  async function processedSession(changes: Partial<TWebhookPayload>, processedAgoMs = 0) {
    const p = payload(changes);
    await deliver(p);
    const row = await rowOf(p.session_id);
    const at = new Date(t.clock.now().getTime() - processedAgoMs);
    expect(await t.app.services.sessions.markProcessed(row.id, row.version, at)).toBe(true);
    return row;
  }
  const sweep = () =>
    createTier2Sweep({ db: t.rt.database.db, queue: t.rt.queue, clock: t.rt.clock, logger: t.rt.logger }).sweep();

  it('enqueues the analysis of a processed session with text and no analysis, once', async () => {
    await sweep(); // whatever earlier tests left
    await t.rt.queue.whenIdle({ timeoutMs: 10_000 });
    tier2Jobs.length = 0;
    const lost = await processedSession({ transcript: 'Tutor: Hi\nStudent: Hello' });
    const summary = await processedSession({ ai_summary: 'Worked through linear equations.' });
    const analysed = await processedSession({ transcript: 'Tutor: Hi again\nStudent: Hello' });
    await t.rt.database.db.insert(sessionAnalyses).values({
      sessionId: analysed.id,
      tutorId: analysed.tutorId,
      sessionVersion: analysed.version,
      provider: 'local',
      source: 'transcript',
      qualityScore: 80,
      empathyScore: 80,
      clarityScore: 80,
      engagement: 'high',
      redFlags: [],
      metrics: {},
      evidence: [],
      createdAt: t.clock.now(),
    });
    const blank = await processedSession({ transcript: '   ' });
    const old = await processedSession({ transcript: 'Tutor: Long ago\nStudent: Yes' }, 8 * DAY);
    const unprocessed = payload({ transcript: 'Tutor: Not yet\nStudent: Ok' });
    await deliver(unprocessed);

    expect(await sweep()).toEqual({ requeued: 2 });
    await t.rt.queue.whenIdle({ timeoutMs: 10_000 });
    expect(tier2Jobs.map((j) => j.id).sort()).toEqual(
      [`tier2:${lost.id}:v1`, `tier2:${summary.id}:v1`].sort(),
    );
    for (const r of [analysed, blank, old]) expect(tier2Jobs.some((j) => j.sessionId === r.id)).toBe(false);
    // The queue still knows those jobs: a second sweep enqueues nothing.
    expect(await sweep()).toEqual({ requeued: 0 });
  });
});
