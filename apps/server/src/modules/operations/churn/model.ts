/**
 * The churn model: training on time-based snapshots, the stored artefact, and scoring.
 *
 * Training (`trainChurnModel`), given snapshots and a `TimeSplit` (see snapshots.ts):
 * 1. Standardise: each column's mean and scale (population standard deviation; 1 when constant) from the rows
 *    being fitted only; a missing value becomes the mean (standardised 0: it contributes nothing).
 * 2. Choose C (inverse L2 strength) on time: for each C in the grid, fit on the inner-training cut-offs and
 *    measure ROC AUC on the validation cut-offs (later in time); keep the C with the highest AUC (the smaller
 *    on a tie). Not "the smallest C within a tolerance of the best": that shrinks the rare factors (no-shows,
 *    poor first sessions) hardest, which costs explanations more than it gains in ranking.
 * 3. Operating threshold and tiers, from the validation predictions of that inner model: the threshold is the
 *    highest probability that still flags `recallTarget` (80 %) of validation churners (the seed: optimise
 *    recall); `critical` starts where the riskiest 25 % of churners are caught, `high` at 50 %, `medium` at
 *    the operating threshold, `low` below it.
 * 4. Refit on all training cut-offs with that C (standardisation from them), and measure on the holdout.
 *
 * Fitting is logistic regression with scikit-learn's 'balanced' class weights and L2 (solver.ts). Balanced
 * weights multiply churners' odds by n_stayed / n_churned; the stored `intercept` subtracts log of that again
 * (`fittedIntercept` keeps the raw one), so probabilities are on the real churn rate's scale while the ranking,
 * and so ROC AUC, is the weighted fit's.
 *
 * Scoring: log-odds = intercept + Σⱼ coefⱼ · (xⱼ − meanⱼ) / scaleⱼ, probability = σ(log-odds). The same sum,
 * term by term, is the explanation (explain.ts).
 */
import { z } from 'zod';
import { FEATURE_COLUMNS, FEATURE_SET_VERSION, factorOfColumn, type FactorKey } from './features';
import {
  averagePrecision,
  brierScore,
  calibrationTable,
  rocAuc,
  statsAtThreshold,
  thresholdForRecall,
  type CalibrationBin,
  type Labels,
} from './metrics';
import { DEFAULT_HORIZON_DAYS, type Snapshot, type TimeSplit } from './snapshots';
import { balancedSampleWeights, fitLogisticRegression, sigmoid, type LogisticFit } from './solver';

export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export const TRAINING_DEFAULTS = {
  cGrid: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as readonly number[],
  recallTarget: 0.8,
  criticalRecall: 0.25,
  highRecall: 0.5,
  calibrationBins: 10,
};
export type TrainingOptions = typeof TRAINING_DEFAULTS;

const ZIsoDate = z.iso.datetime();
const ZThresholdStats = z.object({
  threshold: z.number(),
  recall: z.number().nullable(),
  precision: z.number().nullable(),
  flaggedShare: z.number(),
});
const ZCalibrationBin = z.object({
  from: z.number(),
  to: z.number(),
  count: z.int(),
  meanPredicted: z.number(),
  observedRate: z.number(),
});
const ZModelMetrics = z.object({
  cutoffs: z.array(ZIsoDate),
  snapshots: z.int(),
  churned: z.int(),
  rocAuc: z.number(),
  prAuc: z.number(),
  brier: z.number(),
  calibration: z.array(ZCalibrationBin),
  atThreshold: ZThresholdStats,
});
export type TModelMetrics = z.infer<typeof ZModelMetrics>;

const ZTierStats = z.object({
  tier: z.enum(RISK_TIERS),
  share: z.number(),
  churnRate: z.number().nullable(),
});

export const ZChurnModel = z
  .object({
    kind: z.literal('churn-logistic-regression'),
    version: z.string().min(1),
    createdAt: ZIsoDate,
    featureSetVersion: z.int(),
    columns: z.array(z.string()).min(1),
    coefficients: z.array(z.number()),
    /** Used for scoring: the fitted intercept less log(n_stayed / n_churned). */
    intercept: z.number(),
    fittedIntercept: z.number(),
    means: z.array(z.number()),
    scales: z.array(z.number().positive()),
    C: z.number().positive(),
    classWeights: z.object({ churned: z.number(), stayed: z.number() }),
    horizonDays: z.int().positive(),
    trainingWindow: z.object({
      firstCutoff: ZIsoDate,
      lastCutoff: ZIsoDate,
      /** The last instant any training label looked at (last cut-off + horizon). */
      labelsUntil: ZIsoDate,
      cutoffs: z.int(),
      snapshots: z.int(),
      churned: z.int(),
    }),
    validation: z.object({
      cutoffs: z.array(ZIsoDate),
      snapshots: z.int(),
      churned: z.int(),
      cSearch: z.array(z.object({ C: z.number(), rocAuc: z.number() })),
      atThreshold: ZThresholdStats,
      tiers: z.array(ZTierStats),
    }),
    recallTarget: z.number(),
    threshold: z.number(),
    tiers: z.object({ medium: z.number(), high: z.number(), critical: z.number() }),
    holdout: ZModelMetrics,
    solver: z.object({ iterations: z.int(), converged: z.boolean() }),
  })
  .refine(
    (m) =>
      m.coefficients.length === m.columns.length &&
      m.means.length === m.columns.length &&
      m.scales.length === m.columns.length,
    { message: 'columns, coefficients, means and scales must have the same length' },
  );
export type ChurnModel = z.infer<typeof ZChurnModel>;

/** Reads a stored artefact (parsed JSON); throws a ZodError when it is not one. */
export function parseChurnModel(json: unknown): ChurnModel {
  return ZChurnModel.parse(json);
}

export type Standardiser = { means: number[]; scales: number[] };

/** Column means and population standard deviations over the non-missing values of `rows`. */
export function fitStandardiser(rows: readonly Float64Array[], p: number): Standardiser {
  const sums = new Float64Array(p);
  const counts = new Float64Array(p);
  for (const r of rows)
    for (let j = 0; j < p; j++) {
      const v = r[j] as number;
      if (!Number.isNaN(v)) {
        sums[j] = (sums[j] as number) + v;
        counts[j] = (counts[j] as number) + 1;
      }
    }
  const means = Array.from(sums, (s, j) => ((counts[j] as number) > 0 ? s / (counts[j] as number) : 0));
  const squares = new Float64Array(p);
  for (const r of rows)
    for (let j = 0; j < p; j++) {
      const v = r[j] as number;
      if (!Number.isNaN(v)) squares[j] = (squares[j] as number) + (v - (means[j] as number)) ** 2;
    }
  const scales = Array.from(squares, (s, j) => {
    const n = counts[j] as number;
    const sd = n > 0 ? Math.sqrt(s / n) : 0;
    // As scikit-learn's StandardScaler: a constant column keeps scale 1.
    return sd > 1e-12 ? sd : 1;
  });
  return { means, scales };
}

/** Rows → one row-major standardised matrix; a missing value becomes 0 (the mean). */
export function standardiseRows(rows: readonly Float64Array[], s: Standardiser): Float64Array {
  const p = s.means.length;
  const out = new Float64Array(rows.length * p);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as Float64Array;
    for (let j = 0; j < p; j++) {
      const v = r[j] as number;
      out[i * p + j] = Number.isNaN(v) ? 0 : (v - (s.means[j] as number)) / (s.scales[j] as number);
    }
  }
  return out;
}

/** What scoring needs of a model. */
export type ModelParameters = Pick<
  ChurnModel,
  'version' | 'columns' | 'coefficients' | 'intercept' | 'means' | 'scales'
>;

/** A model bound to the order of the feature rows it will read (FEATURE_COLUMNS unless told otherwise). */
export type CompiledModel = {
  version: string;
  intercept: number;
  columns: readonly string[];
  /** Position in the input row of each model column. */
  index: Int32Array;
  coefficients: Float64Array;
  means: Float64Array;
  scales: Float64Array;
  /** The model's factors in column order (the channel's columns form one), and each column's factor index. */
  factors: FactorKey[];
  columnFactor: Int32Array;
};

export function compileModel(
  model: ModelParameters,
  rowColumns: readonly string[] = FEATURE_COLUMNS,
): CompiledModel {
  const index = new Int32Array(model.columns.length);
  model.columns.forEach((c, j) => {
    const at = rowColumns.indexOf(c);
    if (at < 0)
      throw new Error(`model ${model.version} needs feature column ${c}, which the rows do not have`);
    index[j] = at;
  });
  const factors: FactorKey[] = [];
  const columnFactor = Int32Array.from(model.columns, (c) => {
    const f = factorOfColumn(c);
    if (!factors.includes(f)) factors.push(f);
    return factors.indexOf(f);
  });
  return {
    version: model.version,
    intercept: model.intercept,
    columns: model.columns,
    factors,
    columnFactor,
    index,
    coefficients: Float64Array.from(model.coefficients),
    means: Float64Array.from(model.means),
    scales: Float64Array.from(model.scales),
  };
}

/** One column's share of the log-odds: coef · standardised value (0 when the value is missing). */
export function columnContribution(m: CompiledModel, row: ArrayLike<number>, j: number): number {
  const v = row[m.index[j] as number] as number;
  if (Number.isNaN(v)) return 0;
  return (m.coefficients[j] as number) * ((v - (m.means[j] as number)) / (m.scales[j] as number));
}

export function logOdds(m: CompiledModel, row: ArrayLike<number>): number {
  let z = m.intercept;
  for (let j = 0; j < m.index.length; j++) z += columnContribution(m, row, j);
  return z;
}

export function scoreRows(m: CompiledModel, rows: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = sigmoid(logOdds(m, rows[i] as ArrayLike<number>));
  return out;
}

export function riskTier(model: Pick<ChurnModel, 'tiers'>, probability: number): RiskTier {
  if (probability >= model.tiers.critical) return 'critical';
  if (probability >= model.tiers.high) return 'high';
  if (probability >= model.tiers.medium) return 'medium';
  return 'low';
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function thresholdStats(probabilities: Float64Array, labels: Labels, threshold: number) {
  const s = statsAtThreshold(probabilities, labels, threshold);
  return {
    threshold,
    recall: finiteOrNull(s.recall),
    precision: finiteOrNull(s.precision),
    flaggedShare: s.flaggedShare,
  };
}

/** ROC AUC, PR AUC, Brier, calibration and the threshold's recall/precision of `model` on snapshots. */
export function measureModel(
  model: ModelParameters & Pick<ChurnModel, 'threshold'>,
  snapshots: readonly Snapshot[],
  calibrationBins = TRAINING_DEFAULTS.calibrationBins,
): TModelMetrics {
  const compiled = compileModel(model);
  const probabilities = scoreRows(
    compiled,
    snapshots.map((s) => s.row),
  );
  const labels = labelsOf(snapshots);
  let churned = 0;
  for (const y of labels) churned += y;
  return {
    cutoffs: distinctCutoffs(snapshots),
    snapshots: snapshots.length,
    churned,
    rocAuc: rocAuc(probabilities, labels),
    prAuc: averagePrecision(probabilities, labels),
    brier: brierScore(probabilities, labels),
    calibration: calibrationTable(probabilities, labels, calibrationBins) satisfies CalibrationBin[],
    atThreshold: thresholdStats(probabilities, labels, model.threshold),
  };
}

export function labelsOf(snapshots: readonly Snapshot[]): Uint8Array {
  return Uint8Array.from(snapshots, (s) => (s.churned ? 1 : 0));
}

function distinctCutoffs(snapshots: readonly Snapshot[]): string[] {
  return [...new Set(snapshots.map((s) => s.cutoff.getTime()))]
    .sort((a, b) => a - b)
    .map((t) => new Date(t).toISOString());
}

type Fitted = {
  std: Standardiser;
  fit: LogisticFit;
  interceptShift: number;
  weights: { churned: number; stayed: number };
};

/** Standardise from `rows`, fit with balanced weights and L2 at C, and work out the intercept's prior shift. */
export function fitOnSnapshots(snapshots: readonly Snapshot[], C: number): Fitted {
  const p = FEATURE_COLUMNS.length;
  const rows = snapshots.map((s) => s.row);
  const std = fitStandardiser(rows, p);
  const x = standardiseRows(rows, std);
  const y = labelsOf(snapshots);
  const balanced = balancedSampleWeights(y);
  const fit = fitLogisticRegression({ x, n: rows.length, p, y, weights: balanced.weights }, { C });
  let churned = 0;
  for (const v of y) churned += v;
  return {
    std,
    fit,
    interceptShift: Math.log(churned / (y.length - churned)),
    weights: { churned: balanced.positive, stayed: balanced.negative },
  };
}

function parametersOf(f: Fitted, version: string): ModelParameters {
  return {
    version,
    columns: [...FEATURE_COLUMNS],
    coefficients: f.fit.coefficients,
    intercept: f.fit.intercept + f.interceptShift,
    means: f.std.means,
    scales: f.std.scales,
  };
}

function inCutoffs(snapshots: readonly Snapshot[], cutoffs: readonly Date[]): Snapshot[] {
  const set = new Set(cutoffs.map((d) => d.getTime()));
  return snapshots.filter((s) => set.has(s.cutoff.getTime()));
}

function requireBothClasses(name: string, snapshots: readonly Snapshot[]): void {
  const churned = snapshots.filter((s) => s.churned).length;
  if (churned === 0 || churned === snapshots.length)
    throw new RangeError(
      `the ${name} snapshots need both churners and stayers (${snapshots.length} rows, ${churned} churned)`,
    );
}

/** Every training label window must end by the first cut-off it is judged on. */
function assertNoLookahead(split: TimeSplit, horizonDays: number): void {
  const horizon = horizonDays * 86_400_000;
  const check = (fitted: readonly Date[], judged: readonly Date[], what: string) => {
    const firstJudged = Math.min(...judged.map((d) => d.getTime()));
    for (const d of fitted)
      if (d.getTime() + horizon > firstJudged)
        throw new RangeError(
          `${what}: the labels of cut-off ${d.toISOString()} look past ${new Date(firstJudged).toISOString()}`,
        );
  };
  check(split.train, split.holdout, 'training overlaps the holdout');
  check(split.innerTrain, split.validation, 'inner training overlaps validation');
}

export type TrainInput = {
  snapshots: readonly Snapshot[];
  split: TimeSplit;
  version: string;
  createdAt: Date;
  horizonDays?: number;
  options?: Partial<TrainingOptions>;
};

export function trainChurnModel(input: TrainInput): ChurnModel {
  const o = { ...TRAINING_DEFAULTS, ...input.options };
  const horizonDays = input.horizonDays ?? DEFAULT_HORIZON_DAYS;
  assertNoLookahead(input.split, horizonDays);
  const innerTrain = inCutoffs(input.snapshots, input.split.innerTrain);
  const validation = inCutoffs(input.snapshots, input.split.validation);
  const train = inCutoffs(input.snapshots, input.split.train);
  const holdout = inCutoffs(input.snapshots, input.split.holdout);
  requireBothClasses('inner training', innerTrain);
  requireBothClasses('validation', validation);
  requireBothClasses('training', train);
  requireBothClasses('holdout', holdout);
  if (o.cGrid.length === 0) throw new RangeError('the C grid is empty');
  const validationLabels = labelsOf(validation);
  const validationRows = validation.map((s) => s.row);

  // 2. C by validation ROC AUC.
  const cSearch: { C: number; rocAuc: number; model: ModelParameters }[] = [];
  for (const C of [...o.cGrid].sort((a, b) => a - b)) {
    const model = parametersOf(fitOnSnapshots(innerTrain, C), `${input.version}/C=${C}`);
    const auc = rocAuc(scoreRows(compileModel(model), validationRows), validationLabels);
    cSearch.push({ C, rocAuc: auc, model });
  }
  const best = Math.max(...cSearch.map((c) => c.rocAuc));
  const chosen = cSearch.find((c) => c.rocAuc === best)!;

  // 3. Threshold and tiers from the inner model's validation predictions.
  const validationP = scoreRows(compileModel(chosen.model), validationRows);
  const threshold = thresholdForRecall(validationP, validationLabels, o.recallTarget);
  const tiers = {
    medium: threshold,
    high: Math.max(threshold, thresholdForRecall(validationP, validationLabels, o.highRecall)),
    critical: Math.max(threshold, thresholdForRecall(validationP, validationLabels, o.criticalRecall)),
  };
  const tierStats = RISK_TIERS.map((tier) => {
    let n = 0;
    let churned = 0;
    validationP.forEach((p, i) => {
      if (riskTier({ tiers }, p) === tier) {
        n++;
        churned += validationLabels[i] as number;
      }
    });
    return { tier, share: n / validationP.length, churnRate: n > 0 ? churned / n : null };
  });

  // 4. Final fit on the whole training window.
  const finalFit = fitOnSnapshots(train, chosen.C);
  const trainCutoffs = input.split.train.map((d) => d.getTime()).sort((a, b) => a - b);
  const first = trainCutoffs[0] as number;
  const last = trainCutoffs[trainCutoffs.length - 1] as number;
  const model: Omit<ChurnModel, 'holdout'> = {
    kind: 'churn-logistic-regression',
    createdAt: input.createdAt.toISOString(),
    featureSetVersion: FEATURE_SET_VERSION,
    ...parametersOf(finalFit, input.version),
    fittedIntercept: finalFit.fit.intercept,
    C: chosen.C,
    classWeights: finalFit.weights,
    horizonDays,
    solver: { iterations: finalFit.fit.iterations, converged: finalFit.fit.converged },
    trainingWindow: {
      firstCutoff: new Date(first).toISOString(),
      lastCutoff: new Date(last).toISOString(),
      labelsUntil: new Date(last + horizonDays * 86_400_000).toISOString(),
      cutoffs: trainCutoffs.length,
      snapshots: train.length,
      churned: train.filter((s) => s.churned).length,
    },
    validation: {
      cutoffs: distinctCutoffs(validation),
      snapshots: validation.length,
      churned: validation.filter((s) => s.churned).length,
      cSearch: cSearch.map(({ C, rocAuc }) => ({ C, rocAuc })),
      atThreshold: thresholdStats(validationP, validationLabels, threshold),
      tiers: tierStats,
    },
    recallTarget: o.recallTarget,
    threshold,
    tiers,
  };
  return ZChurnModel.parse({ ...model, holdout: measureModel(model, holdout, o.calibrationBins) });
}
