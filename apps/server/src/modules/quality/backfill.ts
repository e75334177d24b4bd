/**
 * Backfill: runs tier 1 over every session still `received` in bulk (pages of 500: rules → findings →
 * per-session flags → marked processed), then rescores every tutor once. For seeded or imported history,
 * where per-session jobs would rescore each tutor hundreds of times. No mail: history is not news.
 * Sessions with a transcript or summary are queued for tier 2 at low priority.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { sessionFindings } from '../../db/schema/index';
import type { AppJobs } from '../../jobs';
import type { Clock } from '../../platform/clock';
import type { EventService } from '../../platform/events/events.service';
import type { JobQueue } from '../../platform/queue/port';
import { listReceivedBatch, markProcessedBatch } from '../sessions/session-batches';
import { QUALITY_AUDIENCE, raiseFlag } from './flags.core';
import { evaluateSession, flagForFinding } from './rules';
import type { ScoreService } from './scores.service';
import { QUALITY_THRESHOLDS } from './thresholds';
import { toSessionFacts } from './tier1';

const PAGE = 500;

export type BackfillResult = {
  sessions: number;
  findings: number;
  flags: number;
  tutors: number;
  tier2Queued: number;
  ms: number;
};

export async function backfillQuality(
  deps: { db: Db; clock: Clock; queue: JobQueue<AppJobs>; events: EventService; scores: ScoreService },
  opts: { onProgress?: (done: number) => void } = {},
): Promise<BackfillResult> {
  const { db, clock, queue } = deps;
  const t0 = performance.now();
  const result: BackfillResult = { sessions: 0, findings: 0, flags: 0, tutors: 0, tier2Queued: 0, ms: 0 };
  let after: { start: Date; id: string } | undefined;
  for (;;) {
    const rows = await listReceivedBatch(db, { after, limit: PAGE });
    if (rows.length === 0) break;
    const last = rows[rows.length - 1]!;
    after = { start: last.sessionStartTime, id: last.id };
    const now = clock.now();
    await db.transaction(async (tx) => {
      await tx.delete(sessionFindings).where(
        inArray(
          sessionFindings.sessionId,
          rows.map((r) => r.id),
        ),
      );
      const values = [];
      for (const row of rows) {
        const facts = toSessionFacts(row);
        const findings = evaluateSession(facts, QUALITY_THRESHOLDS);
        for (const f of findings) {
          values.push({
            sessionId: row.id,
            tutorId: row.tutorId,
            occurredAt: row.sessionStartTime,
            type: f.type,
            severity: f.severity,
            minutes: f.minutes,
            blamesTutor: f.blamesTutor,
            details: f.details,
            createdAt: now,
          });
          const decision = flagForFinding(f, facts);
          if (!decision) continue;
          const r = await raiseFlag(tx, {
            tutorId: row.tutorId,
            decision,
            sessionId: row.sessionId,
            evidenceKey: `session:${row.id}`,
            // The flag's timeline follows the sessions it comes from.
            at: row.sessionEndTime,
          });
          if (r.outcome === 'raised') result.flags++;
        }
      }
      for (let i = 0; i < values.length; i += 1000)
        await tx.insert(sessionFindings).values(values.slice(i, i + 1000));
      result.findings += values.length;
      await markProcessedBatch(tx, rows, now);
    });
    const withText = rows.filter((r) => r.transcript || r.aiSummary);
    if (withText.length) {
      await queue.addBulk(
        withText.map((r) => ({
          name: 'quality.tier2' as const,
          payload: { sessionId: r.id, version: r.version },
          opts: { jobId: `tier2:${r.id}:v${r.version}`, priority: 9 },
        })),
      );
      result.tier2Queued += withText.length;
    }
    result.sessions += rows.length;
    opts.onProgress?.(result.sessions);
  }
  if (result.sessions > 0) {
    const rescored = await deps.scores.rescore(undefined, { refreshPopulation: true });
    result.tutors = rescored.tutors;
    result.flags += rescored.flags.filter((f) => f.outcome === 'raised').length;
    await deps.events.publish({
      type: 'analytics.updated',
      payload: { reason: 'backfill', sessions: result.sessions, flags: result.flags },
      audience: QUALITY_AUDIENCE,
    });
  }
  result.ms = Math.round(performance.now() - t0);
  return result;
}
