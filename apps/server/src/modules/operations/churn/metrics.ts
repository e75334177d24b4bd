/**
 * Holdout metrics for a binary classifier, as pure functions of (scores, labels), defined as scikit-learn
 * defines them so the figures can be checked against it:
 * - ROC AUC: the probability that a random churner scores above a random stayer, ties counting one half
 *   (Mann–Whitney U with average ranks) — equal to `roc_auc_score`.
 * - PR AUC: average precision, Σₙ (Rₙ − Rₙ₋₁) · Pₙ over the distinct score thresholds from the highest down, tied
 *   scores entering together — `average_precision_score` (a step sum, not the trapezoid).
 * - Brier score: mean of (p − y)².
 * - Calibration table: the rows sorted by predicted probability and cut into `bins` groups of (nearly) equal
 *   count (deciles by default); per group its probability range, count, mean prediction and observed churn rate.
 * - Recall and precision at a threshold: churn predicted when p ≥ threshold.
 * Labels are 1 (churned) / 0 (stayed). ROC AUC and PR AUC need both classes and throw otherwise.
 */

export type Labels = ArrayLike<number | boolean>;
type Scores = ArrayLike<number>;

function checkSizes(scores: Scores, labels: Labels): void {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  if (scores.length === 0) throw new RangeError('no rows to measure');
}

const isPositive = (labels: Labels, i: number) => Boolean(labels[i]);

function countPositives(labels: Labels): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (isPositive(labels, i)) n++;
  return n;
}

export function rocAuc(scores: Scores, labels: Labels): number {
  checkSizes(scores, labels);
  const n = scores.length;
  const positives = countPositives(labels);
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) throw new RangeError('ROC AUC needs both churners and stayers');
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let rankSumPositives = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const averageRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) if (isPositive(labels, order[k] as number)) rankSumPositives += averageRank;
    i = j + 1;
  }
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function averagePrecision(scores: Scores, labels: Labels): number {
  checkSizes(scores, labels);
  const n = scores.length;
  const positives = countPositives(labels);
  if (positives === 0 || positives === n) throw new RangeError('PR AUC needs both churners and stayers');
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    for (let k = i; k <= j; k++) {
      if (isPositive(labels, order[k] as number)) tp++;
      else fp++;
    }
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
    i = j + 1;
  }
  return ap;
}

export function brierScore(probabilities: Scores, labels: Labels): number {
  checkSizes(probabilities, labels);
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const d = (probabilities[i] as number) - (isPositive(labels, i) ? 1 : 0);
    sum += d * d;
  }
  return sum / probabilities.length;
}

export type CalibrationBin = {
  /** Lowest and highest predicted probability in the bin. */
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
};

export function calibrationTable(probabilities: Scores, labels: Labels, bins = 10): CalibrationBin[] {
  checkSizes(probabilities, labels);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('bins must be a positive whole number');
  const n = probabilities.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (probabilities[a] as number) - (probabilities[b] as number),
  );
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * n) / bins);
    const end = Math.floor(((b + 1) * n) / bins);
    if (end <= start) continue;
    let sumP = 0;
    let churned = 0;
    for (let k = start; k < end; k++) {
      const i = order[k] as number;
      sumP += probabilities[i] as number;
      if (isPositive(labels, i)) churned++;
    }
    const count = end - start;
    out.push({
      from: probabilities[order[start] as number] as number,
      to: probabilities[order[end - 1] as number] as number,
      count,
      meanPredicted: sumP / count,
      observedRate: churned / count,
    });
  }
  return out;
}

export type ThresholdStats = {
  threshold: number;
  recall: number;
  /** NaN when nothing is predicted to churn. */
  precision: number;
  /** Share of all rows predicted to churn. */
  flaggedShare: number;
};

export function statsAtThreshold(probabilities: Scores, labels: Labels, threshold: number): ThresholdStats {
  checkSizes(probabilities, labels);
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const y = isPositive(labels, i);
    if (y) positives++;
    if ((probabilities[i] as number) >= threshold) {
      if (y) tp++;
      else fp++;
    }
  }
  return {
    threshold,
    recall: positives === 0 ? Number.NaN : tp / positives,
    precision: tp + fp === 0 ? Number.NaN : tp / (tp + fp),
    flaggedShare: (tp + fp) / probabilities.length,
  };
}

/**
 * The highest threshold whose recall reaches `targetRecall`: the k-th highest score among churners, with
 * k = ⌈target · churners⌉. Every threshold above it misses the target; any below flags more stayers.
 */
export function thresholdForRecall(probabilities: Scores, labels: Labels, targetRecall: number): number {
  checkSizes(probabilities, labels);
  if (!(targetRecall > 0 && targetRecall <= 1)) throw new RangeError('target recall must be in (0, 1]');
  const churnerScores: number[] = [];
  for (let i = 0; i < probabilities.length; i++)
    if (isPositive(labels, i)) churnerScores.push(probabilities[i] as number);
  if (churnerScores.length === 0) throw new RangeError('a recall target needs churners');
  churnerScores.sort((a, b) => b - a);
  const k = Math.ceil(targetRecall * churnerScores.length - 1e-9);
  return churnerScores[Math.max(1, k) - 1] as number;
}
