/**
 * After `tutorpulse seed`: the seeded sessions go through tier 1 in bulk (the quality back-fill, in this
 * process, in both modes), tutors are rescored once and their score history filled, then tier 3 runs once, so
 * a freshly seeded install, embedded or scaled, shows scored sessions, flags and scores at once instead of a
 * backlog of `received` sessions for the sweeper (1,000 a minute). Sessions already processed are left alone,
 * so a re-run only processes what is new.
 *
 * Tier 2 (transcripts, summaries) is queued for the workers in scaled mode; embedded, the in-process queue ends
 * with this command, so it is not queued here.
 */
import { count, eq } from 'drizzle-orm';
import cliProgress from 'cli-progress';
import { sessions } from '../../db/schema/index';
import { backfillQuality, type BackfillResult } from '../../modules/quality/index';
import type { Runtime } from '../../runtime';
import type { Services } from '../../services';

export type ProcessSeededResult = {
  backfill: BackfillResult;
  tier3Tutors: number;
  /** The demand and supply forecasts run once over the seeded history. */
  forecast: { subjects: number; imbalances: number };
  /** Sessions still `received` afterwards (0 unless sessions arrived meanwhile). */
  leftReceived: number;
};

async function countReceived(rt: Runtime): Promise<number> {
  const [row] = await rt.database.db
    .select({ n: count() })
    .from(sessions)
    .where(eq(sessions.processingStatus, 'received'));
  return Number(row?.n ?? 0);
}

export async function processSeeded(
  rt: Runtime,
  services: Services,
  opts: { quiet: boolean; log?: (line: string) => void },
): Promise<ProcessSeededResult> {
  const log = opts.log ?? (() => {});
  const total = await countReceived(rt);
  const bar =
    !opts.quiet && total > 0
      ? new cliProgress.SingleBar(
          {
            format: 'scoring  |{bar}| {percentage}% | {value}/{total} | eta {eta_formatted}',
            stream: process.stderr,
            // Draw off a terminal too (CI logs, `npm run seed | tee`), at a calmer pace.
            noTTYOutput: true,
            notTTYSchedule: 5000,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(total, 0);
  let backfill: BackfillResult;
  try {
    backfill = await backfillQuality(
      {
        db: rt.database.db,
        clock: rt.clock,
        queue: rt.queue,
        events: services.events,
        scores: services.scores,
      },
      {
        // Sessions may exceed the first count if more arrive meanwhile; the bar's total follows.
        onProgress: (done) => {
          if (bar && done > bar.getTotal()) bar.setTotal(done);
          bar?.update(done);
        },
        tier2: Boolean(rt.config.redisUrl),
        // Seeded transcripts are analysed for their students too, by the workers.
        transcriptJobs: ['quality.tier2', 'companion.session-transcript'],
      },
    );
  } finally {
    bar?.stop();
  }
  log(`  tier 3 (tutor analytics) over the seeded history…`);
  const tier3 = await services.tier3.run({});
  log(`  demand and supply forecasts…`);
  const forecast = await services.forecasts.run();
  return {
    backfill,
    tier3Tutors: tier3.tutors,
    forecast: { subjects: forecast.subjects, imbalances: forecast.imbalances },
    leftReceived: await countReceived(rt),
  };
}
