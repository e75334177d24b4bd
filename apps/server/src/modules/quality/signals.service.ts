/**
 * What the quality module tells other modules about tutors and first sessions, read from its own tables: the
 * operations module's alert checkers and dashboard cards build on these instead of reading flags or scores.
 */
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { flags, qualityDailyTotals, tutors, tutorScores } from '../../db/schema/index';

const ACTIVE = ['open', 'in_progress'] as const;
const SERIOUS = ['high', 'critical'] as const;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export type TutorAttentionSignal = {
  tutorId: string;
  tutorName: string | null;
  flags: Array<{ id: string; type: string; severity: 'low' | 'medium' | 'high' | 'critical'; title: string }>;
  overallScore: number | null;
  confidence: number | null;
  isHighRisk: boolean;
};

export function createQualitySignalService(deps: { db: Db }) {
  const { db } = deps;

  return {
    /**
     * Tutors with an open (or in-progress) high or critical flag, or whose 30-day score is under `maxScore`
     * with at least `minConfidence` (a score on two sessions is not a finding). Sorted by tutor id.
     */
    async listTutorsNeedingAttention(opts: {
      maxScore: number;
      minConfidence: number;
    }): Promise<TutorAttentionSignal[]> {
      const [flagRows, lowScores] = await Promise.all([
        db
          .select({
            id: flags.id,
            tutorId: flags.tutorId,
            type: flags.flagType,
            severity: flags.severity,
            title: flags.title,
          })
          .from(flags)
          .where(and(inArray(flags.status, [...ACTIVE]), inArray(flags.severity, [...SERIOUS])))
          .orderBy(flags.tutorId, flags.id),
        db
          .select({ tutorId: tutorScores.tutorId })
          .from(tutorScores)
          .where(
            and(
              eq(tutorScores.windowDays, 30),
              lt(tutorScores.overallScore, opts.maxScore),
              gte(tutorScores.confidence, opts.minConfidence),
            ),
          ),
      ]);
      const ids = [
        ...new Set([...flagRows.map((f) => f.tutorId), ...lowScores.map((s) => s.tutorId)]),
      ].sort();
      if (ids.length === 0) return [];
      const [scoreRows, nameRows] = await Promise.all([
        db
          .select({
            tutorId: tutorScores.tutorId,
            overallScore: tutorScores.overallScore,
            confidence: tutorScores.confidence,
            isHighRisk: tutorScores.isHighRisk,
          })
          .from(tutorScores)
          .where(and(eq(tutorScores.windowDays, 30), inArray(tutorScores.tutorId, ids))),
        db.select({ id: tutors.id, name: tutors.name }).from(tutors).where(inArray(tutors.id, ids)),
      ]);
      const scores = new Map(scoreRows.map((s) => [s.tutorId, s]));
      const names = new Map(nameRows.map((n) => [n.id, n.name]));
      return ids.map((tutorId) => {
        const s = scores.get(tutorId);
        return {
          tutorId,
          tutorName: names.get(tutorId) ?? null,
          flags: flagRows
            .filter((f) => f.tutorId === tutorId)
            .map((f) => ({ id: f.id, type: f.type, severity: f.severity, title: f.title })),
          overallScore: s?.overallScore ?? null,
          confidence: s?.confidence ?? null,
          isHighRisk: s?.isHighRisk ?? false,
        };
      });
    },

    /** The tutor's 30-day score and number of open flags; null for an unknown tutor. */
    async tutorStanding(tutorId: string): Promise<{ overallScore: number | null; openFlags: number } | null> {
      const [t] = await db.select({ id: tutors.id }).from(tutors).where(eq(tutors.id, tutorId)).limit(1);
      if (!t) return null;
      const [[score], [open]] = await Promise.all([
        db
          .select({ overallScore: tutorScores.overallScore })
          .from(tutorScores)
          .where(and(eq(tutorScores.tutorId, tutorId), eq(tutorScores.windowDays, 30))),
        db
          .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
          .from(flags)
          .where(and(eq(flags.tutorId, tutorId), inArray(flags.status, [...ACTIVE]))),
      ]);
      return { overallScore: score?.overallScore ?? null, openFlags: open?.n ?? 0 };
    },

    /**
     * First sessions and poor first sessions over whole UTC days: from the day of `from` up to, not including,
     * the day of `to` (so `[today − 7, today)` is the last seven complete days).
     */
    async firstSessionTotals(from: Date, to: Date): Promise<{ firstSessions: number; poorFirst: number }> {
      const [r] = await db
        .select({
          firstSessions: sql<number>`coalesce(sum(${qualityDailyTotals.firstSessions}), 0)::int`.mapWith(
            Number,
          ),
          poorFirst: sql<number>`coalesce(sum(${qualityDailyTotals.poorFirst}), 0)::int`.mapWith(Number),
        })
        .from(qualityDailyTotals)
        .where(and(gte(qualityDailyTotals.day, isoDay(from)), lt(qualityDailyTotals.day, isoDay(to))));
      return { firstSessions: r?.firstSessions ?? 0, poorFirst: r?.poorFirst ?? 0 };
    },

    /** Distinct tutors with a flag raised in [from, to). */
    async tutorsFlaggedBetween(from: Date, to: Date): Promise<number> {
      const [r] = await db
        .select({ n: sql<number>`count(distinct ${flags.tutorId})::int`.mapWith(Number) })
        .from(flags)
        .where(and(gte(flags.createdAt, from), lt(flags.createdAt, to)));
      return r?.n ?? 0;
    },
  };
}

export type QualitySignalService = ReturnType<typeof createQualitySignalService>;
