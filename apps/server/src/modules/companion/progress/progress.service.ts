/**
 * A student's progress (GET /api/progress/student/:id) and concepts with their evidence
 * (GET /api/students/:id/concepts, POST …/concepts/correction): mastery over time per subject and concept
 * from the evidence history, practice accuracy, and streaks of active days.
 */
import { and, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { TProgress, TStudentConcepts } from '@tutorpulse/contracts/companion';
import type { Db } from '../../../db/client';
import { concepts, practiceItems, practiceSets, transcriptUploads } from '../../../db/schema/index';
import type { Principal } from '../../../platform/auth/principal';
import type { Clock } from '../../../platform/clock';
import type { StudentAccess } from '../access';
import type { ConceptService } from '../concepts/concepts.service';
import type { createMasteryService } from '../mastery/mastery.service';
import type { CorrectionKind } from '../mastery/mastery.types';
import { streaks, subjectHistory, type MasteryPoint } from './progress.rules';

type MasteryDeps = ReturnType<typeof createMasteryService>;

export function createProgressService(deps: {
  db: Db;
  clock: Clock;
  mastery: MasteryDeps;
  access: StudentAccess;
  concepts: Pick<ConceptService, 'ensureKeys'>;
}) {
  const { db, clock, mastery, access } = deps;

  async function concepts_(studentId: string, p: Principal): Promise<TStudentConcepts> {
    await access.assertCanSee(p, studentId);
    const list = await mastery.listStudentConcepts(studentId);
    return {
      student_id: studentId,
      data: list.map((c) => ({
        concept_key: c.conceptKey,
        subject_id: c.subjectId,
        name: c.name,
        description: c.description,
        difficulty: c.difficulty,
        mastery: c.mastery,
        evidence_count: c.evidenceCount,
        first_seen_at: c.firstSeenAt.toISOString(),
        updated_at: c.updatedAt.toISOString(),
        evidence: c.evidence.map((e) => ({
          id: e.id,
          kind: e.kind,
          explanation: e.explanation,
          weight: e.weight,
          source_type: e.sourceType,
          source_id: e.sourceId,
          note: e.note,
          quote: e.quote,
          mastery_before: e.masteryBefore,
          mastery_after: e.masteryAfter,
          observed_at: e.observedAt.toISOString(),
        })),
      })),
    };
  }

  async function correct(
    studentId: string,
    body: { concept_key: string; correction: CorrectionKind; note?: string | undefined },
    p: Principal,
  ) {
    await access.assertCanSee(p, studentId);
    await deps.concepts.ensureKeys([body.concept_key]);
    const change = await mastery.recordCorrection(
      studentId,
      body.concept_key,
      body.correction,
      body.note ?? null,
    );
    return { concept_key: change.conceptKey, before: change.before, after: change.after };
  }

  async function progress(studentId: string, p: Principal): Promise<TProgress> {
    await access.assertCanSee(p, studentId);
    const now = clock.now();
    const evidence = await mastery.listEvidence(studentId);
    const keys = [...new Set(evidence.map((e) => e.conceptKey))];
    const rows = keys.length
      ? await db
          .select({ key: concepts.key, subjectId: concepts.subjectId, name: concepts.name })
          .from(concepts)
          .where(inArray(concepts.key, keys))
      : [];
    const info = new Map(rows.map((r) => [r.key, r]));
    const points: MasteryPoint[] = evidence.map((e) => ({
      conceptKey: e.conceptKey,
      subjectId: info.get(e.conceptKey)?.subjectId ?? 'unknown',
      at: e.observedAt,
      mastery: e.masteryAfter,
    }));
    const history = subjectHistory(points);
    const current = await mastery.getMastery(studentId);
    const subjects = [...new Set(current.map((c) => c.subjectId))].sort().map((subjectId) => {
      const list = current.filter((c) => c.subjectId === subjectId);
      return {
        subject_id: subjectId,
        mastery: Math.round(list.reduce((a, c) => a + c.mastery, 0) / list.length),
        concepts: list.map((c) => ({
          concept_key: c.conceptKey,
          name: c.name,
          mastery: c.mastery,
          history: points
            .filter((x) => x.conceptKey === c.conceptKey)
            .map((x) => ({ at: x.at.toISOString(), mastery: x.mastery })),
        })),
        history: history.get(subjectId) ?? [],
      };
    });

    const graded = and(eq(practiceSets.studentId, studentId), isNotNull(practiceItems.gradedAt));
    const tally = async (since?: Date) => {
      const [r] = await db
        .select({
          answered: sql<number>`count(*)::int`,
          correct: sql<number>`count(*) filter (where ${practiceItems.isCorrect})::int`,
        })
        .from(practiceItems)
        .innerJoin(practiceSets, eq(practiceSets.id, practiceItems.setId))
        .where(since ? and(graded, gte(practiceItems.gradedAt, since)) : graded);
      return { answered: Number(r?.answered ?? 0), correct: Number(r?.correct ?? 0) };
    };
    const all = await tally();
    const recent = await tally(new Date(now.getTime() - 30 * 86_400_000));
    const [sets] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(practiceSets)
      .where(and(eq(practiceSets.studentId, studentId), isNotNull(practiceSets.submittedAt)));
    const submittedDays = await db
      .select({ at: practiceSets.submittedAt })
      .from(practiceSets)
      .where(and(eq(practiceSets.studentId, studentId), isNotNull(practiceSets.submittedAt)));
    const uploads = await db
      .select({ at: transcriptUploads.createdAt })
      .from(transcriptUploads)
      .where(eq(transcriptUploads.studentId, studentId));
    const activity = [
      ...evidence.filter((e) => e.sourceType !== 'correction').map((e) => e.observedAt),
      ...submittedDays.map((r) => r.at!),
      ...uploads.map((r) => r.at),
    ].filter((d) => d.getTime() <= now.getTime());

    return {
      student_id: studentId,
      subjects,
      practice: {
        sets_submitted: Number(sets?.n ?? 0),
        items_answered: all.answered,
        items_correct: all.correct,
        accuracy: all.answered ? Math.round((all.correct / all.answered) * 1000) / 1000 : null,
        last_30_days_accuracy: recent.answered
          ? Math.round((recent.correct / recent.answered) * 1000) / 1000
          : null,
      },
      streaks: streaks(activity, now),
    };
  }

  return { concepts: concepts_, correct, progress };
}

export type ProgressService = ReturnType<typeof createProgressService>;
