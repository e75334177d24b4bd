/**
 * The companion module's public API (study companion, seed 004). Learning side: transcripts → concepts →
 * mastery → progress, and practice. Other modules and the composition root import from here only.
 *
 * Mastery, for the engagement side (chat, goals, routing): `services.companion.mastery` (or
 * `createMasteryService({ db, clock })`) → `getMastery(studentId, conceptKeys?)`,
 * `listStudentConcepts(studentId)`, `recordEvidence(...)`, `recordCorrection(...)`; see
 * mastery/mastery.types.ts for the stable contract. `createCompanionLearning({ …, hooks })` calls
 * `transcriptAnalysed` (concepts and misconceptions found) and `practiceSubmitted` (score, mastery changes)
 * after each commit, for notifications and routing.
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
export { BKT_PARAMS, EVIDENCE_MODELS, applyEvidence, bktStep, toMastery } from './mastery/bkt';
export { createStudentAccess, type StudentAccess } from './access';
export { CURATED_CONCEPTS, conceptKey, curatedConcept, type CuratedConcept } from './concepts/catalog';
export { normalizeConceptName } from './concepts/normalize';
export { createConceptService, type ConceptService } from './concepts/concepts.service';
export {
  createCompanionJobs,
  createCompanionLearning,
  masteryReaderOf,
  withUploadedTranscripts,
  type CompanionLearning,
  type CompanionLearningDeps,
  type CompanionLearningHooks,
} from './learning';
export { companionLearningRoutes } from './learning.routes';
export { createTranscriptAnalysisTask, TRANSCRIPT_ANALYSIS_TASK } from './transcripts/analysis.task';
export { analyzeTranscriptLocally, LOCAL_ANALYSIS_MODEL } from './transcripts/local-analysis';
export { normalizeTranscript } from './transcripts/formats';
export type { TranscriptAnalysis, AnalysisConcept } from './transcripts/analysis.types';
export { createPracticeTask, PRACTICE_TASK } from './practice/practice.task';
export { generateLocalPractice } from './practice/local-practice';
export { generateProblem, GENERATOR_IDS, seededRng } from './practice/generators';
export { gradeAnswer } from './practice/grading';

// The engagement side (chat, goals, suggestions, notifications, nudges, routing): engagement.ts.
export {
  createEngagementJobs,
  createEngagementServices,
  DEFAULT_ENGAGEMENT_SETTINGS,
  DEFAULT_NUDGE_SETTINGS,
  EMPTY_MASTERY_READER,
  engagementRoutes,
  NUDGES_CRON,
  NUDGES_SCHEDULER_ID,
  type AccountDirectory,
  type AttemptRecord,
  type EngagementServices,
  type EngagementSettings,
  type MasteryReader,
  type MasteryRecord,
  type NudgeSettings,
  type RankedTutor,
  type StudentSessionsReader,
  type TutorDirectory,
} from './engagement';
