/**
 * Weighted, L2-penalised logistic regression solved to its exact optimum by Newton's method (IRLS) with a
 * backtracking line search. It minimises, as scikit-learn's LogisticRegression does (intercept not penalised):
 *
 *   f(β, b) = ½‖β‖² / C + Σᵢ sᵢ · [log(1 + e^{zᵢ}) − yᵢ zᵢ],   zᵢ = xᵢ·β + b
 *
 * so its coefficients match scikit-learn's `solver='lbfgs'` fitted to a tight tolerance. Why not a library: the
 * npm registry's logistic regressions (ml-logistic-regression 2, @kobra-dev/js-regression) run a fixed number of
 * plain gradient-descent steps, with no sample weights (ml-: no penalty and no intercept either), and stop
 * wherever the step count ends; TensorFlow.js would need a stochastic optimiser and hundreds of megabytes.
 * With a few dozen columns, each Newton step is one pass over the rows to build the (p+1)² Hessian and a
 * Cholesky solve: it converges in ~6–10 steps, quadratically near the optimum.
 */

export type LogisticFit = {
  coefficients: number[];
  intercept: number;
  iterations: number;
  converged: boolean;
  /** Largest absolute gradient component at the solution (objective units). */
  gradientMax: number;
  objective: number;
};

export type LogisticData = {
  /** Row-major n × p matrix; no missing values (NaN) allowed. */
  x: Float64Array;
  n: number;
  p: number;
  /** 0 or 1 per row. */
  y: Uint8Array;
  /** Non-negative weight per row. */
  weights: Float64Array;
};

/** scikit-learn's class_weight='balanced': n / (2 · count of the class), per row. */
export function balancedSampleWeights(y: Uint8Array): {
  weights: Float64Array;
  positive: number;
  negative: number;
} {
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i] as number;
  const zeros = y.length - ones;
  if (ones === 0 || zeros === 0) throw new RangeError('balanced class weights need both classes in the data');
  const positive = y.length / (2 * ones);
  const negative = y.length / (2 * zeros);
  const weights = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) weights[i] = y[i] ? positive : negative;
  return { weights, positive, negative };
}

/** log(1 + e^z) without overflow. */
export function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function objective(data: LogisticData, theta: Float64Array, lambda: number): number {
  const { x, n, p, y, weights } = data;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = theta[p] as number;
    const off = i * p;
    for (let j = 0; j < p; j++) z += (x[off + j] as number) * (theta[j] as number);
    loss += (weights[i] as number) * (log1pExp(z) - (y[i] as number) * z);
  }
  let penalty = 0;
  for (let j = 0; j < p; j++) penalty += (theta[j] as number) ** 2;
  return loss + 0.5 * lambda * penalty;
}

/**
 * Fits β and b for a given C (> 0). Converged when the largest gradient component is below `tolerance` times the
 * total weight (scale-free), or when the Newton decrement shows the objective within floating-point resolution of
 * its minimum; `converged: false` means the iteration limit or the line search gave out first.
 */
export function fitLogisticRegression(
  data: LogisticData,
  options: { C: number; tolerance?: number; maxIterations?: number },
): LogisticFit {
  const { x, n, p, y, weights } = data;
  if (!(options.C > 0) || !Number.isFinite(options.C)) throw new RangeError('C must be a positive number');
  if (x.length !== n * p || y.length !== n || weights.length !== n)
    throw new RangeError('matrix sizes disagree');
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i])) throw new RangeError('the matrix has a missing or infinite value');
  const lambda = 1 / options.C;
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 100;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += weights[i] as number;
  if (!(totalWeight > 0)) throw new RangeError('the weights sum to zero');

  const q = p + 1; // coefficients, then the intercept
  const theta = new Float64Array(q);
  const grad = new Float64Array(q);
  const hess = new Float64Array(q * q);
  const step = new Float64Array(q);
  const candidate = new Float64Array(q);
  let f = objective(data, theta, lambda);
  let iterations = 0;
  let converged = false;
  let gradientMax = Infinity;

  for (; iterations < maxIterations; iterations++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * p;
      let z = theta[p] as number;
      for (let j = 0; j < p; j++) z += (x[off + j] as number) * (theta[j] as number);
      const prob = sigmoid(z);
      const wi = weights[i] as number;
      const r = wi * (prob - (y[i] as number));
      const h = wi * prob * (1 - prob);
      for (let j = 0; j < p; j++) {
        const xj = x[off + j] as number;
        grad[j] = (grad[j] as number) + r * xj;
        const hx = h * xj;
        const rowOff = j * q;
        for (let k = 0; k <= j; k++)
          hess[rowOff + k] = (hess[rowOff + k] as number) + hx * (x[off + k] as number);
        hess[p * q + j] = (hess[p * q + j] as number) + hx;
      }
      grad[p] = (grad[p] as number) + r;
      hess[p * q + p] = (hess[p * q + p] as number) + h;
    }
    for (let j = 0; j < p; j++) {
      grad[j] = (grad[j] as number) + lambda * (theta[j] as number);
      hess[j * q + j] = (hess[j * q + j] as number) + lambda;
    }
    // Only the lower triangle was accumulated (the intercept row sits last).
    gradientMax = 0;
    for (let j = 0; j < q; j++) gradientMax = Math.max(gradientMax, Math.abs(grad[j] as number));
    if (gradientMax <= tolerance * totalWeight) {
      converged = true;
      break;
    }
    solveCholesky(hess, q, grad, step);
    // The Newton decrement gᵀH⁻¹g / 2 bounds how far the objective is above its minimum: stop when that gap is
    // below floating-point resolution of the objective.
    let decrement = 0;
    for (let j = 0; j < q; j++) decrement += (grad[j] as number) * (step[j] as number);
    if (decrement / 2 <= 1e-15 * Math.max(1, Math.abs(f))) {
      converged = true;
      break;
    }
    // Newton direction is −step; backtrack until the objective falls enough (Armijo).
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 60 && !accepted; k++) {
      for (let j = 0; j < q; j++) candidate[j] = (theta[j] as number) - t * (step[j] as number);
      const fc = objective(data, candidate, lambda);
      if (fc <= f - 1e-4 * t * decrement) {
        theta.set(candidate);
        f = fc;
        accepted = true;
      } else t /= 2;
    }
    if (!accepted) break; // no descent left to find: report the state as it is (converged stays false)
  }
  return {
    coefficients: Array.from(theta.subarray(0, p)),
    intercept: theta[p] as number,
    iterations,
    converged,
    gradientMax,
    objective: f,
  };
}

/**
 * Solves H·s = g for s, H symmetric positive definite given by its lower triangle (q × q, row-major). The L2
 * penalty keeps the coefficient block positive definite; the intercept's pivot is positive while any row has
 * weight and a probability strictly between 0 and 1. A tiny ridge is added if rounding makes a pivot vanish.
 */
function solveCholesky(hLower: Float64Array, q: number, g: Float64Array, out: Float64Array): void {
  const l = new Float64Array(q * q);
  for (let j = 0; j < q; j++) {
    let d = hLower[j * q + j] as number;
    for (let k = 0; k < j; k++) d -= (l[j * q + k] as number) ** 2;
    if (!(d > 1e-300)) d = Math.max(1e-12, Math.abs(hLower[j * q + j] as number) * 1e-12);
    const ljj = Math.sqrt(d);
    l[j * q + j] = ljj;
    for (let i = j + 1; i < q; i++) {
      let s = hLower[i * q + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * q + k] as number) * (l[j * q + k] as number);
      l[i * q + j] = s / ljj;
    }
  }
  // L·u = g, then Lᵀ·s = u.
  const u = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    let s = g[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * q + k] as number) * (u[k] as number);
    u[i] = s / (l[i * q + i] as number);
  }
  for (let i = q - 1; i >= 0; i--) {
    let s = u[i] as number;
    for (let k = i + 1; k < q; k++) s -= (l[k * q + i] as number) * (out[k] as number);
    out[i] = s / (l[i * q + i] as number);
  }
}
