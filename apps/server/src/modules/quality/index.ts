/**
 * The quality module's public API: its services, routes, job handlers and the session-analysis AI task.
 * Other modules and the composition root import from here only (the lint rule `boundaries/entry-point`
 * enforces it).
 */
export {
  createSessionAnalysisTask,
  createSessionAnalyzer,
  SESSION_ANALYSIS_TASK,
} from './analysis/analysis.task';
export { createLocalAnalyzer, loadNlp, preloadMoveClassifier } from './analysis/local-analyzer';
export { analyticsRoutes } from './analytics.routes';
export { createAnalyticsService, invalidatesQuality, QUALITY_READ_TAG } from './analytics.service';
export { backfillQuality, type BackfillResult } from './backfill';
export { flagsRoutes } from './flags.routes';
export { createFlagService } from './flags.service';
export { interventionsRoutes } from './interventions.routes';
export { createInterventionService } from './interventions.service';
export { reportsRoutes } from './reports.routes';
export { createReportJobs, MAIL_SWEEP_SCHEDULER_ID } from './reports.jobs';
export { createReportService } from './reports.service';
export { createScoreService } from './scores.service';
export { createQualitySignalService, type QualitySignalService } from './signals.service';
export { sessionDetailRoutes } from './session-detail.routes';
export { createSessionDetailService } from './session-detail.service';
export { createTier1Handler } from './tier1';
export { createTier2Handler, ROLLING_MEAN_POLICY } from './tier2';
export { createTier2Sweep } from './tier2-sweep';
export { createTier3Jobs, createTier3Service } from './tier3';
export { tutorsRoutes } from './tutors.routes';
export { createTutorService } from './tutors.service';

// Tutor moves: the classifier and its training/evaluation, used by the CLI (moves, train:moves, eval:moves).
export { measureTranscript } from './analysis/local-analyzer';
export { parseTranscript } from './analysis/transcript';
export type { ParsedTranscript, Speaker, Turn } from './analysis/transcript';
export { DEFAULT_MATHDIAL_PATH, readMathDialFile } from './moves/data';
export { MOVES, readDialogueLine, readMathDialLine } from './moves/dialogue';
export type { Dialogue, LabelledDialogue, Move } from './moves/dialogue';
export { FEATURE_VERSION } from './moves/features';
export type { FeatureVariant } from './moves/features';
export { binaryFigures, classReport, rocAuc, spearman } from './moves/metrics';
export type { ClassReport } from './moves/metrics';
export {
  DEFAULT_MODEL_URL,
  MODEL_FORMAT,
  ZMovesModelFile,
  loadMoveClassifier,
  serialiseVariant,
} from './moves/model';
export type { MoveClassifier, MovesModelFile, TurnMove } from './moves/model';
export { analyzerScores, guidanceFromMoves, qualityWithGuidance, scoreSessionMoves } from './moves/scores';
export {
  HYPERPARAMETER_GRID,
  argmax,
  buildExamples,
  crossValidate,
  fitMoveModel,
  selectHyperparameters,
} from './moves/train';
export type { Example, Hyperparameters } from './moves/train';

// The pure rules and thresholds, for the offline quality evaluation (eval:quality --offline).
export { decideAutoResolution, evaluatePatterns, evaluateSession, isPatternFlagType } from './rules';
export type { PatternFlagType, WindowTally } from './rules';
export { QUALITY_THRESHOLDS } from './thresholds';
export type { QualityThresholds } from './thresholds';

// For the operations module's customer health (churn features).
export {
  CUSTOMER_FINDING_TYPES,
  findSessionFindingTypes,
  listTutorScoreHistory,
  type CustomerFindingType,
} from './customer-signals';
