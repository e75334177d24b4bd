import { describe, expect, it } from 'vitest';
import { binaryFigures, classReport, ranks, rocAuc, spearman } from './metrics';

describe('classReport', () => {
  it('gives per-class precision, recall, F1, macro-F1 and the confusion matrix', () => {
    // truth:     0 0 0 1 1 2
    // predicted: 0 0 1 1 2 2
    const r = classReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
    expect(r.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(r.perClass[0]).toMatchObject({ precision: 1, recall: 2 / 3, support: 3, predicted: 2 });
    expect(r.perClass[1]!.f1).toBeCloseTo(0.5, 12);
    expect(r.perClass[2]!.precision).toBeCloseTo(0.5, 12);
    expect(r.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
  });

  it('counts a class that is never predicted as precision 0, F1 0', () => {
    const r = classReport([0, 1], [0, 0], 2);
    expect(r.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('binaryFigures', () => {
  it('scores a yes/no finding', () => {
    expect(binaryFigures([true, true, false, false], [true, false, true, false])).toEqual({
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      support: 2,
    });
  });
});

describe('rocAuc and ranks', () => {
  it.each([
    { scores: [1, 2, 3, 4], positive: [false, false, true, true], auc: 1 },
    { scores: [4, 3, 2, 1], positive: [false, false, true, true], auc: 0 },
    { scores: [1, 1, 1, 1], positive: [false, true, false, true], auc: 0.5 },
    { scores: [0.1, 0.4, 0.35, 0.8], positive: [false, false, true, true], auc: 0.75 },
  ])('AUC of $scores is $auc', ({ scores, positive, auc }) => {
    expect(rocAuc(scores, positive)).toBeCloseTo(auc, 12);
  });

  it('is undefined with one class only', () => {
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });

  it('shares ranks between ties', () => {
    expect(ranks([10, 20, 10, 30])).toEqual([1.5, 3, 1.5, 4]);
  });

  it('gives Spearman 1 for a monotone relation and −1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [8, 4, 2, 1])).toBeCloseTo(-1, 12);
  });
});
