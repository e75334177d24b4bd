/**
 * Bayesian knowledge tracing (Corbett & Anderson, 1995), pure. A student either knows a concept or not; we
 * keep the probability that they do, P(known), and update it after each observation:
 *
 * - a correct answer is more likely when the student knows the concept (1 − slip) than when they guess
 *   (guess), so it raises P(known) by Bayes' rule; an incorrect one lowers it (slip vs 1 − guess);
 * - after each practice opportunity, a student who did not know the concept may have learnt it (learn).
 *
 * Evidence differs in strength, so each kind has its own slip/guess and a weight (how many observations it
 * counts as). Weights below 1 move the estimate part of the way; above 1, the update is repeated.
 */
import type { EvidenceKind } from './mastery.types';

export type BktParams = {
  /** P(known) before any evidence. */
  prior: number;
  /** P(learning the concept at an opportunity, when not known). */
  learn: number;
};

export const BKT_PARAMS: BktParams = { prior: 0.3, learn: 0.08 };

export type EvidenceModel = {
  /** Whether the observation counts as a correct answer. */
  correct: boolean;
  /** P(wrong despite knowing it). */
  slip: number;
  /** P(right without knowing it). */
  guess: number;
  /** Default weight (observations it counts as). */
  weight: number;
  /** Whether it is a learning opportunity (the learn transition applies after it). */
  opportunity: boolean;
  /** Plain words for the student: why this moved their mastery. */
  explain: string;
};

/**
 * The evidence kinds, in plain words:
 * - a concept worked on in a session is a learning opportunity only (the learn step, no observation);
 * - transcript attempts are noisier than practice (we infer them from a conversation), so they count 0.7;
 * - needing a hint counts as a half-weight incorrect answer (the BKT convention: help-assisted ≠ known);
 * - explaining one's reasoning is a half-weight correct answer with a low guess rate;
 * - practice answers count fully; multiple choice has a higher guess rate (set per item by the caller);
 * - a student's own correction counts as two observations with generous slip/guess: it moves the estimate
 *   clearly, but later practice can still move it back (it is weighed, not obeyed).
 */
export const EVIDENCE_MODELS: Record<EvidenceKind, EvidenceModel> = {
  // Taught in a session without a graded attempt: no observation (slip 0, guess 1 leave P(known) as it is),
  // only the chance to have learnt it.
  transcript_covered: {
    correct: true,
    slip: 0,
    guess: 1,
    weight: 1,
    opportunity: true,
    explain: 'worked on it in a session',
  },
  transcript_correct: {
    correct: true,
    slip: 0.1,
    guess: 0.25,
    weight: 0.7,
    opportunity: true,
    explain: 'answered correctly in a session',
  },
  transcript_incorrect: {
    correct: false,
    slip: 0.1,
    guess: 0.25,
    weight: 0.7,
    opportunity: true,
    explain: 'made a mistake in a session',
  },
  transcript_hint: {
    correct: false,
    slip: 0.15,
    guess: 0.25,
    weight: 0.5,
    opportunity: true,
    explain: 'needed a hint in a session',
  },
  self_explanation: {
    correct: true,
    slip: 0.1,
    guess: 0.1,
    weight: 0.5,
    opportunity: true,
    explain: 'explained their reasoning in a session',
  },
  practice_correct: {
    correct: true,
    slip: 0.1,
    guess: 0.15,
    weight: 1,
    opportunity: true,
    explain: 'answered a practice question correctly',
  },
  practice_incorrect: {
    correct: false,
    slip: 0.1,
    guess: 0.15,
    weight: 1,
    opportunity: true,
    explain: 'answered a practice question incorrectly',
  },
  correction_known: {
    correct: true,
    slip: 0.2,
    guess: 0.3,
    weight: 2,
    opportunity: false,
    explain: 'said "I already know this"',
  },
  correction_struggling: {
    correct: false,
    slip: 0.2,
    guess: 0.3,
    weight: 2,
    opportunity: false,
    explain: 'said "I still don\'t get this"',
  },
};

const clamp = (p: number) => Math.min(0.999, Math.max(0.001, p));

/** One BKT step for one observation: the Bayes posterior, then the learning transition. */
export function bktStep(
  p: number,
  obs: { correct: boolean; slip: number; guess: number; opportunity: boolean },
  params: BktParams = BKT_PARAMS,
): number {
  const { slip, guess } = obs;
  const posterior = obs.correct
    ? (p * (1 - slip)) / (p * (1 - slip) + (1 - p) * guess)
    : (p * slip) / (p * slip + (1 - p) * (1 - guess));
  const next = obs.opportunity ? posterior + (1 - posterior) * params.learn : posterior;
  return clamp(next);
}

/** Applies an observation with a weight: whole steps, then a part of one more step. */
export function applyEvidence(
  p: number,
  kind: EvidenceKind,
  opts: { weight?: number; guess?: number } = {},
  params: BktParams = BKT_PARAMS,
): number {
  const model = EVIDENCE_MODELS[kind];
  const obs = { ...model, guess: opts.guess ?? model.guess };
  const weight = Math.max(0, Math.min(5, opts.weight ?? model.weight));
  let q = p;
  for (let i = 1; i <= Math.floor(weight); i++) q = bktStep(q, obs, params);
  const part = weight - Math.floor(weight);
  if (part > 0) q = q + part * (bktStep(q, obs, params) - q);
  return clamp(q);
}

export const toMastery = (p: number) => Math.round(clamp(p) * 100);
