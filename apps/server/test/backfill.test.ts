/**
 * The backfill (first embedded start, imports): every session still `received` goes through the rules in
 * pages, flags are dated by the sessions they come from, tutors are rescored once, and the past days'
 * score history is filled. Running it again finds nothing to do.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags, sessionFindings, sessions, tutorScoreHistory, tutorScores } from '../src/db/schema/index';
import { backfillQuality } from '../src/modules/quality/backfill';
import { createTestApp, type TestApp } from './helpers/build-app';
import { dailySessions, insertSessions, insertTutors } from './helpers/quality-fixtures';

let t: TestApp;
const NOW = new Date('2026-11-20T12:00:00Z');
const db = () => t.rt.database.db;

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  await insertTutors(db(), [
    { id: 'bf-late', name: 'Late Lou' },
    { id: 'bf-fine', name: 'Fine Fay' },
  ]);
  // 40 days of history, never processed: Lou is 25 minutes late every third session.
  await insertSessions(db(), [
    ...dailySessions(NOW, 'bf-late', {
      fromDaysAgo: 39,
      toDaysAgo: 0,
      shape: (d) => ({ lateMin: d % 3 === 0 ? 25 : 0, processedAt: null, id: `bf-late-${d}` }),
    }),
    ...dailySessions(NOW, 'bf-fine', { fromDaysAgo: 39, toDaysAgo: 0, shape: () => ({ processedAt: null }) }),
  ]);
  // The fixtures store findings as tier 1 would; a real backlog has none yet.
  await db().delete(sessionFindings);
});
afterAll(() => t?.close());

const deps = () => ({
  db: db(),
  clock: t.clock,
  queue: t.rt.queue,
  events: t.app.services.events,
  scores: t.app.services.scores,
});

describe('backfillQuality', () => {
  it('processes the backlog, raises dated flags, rescores once and fills the score history', async () => {
    const r = await backfillQuality(deps(), { historyDays: 30 });
    expect(r).toMatchObject({ sessions: 80, tutors: 2 });
    expect(r.findings).toBeGreaterThanOrEqual(14); // Lou's late sessions, at least
    const [left] = await db()
      .select({ n: count() })
      .from(sessions)
      .where(eq(sessions.processingStatus, 'received'));
    expect(left?.n).toBe(0);

    const [late] = await db()
      .select()
      .from(flags)
      .where(and(eq(flags.tutorId, 'bf-late'), eq(flags.flagType, 'tutor_late')));
    expect(late).toBeDefined();
    // Dated by the sessions: first seen 39 days ago (the oldest late session), last seen today's.
    expect(late!.firstSeenAt.getTime()).toBeLessThan(NOW.getTime() - 38 * 86_400_000);
    expect(late!.occurrences).toBe(14);
    expect(late!.supportingData.sessions[0]).toBe('bf-late-0');
    expect(await db().select().from(flags).where(eq(flags.tutorId, 'bf-fine'))).toEqual([]);

    const scores = await db().select().from(tutorScores).where(eq(tutorScores.windowDays, 30));
    expect(scores.map((s) => s.tutorId).sort()).toEqual(['bf-fine', 'bf-late']);
    const history = await db()
      .select()
      .from(tutorScoreHistory)
      .where(eq(tutorScoreHistory.tutorId, 'bf-late'));
    expect(history).toHaveLength(31); // 30 past days + today's from the rescore
    expect(r.historyRows).toBe(60);
  });

  it('finds nothing to do the second time', async () => {
    const again = await backfillQuality(deps(), { historyDays: 30 });
    expect(again).toMatchObject({ sessions: 0, findings: 0, flags: 0, historyRows: 0 });
  });
});
