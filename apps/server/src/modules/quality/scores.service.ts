/**
 * Tutor scores: recomputes tutors' 7/30/90-day metrics and 0-100 scores (current rows in tutor_scores, one
 * history row per day), refreshes the population prior, and raises pattern flags (reschedule rate, chronic
 * no-shows, lateness, early ends, poor first sessions). Idempotent: running it twice gives the same rows.
 */
import { and, eq, getTableColumns, gt, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { TScoreHistoryPoint, TTutorScore } from '@tutorpulse/contracts/quality';
import { anyOf, bulkInsert, rowsOf } from '../../db/bulk';
import type { Db, DbOrTx } from '../../db/client';
import { qualityPopulation, sessionAnalyses, tutorScoreHistory, tutorScores } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import type { EventService, PublishInput } from '../../platform/events/events.service';
import { flagEvent, QUALITY_AUDIENCE, raiseFlag, type FlagRow, type RaiseOutcome } from './flags.core';
import { tutorsWithSessions } from '../sessions/index';
import {
  loadCountsBetween,
  loadWindowCounts,
  measurePopulation,
  toWindowMetrics,
  EMPTY_COUNTS,
} from './metrics';
import { refreshDayTotals, refreshSummaryScores } from './rollups';
import { evaluatePatterns } from './rules';
import { computeScore, DEFAULT_POPULATION, ratingTrend, type Population, type WindowCounts } from './scoring';
import { QUALITY_THRESHOLDS, SCORE_WEIGHTS } from './thresholds';

export const SCORE_WINDOWS = [7, 30, 90] as const;
const DAY_MS = 86_400_000;
/** The population prior is re-measured at most this often (and nightly by tier 3). */
const POPULATION_MAX_AGE_MS = 60 * 60_000;
/** Below this many sessions the marketplace has no useful average yet; use typical figures. */
const MIN_POPULATION_SESSIONS = 200;
const BATCH = 500;

type ScoreRow = typeof tutorScores.$inferSelect;

export type RescoreResult = {
  tutors: number;
  scoreChanges: Array<{ tutorId: string; from: number | null; to: number | null }>;
  flags: Array<{ flag: FlagRow; outcome: RaiseOutcome }>;
  /** The window counts (7/30/90 days) the scores were computed from, per tutor: tier 3 reuses them. */
  counts: Map<string, Map<number, WindowCounts>>;
};

export function createScoreService(deps: { db: Db; clock: Clock; events: EventService }) {
  const { db, clock, events } = deps;

  async function population(now: Date, opts: { refresh?: boolean } = {}): Promise<Population> {
    const [cached] = await db.select().from(qualityPopulation).where(eq(qualityPopulation.windowDays, 30));
    let row = cached;
    if (opts.refresh || !row || now.getTime() - row.computedAt.getTime() > POPULATION_MAX_AGE_MS) {
      const p = await measurePopulation(db, { now, windowDays: 30 });
      const values = {
        windowDays: 30,
        computedAt: now,
        tutors: p.tutors,
        sessions: p.sessions,
        noShowRate: p.noShowRate,
        lateRate: p.lateRate,
        earlyEndRate: p.earlyEndRate,
        tutorRescheduleRate: p.tutorRescheduleRate,
        avgStudentRating: p.avgStudentRating,
        avgFirstSessionRating: p.avgFirstSessionRating,
      };
      await db
        .insert(qualityPopulation)
        .values(values)
        .onConflictDoUpdate({ target: qualityPopulation.windowDays, set: values });
      row = values;
    }
    if (row.sessions < MIN_POPULATION_SESSIONS) return DEFAULT_POPULATION;
    return {
      noShowRate: row.noShowRate,
      lateRate: row.lateRate,
      earlyEndRate: row.earlyEndRate,
      tutorRescheduleRate: row.tutorRescheduleRate,
      avgStudentRating: row.avgStudentRating,
    };
  }

  async function avgQuality(tx: DbOrTx, tutorIds: string[], now: Date): Promise<Map<string, number>> {
    const since = new Date(now.getTime() - 30 * DAY_MS);
    const rows = await tx
      .select({
        tutorId: sessionAnalyses.tutorId,
        avg: sql<number>`avg(${sessionAnalyses.qualityScore})::float8`,
      })
      .from(sessionAnalyses)
      .where(and(gt(sessionAnalyses.createdAt, since), anyOf(sessionAnalyses.tutorId, tutorIds)))
      .groupBy(sessionAnalyses.tutorId);
    return new Map(rows.map((r) => [r.tutorId, Number(r.avg)]));
  }

  function scoreValues(
    tutorId: string,
    days: number,
    c: WindowCounts,
    recent: WindowCounts,
    pop: Population,
    now: Date,
    quality: number | undefined,
  ) {
    const s = computeScore(c, pop, SCORE_WEIGHTS);
    const m = toWindowMetrics(c, days, new Date(now.getTime() - days * DAY_MS), now);
    const tutorRescheduleRate = m.tutor_reschedule_rate ?? 0;
    return {
      tutorId,
      windowDays: days,
      calculatedAt: now,
      windowStart: new Date(now.getTime() - days * DAY_MS),
      windowEnd: now,
      totalSessions: c.sessions,
      firstSessions: c.firstSessions,
      noShowCount: c.noShows,
      noShowRate: m.no_show_rate,
      lateCount: c.late,
      lateRate: m.late_rate,
      avgLatenessMinutes: m.avg_lateness_minutes,
      earlyEndCount: c.earlyEnds,
      earlyEndRate: m.early_end_rate,
      avgEarlyEndMinutes: m.avg_early_end_minutes,
      rescheduleCount: c.reschedules,
      rescheduleRate: m.reschedule_rate,
      tutorInitiatedReschedules: c.tutorReschedules,
      tutorRescheduleRate: m.tutor_reschedule_rate,
      studentNoShowCount: c.studentNoShows,
      ratedSessions: c.rated,
      avgStudentRating: m.avg_student_rating,
      firstSessionsRated: c.firstRated,
      avgFirstSessionRating: m.avg_first_session_rating,
      poorFirstSessions: c.poorFirst,
      ratingTrend: days === 7 ? null : ratingTrend(recent, c),
      avgQualityScore: quality ?? null,
      overallScore: c.sessions > 0 ? s.overall : null,
      attendanceScore: c.sessions > 0 ? s.attendance : null,
      ratingsScore: c.sessions > 0 ? s.ratings : null,
      completionScore: c.sessions > 0 ? s.completion : null,
      reliabilityScore: c.sessions > 0 ? s.reliability : null,
      confidence: s.confidence,
      // Seed 002's risk: tutor-initiated reschedules over the threshold; also a low score with some evidence.
      isHighRisk:
        (c.sessions >= QUALITY_THRESHOLDS.minSessionsForRate &&
          tutorRescheduleRate > QUALITY_THRESHOLDS.highRescheduleRate) ||
        (c.sessions > 0 && s.overall < 50 && s.confidence >= 0.3),
    } satisfies typeof tutorScores.$inferInsert;
  }

  /**
   * Rescores the given tutors (undefined = every tutor with sessions in the last 90 days), writing current
   * scores, today's history row and pattern flags. Returns what changed so the caller can announce it.
   *
   * Safe to run concurrently (several tier 1 batches, worker processes, tier 3): each chunk locks its tutors
   * (transaction-scoped advisory locks, taken in id order) before it reads their counts, so of two overlapping
   * rescores of a tutor the one that writes last has read last, and a score never goes back to older evidence.
   */
  async function rescore(
    tutorIds?: string[],
    opts: { now?: Date; refreshPopulation?: boolean } = {},
  ): Promise<RescoreResult> {
    const now = opts.now ?? clock.now();
    const pop = await population(now, { refresh: opts.refreshPopulation ?? false });
    const maxDays = Math.max(...SCORE_WINDOWS);
    const ids = tutorIds
      ? [...new Set(tutorIds)].sort()
      : await tutorsWithSessions(db, { now, days: maxDays });
    const day = now.toISOString().slice(0, 10);
    const result: RescoreResult = { tutors: ids.length, scoreChanges: [], flags: [], counts: new Map() };

    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH);
      await db.transaction(async (tx) => {
        await tx.execute(sql`
          select pg_advisory_xact_lock(k)
          from (select hashtextextended('tutor-score:' || t, 0) as k from unnest(${sql.param(chunk)}::text[]) as t order by t) as keys`);
        // One after the other: a transaction is one connection.
        const counts = await loadWindowCounts(tx, { tutorIds: chunk, now, windowsDays: [...SCORE_WINDOWS] });
        const quality = await avgQuality(tx, chunk, now);
        for (const [id, m] of counts) result.counts.set(id, m);
        const before = await tx
          .select({ tutorId: tutorScores.tutorId, overall: tutorScores.overallScore })
          .from(tutorScores)
          .where(and(anyOf(tutorScores.tutorId, chunk), eq(tutorScores.windowDays, 30)));
        const previous = new Map(before.map((b) => [b.tutorId, b.overall]));
        const rows = chunk.flatMap((id) => {
          const m = counts.get(id)!;
          const recent = m.get(7) ?? EMPTY_COUNTS;
          return SCORE_WINDOWS.map((d) =>
            scoreValues(id, d, m.get(d) ?? EMPTY_COUNTS, recent, pop, now, quality.get(id)),
          );
        });
        await tx.execute(sql`
          insert into ${bulkInsert(tutorScores, rows).sql}
          on conflict (tutor_id, window_days) do update set ${setExcluded(tutorScores, rows[0]!, ['tutorId', 'windowDays'])}`);
        const history = rows.filter((r) => r.windowDays === 30).map((r) => toHistoryRow(r, day, now));
        await tx.execute(sql`
          insert into ${bulkInsert(tutorScoreHistory, history).sql}
          on conflict (tutor_id, day) do update set ${setExcluded(tutorScoreHistory, history[0]!, ['tutorId', 'day'])}`);
        for (const r of history) {
          const from = previous.get(r.tutorId) ?? null;
          if (from !== r.overallScore)
            result.scoreChanges.push({ tutorId: r.tutorId, from, to: r.overallScore });
        }
        // Flags in tutor order (the chunk is sorted), as tier 1 raises them: lock order stays one way round.
        for (const id of chunk) {
          const m = counts.get(id)!;
          const c30 = m.get(30) ?? EMPTY_COUNTS;
          const c90 = m.get(90) ?? EMPTY_COUNTS;
          const decisions = evaluatePatterns(
            {
              sessions30: c30.sessions,
              joined30: c30.joined,
              bothJoined30: c30.bothJoined,
              noShows30: c30.noShows,
              late30: c30.late,
              earlyEnds30: c30.earlyEnds,
              tutorReschedules30: c30.tutorReschedules,
              firstRated90: c90.firstRated,
              poorFirst90: c90.poorFirst,
            },
            QUALITY_THRESHOLDS,
          );
          for (const decision of decisions.sort((a, b) => a.type.localeCompare(b.type))) {
            const r = await raiseFlag(tx, {
              tutorId: id,
              decision,
              sessionId: null,
              evidenceKey: null,
              at: now,
            });
            if (r.outcome !== 'unchanged' && r.outcome !== 'updated') result.flags.push(r);
          }
        }
      });
      // The read models after the commit: a later copy reads later scores (see rollups.ts).
      await db.transaction((tx) => refreshSummaryScores(tx, chunk, day, now));
    }
    return result;
  }

  /**
   * Fills the daily history for the `days` before today from the sessions and findings already stored, as
   * each day's 30-day score would have read at the end of that day (with today's population prior). For
   * imported or seeded history, so a tutor's timeline does not start on the day Tutorpulse was installed.
   * Days already recorded live are kept as they are. Returns the rows written.
   */
  async function backfillHistory(opts: { days: number; now?: Date }): Promise<number> {
    const now = opts.now ?? clock.now();
    const pop = await population(now);
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    let written = 0;
    for (let back = opts.days; back >= 1; back--) {
      // The end of that day = the start of the next one.
      const end = new Date(today - (back - 1) * DAY_MS);
      const day = new Date(end.getTime() - DAY_MS).toISOString().slice(0, 10);
      const counts = await loadWindowCounts(db, { now: end, windowsDays: [30] });
      const history = [...counts]
        .filter(([, m]) => (m.get(30)?.sessions ?? 0) > 0)
        .map(([id, m]) =>
          toHistoryRow(scoreValues(id, 30, m.get(30)!, EMPTY_COUNTS, pop, end, undefined), day, now),
        );
      for (let i = 0; i < history.length; i += BATCH) {
        const chunk = history.slice(i, i + BATCH);
        const res = await db.execute(sql`
          insert into ${bulkInsert(tutorScoreHistory, chunk).sql}
          on conflict (tutor_id, day) do nothing
          returning tutor_id`);
        written += rowsOf(res).length;
      }
      await db.transaction((tx) => refreshDayTotals(tx, [day], now));
    }
    // Past days' scores changed under every cached view that shows them (tutor detail, "score a week ago").
    if (written > 0) {
      await events.publish({
        type: 'score.changed',
        payload: { tutor_id: null, history_backfilled_days: opts.days, rows: written },
        audience: QUALITY_AUDIENCE,
      });
    }
    return written;
  }

  /** The live-stream events describing a rescore's changes (score changes capped at 200). */
  function announcements(r: RescoreResult): PublishInput[] {
    return [
      ...r.scoreChanges.slice(0, 200).map((c) => ({
        type: 'score.changed',
        payload: { tutor_id: c.tutorId, from: c.from, to: c.to },
        audience: QUALITY_AUDIENCE,
      })),
      ...r.flags.map(flagEvent),
    ];
  }

  /** Announces a rescore's changes on the live stream. */
  async function announce(r: RescoreResult): Promise<void> {
    const inputs = announcements(r);
    if (inputs.length) await events.publish(...inputs);
  }

  function toDto(r: ScoreRow): TTutorScore {
    return {
      ...toWindowMetricsFromRow(r),
      tutor_id: r.tutorId,
      calculated_at: r.calculatedAt.toISOString(),
      overall_score: r.overallScore,
      breakdown:
        r.attendanceScore === null
          ? null
          : {
              attendance: r.attendanceScore,
              ratings: r.ratingsScore ?? 0,
              completion: r.completionScore ?? 0,
              reliability: r.reliabilityScore ?? 0,
            },
      confidence: r.confidence,
      rating_trend: r.ratingTrend,
      avg_quality_score: r.avgQualityScore,
      is_high_risk: r.isHighRisk,
    };
  }

  return {
    population,
    rescore,
    backfillHistory,
    announcements,
    announce,
    toDto,

    /** Current scores of one tutor, keyed by window. */
    async current(tutorId: string): Promise<Map<number, TTutorScore>> {
      const rows = await db.select().from(tutorScores).where(eq(tutorScores.tutorId, tutorId));
      return new Map(rows.map((r) => [r.windowDays, toDto(r)]));
    },

    async history(tutorId: string, opts: { days: number; now?: Date }): Promise<TScoreHistoryPoint[]> {
      const now = opts.now ?? clock.now();
      const since = new Date(now.getTime() - opts.days * DAY_MS).toISOString().slice(0, 10);
      const rows = await db
        .select()
        .from(tutorScoreHistory)
        .where(and(eq(tutorScoreHistory.tutorId, tutorId), gt(tutorScoreHistory.day, since)))
        .orderBy(tutorScoreHistory.day);
      return rows.map((h) => ({
        day: h.day,
        overall_score: h.overallScore,
        attendance: h.attendanceScore,
        ratings: h.ratingsScore,
        completion: h.completionScore,
        reliability: h.reliabilityScore,
        confidence: h.confidence,
        total_sessions: h.totalSessions,
        no_show_rate: h.noShowRate,
        late_rate: h.lateRate,
        early_end_rate: h.earlyEndRate,
        tutor_reschedule_rate: h.tutorRescheduleRate,
        avg_student_rating: h.avgStudentRating,
      }));
    },

    /** A tutor's metrics over [from, to): for before/after comparisons around interventions. */
    async metricsBetween(tutorId: string, from: Date, to: Date) {
      const c = await loadCountsBetween(db, { tutorId, from, to });
      return toWindowMetrics(c, Math.round((to.getTime() - from.getTime()) / DAY_MS), from, to);
    },
  };
}

/** The daily history row of a 30-day score. */
function toHistoryRow(
  r: Pick<
    typeof tutorScores.$inferInsert,
    | 'tutorId'
    | 'overallScore'
    | 'attendanceScore'
    | 'ratingsScore'
    | 'completionScore'
    | 'reliabilityScore'
    | 'confidence'
    | 'totalSessions'
    | 'noShowRate'
    | 'lateRate'
    | 'earlyEndRate'
    | 'tutorRescheduleRate'
    | 'avgStudentRating'
  >,
  day: string,
  updatedAt: Date,
) {
  return {
    tutorId: r.tutorId,
    day,
    overallScore: r.overallScore ?? null,
    attendanceScore: r.attendanceScore ?? null,
    ratingsScore: r.ratingsScore ?? null,
    completionScore: r.completionScore ?? null,
    reliabilityScore: r.reliabilityScore ?? null,
    confidence: r.confidence,
    totalSessions: r.totalSessions,
    noShowRate: r.noShowRate ?? null,
    lateRate: r.lateRate ?? null,
    earlyEndRate: r.earlyEndRate ?? null,
    tutorRescheduleRate: r.tutorRescheduleRate ?? null,
    avgStudentRating: r.avgStudentRating ?? null,
    updatedAt,
  };
}

/** `col = excluded.col, …` for every inserted column but the conflict keys (an ON CONFLICT DO UPDATE list). */
function setExcluded(table: PgTable, row: object, conflictKeys: string[]) {
  const columns = getTableColumns(table);
  return sql.raw(
    Object.keys(row)
      .filter((k) => !conflictKeys.includes(k))
      .map((k) => `"${columns[k]!.name}" = excluded."${columns[k]!.name}"`)
      .join(', '),
  );
}

function toWindowMetricsFromRow(r: ScoreRow) {
  return {
    window_days: r.windowDays,
    window_start: r.windowStart.toISOString(),
    window_end: r.windowEnd.toISOString(),
    total_sessions: r.totalSessions,
    first_sessions: r.firstSessions,
    no_show_count: r.noShowCount,
    no_show_rate: r.noShowRate,
    late_count: r.lateCount,
    late_rate: r.lateRate,
    avg_lateness_minutes: r.avgLatenessMinutes,
    early_end_count: r.earlyEndCount,
    early_end_rate: r.earlyEndRate,
    avg_early_end_minutes: r.avgEarlyEndMinutes,
    reschedule_count: r.rescheduleCount,
    reschedule_rate: r.rescheduleRate,
    tutor_initiated_reschedules: r.tutorInitiatedReschedules,
    tutor_reschedule_rate: r.tutorRescheduleRate,
    student_no_show_count: r.studentNoShowCount,
    avg_student_rating: r.avgStudentRating,
    avg_first_session_rating: r.avgFirstSessionRating,
    poor_first_sessions: r.poorFirstSessions,
  };
}

export type ScoreService = ReturnType<typeof createScoreService>;
