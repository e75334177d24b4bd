/**
 * Time-based training snapshots. At each cut-off T, every customer still active (a completed session in the
 * `horizonDays` before T, so not churned by the label's own definition) gives one row: features from what was
 * known at T, and the label "churned" = no completed session ending in (T, T + horizonDays]. A cut-off whose
 * horizon reaches past the end of the observed data is refused, never labelled from a partial window.
 *
 * `planTimeSplit` orders the cut-offs into holdout (the latest), training (whose label windows end at or before
 * the first holdout cut-off, so no training label looks into the holdout period), and, inside the training
 * window, validation (the latest training cut-offs) and inner training (label windows ending at or before the
 * first validation cut-off) for choosing C, the threshold and the tiers. No random split anywhere.
 */
import { computeFeatures, toFeatureRow, type ChurnFeatures } from './features';
import type { CustomerHistory } from './history';

export const DEFAULT_HORIZON_DAYS = 60;
const DAY = 86_400_000;

export type Snapshot = {
  customerId: string;
  cutoff: Date;
  features: ChurnFeatures;
  /** The features as the model's input row (FEATURE_COLUMNS order, NaN = missing). */
  row: Float64Array;
  churned: boolean;
};

/** Active at T: signed up by T and a completed session ending in (T − activeDays, T]. */
export function isActiveAt(
  history: CustomerHistory,
  cutoff: Date,
  activeDays = DEFAULT_HORIZON_DAYS,
): boolean {
  const t = cutoff.getTime();
  if (history.signedUpAt.getTime() > t) return false;
  const from = t - activeDays * DAY;
  return history.sessions.some((s) => {
    if (s.status !== 'completed') return false;
    const end = s.endsAt.getTime();
    return end > from && end <= t;
  });
}

/** The label: no completed session ending in (T, T + horizonDays]. Reads only that window. */
export function hasChurnedAfter(
  history: CustomerHistory,
  cutoff: Date,
  horizonDays = DEFAULT_HORIZON_DAYS,
): boolean {
  const t = cutoff.getTime();
  const until = t + horizonDays * DAY;
  return !history.sessions.some((s) => {
    if (s.status !== 'completed') return false;
    const end = s.endsAt.getTime();
    return end > t && end <= until;
  });
}

export type SnapshotOptions = {
  /** The data is complete up to this instant; every cut-off needs cutoff + horizon ≤ observedUntil. */
  observedUntil: Date;
  horizonDays?: number;
};

export function buildSnapshots(
  customers: readonly CustomerHistory[],
  cutoffs: readonly Date[],
  options: SnapshotOptions,
): Snapshot[] {
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  if (!(horizonDays > 0)) throw new RangeError('horizonDays must be positive');
  const observed = options.observedUntil.getTime();
  for (const c of cutoffs) {
    if (c.getTime() + horizonDays * DAY > observed)
      throw new RangeError(
        `cut-off ${c.toISOString()} needs data until ${new Date(c.getTime() + horizonDays * DAY).toISOString()}; ` +
          `it is observed until ${options.observedUntil.toISOString()}`,
      );
  }
  const out: Snapshot[] = [];
  for (const cutoff of [...cutoffs].sort((a, b) => a.getTime() - b.getTime())) {
    for (const h of customers) {
      if (!isActiveAt(h, cutoff, horizonDays)) continue;
      const features = computeFeatures(h, cutoff);
      out.push({
        customerId: h.customerId,
        cutoff,
        features,
        row: toFeatureRow(features),
        churned: hasChurnedAfter(h, cutoff, horizonDays),
      });
    }
  }
  return out;
}

/** Cut-offs every `stepDays`, ending at the last one whose label window is complete at `observedUntil`. */
export function cutoffSchedule(options: {
  firstCutoff: Date;
  observedUntil: Date;
  stepDays: number;
  horizonDays?: number;
}): Date[] {
  const horizon = (options.horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY;
  if (!(options.stepDays > 0)) throw new RangeError('stepDays must be positive');
  const last = options.observedUntil.getTime() - horizon;
  const out: Date[] = [];
  for (let t = last; t >= options.firstCutoff.getTime(); t -= options.stepDays * DAY) out.push(new Date(t));
  return out.reverse();
}

export type TimeSplit = {
  /** Cut-offs whose snapshots train the final model (their label windows end by the first holdout cut-off). */
  train: Date[];
  /** The latest training cut-offs: C, the threshold and the tiers are chosen on them. */
  validation: Date[];
  /** Training cut-offs whose label windows end by the first validation cut-off: fitted to score validation. */
  innerTrain: Date[];
  /** The latest cut-offs: the model is measured on them, never trained on them. */
  holdout: Date[];
};

export function planTimeSplit(
  cutoffs: readonly Date[],
  options: {
    horizonDays?: number;
    holdoutCutoffs?: number;
    validationCutoffs?: number;
    /** Only training cut-offs within this many days before the last training cut-off (the seed: 6 months). */
    trainingWindowDays?: number;
  } = {},
): TimeSplit {
  const horizon = (options.horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY;
  const holdoutCount = options.holdoutCutoffs ?? 1;
  const validationCount = options.validationCutoffs ?? 1;
  const sorted = [...new Set(cutoffs.map((d) => d.getTime()))].sort((a, b) => a - b);
  if (holdoutCount < 1 || validationCount < 1)
    throw new RangeError('need at least one holdout and validation cut-off');
  const holdout = sorted.slice(-holdoutCount);
  const holdoutStart = holdout[0];
  if (holdoutStart === undefined || sorted.length <= holdoutCount)
    throw new RangeError('too few cut-offs for a holdout and a training window');
  let train = sorted.filter((t) => t + horizon <= holdoutStart);
  const lastTrain = train[train.length - 1];
  if (lastTrain !== undefined && options.trainingWindowDays !== undefined)
    train = train.filter((t) => t >= lastTrain - options.trainingWindowDays! * DAY);
  const validation = train.slice(-validationCount);
  const validationStart = validation[0];
  const innerTrain = validationStart === undefined ? [] : train.filter((t) => t + horizon <= validationStart);
  if (innerTrain.length === 0)
    throw new RangeError(
      'too few cut-offs: training needs cut-offs whose label windows end before validation, and validation ' +
        'cut-offs whose label windows end before the holdout',
    );
  const toDates = (ts: number[]) => ts.map((t) => new Date(t));
  return {
    train: toDates(train),
    validation: toDates(validation),
    innerTrain: toDates(innerTrain),
    holdout: toDates(holdout),
  };
}
