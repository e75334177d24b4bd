/**
 * The plain, in-memory description of one customer's history that the churn model reads. The operations module
 * builds it from the database (sessions, support calls, goals, the quality module's tutor scores); the synthetic
 * population in `cli/seed/churn-population.ts` builds it directly. Every record carries the time at which it
 * became known, so features at a cut-off can refuse everything later (see `features.ts`).
 */

/** What became of a booked session. Only `completed` counts as the customer being active. */
export const SESSION_STATUSES = ['completed', 'tutor_no_show', 'student_no_show', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export type SessionRecord = {
  tutorId: string;
  /** Scheduled start. */
  startsAt: Date;
  /** Scheduled end: the session's outcome (status, first-session flag) is known from then on. */
  endsAt: Date;
  status: SessionStatus;
  /** The first session of this customer with this tutor (the webhook's `is_first_session`). */
  isFirstSession: boolean;
  /** The customer's (student's) rating 1–5, if they gave one. */
  rating?: number | null;
  /** When the rating arrived; `endsAt` when absent. */
  ratedAt?: Date | null;
  /** The session was moved; `requestedAt` is when the move was asked for. */
  reschedule?: { by: 'tutor' | 'student' | 'system'; requestedAt: Date } | null;
};

export type SupportCall = { at: Date };

export type Goal = { setAt: Date; completedAt: Date | null };

/** A tutor's quality score (0–100) as the quality module computed it at `at`. */
export type TutorScoreRecord = { tutorId: string; at: Date; score: number };

export type CustomerHistory = {
  customerId: string;
  signedUpAt: Date;
  /** Acquisition channel; anything outside ACQUISITION_CHANNELS counts as `other`. */
  channel: string;
  sessions: readonly SessionRecord[];
  supportCalls: readonly SupportCall[];
  goals: readonly Goal[];
  tutorScores: readonly TutorScoreRecord[];
};
