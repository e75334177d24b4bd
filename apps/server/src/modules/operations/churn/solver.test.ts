import { describe, expect, it } from 'vitest';
import { createRng } from '../../../cli/seed/random';
import { balancedSampleWeights, fitLogisticRegression, log1pExp, sigmoid, type LogisticData } from './solver';

function data(rows: number[][], y: number[], weights?: number[]): LogisticData {
  const p = rows[0]?.length ?? 0;
  return {
    x: Float64Array.from(rows.flat()),
    n: rows.length,
    p,
    y: Uint8Array.from(y),
    weights: Float64Array.from(weights ?? y.map(() => 1)),
  };
}

/** The penalised objective's gradient, written out independently of the solver. */
function gradient(d: LogisticData, coef: number[], intercept: number, C: number): number[] {
  const g = new Array<number>(d.p + 1).fill(0);
  for (let i = 0; i < d.n; i++) {
    let z = intercept;
    for (let j = 0; j < d.p; j++) z += d.x[i * d.p + j]! * coef[j]!;
    const r = d.weights[i]! * (1 / (1 + Math.exp(-z)) - d.y[i]!);
    for (let j = 0; j < d.p; j++) g[j]! += r * d.x[i * d.p + j]!;
    g[d.p]! += r;
  }
  for (let j = 0; j < d.p; j++) g[j]! += coef[j]! / C;
  return g;
}

function randomProblem(seed: string, n: number, p: number) {
  const rng = createRng(seed);
  const truth = Array.from({ length: p }, () => rng.normal(0, 1));
  const rows = Array.from({ length: n }, () => Array.from({ length: p }, () => rng.normal(0, 1)));
  const y = rows.map((r) => (rng.bernoulli(sigmoid(r.reduce((z, v, j) => z + v * truth[j]!, -1))) ? 1 : 0));
  const weights = y.map(() => rng.float(0.2, 3));
  return data(rows, y, weights);
}

describe('balancedSampleWeights', () => {
  it("gives each class n / (2 · its count), as scikit-learn's 'balanced'", () => {
    const b = balancedSampleWeights(Uint8Array.from([1, 0, 0, 0]));
    expect(b.positive).toBe(2);
    expect(b.negative).toBeCloseTo(2 / 3, 15);
    expect(Array.from(b.weights)).toEqual([2, b.negative, b.negative, b.negative]);
  });

  it('needs both classes', () => {
    expect(() => balancedSampleWeights(Uint8Array.from([0, 0]))).toThrow(/both classes/);
  });
});

describe('fitLogisticRegression', () => {
  it('with nothing to learn from, puts the weighted log-odds in the intercept', () => {
    const d = data([[0], [0], [0], [0]], [1, 0, 0, 0], [3, 1, 1, 2]);
    const fit = fitLogisticRegression(d, { C: 1 });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]).toBeCloseTo(0, 12);
    expect(fit.intercept).toBeCloseTo(Math.log(3 / 4), 10);
  });

  it('without penalty, finds the log odds ratio of a 2×2 table', () => {
    // x = 1: 30 churned, 10 stayed; x = 0: 20 churned, 40 stayed
    const rows: number[][] = [];
    const y: number[] = [];
    const add = (x: number, label: number, count: number) => {
      for (let k = 0; k < count; k++) {
        rows.push([x]);
        y.push(label);
      }
    };
    add(1, 1, 30);
    add(1, 0, 10);
    add(0, 1, 20);
    add(0, 0, 40);
    const fit = fitLogisticRegression(data(rows, y), { C: 1e12 });
    expect(fit.coefficients[0]).toBeCloseTo(Math.log((30 * 40) / (10 * 20)), 8);
    expect(fit.intercept).toBeCloseTo(Math.log(20 / 40), 8);
  });

  it('reaches the optimum: the gradient vanishes and every nearby point is worse', () => {
    const d = randomProblem('kkt', 600, 6);
    const C = 0.5;
    const fit = fitLogisticRegression(d, { C });
    expect(fit.converged).toBe(true);
    const totalWeight = d.weights.reduce((a, b) => a + b, 0);
    for (const g of gradient(d, fit.coefficients, fit.intercept, C))
      expect(Math.abs(g)).toBeLessThan(1e-9 * totalWeight);
    const objective = (coef: number[], b: number) => {
      let f = 0;
      for (let i = 0; i < d.n; i++) {
        let z = b;
        for (let j = 0; j < d.p; j++) z += d.x[i * d.p + j]! * coef[j]!;
        f += d.weights[i]! * (log1pExp(z) - d.y[i]! * z);
      }
      return f + coef.reduce((s, c) => s + c * c, 0) / (2 * C);
    };
    const best = objective(fit.coefficients, fit.intercept);
    expect(best).toBeCloseTo(fit.objective, 8);
    for (let j = 0; j <= d.p; j++)
      for (const h of [1e-3, -1e-3]) {
        const coef = [...fit.coefficients];
        let b = fit.intercept;
        if (j < d.p) coef[j]! += h;
        else b += h;
        expect(objective(coef, b)).toBeGreaterThan(best);
      }
  });

  it('treats a weight of 2 as the row twice', () => {
    const weighted = data([[1], [2], [-1], [0.5]], [1, 0, 0, 1], [2, 1, 1, 1]);
    const duplicated = data([[1], [1], [2], [-1], [0.5]], [1, 1, 0, 0, 1]);
    const a = fitLogisticRegression(weighted, { C: 2 });
    const b = fitLogisticRegression(duplicated, { C: 2 });
    expect(a.coefficients[0]).toBeCloseTo(b.coefficients[0]!, 10);
    expect(a.intercept).toBeCloseTo(b.intercept, 10);
  });

  it('shrinks the coefficients harder as C falls', () => {
    const d = randomProblem('shrink', 400, 3);
    const norms = [0.001, 0.01, 0.1, 1, 10].map((C) => {
      const f = fitLogisticRegression(d, { C });
      return Math.hypot(...f.coefficients);
    });
    for (let k = 1; k < norms.length; k++) expect(norms[k]).toBeGreaterThan(norms[k - 1]!);
  });

  it('refuses a missing value, a bad C or mismatched sizes', () => {
    expect(() => fitLogisticRegression(data([[Number.NaN]], [1]), { C: 1 })).toThrow(/missing/);
    expect(() => fitLogisticRegression(data([[1]], [1]), { C: 0 })).toThrow(/C must/);
    expect(() => fitLogisticRegression({ ...data([[1], [2]], [1, 0]), n: 3 }, { C: 1 })).toThrow(/sizes/);
  });
});

describe('sigmoid and log1pExp', () => {
  it('stay finite and exact at the extremes', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
    expect(log1pExp(800)).toBe(800);
    expect(log1pExp(-800)).toBe(0);
    expect(log1pExp(0)).toBeCloseTo(Math.LN2, 15);
  });
});
