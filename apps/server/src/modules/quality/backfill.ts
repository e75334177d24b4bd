/**
 * Backfill: runs tier 1 over every session still `received` in bulk (pages of 500: rules → findings →
 * per-session flags → marked processed), then rescores every tutor once. For seeded or imported history,
 * where per-session jobs would rescore each tutor hundreds of times. No mail: history is not news.
 * Sessions with a transcript or summary are queued for tier 2 at low priority. Then the tutors' daily score
 * history is filled for the past `historyDays` (default 90), so their timelines cover the imported past.
 */
import type { TranscriptJobName } from './tier1';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { AppJobs } from '../../jobs';
import type { Clock } from '../../platform/clock';
import type { EventService } from '../../platform/events/events.service';
import type { JobQueue } from '../../platform/queue/port';
import { listReceivedBatch, markProcessedBatch } from '../sessions/index';
import { tier2JobId } from './tier2-sweep';
import { QUALITY_AUDIENCE } from './flags.core';
import type { ScoreService } from './scores.service';
import { QUALITY_THRESHOLDS } from './thresholds';
import { applyRules } from './tier1';

const PAGE = 500;

export type BackfillResult = {
  sessions: number;
  findings: number;
  flags: number;
  tutors: number;
  tier2Queued: number;
  historyRows: number;
  ms: number;
};

export async function backfillQuality(
  deps: { db: Db; clock: Clock; queue: JobQueue<AppJobs>; events: EventService; scores: ScoreService },
  opts: {
    onProgress?: (done: number) => void;
    historyDays?: number;
    /**
     * Queue tier 2 for sessions with a transcript or summary (default true). Off when no worker will ever see
     * the jobs (an in-process queue in a command that exits).
     */
    tier2?: boolean;
    /** Jobs queued for each session with a transcript (default tier 2 only; see Tier1Deps.transcriptJobs). */
    transcriptJobs?: readonly TranscriptJobName[];
  } = {},
): Promise<BackfillResult> {
  const { db, clock, queue } = deps;
  const t0 = performance.now();
  const result: BackfillResult = {
    sessions: 0,
    findings: 0,
    flags: 0,
    tutors: 0,
    tier2Queued: 0,
    historyRows: 0,
    ms: 0,
  };
  // A bulk load (seed, import) leaves the planner's statistics saying the inbox is empty; with them, each page
  // below sorted the whole backlog (2 s a page at 2.7 M sessions instead of 2 ms).
  await db.execute(sql`analyze sessions`);
  let after: { start: Date; id: string } | undefined;
  for (;;) {
    const rows = await listReceivedBatch(db, { after, limit: PAGE });
    if (rows.length === 0) break;
    const last = rows[rows.length - 1]!;
    after = { start: last.sessionStartTime, id: last.id };
    const now = clock.now();
    await db.transaction(async (tx) => {
      // The flag's timeline follows the sessions it comes from.
      const { evaluated, raised } = await applyRules(tx, rows, {
        now,
        thresholds: QUALITY_THRESHOLDS,
        flagTime: (row) => row.sessionEndTime,
      });
      result.findings += evaluated.reduce((n, e) => n + e.findings.length, 0);
      result.flags += raised.filter((r) => r.outcome === 'raised').length;
      await markProcessedBatch(tx, rows, now);
    });
    const withText = rows.filter((r) => r.transcript || r.aiSummary);
    if (withText.length && opts.tier2 !== false) {
      const names = opts.transcriptJobs ?? ['quality.tier2'];
      await queue.addBulk(
        withText.flatMap((r) =>
          names
            // The companion reads transcripts only, not summaries.
            .filter((name) => name === 'quality.tier2' || r.transcript)
            .map((name) => ({
              name,
              payload: { sessionId: r.id, version: r.version },
              opts: {
                jobId:
                  name === 'quality.tier2' ? tier2JobId(r.id, r.version) : `${name}:${r.id}:v${r.version}`,
                priority: 9,
              },
            })),
        ),
      );
      result.tier2Queued += withText.length;
    }
    result.sessions += rows.length;
    opts.onProgress?.(result.sessions);
  }
  if (result.sessions > 0) {
    // The same for the findings and flags just written, before the rescore aggregates them.
    await db.execute(sql`analyze session_findings, flags, flag_events`);
    const rescored = await deps.scores.rescore(undefined, { refreshPopulation: true });
    result.tutors = rescored.tutors;
    result.flags += rescored.flags.filter((f) => f.outcome === 'raised').length;
    const historyDays = opts.historyDays ?? 90;
    if (historyDays > 0) result.historyRows = await deps.scores.backfillHistory({ days: historyDays });
    await deps.events.publish({
      type: 'analytics.updated',
      payload: { reason: 'backfill', sessions: result.sessions, flags: result.flags },
      audience: QUALITY_AUDIENCE,
    });
  }
  result.ms = Math.round(performance.now() - t0);
  return result;
}
