/**
 * Mastery per student and concept: evidence in, BKT state out (see bkt.ts). Every piece of evidence is kept
 * with the mastery before and after it, which is both the "why" a student sees and the history the progress
 * charts draw. Evidence for one student is applied under a row lock, in order, so concurrent jobs do not lose
 * updates; a dedupe key makes a re-run job's evidence count once.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { concepts, masteryEvidence, studentConceptMastery } from '../../../db/schema/index';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import { applyEvidence, BKT_PARAMS, EVIDENCE_MODELS, toMastery, type BktParams } from './bkt';
import type {
  ConceptMastery,
  CorrectionKind,
  EvidenceRecord,
  MasteryChange,
  MasteryService,
  RecordEvidenceInput,
  StudentConcept,
} from './mastery.types';

const EVIDENCE_PER_CONCEPT = 20;

type EvidenceRow = typeof masteryEvidence.$inferSelect;

export function toEvidenceRecord(r: EvidenceRow): EvidenceRecord {
  return {
    id: r.id,
    conceptKey: r.conceptKey,
    kind: r.kind,
    weight: r.weight,
    sourceType: r.sourceType as EvidenceRecord['sourceType'],
    sourceId: r.sourceId,
    note: r.note,
    quote: r.quote,
    explanation: EVIDENCE_MODELS[r.kind].explain,
    masteryBefore: r.masteryBefore,
    masteryAfter: r.masteryAfter,
    observedAt: r.observedAt,
  };
}

export function createMasteryService(deps: { db: Db; clock: Clock; params?: BktParams }): MasteryService & {
  /** Every evidence row of a student (oldest first), for progress over time. */
  listEvidence(studentId: string, conceptKeys?: readonly string[]): Promise<EvidenceRecord[]>;
} {
  const { db, clock } = deps;
  const params = deps.params ?? BKT_PARAMS;

  async function getMastery(studentId: string, conceptKeys?: readonly string[]): Promise<ConceptMastery[]> {
    if (conceptKeys && conceptKeys.length === 0) return [];
    const rows = await db
      .select({
        conceptKey: studentConceptMastery.conceptKey,
        subjectId: concepts.subjectId,
        name: concepts.name,
        mastery: studentConceptMastery.mastery,
        updatedAt: studentConceptMastery.updatedAt,
      })
      .from(studentConceptMastery)
      .innerJoin(concepts, eq(concepts.key, studentConceptMastery.conceptKey))
      .where(
        and(
          eq(studentConceptMastery.studentId, studentId),
          conceptKeys ? inArray(studentConceptMastery.conceptKey, [...conceptKeys]) : undefined,
        ),
      )
      .orderBy(desc(studentConceptMastery.mastery), asc(studentConceptMastery.conceptKey));
    return rows;
  }

  async function listStudentConcepts(studentId: string): Promise<StudentConcept[]> {
    const rows = await db
      .select({ m: studentConceptMastery, c: concepts })
      .from(studentConceptMastery)
      .innerJoin(concepts, eq(concepts.key, studentConceptMastery.conceptKey))
      .where(eq(studentConceptMastery.studentId, studentId))
      .orderBy(asc(concepts.subjectId), desc(studentConceptMastery.mastery), asc(concepts.key));
    if (rows.length === 0) return [];
    // The latest evidence per concept, at most EVIDENCE_PER_CONCEPT each.
    const evidence = await db.execute(sql`
      select id from (
        select id, row_number() over (partition by concept_key order by observed_at desc, id desc) as rn
        from mastery_evidence where student_id = ${studentId}
      ) x where rn <= ${EVIDENCE_PER_CONCEPT}`);
    const ids = (evidence as unknown as { rows: Array<{ id: number | string }> }).rows.map((r) =>
      Number(r.id),
    );
    const evRows = ids.length
      ? await db
          .select()
          .from(masteryEvidence)
          .where(inArray(masteryEvidence.id, ids))
          .orderBy(desc(masteryEvidence.observedAt), desc(masteryEvidence.id))
      : [];
    const byConcept = new Map<string, EvidenceRecord[]>();
    for (const r of evRows) {
      const list = byConcept.get(r.conceptKey) ?? [];
      list.push(toEvidenceRecord(r));
      byConcept.set(r.conceptKey, list);
    }
    return rows.map(({ m, c }) => ({
      conceptKey: c.key,
      subjectId: c.subjectId,
      name: c.name,
      description: c.description,
      difficulty: c.difficulty,
      mastery: m.mastery,
      updatedAt: m.updatedAt,
      firstSeenAt: m.firstSeenAt,
      evidenceCount: m.evidenceCount,
      evidence: byConcept.get(c.key) ?? [],
    }));
  }

  async function listEvidence(studentId: string, conceptKeys?: readonly string[]) {
    const rows = await db
      .select()
      .from(masteryEvidence)
      .where(
        and(
          eq(masteryEvidence.studentId, studentId),
          conceptKeys ? inArray(masteryEvidence.conceptKey, [...conceptKeys]) : undefined,
        ),
      )
      .orderBy(asc(masteryEvidence.observedAt), asc(masteryEvidence.id));
    return rows.map(toEvidenceRecord);
  }

  async function recordEvidence(
    input: RecordEvidenceInput | readonly RecordEvidenceInput[],
  ): Promise<MasteryChange[]> {
    const inputs: readonly RecordEvidenceInput[] = Array.isArray(input)
      ? (input as readonly RecordEvidenceInput[])
      : [input as RecordEvidenceInput];
    if (inputs.length === 0) return [];
    const keys = [...new Set(inputs.map((i) => i.conceptKey))];
    const known = await db.select({ key: concepts.key }).from(concepts).where(inArray(concepts.key, keys));
    const missing = keys.filter((k) => !known.some((r) => r.key === k));
    if (missing.length)
      throw new AppError('UNPROCESSABLE', `Unknown concept: ${missing.join(', ')}`, { concepts: missing });
    const now = clock.now();

    return db.transaction(async (tx) => {
      const changes: MasteryChange[] = [];
      // Lock order: by (student, concept), so two jobs for the same student cannot deadlock.
      const pairs = [...new Set(inputs.map((i) => `${i.studentId}\u0000${i.conceptKey}`))].sort();
      const state = new Map<string, { p: number; count: number; firstSeenAt: Date; exists: boolean }>();
      for (const pair of pairs) {
        const [studentId, conceptKey] = pair.split('\u0000') as [string, string];
        const [row] = await tx
          .select()
          .from(studentConceptMastery)
          .where(
            and(
              eq(studentConceptMastery.studentId, studentId),
              eq(studentConceptMastery.conceptKey, conceptKey),
            ),
          )
          .for('update');
        state.set(pair, {
          p: row?.pKnown ?? params.prior,
          count: row?.evidenceCount ?? 0,
          firstSeenAt: row?.firstSeenAt ?? now,
          exists: !!row,
        });
      }
      for (const i of inputs) {
        const pair = `${i.studentId}\u0000${i.conceptKey}`;
        const s = state.get(pair)!;
        const before = toMastery(s.p);
        const p = applyEvidence(
          s.p,
          i.kind,
          {
            ...(i.weight !== undefined ? { weight: i.weight } : {}),
            ...(i.guess !== undefined ? { guess: i.guess } : {}),
          },
          params,
        );
        const inserted = await tx
          .insert(masteryEvidence)
          .values({
            studentId: i.studentId,
            conceptKey: i.conceptKey,
            kind: i.kind,
            weight: i.weight ?? EVIDENCE_MODELS[i.kind].weight,
            sourceType: i.sourceType,
            sourceId: i.sourceId ?? null,
            dedupeKey: i.dedupeKey ?? null,
            note: i.note ?? null,
            quote: i.quote ?? null,
            masteryBefore: before,
            masteryAfter: toMastery(p),
            observedAt: i.observedAt ?? now,
          })
          .onConflictDoNothing()
          .returning({ id: masteryEvidence.id });
        if (inserted.length === 0) {
          changes.push({ conceptKey: i.conceptKey, before, after: before, applied: false });
          continue;
        }
        s.p = p;
        s.count += 1;
        changes.push({ conceptKey: i.conceptKey, before, after: toMastery(p), applied: true });
      }
      for (const [pair, s] of state) {
        const [studentId, conceptKey] = pair.split('\u0000') as [string, string];
        if (s.count === 0) continue;
        await tx
          .insert(studentConceptMastery)
          .values({
            studentId,
            conceptKey,
            pKnown: s.p,
            mastery: toMastery(s.p),
            evidenceCount: s.count,
            firstSeenAt: s.firstSeenAt,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [studentConceptMastery.studentId, studentConceptMastery.conceptKey],
            set: { pKnown: s.p, mastery: toMastery(s.p), evidenceCount: s.count, updatedAt: now },
          });
      }
      return changes;
    });
  }

  async function recordCorrection(
    studentId: string,
    conceptKey: string,
    kind: CorrectionKind,
    note?: string | null,
  ): Promise<MasteryChange> {
    const [change] = await recordEvidence({
      studentId,
      conceptKey,
      kind: kind === 'known' ? 'correction_known' : 'correction_struggling',
      sourceType: 'correction',
      note: note ?? null,
    });
    return change!;
  }

  return { getMastery, listStudentConcepts, recordEvidence, recordCorrection, listEvidence };
}
