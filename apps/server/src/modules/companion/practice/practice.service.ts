/**
 * Practice sets: generate (AI port: the model with checks, the local generators as fallback), read (never
 * the answers before submission), submit (graded, with the correct answer, the explanation, and the mastery
 * change each answer made as BKT evidence).
 */
import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type {
  TGeneratePracticeRequest,
  TPracticeSet,
  TSubmitPracticeRequest,
} from '@tutorpulse/contracts/companion';
import type { Db } from '../../../db/client';
import { practiceItems, practiceSets, transcriptAnalyses } from '../../../db/schema/index';
import type { AiPort } from '../../../platform/ai/port';
import type { Principal } from '../../../platform/auth/principal';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { StudentAccess } from '../access';
import type { CompanionLearningHooks } from '../learning';
import { curatedConcept } from '../concepts/catalog';
import type { ConceptService } from '../concepts/concepts.service';
import type { MasteryChange, MasteryService, RecordEvidenceInput } from '../mastery/mastery.types';
import type { AnalysisConcept } from '../transcripts/analysis.types';
import { gradeAnswer } from './grading';
import { questionKey, type PracticeConcept } from './local-practice';
import { createPracticeTask } from './practice.task';

type SetRow = typeof practiceSets.$inferSelect;
type ItemRow = typeof practiceItems.$inferSelect;

/** Questions of the student's last sets that a new set must not repeat. */
export const RECENT_SETS_AVOIDED = 5;

export function toPracticeDto(
  s: SetRow,
  items: readonly ItemRow[],
  changes: Array<{ concept_key: string; before: number; after: number }> | null = null,
): TPracticeSet {
  const revealed = s.submittedAt !== null;
  return {
    id: s.id,
    student_id: s.studentId,
    concept_keys: s.conceptKeys,
    difficulty: s.difficulty,
    generator: s.provider === 'openai' ? 'llm' : 'local',
    model: s.model,
    created_at: s.createdAt.toISOString(),
    submitted_at: s.submittedAt?.toISOString() ?? null,
    score: s.score,
    items: [...items]
      .sort((a, b) => a.position - b.position)
      .map((i) => ({
        id: i.id,
        position: i.position,
        concept_key: i.conceptKey,
        type: i.type,
        difficulty: i.difficulty,
        question: i.question,
        options: i.options,
        answer: revealed ? i.answer : null,
        explanation: revealed ? i.explanation : null,
        response: i.response,
        is_correct: i.isCorrect,
        feedback: revealed ? i.feedback : null,
      })),
    mastery_changes: changes,
  };
}

export function createPracticeService(deps: {
  db: Db;
  clock: Clock;
  ai: AiPort;
  concepts: ConceptService;
  mastery: MasteryService;
  access: StudentAccess;
  /** Seeds the local generators (tests pass a fixed one). */
  seed?: () => number;
  logger?: Pick<Logger, 'warn'>;
  onSubmitted?: NonNullable<CompanionLearningHooks['practiceSubmitted']>;
}) {
  const { db, clock, ai, concepts, mastery, access } = deps;
  const task = createPracticeTask();
  const seed = deps.seed ?? (() => randomInt(2 ** 31));

  async function keyPointsOf(studentId: string): Promise<Map<string, string[]>> {
    const rows = await db
      .select({ concepts: transcriptAnalyses.concepts })
      .from(transcriptAnalyses)
      .where(eq(transcriptAnalyses.studentId, studentId))
      .orderBy(desc(transcriptAnalyses.createdAt))
      .limit(50);
    const out = new Map<string, string[]>();
    for (const r of rows)
      for (const c of r.concepts as Array<AnalysisConcept & { conceptKey: string }>) {
        const list = out.get(c.conceptKey) ?? [];
        for (const k of c.keyPoints) if (!list.includes(k)) list.push(k);
        out.set(c.conceptKey, list);
      }
    return out;
  }

  async function recentQuestions(studentId: string): Promise<string[]> {
    const sets = await db
      .select({ id: practiceSets.id })
      .from(practiceSets)
      .where(eq(practiceSets.studentId, studentId))
      .orderBy(desc(practiceSets.createdAt))
      .limit(RECENT_SETS_AVOIDED);
    if (sets.length === 0) return [];
    const rows = await db
      .select({ k: practiceItems.questionKey })
      .from(practiceItems)
      .where(
        inArray(
          practiceItems.setId,
          sets.map((s) => s.id),
        ),
      );
    return rows.map((r) => r.k);
  }

  async function load(id: string, p: Principal) {
    const [s] = await db.select().from(practiceSets).where(eq(practiceSets.id, id));
    if (!s) throw new AppError('NOT_FOUND', 'Practice set not found');
    await access.assertOwnsRecord(p, s.studentId, 'Practice set');
    const items = await db
      .select()
      .from(practiceItems)
      .where(eq(practiceItems.setId, id))
      .orderBy(asc(practiceItems.position));
    return { s, items };
  }

  async function generate(req: TGeneratePracticeRequest, p: Principal): Promise<TPracticeSet> {
    const studentId = req.student_id ?? (p.role === 'student' ? p.studentId : null);
    if (!studentId) throw new AppError('VALIDATION_FAILED', 'Say for whom: student_id');
    await access.assertCanSee(p, studentId);
    const keys = [...new Set(req.concept_keys)];
    const rows = await concepts.getMany(keys);
    const missing = keys.filter((k) => !rows.some((r) => r.key === k));
    if (missing.length)
      throw new AppError('UNPROCESSABLE', `Unknown concept: ${missing.join(', ')}`, { concepts: missing });
    const notes = await keyPointsOf(studentId);
    const practiceConcepts: PracticeConcept[] = keys.map((k) => {
      const c = rows.find((r) => r.key === k)!;
      return {
        key: k,
        name: c.name,
        description: c.description,
        generator: curatedConcept(k)?.generator,
        keyPoints: notes.get(k) ?? [],
      };
    });
    const input = {
      concepts: practiceConcepts,
      difficulty: req.difficulty,
      count: req.count,
      avoid: await recentQuestions(studentId),
      seed: seed(),
    };
    const result = await ai.run(task, input, { userId: p.kind === 'user' ? p.id : null });
    const items = result.data.items;
    if (items.length === 0)
      throw new AppError(
        'UNPROCESSABLE',
        'No practice could be made for these concepts yet: upload a session transcript that covers them first',
      );
    const now = clock.now();
    const set = await db.transaction(async (tx) => {
      const [s] = await tx
        .insert(practiceSets)
        .values({
          studentId,
          conceptKeys: keys,
          difficulty: req.difficulty,
          provider: result.data.fromModel > 0 ? result.provider : 'local',
          model: result.data.fromModel > 0 ? result.model : 'companion-practice-local-v1',
          fallbackReason: result.fallbackReason,
          createdBy: p.kind === 'user' ? p.id : null,
          createdAt: now,
        })
        .returning();
      const inserted = await tx
        .insert(practiceItems)
        .values(
          items.map((i, position) => ({
            setId: s!.id,
            position,
            conceptKey: i.conceptKey,
            type: i.type,
            difficulty: i.difficulty,
            question: i.question,
            questionKey: questionKey(i.question),
            options: i.options,
            answer: i.answer,
            explanation: i.explanation,
            rubric: i.rubric,
          })),
        )
        .returning();
      return { s: s!, items: inserted };
    });
    return toPracticeDto(set.s, set.items);
  }

  async function get(id: string, p: Principal): Promise<TPracticeSet> {
    const { s, items } = await load(id, p);
    return toPracticeDto(s, items);
  }

  async function submit(id: string, body: TSubmitPracticeRequest, p: Principal): Promise<TPracticeSet> {
    const { s, items } = await load(id, p);
    if (p.role !== 'admin' && p.studentId !== s.studentId)
      throw new AppError('FORBIDDEN', 'Only the student answers their practice');
    if (s.submittedAt) throw new AppError('CONFLICT', 'This practice set was already submitted');
    const byId = new Map(items.map((i) => [i.id, i]));
    const unknown = body.answers.filter((a) => !byId.has(a.item_id)).map((a) => a.item_id);
    if (unknown.length)
      throw new AppError('UNPROCESSABLE', 'Answers for items not in this set', { items: unknown });
    const answers = new Map(body.answers.map((a) => [a.item_id, a.answer]));
    const now = clock.now();
    const graded = items.map((i) => {
      const response = answers.get(i.id) ?? null;
      const g = response === null ? { correct: false, feedback: 'Not answered.' } : gradeAnswer(i, response);
      return { i, response, ...g };
    });
    const correct = graded.filter((g) => g.correct).length;
    const claimed = await db.transaction(async (tx) => {
      const [done] = await tx
        .update(practiceSets)
        .set({ submittedAt: now, score: Math.round((correct / items.length) * 1000) / 1000 })
        .where(and(eq(practiceSets.id, id), isNull(practiceSets.submittedAt)))
        .returning();
      if (!done) return null;
      for (const g of graded) {
        await tx
          .update(practiceItems)
          .set({ response: g.response, isCorrect: g.correct, feedback: g.feedback, gradedAt: now })
          .where(eq(practiceItems.id, g.i.id));
      }
      return done;
    });
    if (!claimed) throw new AppError('CONFLICT', 'This practice set was already submitted');
    // Evidence: answered items only; multiple choice can be guessed more easily.
    const evidence: RecordEvidenceInput[] = graded
      .filter((g) => g.response !== null)
      .map((g) => ({
        studentId: s.studentId,
        conceptKey: g.i.conceptKey,
        kind: g.correct ? 'practice_correct' : 'practice_incorrect',
        ...(g.i.options?.length ? { guess: 1 / g.i.options.length } : {}),
        sourceType: 'practice',
        sourceId: id,
        dedupeKey: `practice:${g.i.id}`,
        note: g.i.question.slice(0, 200),
        quote: g.response?.slice(0, 200) ?? null,
        observedAt: now,
      }));
    const changes: MasteryChange[] = await mastery.recordEvidence(evidence);
    const perConcept = new Map<string, { concept_key: string; before: number; after: number }>();
    for (const c of changes) {
      const prev = perConcept.get(c.conceptKey);
      perConcept.set(c.conceptKey, {
        concept_key: c.conceptKey,
        before: prev?.before ?? c.before,
        after: c.after,
      });
    }
    if (deps.onSubmitted) {
      await deps
        .onSubmitted({
          studentId: s.studentId,
          setId: id,
          score: claimed.score ?? 0,
          changes: [...perConcept.values()].map((c) => ({
            conceptKey: c.concept_key,
            before: c.before,
            after: c.after,
          })),
        })
        .catch((err: unknown) =>
          deps.logger?.warn({ err, setId: id }, 'companion: practiceSubmitted hook failed'),
        );
    }
    const after = await load(id, p);
    return toPracticeDto(after.s, after.items, [...perConcept.values()]);
  }

  return { generate, get, submit, keyPointsOf };
}

export type PracticeService = ReturnType<typeof createPracticeService>;
