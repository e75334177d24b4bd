/**
 * Routing to a human tutor: the analysis (rules, then the AI task when the rules or the caller ask for it),
 * the hand-off record carrying misconceptions, recent attempts and mastery to the tutor (the student's own tutor
 * for the subject when there is one, else the best-scored tutor of the subject), available tutors ranked by the
 * quality module's scores, and a tutor's view of their student's context. No HTTP types here.
 */
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { THandoff, TRoutingDecision, TStudentContext } from '@tutorpulse/contracts/companion-engagement';
import type { Db } from '../../../db/client';
import { companionHandoffs } from '../../../db/schema/index';
import type { AiPort } from '../../../platform/ai/port';
import type { Clock } from '../../../platform/clock';
import type { EventService } from '../../../platform/events/events.service';
import { notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { ChatService } from '../chat/chat.service';
import { toChatMessageDto } from '../chat/chat.service';
import type {
  AccountDirectory,
  MasteryReader,
  StudentSessionsReader,
  TutorDirectory,
} from '../engagement-ports';
import type { GoalService } from '../goals/goals.service';
import type { NotificationService } from '../notifications/notifications.service';
import { decideRouting, type RuleDecision } from './routing.rules';
import { tutorRoutingTask } from './routing.task';

export const HANDOFF_EVENT = 'companion.handoff';
/** A student with an open hand-off this recent gets no second one (the first is updated instead). */
const HANDOFF_DEDUPE_MS = 24 * 3_600_000;
const ATTEMPTS_CONSIDERED = 30;
const ATTEMPTS_SINCE_MS = 14 * 86_400_000;

type HandoffRow = typeof companionHandoffs.$inferSelect;

export function toHandoffDto(h: HandoffRow): THandoff {
  return {
    id: h.id,
    student_id: h.studentId,
    tutor_id: h.tutorId,
    subject_id: h.subjectId,
    triggers: h.triggers,
    reason: h.reason,
    urgency: h.urgency,
    recommended_topic: h.recommendedTopic,
    estimated_duration: h.estimatedDuration,
    misconceptions: h.misconceptions,
    recent_attempts: h.recentAttempts,
    mastery: h.mastery,
    status: h.status,
    created_at: h.createdAt.toISOString(),
  };
}

export function createRoutingService(deps: {
  db: Db;
  clock: Clock;
  ai: AiPort;
  events: EventService;
  mastery: MasteryReader;
  sessions: StudentSessionsReader;
  chat: Pick<ChatService, 'recentMessages'>;
  goals: Pick<GoalService, 'list'>;
  notifications: NotificationService;
  accounts: AccountDirectory;
  tutors: TutorDirectory;
  logger?: Pick<Logger, 'warn'>;
}) {
  const { db, clock, mastery, sessions } = deps;

  async function pickTutor(studentId: string, subjectId: string | null): Promise<string | null> {
    const own = await sessions.tutorsOfStudent(studentId);
    const forSubject = own.filter((t) => !subjectId || t.subjects.includes(subjectId));
    if (forSubject.length) return forSubject.sort((a, b) => b.last.getTime() - a.last.getTime())[0]!.tutorId;
    const ranked = await deps.tutors.rankForSubject(subjectId ?? undefined, 5);
    return ranked.find((t) => t.isActive && !t.isHighRisk)?.tutorId ?? ranked[0]?.tutorId ?? null;
  }

  async function openHandoff(
    studentId: string,
    d: RuleDecision,
    provider: string,
    attempts: Awaited<ReturnType<NonNullable<MasteryReader['recentAttempts']>>>,
    records: Awaited<ReturnType<MasteryReader['getMastery']>>,
  ) {
    const now = clock.now();
    const subjectId =
      d.concepts[0]?.split(':')[0] ??
      (await sessions.listRecentForStudent(studentId, 1))[0]?.subjects[0] ??
      null;
    const payload = {
      triggers: d.triggers,
      reason: d.reason,
      urgency: d.urgency,
      recommendedTopic: d.recommendedTopic,
      estimatedDuration: d.estimatedDuration,
      misconceptions: d.misconceptions,
      recentAttempts: attempts.slice(0, 10).map((a) => ({
        concept_key: a.conceptKey,
        correct: a.correct,
        at: a.at.toISOString(),
        question: a.question ?? null,
        answer: a.answer ?? null,
      })),
      mastery: records
        .filter((r) => !subjectId || r.subjectId === subjectId)
        .sort((a, b) => a.mastery - b.mastery)
        .slice(0, 20)
        .map((r) => ({ concept_key: r.conceptKey, name: r.name, mastery: Math.round(r.mastery) })),
      provider,
      updatedAt: now,
    };
    const [recent] = await db
      .select()
      .from(companionHandoffs)
      .where(
        and(
          eq(companionHandoffs.studentId, studentId),
          eq(companionHandoffs.status, 'open'),
          gte(companionHandoffs.createdAt, new Date(now.getTime() - HANDOFF_DEDUPE_MS)),
        ),
      )
      .orderBy(desc(companionHandoffs.createdAt))
      .limit(1);
    if (recent) {
      const [row] = await db
        .update(companionHandoffs)
        .set({ ...payload, triggers: [...new Set([...recent.triggers, ...d.triggers])] })
        .where(eq(companionHandoffs.id, recent.id))
        .returning();
      return row!;
    }
    const tutorId = await pickTutor(studentId, subjectId);
    const [row] = await db
      .insert(companionHandoffs)
      .values({ studentId, tutorId, subjectId, ...payload, createdAt: now })
      .returning();
    const dto = toHandoffDto(row!);
    await deps.notifications.notify({
      studentId,
      type: 'tutor_handoff',
      title: 'A tutor can help with this',
      message: `We have asked a tutor to help you with ${d.recommendedTopic} (about ${d.estimatedDuration} minutes). They will see what you have been working on.`,
      callToAction: 'Book a session',
      actionUrl: `/student/tutors?subject=${subjectId ?? ''}`,
      urgency: d.urgency,
      data: { handoff_id: dto.id, tutor_id: tutorId },
      dedupeKey: `tutor_handoff:${dto.id}`,
    });
    if (tutorId) {
      const userIds = await deps.accounts.userIdsForTutor(tutorId);
      await deps.events
        .publish(
          ...userIds.map((userId) => ({
            type: HANDOFF_EVENT,
            payload: { handoff: dto } as Record<string, unknown>,
            audience: ['tutor'],
            userId,
          })),
        )
        .catch((err: unknown) => deps.logger?.warn({ err }, 'hand-off event not published'));
    }
    return row!;
  }

  return {
    /**
     * Runs the routing analysis for a student. `useModel`: always ask the AI task (the explicit API); else
     * (after a chat exchange) only when the rules found a trigger, so quiet exchanges cost no model call.
     */
    async analyze(input: {
      studentId: string;
      conceptKey?: string | undefined;
      message?: string | undefined;
      userId: string | null;
      useModel: boolean;
    }): Promise<TRoutingDecision> {
      const { studentId } = input;
      if (!(await sessions.getStudent(studentId))) throw notFound('Student');
      const since = new Date(clock.now().getTime() - ATTEMPTS_SINCE_MS);
      const [records, attempts, messages, latest] = await Promise.all([
        mastery.getMastery(studentId),
        mastery.recentAttempts
          ? mastery.recentAttempts(studentId, { limit: ATTEMPTS_CONSIDERED, since })
          : Promise.resolve([]),
        deps.chat.recentMessages(studentId, 10),
        sessions.listRecentForStudent(studentId, 1),
      ]);
      const userMessages = messages.filter((m) => m.role === 'user').map((m) => m.content);
      if (input.message) userMessages.push(input.message);
      const signals = {
        userMessages,
        attempts,
        mastery: records,
        focusConceptKey: input.conceptKey,
        latestSubject: latest[0]?.subjects[0] ?? null,
      };
      const rules = decideRouting(signals);
      let decision = rules;
      let provider = 'local';
      if (input.useModel || rules.shouldRoute) {
        const r = await deps.ai.run(tutorRoutingTask, { signals, rules }, { userId: input.userId });
        decision = r.data;
        provider = r.provider;
      }
      let handoffId: string | null = null;
      if (decision.shouldRoute)
        handoffId = (await openHandoff(studentId, decision, provider, attempts, records)).id;
      return {
        shouldRoute: decision.shouldRoute,
        reason: decision.reason,
        urgency: decision.urgency,
        recommendedTopic: decision.recommendedTopic,
        estimatedDuration: decision.estimatedDuration,
        triggers: decision.triggers,
        provider,
        handoff_id: handoffId,
      };
    },

    async hasHandoffTo(tutorId: string, studentId: string): Promise<boolean> {
      const [r] = await db
        .select({ id: companionHandoffs.id })
        .from(companionHandoffs)
        .where(
          and(
            eq(companionHandoffs.tutorId, tutorId),
            eq(companionHandoffs.studentId, studentId),
            inArray(companionHandoffs.status, ['open', 'accepted']),
          ),
        )
        .limit(1);
      return Boolean(r);
    },

    /** Tutors for a subject, best quality score first; `studentId` marks the ones who know the student. */
    async listTutors(q: { subjectId?: string | undefined; limit: number; studentId: string | null }) {
      const [ranked, own] = await Promise.all([
        deps.tutors.rankForSubject(q.subjectId, q.limit * 2),
        q.studentId ? sessions.tutorsOfStudent(q.studentId) : Promise.resolve([]),
      ]);
      const known = new Set(own.map((t) => t.tutorId));
      return ranked
        .filter((t) => t.isActive)
        .slice(0, q.limit)
        .map((t) => ({
          tutor_id: t.tutorId,
          name: t.name,
          main_subject: t.mainSubject,
          overall_score: t.overallScore,
          confidence: t.confidence,
          total_sessions: t.totalSessions,
          knows_student: known.has(t.tutorId),
        }));
    },

    /** What a tutor sees of a student (access is checked by the caller). */
    async studentContext(studentId: string, viewer: { tutorId: string | null }): Promise<TStudentContext> {
      const [student, records, goals, handoffs, recent, chat] = await Promise.all([
        sessions.getStudent(studentId),
        mastery.getMastery(studentId),
        deps.goals.list(studentId),
        db
          .select()
          .from(companionHandoffs)
          .where(eq(companionHandoffs.studentId, studentId))
          .orderBy(desc(companionHandoffs.createdAt))
          .limit(20),
        sessions.listRecentForStudent(studentId, 10),
        deps.chat.recentMessages(studentId, 20),
      ]);
      return {
        student_id: studentId,
        name: student?.name ?? null,
        mastery: records.map((r) => ({
          concept_key: r.conceptKey,
          subject_id: r.subjectId,
          name: r.name,
          mastery: Math.round(r.mastery),
          updated_at: r.updatedAt.toISOString(),
        })),
        goals,
        handoffs: handoffs.map(toHandoffDto),
        recent_sessions: recent
          // A tutor sees the sessions they taught; the others' content stays with those tutors.
          .filter((s) => !viewer.tutorId || s.tutorId === viewer.tutorId)
          .map((s) => ({
            session_id: s.sessionId,
            tutor_id: s.tutorId,
            subjects: s.subjects,
            start: s.start.toISOString(),
            summary: s.summary,
          })),
        recent_chat: chat.map(toChatMessageDto),
      };
    },
  };
}

export type RoutingService = ReturnType<typeof createRoutingService>;
