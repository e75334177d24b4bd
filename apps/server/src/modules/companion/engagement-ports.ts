/**
 * What the companion's engagement side (chat, goals, notifications, nudges, routing) needs from elsewhere,
 * as small structural ports: the mastery engine (the companion's own mastery service), the sessions module,
 * the identity module and the quality module. The composition root wires the real ones (engagement.ts);
 * tests stand in their own.
 */
import type { Principal } from '../../platform/auth/principal';
import { AppError } from '../../platform/errors';

/** One concept's mastery for a student. Concept keys are `<subject_id>:<concept-slug>`. */
export type MasteryRecord = {
  conceptKey: string;
  subjectId: string;
  name: string;
  /** 0–100. */
  mastery: number;
  updatedAt: Date;
  /** Concept notes, when the mastery engine has them: searched by the local chat. */
  description?: string | null;
  keyPoints?: string[];
};

/** One graded attempt (practice answer, or a transcript's attempt), newest first. */
export type AttemptRecord = {
  conceptKey: string;
  correct: boolean;
  at: Date;
  source: 'practice' | 'transcript';
  question?: string | null;
  answer?: string | null;
  /** What the grader or the analysis saw going wrong, when known. */
  misconception?: string | null;
};

export type MasteryReader = {
  getMastery(studentId: string, conceptKeys?: string[]): Promise<MasteryRecord[]>;
  /** Recent attempts, newest first; optional (no attempts: no error-based routing trigger). */
  recentAttempts?(studentId: string, opts: { limit: number; since?: Date }): Promise<AttemptRecord[]>;
};

/** A reader with nothing in it: the engagement side works (goals at 0 %, chat on transcripts) without mastery. */
export const EMPTY_MASTERY_READER: MasteryReader = {
  getMastery: () => Promise.resolve([]),
  recentAttempts: () => Promise.resolve([]),
};

export type StudentSession = {
  sessionId: string;
  tutorId: string;
  subjects: string[];
  start: Date;
  transcript: string | null;
  summary: string | null;
};

export type StudentActivity = {
  studentId: string;
  name: string;
  signedUpAt: Date;
  sessionsTotal: number;
  sessionsFirstWeek: number;
  lastSessionAt: Date | null;
  /** Subjects of the latest sessions, most recent first. */
  recentSubjects: string[];
};

/** The sessions module's reads the engagement side uses (its index.ts service). */
export type StudentSessionsReader = {
  listRecentForStudent(studentId: string, limit: number): Promise<StudentSession[]>;
  /** Changes whenever the student's sessions (or their transcripts) change: a cheap cache key. */
  materialFingerprint(studentId: string): Promise<string>;
  /** Whether the tutor has had a session with the student. */
  hasTaughtStudent(tutorId: string, studentId: string): Promise<boolean>;
  /** Students with a session with this tutor (ids). */
  tutorsOfStudent(studentId: string): Promise<Array<{ tutorId: string; subjects: string[]; last: Date }>>;
  getStudent(studentId: string): Promise<{ id: string; name: string; signedUpAt: Date } | null>;
  /** Of these students, those signed up since `signedUpSince`, or whose last session is older than `inactiveBefore`. */
  listStudentActivity(opts: {
    studentIds: string[];
    signedUpSince: Date;
    inactiveBefore: Date;
    inactiveNotBefore: Date;
    limit: number;
  }): Promise<StudentActivity[]>;
};

/** The identity module's users behind marketplace records, to address live events. */
export type AccountDirectory = {
  userIdsForStudent(studentId: string): Promise<string[]>;
  userIdsForTutor(tutorId: string): Promise<string[]>;
  /** Students who can read in-app notifications (an enabled student account), by student id. */
  listStudentsWithAccounts(): Promise<string[]>;
};

export type RankedTutor = {
  tutorId: string;
  name: string;
  isActive: boolean;
  mainSubject: string | null;
  overallScore: number | null;
  confidence: number | null;
  totalSessions: number;
  isHighRisk: boolean;
};

/** Tutors ranked by the quality module's scores (best first), for a subject. */
export type TutorDirectory = {
  rankForSubject(subjectId: string | undefined, limit: number): Promise<RankedTutor[]>;
};

// ---------------------------------------------------------------------------------------------------------
// Per-object access (seed 004's permission matrix): a student reaches only their own records, a tutor only
// the students they teach (a session together, or a hand-off routed to them), an admin everything.

export type StudentAccess = {
  /** Throws 403 unless the principal may see this student's records. */
  assertCanSee(p: Principal, studentId: string): Promise<void>;
  /** Throws 403 unless the principal may act for the student (students themselves and admins). */
  assertCanAct(p: Principal, studentId: string): Promise<void>;
  /** The student a request is about: the student's own id, or the one named (tutors and admins). */
  resolveStudent(p: Principal, named: string | undefined): string;
};

/**
 * Someone else's student: answered 404, as for any record that is not yours, so ids cannot be probed for
 * existence (the route's role check has already answered 403 to roles that may never call it).
 */
export const forbidden = () =>
  new AppError('STUDENT_NOT_FOUND', 'No student with that id among the ones you can see', undefined, 404);

export function createStudentAccess(deps: {
  sessions: Pick<StudentSessionsReader, 'hasTaughtStudent'>;
  /** Tutors also reach students handed off to them. */
  hasHandoffTo(tutorId: string, studentId: string): Promise<boolean>;
}): StudentAccess {
  return {
    async assertCanSee(p, studentId) {
      if (p.role === 'admin') return;
      if (p.role === 'student' && p.studentId === studentId) return;
      if (p.role === 'tutor' && p.tutorId) {
        if (await deps.sessions.hasTaughtStudent(p.tutorId, studentId)) return;
        if (await deps.hasHandoffTo(p.tutorId, studentId)) return;
      }
      throw forbidden();
    },
    async assertCanAct(p, studentId) {
      if (p.role === 'admin') return;
      if (p.role === 'student' && p.studentId === studentId) return;
      throw forbidden();
    },
    resolveStudent(p, named) {
      if (p.role === 'student') {
        if (!p.studentId)
          throw new AppError('FORBIDDEN', 'This account is not linked to a student', undefined, 403);
        if (named && named !== p.studentId) throw forbidden();
        return p.studentId;
      }
      if (!named)
        throw new AppError('VALIDATION_FAILED', 'student_id is required', [
          { path: 'body.student_id', message: 'Required unless you are the student' },
        ]);
      return named;
    },
  };
}
