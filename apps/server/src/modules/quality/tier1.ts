/**
 * Tier 1, per session (seconds after ingestion): the rules' findings replace the session's previous ones,
 * incidents open or feed per-session flags, the tutor is rescored (scores + pattern flags), tier 2 is queued
 * when there is text to analyse, reports and critical alerts are queued, and the dashboard is told. Safe to
 * run twice: findings are replaced, flag evidence is keyed by session, mails are keyed by report.
 *
 * Sessions are processed in groups: each `quality.tier1` job submits its session and resolves when the group
 * holding it has committed. A group is one pass of a dozen statements whatever its size (findings, flags,
 * one rescore of the group's tutors, one status update, one event insert), so throughput follows load: a
 * lone session is processed alone and at once, a burst shares a few passes instead of a pass each. A group
 * that fails is retried one session at a time, so one bad session fails only its own job.
 */
import { sql } from 'drizzle-orm';
import { anyOf, bulkInsert } from '../../db/bulk';
import type { Db, DbOrTx } from '../../db/client';
import { sessionFindings, type sessions } from '../../db/schema/index';
import type { AppJobs } from '../../jobs';
import { createGroupCommitter, type Settled } from '../../platform/batching';
import type { Clock } from '../../platform/clock';
import type { EventService } from '../../platform/events/events.service';
import type { Logger } from '../../platform/logger';
import type { JobQueue } from '../../platform/queue/port';
import { flagEvent, QUALITY_AUDIENCE, raiseFlags } from './flags.core';
import { refreshRollupsForSessions } from './rollups';
import { evaluateSession, flagForFinding, type SessionFacts } from './rules';
import type { ScoreService } from './scores.service';
import { QUALITY_THRESHOLDS, type QualityThresholds } from './thresholds';
import { tier2JobId, tier2Priority } from './tier2-sweep';

type SessionRow = typeof sessions.$inferSelect;
type SessionRef = { sessionId: string; version: number };

/** Sessions per pass, and passes running at once in one process (each holds a database connection). */
export const TIER1_GROUP = { maxSize: 100, concurrency: 2 } as const;

/** Jobs that consume a session's transcript (each queued once per session version, beside tier 2). */
export type TranscriptJobName = 'quality.tier2' | 'companion.session-transcript';

export type Tier1Deps = {
  /**
   * Who analyses a session's transcript: tier 2 (quality) by default; the composition root adds the
   * companion's consumer, so one stored transcript feeds both without either module knowing the other.
   */
  transcriptJobs?: readonly TranscriptJobName[];
  db: Db;
  clock: Clock;
  queue: JobQueue<AppJobs>;
  events: EventService;
  scores: ScoreService;
  logger: Logger;
  sessions: {
    getSessionsForProcessing(ids: string[]): Promise<SessionRow[]>;
    markManyProcessing(refs: Array<{ id: string; version: number }>): Promise<unknown>;
    markManyProcessed(refs: Array<{ id: string; version: number }>, at: Date): Promise<unknown>;
  };
  reports?: {
    queueSessionReports(
      items: Array<{
        session: {
          id: string;
          session_id: string;
          tutor_id: string;
          session_start_time: string;
          session_end_time: string;
        };
        version: number;
        issues: number;
      }>,
    ): Promise<unknown>;
    queueCriticalAlert(input: { flagId: string; sessionRowId?: string }): Promise<unknown>;
  };
  thresholds?: QualityThresholds;
  group?: { maxSize?: number; concurrency?: number };
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

/**
 * The rules over a set of sessions, in the caller's transaction: their findings replace the ones stored for
 * them, and the incidents raise (or add evidence to) their flags. `flagTime` dates each piece of evidence:
 * now for a live pass, the session's end for history. Tier 1 passes and the backfill share it.
 */
export async function applyRules(
  tx: DbOrTx,
  rows: SessionRow[],
  opts: { now: Date; thresholds: QualityThresholds; flagTime: (row: SessionRow) => Date },
) {
  const evaluated = rows.map((row) => {
    const facts = toSessionFacts(row);
    return { row, facts, findings: evaluateSession(facts, opts.thresholds) };
  });
  await tx.delete(sessionFindings).where(
    anyOf(
      sessionFindings.sessionId,
      rows.map((r) => r.id),
    ),
  );
  const findingRows = evaluated.flatMap(({ row, findings }) =>
    findings.map((f) => ({
      sessionId: row.id,
      tutorId: row.tutorId,
      occurredAt: row.sessionStartTime,
      type: f.type,
      severity: f.severity,
      minutes: f.minutes,
      blamesTutor: f.blamesTutor,
      details: f.details,
      createdAt: opts.now,
    })),
  );
  if (findingRows.length) await tx.execute(sql`insert into ${bulkInsert(sessionFindings, findingRows).sql}`);
  const decisions = evaluated.flatMap(({ row, facts, findings }) =>
    findings.flatMap((f) => {
      const decision = flagForFinding(f, facts);
      return decision ? [{ row, decision }] : [];
    }),
  );
  const raised = await raiseFlags(
    tx,
    decisions.map(({ row, decision }) => ({
      tutorId: row.tutorId,
      decision,
      sessionId: row.sessionId,
      evidenceKey: `session:${row.id}`,
      at: opts.flagTime(row),
    })),
  );
  // Last: the rollup locks are taken after every flag lock (see rollups.ts for the order).
  await refreshRollupsForSessions(tx, rows, opts.now);
  return {
    evaluated,
    raised: raised.map((r, k) => ({ ...r, sessionRowId: decisions[k]!.row.id })),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** One session version: the identity of a tier 1 job's work. */
const refKey = (sessionId: string, version: number) => `${sessionId}:v${version}`;

export function createTier1Handler(deps: Tier1Deps) {
  const { db, clock, queue, events, scores, logger } = deps;
  const thresholds = deps.thresholds ?? QUALITY_THRESHOLDS;
  const transcriptJobs = deps.transcriptJobs ?? ['quality.tier2'];

  /** One pass over a group of sessions. Throws when any step fails (the caller then goes one by one). */
  async function processGroup(refs: SessionRef[]): Promise<void> {
    const wanted = new Set(refs.map((r) => refKey(r.sessionId, r.version)));
    const found = await deps.sessions.getSessionsForProcessing(refs.map((r) => r.sessionId));
    // A session erased since, or corrected since (its newer version has its own job): nothing to do here.
    const rows = found.filter((r) => wanted.has(refKey(r.id, r.version))).sort((a, b) => compare(a.id, b.id));
    if (found.length < wanted.size) {
      const known = new Set(found.map((r) => r.id));
      for (const r of refs)
        if (!known.has(r.sessionId))
          logger.warn({ sessionId: r.sessionId }, 'tier1: session no longer exists');
    }
    if (rows.length === 0) return;
    const refsOf = rows.map((r) => ({ id: r.id, version: r.version }));
    await deps.sessions.markManyProcessing(refsOf);

    const now = clock.now();
    const { evaluated, raised } = await db.transaction((tx) =>
      applyRules(tx, rows, { now, thresholds, flagTime: () => now }),
    );

    const rescored = await scores.rescore([...new Set(rows.map((r) => r.tutorId))], { now });

    // Follow-ups are queued side by side; the sessions count as processed only once all of them are.
    const toAnalyse = rows.filter((r) => r.transcript || r.aiSummary);
    const queueTier2 = async () => {
      if (toAnalyse.length === 0) return;
      await queue.addBulk(
        toAnalyse.flatMap((row) =>
          transcriptJobs.map((name) => ({
            name,
            payload: { sessionId: row.id, version: row.version },
            opts: {
              jobId:
                name === 'quality.tier2'
                  ? tier2JobId(row.id, row.version)
                  : `${name}:${row.id}:v${row.version}`,
              priority: tier2Priority(row.isFirstSession),
            },
          })),
        ),
      );
    };
    const queueMail = async () => {
      const reports = deps.reports;
      if (!reports) return;
      await reports.queueSessionReports(
        evaluated.map(({ row, findings }) => ({
          session: {
            id: row.id,
            session_id: row.sessionId,
            tutor_id: row.tutorId,
            session_start_time: row.sessionStartTime.toISOString(),
            session_end_time: row.sessionEndTime.toISOString(),
          },
          version: row.version,
          issues: findings.filter((f) => f.blamesTutor).length,
        })),
      );
      // A pattern flag is alerted once per session of its tutor that fed it (keyed by that session).
      const sessionOfTutor = new Map(rows.map((r) => [r.tutorId, r.id]));
      const alerts = [
        ...raised,
        ...rescored.flags.map((r) => ({ ...r, sessionRowId: sessionOfTutor.get(r.flag.tutorId) })),
      ];
      for (const r of alerts) {
        if (
          r.flag.severity === 'critical' &&
          (r.outcome === 'raised' || r.outcome === 'escalated' || r.outcome === 'evidence_added')
        ) {
          await reports.queueCriticalAlert({
            flagId: r.flag.id,
            ...(r.sessionRowId ? { sessionRowId: r.sessionRowId } : {}),
          });
        }
      }
    };
    await Promise.all([queueTier2(), queueMail()]);
    await deps.sessions.markManyProcessed(refsOf, now);

    // One insert and one bus message for everything the dashboard should hear about this pass.
    const findingsOf = new Map(evaluated.map((e) => [e.row.id, e.findings]));
    await events.publish(
      ...rows.map((row) => ({
        type: 'session.processed',
        payload: {
          session_id: row.sessionId,
          id: row.id,
          tutor_id: row.tutorId,
          version: row.version,
          findings: (findingsOf.get(row.id) ?? []).map((f) => f.type),
        },
        audience: QUALITY_AUDIENCE,
      })),
      ...raised.filter((r) => r.outcome !== 'unchanged').map(flagEvent),
      ...scores.announcements(rescored),
    );
  }

  /** The group, or on failure each session alone, so only the sessions that fail by themselves fail. */
  async function runGroup(refs: SessionRef[]): Promise<Array<Settled<void>>> {
    const unique = [...new Map(refs.map((r) => [refKey(r.sessionId, r.version), r])).values()];
    try {
      await processGroup(unique);
      return refs.map(() => ({ ok: true, value: undefined }));
    } catch (err) {
      if (unique.length === 1) return refs.map(() => ({ ok: false, error: err }));
      logger.warn({ err, size: unique.length }, 'tier1: group failed; retrying its sessions one by one');
      const alone = new Map<string, Settled<void>>();
      for (const r of unique) {
        const key = refKey(r.sessionId, r.version);
        try {
          await processGroup([r]);
          alone.set(key, { ok: true, value: undefined });
        } catch (error) {
          alone.set(key, { ok: false, error });
        }
      }
      return refs.map((r) => alone.get(refKey(r.sessionId, r.version))!);
    }
  }

  const committer = createGroupCommitter<SessionRef, void>({
    maxSize: deps.group?.maxSize ?? TIER1_GROUP.maxSize,
    concurrency: deps.group?.concurrency ?? TIER1_GROUP.concurrency,
    run: runGroup,
  });

  /** The `quality.tier1` job handler: resolves once this session's group is committed. */
  return function processSession(payload: SessionRef): Promise<void> {
    return committer.submit(payload);
  };
}
