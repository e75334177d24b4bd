/**
 * Tutor score: 0-100 overall with a breakdown (attendance, ratings, completion, reliability) and a
 * confidence 0-1. Small samples are shrunk toward the population (empirical Bayes): each rate is computed
 * as if the tutor also had `priorSessions` sessions at the population's rate, so a tutor with two sessions
 * scores near the average instead of at either extreme. Pure: counts in, score out.
 */
import { SCORE_WEIGHTS, type ScoreWeights } from './thresholds';

/** A tutor's counts over one window. */
export type WindowCounts = {
  sessions: number;
  firstSessions: number;
  joined: number;
  bothJoined: number;
  noShows: number;
  late: number;
  latenessMinutesSum: number;
  earlyEnds: number;
  earlyEndMinutesSum: number;
  reschedules: number;
  tutorReschedules: number;
  studentNoShows: number;
  rated: number;
  ratingSum: number;
  firstRated: number;
  firstRatingSum: number;
  poorFirst: number;
};

export type Population = {
  noShowRate: number;
  lateRate: number;
  earlyEndRate: number;
  tutorRescheduleRate: number;
  avgStudentRating: number;
};

/** Used until a population has been measured (empty database): typical marketplace figures. */
export const DEFAULT_POPULATION: Population = {
  noShowRate: 0.01,
  lateRate: 0.05,
  earlyEndRate: 0.04,
  tutorRescheduleRate: 0.05,
  avgStudentRating: 4.4,
};

export type ScoreResult = {
  overall: number;
  attendance: number;
  ratings: number;
  completion: number;
  reliability: number;
  confidence: number;
  /** The shrunk rates the components were computed from. */
  shrunk: {
    noShowRate: number;
    lateRate: number;
    earlyEndRate: number;
    tutorRescheduleRate: number;
    avgRating: number;
  };
};

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const shrink = (count: number, n: number, prior: number, k: number) => (count + prior * k) / (n + k);

export function computeScore(c: WindowCounts, pop: Population, w: ScoreWeights = SCORE_WEIGHTS): ScoreResult {
  const k = w.priorSessions;
  const noShowRate = shrink(c.noShows, c.sessions, pop.noShowRate, k);
  const lateRate = shrink(c.late, c.joined, pop.lateRate, k);
  const earlyEndRate = shrink(c.earlyEnds, c.bothJoined, pop.earlyEndRate, k);
  const tutorRescheduleRate = shrink(c.tutorReschedules, c.sessions, pop.tutorRescheduleRate, k);
  const avgRating = (c.ratingSum + pop.avgStudentRating * w.priorRatings) / (c.rated + w.priorRatings);

  const attendance =
    100 * (1 - clamp01(0.65 * (noShowRate / w.noShowRateAtZero) + 0.35 * (lateRate / w.lateRateAtZero)));
  const ratings = 100 * clamp01((avgRating - 1) / 4);
  const completion = 100 * (1 - clamp01(earlyEndRate / w.earlyEndRateAtZero));
  const reliability = 100 * (1 - clamp01(tutorRescheduleRate / w.tutorRescheduleRateAtZero));
  const overall =
    w.attendance * attendance + w.ratings * ratings + w.completion * completion + w.reliability * reliability;
  return {
    overall: Math.round(overall),
    attendance: Math.round(attendance),
    ratings: Math.round(ratings),
    completion: Math.round(completion),
    reliability: Math.round(reliability),
    confidence: Math.round((c.sessions / (c.sessions + k)) * 100) / 100,
    shrunk: { noShowRate, lateRate, earlyEndRate, tutorRescheduleRate, avgRating },
  };
}

/** Improving / declining when the last week's average rating moves 0.2 stars from the 30-day one. */
export function ratingTrend(
  recent: { rated: number; ratingSum: number },
  baseline: { rated: number; ratingSum: number },
  minRated = 3,
): 'improving' | 'stable' | 'declining' | null {
  if (recent.rated < minRated || baseline.rated < minRated) return null;
  const diff = recent.ratingSum / recent.rated - baseline.ratingSum / baseline.rated;
  if (diff > 0.2) return 'improving';
  if (diff < -0.2) return 'declining';
  return 'stable';
}

export const rateOrNull = (n: number, d: number) => (d > 0 ? n / d : null);
