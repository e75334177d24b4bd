/**
 * The tier 2 sweep: tier 1 enqueues a session's analysis (tier 2) only after committing its own work, and marks
 * the session processed once that job is enqueued, so a tier 2 job that is later lost (Redis restarted empty
 * while it waited, the in-process queue of an embedded process that restarted) is found from Postgres only:
 * a processed session with a transcript or summary and no analysis of its current version. Run when Redis came
 * back without its jobs (by the one worker told so), over the sessions processed in the last `windowMs`:
 * older sessions without an analysis are left alone (history loaded without tier 2 stays that way). Enqueues
 * under the job id tier 1 uses, so a job that is still waiting (or was only slow) is kept once.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/bulk';
import type { Db } from '../../db/client';
import type { AppJobs } from '../../jobs';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { JobQueue } from '../../platform/queue/port';

/** The tier 2 job id: one job per session version. */
export function tier2JobId(sessionRowId: string, version: number): string {
  return `tier2:${sessionRowId}:v${version}`;
}

/** First sessions are analysed first, like their tier 1. */
export function tier2Priority(isFirstSession: boolean): number {
  return isFirstSession ? 2 : 6;
}

export const TIER2_SWEEP = {
  /** Sessions looked at and enqueued per round trip. */
  batch: 1_000,
  /** Only sessions processed this recently are looked at. */
  windowMs: 7 * 86_400_000,
} as const;

export function createTier2Sweep(deps: {
  db: Db;
  queue: JobQueue<AppJobs>;
  clock: Clock;
  logger: Pick<Logger, 'info'>;
}) {
  const { db, queue, clock, logger } = deps;
  return {
    /** Enqueues the analysis of every processed session that has text and no analysis of its version. */
    async sweep(opts: Partial<typeof TIER2_SWEEP> = {}): Promise<{ requeued: number }> {
      const batch = opts.batch ?? TIER2_SWEEP.batch;
      const since = new Date(clock.now().getTime() - (opts.windowMs ?? TIER2_SWEEP.windowMs));
      let after = '00000000-0000-0000-0000-000000000000';
      let requeued = 0;
      for (;;) {
        const rows = rowsOf<{ id: string; version: number; is_first_session: boolean }>(
          await db.execute(sql`
            select s.id, s.version, s.is_first_session
            from sessions s
            where s.processing_status = 'processed' and s.id > ${after}::uuid
              and s.processed_at >= ${since}::timestamptz
              and (coalesce(btrim(s.transcript), '') <> '' or coalesce(btrim(s.ai_summary), '') <> '')
              and not exists (
                select 1 from session_analyses a where a.session_id = s.id and a.session_version = s.version)
            order by s.id
            limit ${batch}`),
        );
        if (rows.length > 0) {
          const added = await queue.addBulk(
            rows.map((r) => ({
              name: 'quality.tier2' as const,
              payload: { sessionId: r.id, version: Number(r.version) },
              opts: { jobId: tier2JobId(r.id, Number(r.version)), priority: tier2Priority(r.is_first_session) },
            })),
          );
          requeued += added.filter((a) => a.added).length;
          after = rows[rows.length - 1]!.id;
        }
        if (rows.length < batch) break;
      }
      if (requeued > 0) logger.info({ requeued }, 'tier 2 sweep: analyses enqueued again');
      return { requeued };
    },
  };
}
