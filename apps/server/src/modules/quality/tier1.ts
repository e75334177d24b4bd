/**
 * Tier 1, per session (seconds after ingestion): the rules' findings replace the session's previous ones,
 * incidents open or feed per-session flags, the tutor is rescored (scores + pattern flags), tier 2 is queued
 * when there is text to analyse, reports and critical alerts are queued, and the dashboard is told. Safe to
 * run twice: findings are replaced, flag evidence is keyed by session, mails are keyed by report.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { sessionFindings, type sessions } from '../../db/schema/index';
import type { AppJobs } from '../../jobs';
import type { Clock } from '../../platform/clock';
import type { EventService } from '../../platform/events/events.service';
import type { Logger } from '../../platform/logger';
import type { JobQueue } from '../../platform/queue/port';
import { flagEvent, QUALITY_AUDIENCE, raiseFlag, type FlagRow, type RaiseOutcome } from './flags.core';
import { evaluateSession, flagForFinding, type SessionFacts } from './rules';
import type { ScoreService } from './scores.service';
import { QUALITY_THRESHOLDS, type QualityThresholds } from './thresholds';

type SessionRow = typeof sessions.$inferSelect;

export type Tier1Deps = {
  db: Db;
  clock: Clock;
  queue: JobQueue<AppJobs>;
  events: EventService;
  scores: ScoreService;
  logger: Logger;
  sessions: {
    getSessionForProcessing(id: string): Promise<SessionRow | null>;
    markProcessing(id: string, version: number): Promise<unknown>;
    markProcessed(id: string, version: number, at: Date): Promise<unknown>;
  };
  reports?: {
    queueSessionReport(input: { sessionRowId: string; version: number }): Promise<unknown>;
    queueCriticalAlert(input: { flagId: string; sessionRowId?: string }): Promise<unknown>;
  };
  thresholds?: QualityThresholds;
};

export function toSessionFacts(row: SessionRow): SessionFacts {
  return {
    sessionId: row.sessionId,
    tutorId: row.tutorId,
    start: row.sessionStartTime,
    end: row.sessionEndTime,
    tutorJoin: row.tutorJoinTime,
    studentJoin: row.studentJoinTime,
    tutorLeave: row.tutorLeaveTime,
    studentLeave: row.studentLeaveTime,
    isFirstSession: row.isFirstSession,
    studentRating: row.studentFeedbackRating,
    wasRescheduled: row.wasRescheduled,
    rescheduledBy: row.rescheduledBy,
  };
}

export function createTier1Handler(deps: Tier1Deps) {
  const { db, clock, queue, events, scores, logger } = deps;
  const thresholds = deps.thresholds ?? QUALITY_THRESHOLDS;

  return async function processSession(payload: { sessionId: string; version: number }) {
    const row = await deps.sessions.getSessionForProcessing(payload.sessionId);
    if (!row) {
      logger.warn({ sessionId: payload.sessionId }, 'tier1: session no longer exists');
      return;
    }
    // A correction arrived since this job was queued: its own job (newer version) does the work.
    if (row.version !== payload.version) return;
    await deps.sessions.markProcessing(row.id, row.version);

    const facts = toSessionFacts(row);
    const findings = evaluateSession(facts, thresholds);
    const now = clock.now();
    const raised = await db.transaction(async (tx) => {
      await tx.delete(sessionFindings).where(eq(sessionFindings.sessionId, row.id));
      if (findings.length) {
        await tx.insert(sessionFindings).values(
          findings.map((f) => ({
            sessionId: row.id,
            tutorId: row.tutorId,
            occurredAt: row.sessionStartTime,
            type: f.type,
            severity: f.severity,
            minutes: f.minutes,
            blamesTutor: f.blamesTutor,
            details: f.details,
            createdAt: now,
          })),
        );
      }
      const out: Array<{ flag: FlagRow; outcome: RaiseOutcome }> = [];
      for (const f of findings) {
        const decision = flagForFinding(f, facts);
        if (!decision) continue;
        out.push(
          await raiseFlag(tx, {
            tutorId: row.tutorId,
            decision,
            sessionId: row.sessionId,
            evidenceKey: `session:${row.id}`,
            at: now,
          }),
        );
      }
      return out;
    });

    const rescored = await scores.rescore([row.tutorId], { now });

    if (row.transcript || row.aiSummary) {
      await queue.add(
        'quality.tier2',
        { sessionId: row.id, version: row.version },
        { jobId: `tier2:${row.id}:v${row.version}`, priority: row.isFirstSession ? 2 : 6 },
      );
    }
    if (deps.reports) {
      await deps.reports.queueSessionReport({ sessionRowId: row.id, version: row.version });
      for (const r of [...raised, ...rescored.flags]) {
        if (
          r.flag.severity === 'critical' &&
          (r.outcome === 'raised' || r.outcome === 'escalated' || r.outcome === 'evidence_added')
        ) {
          await deps.reports.queueCriticalAlert({ flagId: r.flag.id, sessionRowId: row.id });
        }
      }
    }
    await deps.sessions.markProcessed(row.id, row.version, now);

    const changed = raised.filter((r) => r.outcome !== 'unchanged');
    await events.publish(
      {
        type: 'session.processed',
        payload: {
          session_id: row.sessionId,
          id: row.id,
          tutor_id: row.tutorId,
          version: row.version,
          findings: findings.map((f) => f.type),
        },
        audience: QUALITY_AUDIENCE,
      },
      ...changed.map(flagEvent),
    );
    await scores.announce(rescored);
  };
}
