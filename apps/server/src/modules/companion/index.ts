/**
 * The companion module's public API (study companion, seed 004). Learning side: transcripts → concepts →
 * mastery → progress, and practice. Other modules and the composition root import from here only.
 *
 * Mastery, for the engagement side (chat, goals, routing): `createMasteryService({ db, clock })` →
 * `getMastery(studentId, conceptKeys?)`, `listStudentConcepts(studentId)`, `recordEvidence(...)`,
 * `recordCorrection(...)`; see mastery/mastery.types.ts for the stable contract.
 */
export { createMasteryService } from './mastery/mastery.service';
export type {
  ConceptMastery,
  CorrectionKind,
  EvidenceKind,
  EvidenceRecord,
  EvidenceSourceType,
  MasteryChange,
  MasteryService,
  RecordEvidenceInput,
  StudentConcept,
} from './mastery/mastery.types';
export { BKT_PARAMS, EVIDENCE_MODELS } from './mastery/bkt';
