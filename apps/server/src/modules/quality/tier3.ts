/**
 * Tier 3, the nightly analysis (02:00 UTC, and on demand): rescores every tutor (windows slide every day even
 * without new sessions), resolves the pattern flags whose tutor has been back under the threshold for a full
 * window (flags.service `autoResolve`), then per tutor the 7/30/90-day trends, the direction (improving / stable / declining),
 * the percentile within the peer group and the churn risk of the tutor, upserted into `tutor_analytics` (one
 * row per tutor and date: re-running a date overwrites it). Built for bulk: a handful of aggregate queries for
 * all tutors at once (window counts, roster with last session, fallback subjects, open flags), the rules in
 * memory (tier3.rules.ts), then multi-row upserts in one transaction. No per-tutor queries.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { TTier3Summary, TTutorAnalytics } from '@tutorpulse/contracts/quality-analytics';
import type { Db } from '../../db/client';
import { tutorAnalytics } from '../../db/schema/index';
import { refreshSummaryAnalytics } from './rollups';
import type { AppJobs } from '../../jobs';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { EventService } from '../../platform/events/events.service';
import type { Logger } from '../../platform/logger';
import type { JobHandlers, JobQueue } from '../../platform/queue/port';
import { QUALITY_AUDIENCE } from './flags.core';
import { EMPTY_COUNTS, loadWindowCounts } from './metrics';
import type { ScoreService } from './scores.service';
import { computeScore, rateOrNull, ratingTrend, type Population, type WindowCounts } from './scoring';
import {
  assignPeerGroups,
  churnRisk,
  directionFromCounts,
  mostFrequent,
  percentileRanks,
  TIER3_RULES,
  volumeChange,
  type Tier3Rules,
} from './tier3.rules';

export const TIER3_SCHEDULER_ID = 'quality-tier3-nightly';
export const TIER3_CRON = '0 2 * * *';
/** Churn risk at or above this counts as high in the summary. */
export const HIGH_CHURN_RISK = 0.5;

const DAY_MS = 86_400_000;
const UPSERT_CHUNK = 500;
const WINDOWS = [7, 30, 90] as const;

type AnalyticsRow = typeof tutorAnalytics.$inferSelect;
type AnalyticsInsert = typeof tutorAnalytics.$inferInsert;

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** One window of `performance_trend`: the score (shrunk toward the population, as everywhere) and raw rates. */
function trendWindow(days: number, c: WindowCounts, pop: Population) {
  const s = computeScore(c, pop);
  const has = c.sessions > 0;
  return {
    window_days: days,
    sessions: c.sessions,
    rated_sessions: c.rated,
    overall_score: has ? s.overall : null,
    breakdown: has
      ? { attendance: s.attendance, ratings: s.ratings, completion: s.completion, reliability: s.reliability }
      : null,
    confidence: s.confidence,
    avg_rating: rateOrNull(c.ratingSum, c.rated),
    no_show_rate: rateOrNull(c.noShows, c.sessions),
    late_rate: rateOrNull(c.late, c.joined),
    early_end_rate: rateOrNull(c.earlyEnds, c.bothJoined),
    reschedule_rate: rateOrNull(c.reschedules, c.sessions),
    tutor_reschedule_rate: rateOrNull(c.tutorReschedules, c.sessions),
  };
}

export function toAnalyticsDto(r: AnalyticsRow): TTutorAnalytics {
  return {
    tutor_id: r.tutorId,
    analysis_date: r.analysisDate,
    direction: r.direction,
    percentile_rank: r.percentileRank,
    peer_group: r.peerGroup,
    peer_group_size: r.peerGroupSize,
    churn_risk_30d: r.churnRisk30d,
    churn_risk_90d: r.churnRisk90d,
    churn_factors: r.churnFactors.map((f) => ({
      ...f,
      contribution: Math.round(f.weight * f.value * 1000) / 1000,
    })),
    performance_trend: r.performanceTrend as TTutorAnalytics['performance_trend'],
    created_at: r.createdAt.toISOString(),
  };
}

export type Tier3Deps = {
  db: Db;
  clock: Clock;
  events: EventService;
  queue: JobQueue<AppJobs>;
  scores: Pick<ScoreService, 'rescore' | 'announce' | 'population'>;
  /** Nightly auto-resolution of pattern flags (after today's rescore); absent = none. */
  flags?: { autoResolve(opts: { now?: Date }): Promise<{ resolved: unknown[] }> };
  logger?: Logger;
  rules?: Tier3Rules;
};

export function createTier3Service(deps: Tier3Deps) {
  const { db, clock, events, queue, scores } = deps;
  const rules = deps.rules ?? TIER3_RULES;

  /** Analysis date (default: today, UTC) → the instant its windows end at. Future dates are refused. */
  function resolveDate(date: string | undefined): { analysisDate: string; now: Date; isToday: boolean } {
    const clockNow = clock.now();
    const today = isoDay(clockNow);
    const analysisDate = date ?? today;
    if (analysisDate > today) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Analysis date ${analysisDate} is in the future (today is ${today} UTC)`,
      );
    }
    if (analysisDate === today) return { analysisDate, now: clockNow, isToday: true };
    // A past date is analysed as it stood at the end of that day.
    return { analysisDate, now: new Date(Date.parse(`${analysisDate}T00:00:00Z`) + DAY_MS), isToday: false };
  }

  /** Every tutor to analyse (active, or with sessions in 90 days), its main subject and last session. */
  async function loadRoster(now: Date) {
    // An ordered limit 1 reads sessions_tutor_start_id_idx backwards, one index probe per tutor (a plain max()
    // lets the planner walk the start-time index instead: seconds at 10× scale). The column is NOT NULL; no
    // `nulls last`, which an ascending index read backwards could not serve.
    const res = await db.execute(sql`
      select t.id, t.main_subject_id, t.is_active, l.last_session_at
      from tutors t
      left join lateral (
        select s.session_start_time as last_session_at
        from sessions s
        where s.tutor_id = t.id and s.session_start_time <= ${now}::timestamptz
        order by s.session_start_time desc
        limit 1
      ) l on true`);
    return rowsOf<{
      id: string;
      main_subject_id: string | null;
      is_active: boolean;
      last_session_at: string | Date | null;
    }>(res).map((r) => ({
      id: r.id,
      mainSubjectId: r.main_subject_id,
      isActive: r.is_active,
      lastSessionAt: r.last_session_at === null ? null : new Date(r.last_session_at),
    }));
  }

  /**
   * For tutors without a main subject: their subjects over 90 days (from `subjects_covered`), matched to a
   * subject id by id or name where one exists, counted.
   */
  async function loadFallbackSubjects(now: Date): Promise<Map<string, string>> {
    const res = await db.execute(sql`
      select c.tutor_id, coalesce(sub.id, c.subject) as subject, sum(c.n)::int as n
      from (
        select s.tutor_id, lower(trim(x.subj)) as subject, count(*)::int as n
        from sessions s
        cross join lateral unnest(s.subjects_covered) as x(subj)
        where s.tutor_id in (select id from tutors where main_subject_id is null)
          and s.session_start_time > ${now}::timestamptz - make_interval(days => 90)
          and s.session_start_time <= ${now}::timestamptz
        group by 1, 2
      ) c
      left join subjects sub on lower(sub.id) = c.subject or lower(sub.name) = c.subject
      group by 1, 2`);
    const per = new Map<string, Array<{ subject: string; n: number }>>();
    for (const r of rowsOf<{ tutor_id: string; subject: string; n: number }>(res)) {
      let list = per.get(r.tutor_id);
      if (!list) per.set(r.tutor_id, (list = []));
      list.push({ subject: r.subject, n: Number(r.n) });
    }
    const out = new Map<string, string>();
    for (const [id, list] of per) {
      const best = mostFrequent(list);
      if (best) out.set(id, best);
    }
    return out;
  }

  /** Open (and in-progress) critical and high flags per tutor. */
  async function loadOpenFlags(): Promise<Map<string, { critical: number; high: number }>> {
    const res = await db.execute(sql`
      select tutor_id,
        count(*) filter (where severity = 'critical')::int as critical,
        count(*) filter (where severity = 'high')::int as high
      from flags
      where status in ('open', 'in_progress') and severity in ('critical', 'high')
      group by tutor_id`);
    return new Map(
      rowsOf<{ tutor_id: string; critical: number; high: number }>(res).map((r) => [
        r.tutor_id,
        { critical: Number(r.critical), high: Number(r.high) },
      ]),
    );
  }

  /** Computes the analysis rows for every tutor (no writes). */
  async function analyse(
    now: Date,
    analysisDate: string,
    /** Counts already loaded as of `now` (by today's rescore), for tutors with sessions in 90 days. */
    known?: Map<string, Map<number, WindowCounts>>,
  ) {
    const pop = await scores.population(now);
    const [counts, roster, fallback, openFlags] = await Promise.all([
      known ?? loadWindowCounts(db, { now, windowsDays: [...WINDOWS] }),
      loadRoster(now),
      loadFallbackSubjects(now),
      loadOpenFlags(),
    ]);
    const tutors = roster.filter((t) => t.isActive || counts.has(t.id));
    const countsOf = (id: string, days: number) => counts.get(id)?.get(days) ?? EMPTY_COUNTS;

    // Peer groups and percentiles over the 30-day score.
    const score30 = new Map<string, number>();
    for (const t of tutors) {
      const c30 = countsOf(t.id, 30);
      if (c30.sessions > 0) score30.set(t.id, computeScore(c30, pop).overall);
    }
    const groups = assignPeerGroups(
      tutors.map((t) => ({
        id: t.id,
        subject: t.mainSubjectId ?? fallback.get(t.id) ?? null,
        ranked: score30.has(t.id),
      })),
      rules.percentile,
    );
    const members = new Map<string, Array<{ id: string; score: number }>>();
    for (const [id, g] of groups) {
      const s = score30.get(id);
      if (s === undefined) continue;
      let list = members.get(g.group);
      if (!list) members.set(g.group, (list = []));
      list.push({ id, score: s });
    }
    // `all` ranks every scored tutor, whatever their own group.
    if (members.has(rules.percentile.fallbackGroup)) {
      members.set(
        rules.percentile.fallbackGroup,
        [...score30].map(([id, score]) => ({ id, score })),
      );
    }
    const ranks = new Map<string, number>();
    for (const [group, list] of members) {
      for (const [id, rank] of percentileRanks(list)) {
        if (groups.get(id)?.group === group) ranks.set(id, rank);
      }
    }

    const createdAt = clock.now();
    const rows: AnalyticsInsert[] = tutors.map((t) => {
      const c7 = countsOf(t.id, 7);
      const c30 = countsOf(t.id, 30);
      const c90 = countsOf(t.id, 90);
      const direction = directionFromCounts({ c7, c30, c90 }, pop, rules.direction);
      const rTrend = ratingTrend(c7, c30);
      const prior60 = c90.sessions - c30.sessions;
      const daysSince =
        t.lastSessionAt === null
          ? null
          : Math.max(0, Math.round(((now.getTime() - t.lastSessionAt.getTime()) / DAY_MS) * 10) / 10);
      const shrunk30 = computeScore(c30, pop).shrunk;
      const flagsOpen = openFlags.get(t.id) ?? { critical: 0, high: 0 };
      const churn = churnRisk(
        {
          direction: direction.value,
          sessions30: c30.sessions,
          priorSessions60: prior60,
          daysSinceLastSession: daysSince,
          avgRating: shrunk30.avgRating,
          ratingTrend: rTrend,
          tutorRescheduleRate: shrunk30.tutorRescheduleRate,
          noShowRate: shrunk30.noShowRate,
          openCriticalFlags: flagsOpen.critical,
          openHighFlags: flagsOpen.high,
        },
        rules.churn,
      );
      const group = groups.get(t.id)!;
      return {
        tutorId: t.id,
        analysisDate,
        performanceTrend: {
          last_7d: trendWindow(7, c7, pop),
          last_30d: trendWindow(30, c30, pop),
          last_90d: trendWindow(90, c90, pop),
          direction,
          rating_trend: rTrend,
          volume: {
            sessions_30d: c30.sessions,
            sessions_prior_60d: prior60,
            change: volumeChange(c30.sessions, prior60),
            last_session_at: t.lastSessionAt?.toISOString() ?? null,
            days_since_last_session: daysSince,
          },
        },
        direction: direction.value,
        percentileRank: ranks.get(t.id) ?? null,
        peerGroup: group.group,
        peerGroupSize: group.size,
        churnRisk30d: churn.risk30,
        churnRisk90d: churn.risk90,
        churnFactors: churn.factors,
        createdAt,
      };
    });
    return { rows, peerGroups: members.size };
  }

  /** Upserts a date's rows (and drops that date's rows of tutors no longer analysed), in one transaction. */
  async function store(analysisDate: string, rows: AnalyticsInsert[]) {
    await db.transaction(async (tx) => {
      const ids = rows.map((r) => r.tutorId);
      await tx
        .delete(tutorAnalytics)
        .where(
          ids.length
            ? and(
                eq(tutorAnalytics.analysisDate, analysisDate),
                sql`${tutorAnalytics.tutorId} <> all(${sql.param(ids)}::text[])`,
              )
            : eq(tutorAnalytics.analysisDate, analysisDate),
        );
      for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
        await tx
          .insert(tutorAnalytics)
          .values(rows.slice(i, i + UPSERT_CHUNK))
          .onConflictDoUpdate({
            target: [tutorAnalytics.tutorId, tutorAnalytics.analysisDate],
            set: {
              performanceTrend: sql.raw('excluded.performance_trend'),
              direction: sql.raw('excluded.direction'),
              percentileRank: sql.raw('excluded.percentile_rank'),
              peerGroup: sql.raw('excluded.peer_group'),
              peerGroupSize: sql.raw('excluded.peer_group_size'),
              churnRisk30d: sql.raw('excluded.churn_risk_30d'),
              churnRisk90d: sql.raw('excluded.churn_risk_90d'),
              churnFactors: sql.raw('excluded.churn_factors'),
              createdAt: sql.raw('excluded.created_at'),
            },
          });
      }
    });
    await refreshSummaryAnalytics(db, clock.now());
  }

  return {
    /**
     * Runs the analysis for a date (default today, UTC). Today: rescore first (current scores and pattern
     * flags as of now), then analyse. A past date: analyse as of the end of that day without touching the
     * current scores (open flags are those open now).
     */
    async run(opts: { date?: string } = {}): Promise<TTier3Summary> {
      const started = performance.now();
      const { analysisDate, now, isToday } = resolveDate(opts.date);
      let rescored: number | null = null;
      let autoResolved: number | null = null;
      let counts: Map<string, Map<number, WindowCounts>> | undefined;
      if (isToday) {
        const r = await scores.rescore(undefined, { now, refreshPopulation: true });
        await scores.announce(r);
        rescored = r.tutors;
        counts = r.counts;
        // After the rescore, so every flag's last confirmation is current before it is judged stale.
        if (deps.flags) autoResolved = (await deps.flags.autoResolve({ now })).resolved.length;
      }
      const { rows, peerGroups } = await analyse(now, analysisDate, counts);
      await store(analysisDate, rows);
      const summary: TTier3Summary = {
        analysis_date: analysisDate,
        tutors: rows.length,
        rescored_tutors: rescored,
        auto_resolved_flags: autoResolved,
        improving: rows.filter((r) => r.direction === 'improving').length,
        declining: rows.filter((r) => r.direction === 'declining').length,
        high_churn_risk: rows.filter((r) => r.churnRisk30d >= HIGH_CHURN_RISK).length,
        peer_groups: peerGroups,
        duration_ms: Math.round(performance.now() - started),
      };
      await events.publish({
        type: 'analytics.updated',
        payload: { analysis_date: analysisDate, tutors: summary.tutors, declining: summary.declining },
        audience: QUALITY_AUDIENCE,
      });
      deps.logger?.info({ tier3: summary }, 'tier 3 analysis done');
      return summary;
    },

    /** Queues a run; the job id carries the date and the moment, so each request runs once. */
    async enqueue(opts: { date?: string } = {}): Promise<{ analysisDate: string; jobId: string }> {
      const { analysisDate } = resolveDate(opts.date);
      const jobId = `tier3:${analysisDate}:${clock.now().getTime()}`;
      await queue.add('quality.tier3', opts.date ? { date: opts.date } : {}, { jobId, priority: 8 });
      return { analysisDate, jobId };
    },

    /** A tutor's latest analysis, or null before the first run. */
    async latestForTutor(tutorId: string): Promise<TTutorAnalytics | null> {
      const [row] = await db
        .select()
        .from(tutorAnalytics)
        .where(eq(tutorAnalytics.tutorId, tutorId))
        .orderBy(desc(tutorAnalytics.analysisDate))
        .limit(1);
      return row ? toAnalyticsDto(row) : null;
    },
  };
}

export type Tier3Service = ReturnType<typeof createTier3Service>;

/** The `quality.tier3` job handler and its nightly schedule. */
export function createTier3Jobs(deps: { tier3: Pick<Tier3Service, 'run'> }) {
  const handlers: JobHandlers<AppJobs> = {
    'quality.tier3': async (payload) => {
      await deps.tier3.run(payload.date ? { date: payload.date } : {});
    },
  };
  return {
    handlers,
    async schedule(queue: JobQueue<AppJobs>) {
      await queue.schedule(TIER3_SCHEDULER_ID, TIER3_CRON, 'quality.tier3', {});
    },
  };
}
