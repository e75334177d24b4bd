/**
 * Goals and next-subject suggestions (seed 004). A goal's progress is computed from the mastery of its
 * concepts (each concept counts up to the goal's target mastery), through the MasteryReader port. Completing
 * a goal enqueues `companion.goal-completed`, whose handler stores five suggestions (AI task or the curated
 * subject graph) and notifies the student; accepting a suggestion creates a goal. No HTTP types here.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { TCreateGoalRequest, TGoal, TSuggestion } from '@tutorpulse/contracts/companion-engagement';
import type { Db } from '../../../db/client';
import { companionGoals, companionSuggestions } from '../../../db/schema/index';
import type { AppJobs } from '../../../jobs';
import type { AiPort } from '../../../platform/ai/port';
import type { Clock } from '../../../platform/clock';
import { AppError, notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { JobQueue } from '../../../platform/queue/port';
import type { MasteryReader, MasteryRecord, StudentSessionsReader } from '../engagement-ports';
import type { NotificationService } from '../notifications/notifications.service';
import { SUBJECTS_BY_ID } from './subject-graph';
import { subjectSuggestionsTask } from './suggestions.task';

type GoalRow = typeof companionGoals.$inferSelect;
type SuggestionRow = typeof companionSuggestions.$inferSelect;

/** Progress milestones that notify the student (goal_progress). */
export const PROGRESS_MILESTONES = [50, 100] as const;

/** 0–100: the mean over the goal's concepts of mastery / target (capped at 1); a concept not seen yet is 0. */
export function goalProgress(
  conceptKeys: string[],
  targetMastery: number,
  mastery: Map<string, number>,
): number {
  if (conceptKeys.length === 0) return 0;
  const sum = conceptKeys.reduce((acc, k) => acc + Math.min(1, (mastery.get(k) ?? 0) / targetMastery), 0);
  return Math.round((100 * sum) / conceptKeys.length);
}

function conceptsOf(g: GoalRow, records: MasteryRecord[]): string[] {
  // A goal created without concepts follows every concept of its subject the student has.
  return g.conceptKeys.length
    ? g.conceptKeys
    : records.filter((r) => r.subjectId === g.subjectId).map((r) => r.conceptKey);
}

function toGoalDto(g: GoalRow, records: MasteryRecord[]): TGoal {
  const byKey = new Map(records.map((r) => [r.conceptKey, r]));
  const keys = conceptsOf(g, records);
  const masteryMap = new Map(records.map((r) => [r.conceptKey, r.mastery]));
  return {
    id: g.id,
    student_id: g.studentId,
    subject_id: g.subjectId,
    title: g.title,
    description: g.description,
    concept_keys: keys,
    target_mastery: g.targetMastery,
    progress: g.status === 'completed' ? 100 : goalProgress(keys, g.targetMastery, masteryMap),
    concepts: keys.map((k) => ({
      concept_key: k,
      name: byKey.get(k)?.name ?? null,
      mastery: byKey.has(k) ? Math.round(byKey.get(k)!.mastery) : null,
    })),
    status: g.status,
    target_date: g.targetDate,
    from_suggestion_id: g.fromSuggestionId,
    completed_at: g.completedAt?.toISOString() ?? null,
    created_at: g.createdAt.toISOString(),
  };
}

export function toSuggestionDto(s: SuggestionRow): TSuggestion {
  return {
    id: s.id,
    student_id: s.studentId,
    goal_id: s.goalId,
    subject_id: s.subjectId,
    subject: s.subject,
    description: s.description,
    relevance_score: s.relevanceScore,
    value_proposition: s.valueProposition,
    related_concepts: s.relatedConcepts,
    status: s.status,
    provider: s.provider,
    accepted_goal_id: s.acceptedGoalId,
    created_at: s.createdAt.toISOString(),
  };
}

export function createGoalService(deps: {
  db: Db;
  clock: Clock;
  ai: AiPort;
  queue: JobQueue<AppJobs>;
  mastery: MasteryReader;
  sessions: Pick<StudentSessionsReader, 'listRecentForStudent' | 'getStudent'>;
  notifications: NotificationService;
  logger?: Pick<Logger, 'warn'>;
}) {
  const { db, clock, mastery, notifications } = deps;

  async function loadGoal(id: string) {
    const [g] = await db.select().from(companionGoals).where(eq(companionGoals.id, id)).limit(1);
    return g ?? null;
  }

  async function insertGoal(
    studentId: string,
    input: Omit<TCreateGoalRequest, 'student_id'>,
    extra: { fromSuggestionId?: string; createdBy: string | null },
  ) {
    const wrong = (input.concept_keys ?? []).filter((k) => !k.startsWith(`${input.subject_id}:`));
    if (wrong.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Concepts must belong to ${input.subject_id}: ${wrong.join(', ')}`,
        [{ path: 'body.concept_keys', message: `not in subject ${input.subject_id}` }],
      );
    }
    const now = clock.now();
    const [row] = await db
      .insert(companionGoals)
      .values({
        studentId,
        subjectId: input.subject_id,
        title: input.title,
        description: input.description ?? null,
        conceptKeys: [...new Set(input.concept_keys ?? [])],
        targetMastery: input.target_mastery,
        targetDate: input.target_date ?? null,
        fromSuggestionId: extra.fromSuggestionId ?? null,
        createdBy: extra.createdBy,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return toGoalDto(row!, await mastery.getMastery(studentId));
  }

  return {
    async studentOfGoal(id: string): Promise<string | null> {
      return (await loadGoal(id))?.studentId ?? null;
    },

    async list(studentId: string): Promise<TGoal[]> {
      const [rows, records] = await Promise.all([
        db
          .select()
          .from(companionGoals)
          .where(eq(companionGoals.studentId, studentId))
          .orderBy(
            sql`case ${companionGoals.status} when 'active' then 0 when 'completed' then 1 else 2 end`,
            desc(companionGoals.createdAt),
          ),
        mastery.getMastery(studentId),
      ]);
      return rows.map((g) => toGoalDto(g, records));
    },

    /** Active goals in a line each, for the chat's context. */
    async listActiveBrief(studentId: string) {
      const goals = await this.list(studentId);
      return goals
        .filter((g) => g.status === 'active')
        .map((g) => ({ title: g.title, progress: g.progress, subjectId: g.subject_id }));
    },

    async create(
      studentId: string,
      input: TCreateGoalRequest,
      by: { userId: string | null },
    ): Promise<TGoal> {
      if (!(await deps.sessions.getStudent(studentId))) throw notFound('Student');
      return insertGoal(studentId, input, { createdBy: by.userId });
    },

    /** Marks the goal completed (idempotent) and enqueues goal.completed for the suggestions. */
    async complete(id: string): Promise<TGoal> {
      const now = clock.now();
      const [row] = await db
        .update(companionGoals)
        .set({
          status: 'completed',
          completedAt: sql`coalesce(${companionGoals.completedAt}, ${now})`,
          progress: 100,
          updatedAt: now,
        })
        .where(and(eq(companionGoals.id, id), inArray(companionGoals.status, ['active', 'completed'])))
        .returning();
      if (!row) {
        if (await loadGoal(id))
          throw new AppError('CONFLICT', 'An abandoned goal cannot be completed', undefined, 409);
        throw notFound('Goal');
      }
      await deps.queue.add('companion.goal-completed', { goalId: id }, { jobId: `goal-completed:${id}` });
      return toGoalDto(row, await mastery.getMastery(row.studentId));
    },

    /**
     * Recomputes active goals' progress from mastery and notifies each milestone crossed (50 %, 100 %) once.
     * Called after chat exchanges and, once wired, whenever the mastery engine updates a student.
     */
    async refreshProgress(studentId: string) {
      const [rows, records] = await Promise.all([
        db
          .select()
          .from(companionGoals)
          .where(and(eq(companionGoals.studentId, studentId), eq(companionGoals.status, 'active'))),
        mastery.getMastery(studentId),
      ]);
      const masteryMap = new Map(records.map((r) => [r.conceptKey, r.mastery]));
      for (const g of rows) {
        const progress = goalProgress(conceptsOf(g, records), g.targetMastery, masteryMap);
        if (progress === g.progress) continue;
        await db
          .update(companionGoals)
          .set({ progress, updatedAt: clock.now() })
          .where(eq(companionGoals.id, g.id));
        for (const m of PROGRESS_MILESTONES) {
          if (g.progress < m && progress >= m) {
            await notifications.notify({
              studentId,
              type: 'goal_progress',
              title: m === 100 ? `Goal reached: ${g.title}` : `Halfway to ${g.title}`,
              message:
                m === 100
                  ? `Your mastery of this goal's concepts has reached the target (${g.targetMastery}). Mark it complete to get ideas for what to study next.`
                  : `You are ${progress}% of the way to “${g.title}”. Keep going!`,
              callToAction: m === 100 ? 'Complete the goal' : 'Practise now',
              actionUrl: `/student/goals/${g.id}`,
              urgency: 'low',
              data: { goal_id: g.id, progress },
              dedupeKey: `goal_progress:${g.id}:${m}`,
            });
          }
        }
      }
    },

    /** goal.completed: five suggestions, stored once per goal and subject, and one notification. */
    async suggestAfter(goalId: string) {
      const goal = await loadGoal(goalId);
      if (!goal || goal.status !== 'completed') return [];
      const [existing] = await db
        .select({ id: companionSuggestions.id })
        .from(companionSuggestions)
        .where(eq(companionSuggestions.goalId, goalId))
        .limit(1);
      if (!existing) {
        const [goals, pending, records, recent] = await Promise.all([
          db
            .select({ subjectId: companionGoals.subjectId, status: companionGoals.status })
            .from(companionGoals)
            .where(eq(companionGoals.studentId, goal.studentId)),
          db
            .select({ subjectId: companionSuggestions.subjectId })
            .from(companionSuggestions)
            .where(
              and(
                eq(companionSuggestions.studentId, goal.studentId),
                eq(companionSuggestions.status, 'pending'),
              ),
            ),
          mastery.getMastery(goal.studentId),
          deps.sessions.listRecentForStudent(goal.studentId, 50),
        ]);
        const history = {
          completedSubjectId: goal.subjectId,
          completedTitle: goal.title,
          sessionSubjects: recent.flatMap((s) => s.subjects),
          exclude: [
            ...new Set([
              ...goals.filter((g) => g.status !== 'abandoned').map((g) => g.subjectId),
              ...pending.map((p) => p.subjectId),
            ]),
          ],
          mastery: records.map((r) => ({
            conceptKey: r.conceptKey,
            subjectId: r.subjectId,
            name: r.name,
            mastery: r.mastery,
          })),
        };
        const r = await deps.ai.run(subjectSuggestionsTask, history, { userId: null });
        const now = clock.now();
        if (r.data.length) {
          await db
            .insert(companionSuggestions)
            .values(
              r.data.map((c) => ({
                studentId: goal.studentId,
                goalId,
                subjectId: c.subjectId,
                subject: c.subject,
                description: c.description,
                relevanceScore: c.relevance,
                valueProposition: c.valueProposition,
                relatedConcepts: c.relatedConcepts,
                provider: r.provider,
                createdAt: now,
              })),
            )
            .onConflictDoNothing();
        }
      }
      const rows = await db
        .select()
        .from(companionSuggestions)
        .where(eq(companionSuggestions.goalId, goalId))
        .orderBy(desc(companionSuggestions.relevanceScore));
      if (rows.length) {
        await notifications.notify({
          studentId: goal.studentId,
          type: 'suggestion',
          title: `What next after “${goal.title}”?`,
          message: `Well done! ${rows.length} subjects could come next, starting with ${rows
            .slice(0, 2)
            .map((s) => s.subject)
            .join(' and ')}.`,
          callToAction: 'See suggestions',
          actionUrl: '/student/suggestions',
          urgency: 'low',
          data: { goal_id: goalId, suggestion_ids: rows.map((s) => s.id) },
          dedupeKey: `suggestion:${goalId}`,
        });
      }
      return rows.map(toSuggestionDto);
    },

    async studentOfSuggestion(id: string): Promise<string | null> {
      const [s] = await db
        .select({ studentId: companionSuggestions.studentId })
        .from(companionSuggestions)
        .where(eq(companionSuggestions.id, id))
        .limit(1);
      return s?.studentId ?? null;
    },

    async listSuggestions(studentId: string, status?: TSuggestion['status']): Promise<TSuggestion[]> {
      const rows = await db
        .select()
        .from(companionSuggestions)
        .where(
          and(
            eq(companionSuggestions.studentId, studentId),
            status ? eq(companionSuggestions.status, status) : undefined,
          ),
        )
        .orderBy(desc(companionSuggestions.createdAt), desc(companionSuggestions.relevanceScore))
        .limit(100);
      return rows.map(toSuggestionDto);
    },

    /** Accepting creates a goal on the suggested subject (once: accepting again returns the same goal). */
    async acceptSuggestion(
      id: string,
      by: { userId: string | null },
    ): Promise<{ suggestion: TSuggestion; goal: TGoal }> {
      const [s] = await db
        .select()
        .from(companionSuggestions)
        .where(eq(companionSuggestions.id, id))
        .limit(1);
      if (!s) throw notFound('Suggestion');
      if (s.status === 'accepted' && s.acceptedGoalId) {
        const g = await loadGoal(s.acceptedGoalId);
        if (g)
          return {
            suggestion: toSuggestionDto(s),
            goal: toGoalDto(g, await mastery.getMastery(s.studentId)),
          };
      }
      if (s.status === 'dismissed')
        throw new AppError('CONFLICT', 'This suggestion was dismissed', undefined, 409);
      const node = SUBJECTS_BY_ID.get(s.subjectId);
      const goal = await insertGoal(
        s.studentId,
        {
          subject_id: s.subjectId,
          title: `Learn ${s.subject}`,
          description: node ? `${s.subject}: ${node.pitch}.` : s.description,
          target_mastery: 80,
        },
        { fromSuggestionId: s.id, createdBy: by.userId },
      );
      const [updated] = await db
        .update(companionSuggestions)
        .set({ status: 'accepted', acceptedGoalId: goal.id, actedAt: clock.now() })
        .where(eq(companionSuggestions.id, id))
        .returning();
      return { suggestion: toSuggestionDto(updated!), goal };
    },

    async dismissSuggestion(id: string): Promise<TSuggestion> {
      const [s] = await db
        .select()
        .from(companionSuggestions)
        .where(eq(companionSuggestions.id, id))
        .limit(1);
      if (!s) throw notFound('Suggestion');
      if (s.status === 'accepted')
        throw new AppError('CONFLICT', 'This suggestion was already accepted', undefined, 409);
      const [updated] = await db
        .update(companionSuggestions)
        .set({ status: 'dismissed', actedAt: sql`coalesce(${companionSuggestions.actedAt}, ${clock.now()})` })
        .where(eq(companionSuggestions.id, id))
        .returning();
      return toSuggestionDto(updated!);
    },
  };
}

export type GoalService = ReturnType<typeof createGoalService>;
