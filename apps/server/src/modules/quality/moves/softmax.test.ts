import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitSoftmax, softmaxObjective, softmaxProbabilities, type SparseRow } from './softmax';

/** scikit-learn 1.2 LogisticRegression (lbfgs, multinomial, tol 1e-12) on 90 rows × 6 features × 3 classes. */
const fixture = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/moves/sklearn-softmax.json', import.meta.url), 'utf8'),
) as {
  X: number[][];
  y: number[];
  cases: Array<{ c: number; classWeights: number[] | null; coef: number[][]; intercept: number[] }>;
};

const toSparse = (dense: number[]): SparseRow => {
  const row: SparseRow = { idx: [], val: [] };
  dense.forEach((v, j) => {
    if (v !== 0) {
      row.idx.push(j);
      row.val.push(v);
    }
  });
  return row;
};
const rows = fixture.X.map(toSparse);

describe('fitSoftmax', () => {
  it.each(fixture.cases)(
    'finds the coefficients scikit-learn finds (C = $c, class weights $classWeights)',
    ({ c, classWeights, coef, intercept }) => {
      const fit = fitSoftmax(rows, fixture.y, 3, 6, { c, ...(classWeights ? { classWeights } : {}) });
      expect(fit.converged).toBe(true);
      // scikit-learn's multinomial intercepts and weights are only defined up to a constant per feature when
      // unpenalised; the weights are penalised (unique), the intercepts are compared after centring.
      for (let k = 0; k < 3; k++) {
        for (let j = 0; j < 6; j++) expect(fit.weights[k * 6 + j]).toBeCloseTo(coef[k]![j]!, 4);
      }
      const centre = (v: ArrayLike<number>) => {
        const m = (v[0]! + v[1]! + v[2]!) / 3;
        return [v[0]! - m, v[1]! - m, v[2]! - m];
      };
      const ours = centre(fit.bias);
      const theirs = centre(intercept);
      for (let k = 0; k < 3; k++) expect(ours[k]).toBeCloseTo(theirs[k]!, 4);
    },
  );

  it('computes the gradient of its objective (finite differences)', () => {
    const n = 3 * 6 + 3;
    const theta = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 0.3);
    const grad = new Float64Array(n);
    const opts = { c: 0.7, classWeights: [1, 2, 0.5] };
    softmaxObjective(theta, rows, fixture.y, 3, 6, opts, grad);
    const scratch = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      const h = 1e-6;
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[p]! += h;
      minus[p]! -= h;
      const numeric =
        (softmaxObjective(plus, rows, fixture.y, 3, 6, opts, scratch) -
          softmaxObjective(minus, rows, fixture.y, 3, 6, opts, scratch)) /
        (2 * h);
      expect(grad[p]).toBeCloseTo(numeric, 6);
    }
  });

  it('separates separable classes and gives probabilities that sum to 1', () => {
    const data: SparseRow[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 30; i++) {
      const k = i % 3;
      data.push({ idx: [k], val: [1 + (i % 5) / 10] });
      labels.push(k);
    }
    const fit = fitSoftmax(data, labels, 3, 3, { c: 10 });
    for (let k = 0; k < 3; k++) {
      const p = softmaxProbabilities(fit, { idx: [k], val: [1] });
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(p.indexOf(Math.max(...p))).toBe(k);
    }
  });

  it('refuses a label outside the classes', () => {
    expect(() => fitSoftmax([{ idx: [0], val: [1] }], [3], 3, 1, { c: 1 })).toThrow(/not a class index/);
  });
});
