/**
 * Multinomial (softmax) logistic regression with an L2 penalty, on sparse rows, fitted by L-BFGS.
 *
 * Why not a package: the npm options were checked (see the README's "Tutor moves"): ml-logistic-regression 2
 * is one-vs-rest, has no intercept and no regularisation, and runs a fixed 50,000 dense gradient steps per
 * class (hours on a 5,000-term vocabulary); nothing else on the registry fits a regularised multinomial model
 * on sparse text features. This is the textbook objective, the same as scikit-learn's
 * `LogisticRegression(multinomial, lbfgs)`:
 *
 *   minimise  Σᵢ wᵢ · −log pᵢ[yᵢ]  +  ‖W‖² / (2C)        (the intercepts are not penalised)
 *
 * and softmax.test.ts checks it against coefficients that scikit-learn 1.2 fitted on the same data, a
 * finite-difference check of the gradient, and the optimality condition at the solution.
 */

/** A sparse row: feature indices (strictly increasing) and their values. */
export type SparseRow = { idx: number[]; val: number[] };

export type SoftmaxModel = {
  classes: number;
  features: number;
  /** Row-major K×D weights. */
  weights: Float64Array;
  /** K intercepts. */
  bias: Float64Array;
};

export type SoftmaxFitOptions = {
  /** Inverse regularisation strength (scikit-learn's C): larger fits the training data more closely. */
  c: number;
  /** Weight of each class in the loss (e.g. balanced weights); 1 for every class when absent. */
  classWeights?: number[];
  maxIterations?: number;
  /** Stop when the largest gradient component of the averaged objective falls below this. */
  tolerance?: number;
};

export type SoftmaxFit = SoftmaxModel & { iterations: number; converged: boolean; objective: number };

/** Class scores (logits) of one row. */
export function softmaxLogits(model: SoftmaxModel, row: SparseRow, out = new Float64Array(model.classes)) {
  const { classes: k, features: d, weights, bias } = model;
  for (let c = 0; c < k; c++) {
    let s = bias[c]!;
    const base = c * d;
    for (let j = 0; j < row.idx.length; j++) s += weights[base + row.idx[j]!]! * row.val[j]!;
    out[c] = s;
  }
  return out;
}

/** Class probabilities of one row (numerically stable softmax). */
export function softmaxProbabilities(model: SoftmaxModel, row: SparseRow): Float64Array {
  const z = softmaxLogits(model, row);
  normaliseInPlace(z);
  return z;
}

function normaliseInPlace(z: Float64Array): number {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return max + Math.log(sum); // log-sum-exp of the logits
}

/**
 * The averaged objective and its gradient at θ = [W (K×D, row-major) | b (K)]: (Σᵢ wᵢ·lossᵢ + ‖W‖²/(2C)) / Σᵢ wᵢ.
 * Averaging does not move the minimum; it keeps the tolerance independent of the number of rows.
 */
export function softmaxObjective(
  theta: Float64Array,
  rows: SparseRow[],
  labels: number[],
  classes: number,
  features: number,
  opts: { c: number; classWeights?: number[] },
  grad: Float64Array,
): number {
  const k = classes;
  const d = features;
  const wOff = k * d;
  grad.fill(0);
  let loss = 0;
  let totalWeight = 0;
  const z = new Float64Array(k);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const y = labels[i]!;
    const w = opts.classWeights?.[y] ?? 1;
    totalWeight += w;
    for (let c = 0; c < k; c++) {
      let s = theta[wOff + c]!;
      const base = c * d;
      for (let j = 0; j < row.idx.length; j++) s += theta[base + row.idx[j]!]! * row.val[j]!;
      z[c] = s;
    }
    const zy = z[y]!;
    const lse = normaliseInPlace(z); // z now holds probabilities
    loss += w * (lse - zy);
    for (let c = 0; c < k; c++) {
      const r = w * (z[c]! - (c === y ? 1 : 0));
      if (r === 0) continue;
      const base = c * d;
      for (let j = 0; j < row.idx.length; j++) grad[base + row.idx[j]!]! += r * row.val[j]!;
      grad[wOff + c]! += r;
    }
  }
  let penalty = 0;
  for (let p = 0; p < wOff; p++) {
    penalty += theta[p]! * theta[p]!;
    grad[p]! += theta[p]! / opts.c;
  }
  const scale = 1 / Math.max(totalWeight, Number.MIN_VALUE);
  for (let p = 0; p < grad.length; p++) grad[p]! *= scale;
  return (loss + penalty / (2 * opts.c)) * scale;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Fits the model by L-BFGS (10 correction pairs) with a backtracking line search under the Armijo condition.
 * Deterministic: the same rows give the same weights.
 */
export function fitSoftmax(
  rows: SparseRow[],
  labels: number[],
  classes: number,
  features: number,
  opts: SoftmaxFitOptions,
): SoftmaxFit {
  if (rows.length !== labels.length) throw new Error('rows and labels differ in length');
  if (!(opts.c > 0)) throw new Error('C must be positive');
  for (const y of labels)
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new Error(`label ${y} is not a class index`);
  const maxIterations = opts.maxIterations ?? 1000;
  const tolerance = opts.tolerance ?? 1e-6;
  const n = classes * features + classes;
  const memory = 10;
  let theta = new Float64Array(n);
  let grad = new Float64Array(n);
  const f = (t: Float64Array, g: Float64Array) =>
    softmaxObjective(t, rows, labels, classes, features, opts, g);
  let fx = f(theta, grad);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  let iterations = 0;
  let converged = false;
  const maxAbs = (g: Float64Array) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  while (iterations < maxIterations) {
    if (maxAbs(grad) < tolerance) {
      converged = true;
      break;
    }
    // Two-loop recursion: direction = −H·g.
    const q = Float64Array.from(grad);
    for (let i = sList.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dot(sList[i]!, q);
      const yi = yList[i]!;
      for (let p = 0; p < n; p++) q[p]! -= alpha[i]! * yi[p]!;
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = dot(sList[last]!, yList[last]!) / dot(yList[last]!, yList[last]!);
      for (let p = 0; p < n; p++) q[p]! *= gamma;
    } else {
      const norm = Math.sqrt(dot(grad, grad));
      for (let p = 0; p < n; p++) q[p]! /= Math.max(norm, 1);
    }
    for (let i = 0; i < sList.length; i++) {
      const beta = rho[i]! * dot(yList[i]!, q);
      const si = sList[i]!;
      for (let p = 0; p < n; p++) q[p]! += si[p]! * (alpha[i]! - beta);
    }
    for (let p = 0; p < n; p++) q[p] = -q[p]!;
    let slope = dot(grad, q);
    if (slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      sList.length = yList.length = rho.length = 0;
      for (let p = 0; p < n; p++) q[p] = -grad[p]!;
      slope = -dot(grad, grad);
    }
    let step = 1;
    const next = new Float64Array(n);
    const nextGrad = new Float64Array(n);
    let fNext = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let p = 0; p < n; p++) next[p] = theta[p]! + step * q[p]!;
      fNext = f(next, nextGrad);
      if (fNext <= fx + 1e-4 * step * slope) break;
      step /= 2;
    }
    iterations++;
    if (!(fNext <= fx)) break; // no progress possible at machine precision
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      s[p] = next[p]! - theta[p]!;
      yv[p] = nextGrad[p]! - grad[p]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
      sList.push(s);
      yList.push(yv);
      rho.push(1 / sy);
    }
    const improvement = fx - fNext;
    theta = next;
    grad = nextGrad;
    fx = fNext;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(fx))) {
      converged = maxAbs(grad) < tolerance * 100;
      break;
    }
  }
  if (!converged && maxAbs(grad) < tolerance) converged = true;
  return {
    classes,
    features,
    weights: theta.slice(0, classes * features),
    bias: theta.slice(classes * features),
    iterations,
    converged,
    objective: fx,
  };
}
