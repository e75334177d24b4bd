/**
 * Evaluation figures: per-class precision / recall / F1, macro-F1 and the confusion matrix of a labelling;
 * the ROC AUC of a score; Spearman's rank correlation (simple-statistics, with average ranks for ties).
 */
import { sampleCorrelation } from 'simple-statistics';

export type ClassFigures = {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
};

export type ClassReport = {
  perClass: ClassFigures[];
  macroF1: number;
  accuracy: number;
  /** confusion[truth][predicted] */
  confusion: number[][];
};

/** Figures of predicted class indices against the truth. A class never predicted has precision 0. */
export function classReport(truth: number[], predicted: number[], classes: number): ClassReport {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, i) => confusion[t]![predicted[i]!]!++);
  const perClass = confusion.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedN = confusion.reduce((a, r) => a + r[c]!, 0);
    const precision = predictedN > 0 ? tp / predictedN : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support, predicted: predictedN };
  });
  const correct = confusion.reduce((a, row, c) => a + row[c]!, 0);
  return {
    perClass,
    macroF1: perClass.reduce((a, f) => a + f.f1, 0) / classes,
    accuracy: truth.length > 0 ? correct / truth.length : 0,
    confusion,
  };
}

/** Precision, recall and F1 of a yes/no finding. */
export function binaryFigures(truth: boolean[], found: boolean[]): Omit<ClassFigures, 'predicted'> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  truth.forEach((t, i) => {
    if (found[i] && t) tp++;
    else if (found[i]) fp++;
    else if (t) fn++;
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn };
}

/** Average ranks (1-based), ties sharing the mean of their positions. */
export function ranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const r = (i + j) / 2 + 1;
    for (let m = i; m <= j; m++) out[order[m]![1]] = r;
    i = j + 1;
  }
  return out;
}

/** The probability that a random positive scores above a random negative (ties count half). */
export function rocAuc(scores: number[], positive: boolean[]): number {
  const r = ranks(scores);
  let sumPos = 0;
  let nPos = 0;
  positive.forEach((p, i) => {
    if (p) {
      sumPos += r[i]!;
      nPos++;
    }
  });
  const nNeg = positive.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function spearman(a: number[], b: number[]): number {
  if (a.length < 2) return Number.NaN;
  return sampleCorrelation(ranks(a), ranks(b));
}
