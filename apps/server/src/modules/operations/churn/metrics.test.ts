import { describe, expect, it } from 'vitest';
import { createRng } from '../../../cli/seed/random';
import {
  averagePrecision,
  brierScore,
  calibrationTable,
  rocAuc,
  statsAtThreshold,
  thresholdForRecall,
} from './metrics';

/** Every (churner, stayer) pair: 1 when the churner scores higher, ½ on a tie. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (!labels[i]) return;
    scores.forEach((sn, j) => {
      if (labels[j]) return;
      pairs++;
      sum += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

describe('rocAuc', () => {
  it.each([
    { name: "scikit-learn's example", scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1], expected: 0.75 },
    {
      name: 'a tie between a churner and a stayer counts one half',
      scores: [0.5, 0.5, 0.2, 0.9],
      labels: [0, 1, 0, 1],
      expected: 3.5 / 4,
    },
    { name: 'all scores equal', scores: [0.3, 0.3, 0.3], labels: [1, 0, 0], expected: 0.5 },
    { name: 'perfect ranking', scores: [0.1, 0.2, 0.8], labels: [0, 0, 1], expected: 1 },
    { name: 'reversed ranking', scores: [0.9, 0.2, 0.1], labels: [0, 1, 1], expected: 0 },
  ])('$name', ({ scores, labels, expected }) => {
    expect(rocAuc(scores, labels)).toBeCloseTo(expected, 12);
  });

  it('equals the pairwise count on data with many ties', () => {
    const rng = createRng('auc');
    const scores = Array.from({ length: 300 }, () => Math.round(rng.next() * 20) / 20);
    const labels = scores.map((s) => (rng.bernoulli(0.2 + 0.6 * s) ? 1 : 0));
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });

  it('needs both classes and matching lengths', () => {
    expect(() => rocAuc([0.2, 0.4], [1, 1])).toThrow(/both/);
    expect(() => rocAuc([0.2], [1, 0])).toThrow(/length/);
  });
});

describe('averagePrecision', () => {
  it.each([
    // thresholds 0.8 (P 1, R ½), 0.4 (P ½, R ½), 0.35 (P ⅔, R 1): ½·1 + ½·⅔
    { name: "scikit-learn's example", scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1], expected: 5 / 6 },
    // tied scores enter together: one threshold, P ½ at R 1 (not 1 if the churner were taken first)
    { name: 'a churner tied with a stayer', scores: [0.5, 0.5], labels: [1, 0], expected: 0.5 },
    {
      name: 'ties then a clear churner',
      scores: [0.5, 0.5, 0.9, 0.1],
      labels: [1, 0, 1, 0],
      expected: 0.5 + 0.5 * (2 / 3),
    },
    { name: 'perfect ranking', scores: [0.9, 0.8, 0.1], labels: [1, 1, 0], expected: 1 },
  ])('$name', ({ scores, labels, expected }) => {
    expect(averagePrecision(scores, labels)).toBeCloseTo(expected, 12);
  });

  it('is the churn rate when every score is equal', () => {
    expect(averagePrecision([0.4, 0.4, 0.4, 0.4], [1, 0, 0, 0])).toBeCloseTo(0.25, 12);
  });
});

describe('brierScore', () => {
  it('is the mean squared difference from the outcome', () => {
    expect(brierScore([0.1, 0.9, 0.8], [0, 1, 0])).toBeCloseTo((0.01 + 0.01 + 0.64) / 3, 12);
    expect(brierScore([1, 0], [true, false])).toBe(0);
  });
});

describe('calibrationTable', () => {
  it('cuts the sorted predictions into equal-count bins with mean prediction and observed rate', () => {
    const p = [0.8, 0.1, 0.3, 0.2, 0.9, 0.4, 0.7, 0.6];
    const y = [1, 0, 0, 0, 1, 1, 0, 1];
    expect(calibrationTable(p, y, 4)).toEqual([
      { from: 0.1, to: 0.2, count: 2, meanPredicted: expect.closeTo(0.15, 12), observedRate: 0 },
      { from: 0.3, to: 0.4, count: 2, meanPredicted: expect.closeTo(0.35, 12), observedRate: 0.5 },
      { from: 0.6, to: 0.7, count: 2, meanPredicted: expect.closeTo(0.65, 12), observedRate: 0.5 },
      { from: 0.8, to: 0.9, count: 2, meanPredicted: expect.closeTo(0.85, 12), observedRate: 1 },
    ]);
  });

  it('spreads a remainder over the bins and drops empty ones', () => {
    expect(calibrationTable([0.1, 0.2, 0.3, 0.4, 0.5], [0, 0, 1, 0, 1], 2).map((b) => b.count)).toEqual([
      2, 3,
    ]);
    expect(calibrationTable([0.1, 0.2, 0.3], [0, 1, 1]).map((b) => b.count)).toEqual([1, 1, 1]);
  });
});

describe('threshold', () => {
  const p = [0.9, 0.6, 0.4, 0.2, 0.3, 0.1, 0.05];
  const y = [1, 0, 1, 0, 1, 1, 0];

  it('gives recall, precision and the flagged share at p ≥ threshold', () => {
    expect(statsAtThreshold(p, y, 0.4)).toEqual({
      threshold: 0.4,
      recall: 0.5,
      precision: 2 / 3,
      flaggedShare: 3 / 7,
    });
    const none = statsAtThreshold(p, y, 0.95);
    expect(none.recall).toBe(0);
    expect(none.precision).toBeNaN();
  });

  it.each([
    { target: 0.25, expected: 0.9 },
    { target: 0.5, expected: 0.4 },
    { target: 0.75, expected: 0.3 },
    { target: 0.8, expected: 0.1 },
    { target: 1, expected: 0.1 },
  ])('the highest threshold reaching recall $target is $expected', ({ target, expected }) => {
    const t = thresholdForRecall(p, y, target);
    expect(t).toBe(expected);
    expect(statsAtThreshold(p, y, t).recall).toBeGreaterThanOrEqual(target);
    // any higher threshold (the next churner score up) misses the target
    const higher = p.filter((v, i) => y[i] && v > t);
    if (higher.length) expect(statsAtThreshold(p, y, Math.min(...higher)).recall).toBeLessThan(target);
  });

  it('refuses a target outside (0, 1] or data without churners', () => {
    expect(() => thresholdForRecall(p, y, 0)).toThrow();
    expect(() => thresholdForRecall([0.2], [0], 0.5)).toThrow(/churners/);
  });
});
