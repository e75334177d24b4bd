/**
 * The scikit-learn cross-check of the churn model: exports the exact standardised feature matrix the model was
 * fitted on (and the holdout's, standardised with the model's means and scales) as CSV, runs Debian's
 * `/usr/bin/python3` (package python3-sklearn; a pyenv or venv python on PATH would not see it) with
 * `LogisticRegression(C, class_weight='balanced', solver='lbfgs')` on it, and returns both models' holdout
 * figures and the largest coefficient difference. When that python or sklearn is missing it says so and why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { averagePrecision, brierScore, rocAuc } from '../modules/operations/index';
import {
  compileModel,
  labelsOf,
  scoreRows,
  standardiseRows,
  type ChurnModel,
} from '../modules/operations/index';
import type { Snapshot } from '../modules/operations/index';

export const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./churn-sklearn.py', import.meta.url));

export type SklearnAvailability = { available: true; version: string } | { available: false; reason: string };

export function checkSklearn(python = SYSTEM_PYTHON): SklearnAvailability {
  const r = spawnSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
  if (r.error) return { available: false, reason: `${python} cannot run (${r.error.message})` };
  if (r.status !== 0)
    return { available: false, reason: `${python} has no scikit-learn (apt-get install python3-sklearn)` };
  return { available: true, version: r.stdout.trim() };
}

type HoldoutFigures = { rocAuc: number; prAuc: number; brier: number };

export type SklearnComparison = {
  sklearnVersion: string;
  C: number;
  ours: HoldoutFigures;
  /** scikit-learn's own fit, its raw (class-weighted) probabilities. */
  sklearn: HoldoutFigures & { iterations: number; warnings: string[] };
  /** scikit-learn's metric functions applied to our holdout probabilities. */
  oursBySklearn: HoldoutFigures;
  /** Largest |ours − sklearn lbfgs| over the coefficients, and for the (fitted, uncorrected) intercept. */
  maxCoefficientDifference: number;
  interceptDifference: number;
  /** Against scikit-learn's exact solver (`newton-cholesky`, scikit-learn ≥ 1.2): null when it has none. */
  exact: { maxCoefficientDifference: number; interceptDifference: number; objective: number } | null;
  /** The penalised weighted log-loss at each solution and its largest gradient component (lower is nearer the optimum). */
  objective: { ours: number; oursGradientMax: number; sklearn: number; sklearnGradientMax: number };
  trainRows: number;
  holdoutRows: number;
};

function writeMatrix(file: string, columns: readonly string[], x: Float64Array, y: Uint8Array): void {
  const p = columns.length;
  const lines = [['churned', ...columns].join(',')];
  for (let i = 0; i < y.length; i++) {
    const cells = [String(y[i])];
    // String(number) is the shortest text that reads back to the same double: the matrix crosses exactly.
    for (let j = 0; j < p; j++) cells.push(String(x[i * p + j]));
    lines.push(cells.join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

export function compareWithSklearn(
  model: ChurnModel,
  train: readonly Snapshot[],
  holdout: readonly Snapshot[],
  python = SYSTEM_PYTHON,
): SklearnComparison {
  const dir = mkdtempSync(path.join(tmpdir(), 'tp-churn-sklearn-'));
  try {
    const xTrain = standardiseRows(
      train.map((s) => s.row),
      model,
    );
    const xHoldout = standardiseRows(
      holdout.map((s) => s.row),
      model,
    );
    const yHoldout = labelsOf(holdout);
    const ours = scoreRows(
      compileModel(model),
      holdout.map((s) => s.row),
    );
    writeMatrix(path.join(dir, 'train.csv'), model.columns, xTrain, labelsOf(train));
    writeMatrix(path.join(dir, 'holdout.csv'), model.columns, xHoldout, yHoldout);
    writeFileSync(
      path.join(dir, 'params.json'),
      JSON.stringify({
        C: model.C,
        ours_coefficients: model.coefficients,
        ours_intercept: model.fittedIntercept,
        ours_holdout_probabilities: Array.from(ours),
      }),
    );
    const r = spawnSync(python, [SCRIPT, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error || r.status !== 0)
      throw new Error(`scikit-learn run failed: ${r.error?.message ?? r.stderr.trim()}`);
    const out = JSON.parse(r.stdout) as {
      sklearn_version: string;
      coefficients: number[];
      intercept: number;
      iterations: number;
      warnings: string[];
      newton_cholesky: { coefficients: number[]; intercept: number; objective: number } | null;
      objective: { ours: number; ours_gradient_max: number; sklearn: number; sklearn_gradient_max: number };
      holdout: { roc_auc: number; pr_auc: number; brier: number };
      ours_by_sklearn: { roc_auc: number; pr_auc: number; brier: number };
    };
    let maxDiff = 0;
    model.coefficients.forEach((c, j) => {
      maxDiff = Math.max(maxDiff, Math.abs(c - (out.coefficients[j] as number)));
    });
    const exact = out.newton_cholesky;
    return {
      exact: exact && {
        maxCoefficientDifference: Math.max(
          ...model.coefficients.map((c, j) => Math.abs(c - (exact.coefficients[j] as number))),
        ),
        interceptDifference: Math.abs(model.fittedIntercept - exact.intercept),
        objective: exact.objective,
      },
      sklearnVersion: out.sklearn_version,
      C: model.C,
      ours: {
        rocAuc: rocAuc(ours, yHoldout),
        prAuc: averagePrecision(ours, yHoldout),
        brier: brierScore(ours, yHoldout),
      },
      sklearn: {
        rocAuc: out.holdout.roc_auc,
        prAuc: out.holdout.pr_auc,
        brier: out.holdout.brier,
        iterations: out.iterations,
        warnings: out.warnings,
      },
      oursBySklearn: {
        rocAuc: out.ours_by_sklearn.roc_auc,
        prAuc: out.ours_by_sklearn.pr_auc,
        brier: out.ours_by_sklearn.brier,
      },
      maxCoefficientDifference: maxDiff,
      interceptDifference: Math.abs(model.fittedIntercept - out.intercept),
      objective: {
        ours: out.objective.ours,
        oursGradientMax: out.objective.ours_gradient_max,
        sklearn: out.objective.sklearn,
        sklearnGradientMax: out.objective.sklearn_gradient_max,
      },
      trainRows: train.length,
      holdoutRows: holdout.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
