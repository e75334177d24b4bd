/**
 * The session detail coaches open from a flag or a tutor (seed 000's SessionResponse): the session (through the
 * sessions service), what the tier 1 rules found, the flags it raised or fed, the tier 2 analysis, the tutor's
 * current score and the reschedule. Looked up by the row uuid or the platform's session_id.
 */
import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { TReschedule, TSession, TTutorScore } from '@tutorpulse/contracts/quality';
import { ZSessionDetail, type TSessionDetail } from '@tutorpulse/contracts/quality-tutors';
import type { Db } from '../../db/client';
import { flags, reschedules, sessionAnalyses, sessionFindings } from '../../db/schema/index';
import type { ReadCache } from '../../platform/cache/read-cache';
import { AppError } from '../../platform/errors';
import { toFlagDto } from './flags.core';
import { SEVERITY_RANK } from './rules';
import { createSharedViews } from './shared-views';
import { analysisToDto } from './tier2';

export type SessionDetailSessionsPort = { getSessionDto(idOrPlatformId: string): Promise<TSession | null> };
export type SessionDetailScoresPort = { current(tutorId: string): Promise<Map<number, TTutorScore>> };

export const sessionNotFound = () =>
  new AppError('SESSION_NOT_FOUND', 'No session with that id', undefined, 404);

export function createSessionDetailService(deps: {
  db: Db;
  sessions: SessionDetailSessionsPort;
  scores: SessionDetailScoresPort;
  /** Keeps the session detail serialized and shared (see shared-views.ts); without it every call computes. */
  cache?: ReadCache;
}) {
  const { db, sessions, scores } = deps;
  const sharedView = createSharedViews(deps.cache);

  /**
   * The session's reschedule. A thin local read of the sessions module's `reschedules` table until its service
   * offers one per session (it has `rescheduleHistory` per tutor only).
   */
  async function loadReschedule(sessionRowId: string, platformId: string): Promise<TReschedule | null> {
    const [r] = await db.select().from(reschedules).where(eq(reschedules.sessionId, sessionRowId)).limit(1);
    if (!r) return null;
    return {
      session_id: platformId,
      initiator: r.initiator,
      original_time: r.originalTime.toISOString(),
      new_time: r.newTime?.toISOString() ?? null,
      reason: r.reason,
      reason_code: r.reasonCode,
      cancelled_at: r.cancelledAt?.toISOString() ?? null,
      hours_before_session: r.hoursBeforeSession,
    };
  }

  const service = {
    async get(idOrPlatformId: string): Promise<TSessionDetail> {
      const session = await sessions.getSessionDto(idOrPlatformId);
      if (!session) throw sessionNotFound();
      const [findingRows, flagRows, analysisRows, current, reschedule] = await Promise.all([
        db
          .select()
          .from(sessionFindings)
          .where(eq(sessionFindings.sessionId, session.id))
          .orderBy(asc(sessionFindings.id)),
        // Flags of this tutor that this session raised (session_id) or fed (supporting_data.sessions).
        db
          .select()
          .from(flags)
          .where(
            and(
              eq(flags.tutorId, session.tutor_id),
              or(
                eq(flags.sessionId, session.session_id),
                sql`${flags.supportingData}->'sessions' @> jsonb_build_array(${session.session_id}::text)`,
              ),
            ),
          ),
        db.select().from(sessionAnalyses).where(eq(sessionAnalyses.sessionId, session.id)).limit(1),
        scores.current(session.tutor_id),
        loadReschedule(session.id, session.session_id),
      ]);
      flagRows.sort(
        (a, b) =>
          SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
          b.createdAt.getTime() - a.createdAt.getTime(),
      );
      const analysis = analysisRows[0];
      return {
        session,
        findings: findingRows.map((f) => ({
          type: f.type,
          severity: f.severity,
          minutes: f.minutes,
          blames_tutor: f.blamesTutor,
          details: f.details ?? null,
        })),
        flags: flagRows.map((f) => toFlagDto(f, session.tutor_name)),
        analysis: analysis ? analysisToDto(analysis) : null,
        tutor_score: current.get(30) ?? null,
        reschedule,
      };
    },

    /** The session detail as JSON text, shared by every reader until an event changes it (see `get`). */
    getJson(idOrPlatformId: string): Promise<string> {
      return sharedView(`session:${idOrPlatformId}`, ZSessionDetail, () => service.get(idOrPlatformId));
    },
  };
  return service;
}

export type SessionDetailService = ReturnType<typeof createSessionDetailService>;
