/**
 * The mastery service's contract: what other parts of the companion (chat, goals, routing) read and write.
 * Kept stable: change it only by adding.
 */
import type { EVIDENCE_KINDS } from '../../../db/schema/companion';

export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** One concept's mastery for one student. */
export type ConceptMastery = {
  /** `<subject_id>:<concept-slug>`, e.g. `algebra-1:linear-equations`. */
  conceptKey: string;
  subjectId: string;
  name: string;
  /** 0–100: the estimated probability (BKT) that the student knows the concept. */
  mastery: number;
  updatedAt: Date;
};

/** What moved a mastery estimate: the "why". */
export type EvidenceRecord = {
  id: number;
  conceptKey: string;
  kind: EvidenceKind;
  weight: number;
  sourceType: EvidenceSourceType;
  sourceId: string | null;
  note: string | null;
  quote: string | null;
  /** Plain words: "needed a hint in a session". */
  explanation: string;
  masteryBefore: number;
  masteryAfter: number;
  observedAt: Date;
};

export type StudentConcept = ConceptMastery & {
  description: string;
  difficulty: number;
  evidenceCount: number;
  firstSeenAt: Date;
  /** The latest evidence first (at most 20 per concept). */
  evidence: EvidenceRecord[];
};

export type EvidenceSourceType = 'transcript' | 'practice' | 'correction' | 'chat';

export type RecordEvidenceInput = {
  studentId: string;
  conceptKey: string;
  kind: EvidenceKind;
  /** Observations it counts as (default per kind, see bkt.ts); 0 < weight ≤ 5. */
  weight?: number;
  /** Overrides the kind's guess rate (e.g. 0.25 for a four-option multiple-choice item). */
  guess?: number;
  sourceType: EvidenceSourceType;
  sourceId?: string | null;
  /**
   * Idempotency key (unique per student): recording the same key again changes nothing, so a re-run job
   * does not count its evidence twice. E.g. `practice:<itemId>`.
   */
  dedupeKey?: string | null;
  note?: string | null;
  quote?: string | null;
  observedAt?: Date;
};

export type MasteryChange = {
  conceptKey: string;
  before: number;
  after: number;
  /** False when the dedupe key had been recorded already (nothing changed). */
  applied: boolean;
};

export type CorrectionKind = 'known' | 'struggling';

export type MasteryService = {
  /** The student's mastery per concept (all concepts seen, or only the keys asked for), highest first. */
  getMastery(studentId: string, conceptKeys?: readonly string[]): Promise<ConceptMastery[]>;
  /** Every concept the student has evidence for, with its description and the evidence that moved it. */
  listStudentConcepts(studentId: string): Promise<StudentConcept[]>;
  /** Applies evidence in order (one transaction); unknown concept keys are refused with UNPROCESSABLE. */
  recordEvidence(inputs: RecordEvidenceInput | readonly RecordEvidenceInput[]): Promise<MasteryChange[]>;
  /** The student's own correction ("I already know this" / "I still don't get this"), recorded and weighed. */
  recordCorrection(
    studentId: string,
    conceptKey: string,
    kind: CorrectionKind,
    note?: string | null,
  ): Promise<MasteryChange>;
};
