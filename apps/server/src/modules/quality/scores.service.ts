/**
 * Tutor scores: recomputes tutors' 7/30/90-day metrics and 0-100 scores (current rows in tutor_scores, one
 * history row per day), refreshes the population prior, and raises pattern flags (reschedule rate, chronic
 * no-shows, lateness, early ends, poor first sessions). Idempotent: running it twice gives the same rows.
 */
import { and, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { TScoreHistoryPoint, TTutorScore } from '@tutorpulse/contracts/quality';
import type { Db } from '../../db/client';
import { qualityPopulation, sessionAnalyses, tutorScoreHistory, tutorScores } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import type { EventService } from '../../platform/events/events.service';
import { flagEvent, QUALITY_AUDIENCE, raiseFlag, type FlagRow, type RaiseOutcome } from './flags.core';
import {
  loadCountsBetween,
  loadWindowCounts,
  measurePopulation,
  toWindowMetrics,
  EMPTY_COUNTS,
} from './metrics';
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

  async function avgQuality(tutorIds: string[] | undefined, now: Date): Promise<Map<string, number>> {
    const since = new Date(now.getTime() - 30 * DAY_MS);
    const rows = await db
      .select({
        tutorId: sessionAnalyses.tutorId,
        avg: sql<number>`avg(${sessionAnalyses.qualityScore})::float8`,
      })
      .from(sessionAnalyses)
      .where(
        and(
          gt(sessionAnalyses.createdAt, since),
          tutorIds ? inArray(sessionAnalyses.tutorId, tutorIds) : undefined,
        ),
      )
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
   */
  async function rescore(
    tutorIds?: string[],
    opts: { now?: Date; refreshPopulation?: boolean } = {},
  ): Promise<RescoreResult> {
    const now = opts.now ?? clock.now();
    const pop = await population(now, { refresh: opts.refreshPopulation ?? false });
    const counts = await loadWindowCounts(db, { tutorIds, now, windowsDays: [...SCORE_WINDOWS] });
    const quality = await avgQuality(tutorIds, now);
    const ids = [...counts.keys()];
    const day = now.toISOString().slice(0, 10);
    const result: RescoreResult = { tutors: ids.length, scoreChanges: [], flags: [] };

    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH);
      await db.transaction(async (tx) => {
        const before = await tx
          .select({ tutorId: tutorScores.tutorId, overall: tutorScores.overallScore })
          .from(tutorScores)
          .where(and(inArray(tutorScores.tutorId, chunk), eq(tutorScores.windowDays, 30)));
        const previous = new Map(before.map((b) => [b.tutorId, b.overall]));
        const rows = chunk.flatMap((id) => {
          const m = counts.get(id)!;
          const recent = m.get(7) ?? EMPTY_COUNTS;
          return SCORE_WINDOWS.map((d) =>
            scoreValues(id, d, m.get(d) ?? EMPTY_COUNTS, recent, pop, now, quality.get(id)),
          );
        });
        await tx
          .insert(tutorScores)
          .values(rows)
          .onConflictDoUpdate({
            target: [tutorScores.tutorId, tutorScores.windowDays],
            set: takeExcluded(tutorScores, Object.keys(rows[0]!), ['tutorId', 'windowDays']),
          });
        const history = rows
          .filter((r) => r.windowDays === 30)
          .map((r) => ({
            tutorId: r.tutorId,
            day,
            overallScore: r.overallScore,
            attendanceScore: r.attendanceScore,
            ratingsScore: r.ratingsScore,
            completionScore: r.completionScore,
            reliabilityScore: r.reliabilityScore,
            confidence: r.confidence,
            totalSessions: r.totalSessions,
            noShowRate: r.noShowRate,
            lateRate: r.lateRate,
            earlyEndRate: r.earlyEndRate,
            tutorRescheduleRate: r.tutorRescheduleRate,
            avgStudentRating: r.avgStudentRating,
            updatedAt: now,
          }));
        await tx
          .insert(tutorScoreHistory)
          .values(history)
          .onConflictDoUpdate({
            target: [tutorScoreHistory.tutorId, tutorScoreHistory.day],
            set: takeExcluded(tutorScoreHistory, Object.keys(history[0]!), ['tutorId', 'day']),
          });
        for (const r of history) {
          const from = previous.get(r.tutorId) ?? null;
          if (from !== r.overallScore)
            result.scoreChanges.push({ tutorId: r.tutorId, from, to: r.overallScore });
        }
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
          for (const decision of decisions) {
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
    }
    return result;
  }

  /** Announces a rescore's changes on the live stream. */
  async function announce(r: RescoreResult): Promise<void> {
    const inputs = [
      ...r.scoreChanges.slice(0, 200).map((c) => ({
        type: 'score.changed',
        payload: { tutor_id: c.tutorId, from: c.from, to: c.to },
        audience: QUALITY_AUDIENCE,
      })),
      ...r.flags.map(flagEvent),
    ];
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

/** `ON CONFLICT DO UPDATE SET col = excluded.col` for every inserted column but the conflict keys. */
function takeExcluded(table: PgTable, keys: string[], conflictKeys: string[]) {
  const columns = getTableColumns(table);
  return Object.fromEntries(
    keys.filter((k) => !conflictKeys.includes(k)).map((k) => [k, sql.raw(`excluded."${columns[k]!.name}"`)]),
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
