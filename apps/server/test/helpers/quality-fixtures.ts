/**
 * Quality fixtures for integration tests: subjects, tutors, students and sessions inserted directly, with the
 * real tier 1 rules (`evaluateSession`) writing each session's findings, exactly as tier 1 stores them. Then a
 * test calls `scores.rescore()` (and tier 3) on top. Sessions are described by what happened (late by n
 * minutes, no-show, left early, rating, rescheduled), relative to a fixed `now`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/client';
import {
  reschedules,
  sessionFindings,
  sessions,
  students,
  subjects,
  tutorSubjects,
  tutors,
} from '../../src/db/schema/index';
import { refreshRollupsForSessions } from '../../src/modules/quality/rollups';
import { evaluateSession, type SessionFacts } from '../../src/modules/quality/rules';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const CHUNK = 500;

export type FixtureSession = {
  /** Platform session id (default: random). */
  id?: string;
  tutorId: string;
  studentId?: string;
  start: Date;
  minutes?: number;
  /** Minutes after the start the tutor joined; null = tutor no-show. Default 0. */
  lateMin?: number | null;
  /** Minutes before the end the tutor left (the student stays to the end). Default 0. */
  earlyMin?: number;
  studentNoShow?: boolean;
  rating?: number | null;
  first?: boolean;
  rescheduledBy?: 'tutor' | 'student' | null;
  subjects?: string[];
  /** Marks the session processed at this instant (default: processed 1 h after its end). */
  processedAt?: Date | null;
};

export async function insertSubjects(db: Db, rows: Array<{ id: string; name: string }>) {
  await db
    .insert(subjects)
    .values(rows.map((r) => ({ ...r, category: 'test' })))
    .onConflictDoNothing();
}

export async function insertTutors(
  db: Db,
  rows: Array<{
    id: string;
    name: string;
    mainSubjectId?: string | null;
    subjectIds?: string[];
    isActive?: boolean;
  }>,
) {
  await db
    .insert(tutors)
    .values(
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        mainSubjectId: r.mainSubjectId ?? null,
        isActive: r.isActive ?? true,
      })),
    )
    .onConflictDoNothing();
  const links = rows.flatMap((r) => (r.subjectIds ?? []).map((subjectId) => ({ tutorId: r.id, subjectId })));
  if (links.length) await db.insert(tutorSubjects).values(links).onConflictDoNothing();
}

export async function insertStudents(db: Db, ids: string[]) {
  await db
    .insert(students)
    .values(ids.map((id) => ({ id, name: `Student ${id}` })))
    .onConflictDoNothing();
}

const c0 = (chunk: Array<{ row: { receivedAt: Date } }>) => chunk[0]!.row.receivedAt;

/** Inserts sessions, their findings (the real rules) and rollups (as tier 1). Returns platform id → row uuid. */
export async function insertSessions(db: Db, list: FixtureSession[]): Promise<Map<string, string>> {
  const studentIds = [...new Set(list.map((s) => s.studentId ?? 'stu-fixture'))];
  await insertStudents(db, studentIds);
  const ids = new Map<string, string>();
  for (let i = 0; i < list.length; i += CHUNK) {
    const chunk = list.slice(i, i + CHUNK).map((s) => {
      const sessionId = s.id ?? `s-${randomUUID()}`;
      const minutes = s.minutes ?? 60;
      const end = new Date(s.start.getTime() + minutes * MINUTE);
      const tutorJoin = s.lateMin === null ? null : new Date(s.start.getTime() + (s.lateMin ?? 0) * MINUTE);
      const studentJoin = s.studentNoShow ? null : s.start;
      const tutorLeave = tutorJoin ? new Date(end.getTime() - (s.earlyMin ?? 0) * MINUTE) : null;
      const studentLeave = studentJoin ? end : null;
      const facts: SessionFacts = {
        sessionId,
        tutorId: s.tutorId,
        start: s.start,
        end,
        tutorJoin,
        studentJoin,
        tutorLeave,
        studentLeave,
        isFirstSession: s.first ?? false,
        studentRating: s.rating ?? null,
        wasRescheduled: Boolean(s.rescheduledBy),
        rescheduledBy: s.rescheduledBy ?? null,
      };
      const processedAt = s.processedAt === undefined ? new Date(end.getTime() + HOUR) : s.processedAt;
      return {
        facts,
        row: {
          sessionId,
          tutorId: s.tutorId,
          studentId: s.studentId ?? 'stu-fixture',
          sessionStartTime: s.start,
          sessionEndTime: end,
          tutorJoinTime: tutorJoin,
          studentJoinTime: studentJoin,
          tutorLeaveTime: tutorLeave,
          studentLeaveTime: studentLeave,
          subjectsCovered: s.subjects ?? ['general'],
          isFirstSession: s.first ?? false,
          sessionLengthScheduled: minutes,
          wasRescheduled: Boolean(s.rescheduledBy),
          rescheduledBy: s.rescheduledBy ?? null,
          rescheduleCount: s.rescheduledBy ? 1 : 0,
          studentFeedbackRating: s.rating ?? null,
          studentFeedbackDescription: s.rating ? 'fixture' : null,
          contentHash: createHash('sha256').update(sessionId).digest('hex'),
          processingStatus: processedAt ? ('processed' as const) : ('received' as const),
          processedAt,
          receivedAt: end,
        },
      };
    });
    const inserted = await db
      .insert(sessions)
      .values(chunk.map((c) => c.row))
      .returning({ id: sessions.id, sessionId: sessions.sessionId });
    for (const r of inserted) ids.set(r.sessionId, r.id);
    const findings = chunk.flatMap((c) =>
      evaluateSession(c.facts).map((f) => ({
        sessionId: ids.get(c.facts.sessionId)!,
        tutorId: c.facts.tutorId,
        occurredAt: c.facts.start,
        type: f.type,
        severity: f.severity,
        minutes: f.minutes,
        blamesTutor: f.blamesTutor,
        details: f.details,
        createdAt: c.row.receivedAt,
      })),
    );
    if (findings.length) await db.insert(sessionFindings).values(findings);
    // The rollups, as tier 1 keeps them when it stores findings.
    await db.transaction((tx) =>
      refreshRollupsForSessions(
        tx,
        chunk.map((c) => ({
          id: ids.get(c.facts.sessionId)!,
          tutorId: c.facts.tutorId,
          sessionStartTime: c.facts.start,
        })),
        c0(chunk),
      ),
    );
    const resched = chunk
      .filter((c) => c.row.wasRescheduled)
      .map((c) => ({
        sessionId: ids.get(c.facts.sessionId)!,
        tutorId: c.facts.tutorId,
        initiator: c.row.rescheduledBy!,
        originalTime: new Date(c.facts.start.getTime() - DAY),
        newTime: c.facts.start,
        reason: 'fixture',
        reasonCode: 'schedule_conflict',
        cancelledAt: new Date(c.facts.start.getTime() - 2 * DAY),
        hoursBeforeSession: 24,
      }));
    if (resched.length) await db.insert(reschedules).values(resched);
  }
  return ids;
}

/**
 * `perDay` sessions a day for a tutor on each day from `fromDaysAgo` down to `toDaysAgo` (inclusive) before
 * `now`: the k-th starts (k + 2) hours before `now`'s time of day, so every session has ended by `now`.
 * `shape(daysAgo, k)` says what happened in each (default: on time, rated 5).
 */
export function dailySessions(
  now: Date,
  tutorId: string,
  opts: {
    fromDaysAgo: number;
    toDaysAgo: number;
    perDay?: number;
    shape?: (daysAgo: number, k: number) => Partial<FixtureSession>;
  },
): FixtureSession[] {
  const out: FixtureSession[] = [];
  const perDay = opts.perDay ?? 1;
  for (let d = opts.fromDaysAgo; d >= opts.toDaysAgo; d--) {
    for (let k = 0; k < perDay; k++) {
      const start = new Date(now.getTime() - d * DAY - (k + 2) * HOUR);
      out.push({ tutorId, start, rating: 5, ...(opts.shape?.(d, k) ?? {}) });
    }
  }
  return out;
}
