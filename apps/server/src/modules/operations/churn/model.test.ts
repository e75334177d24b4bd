import { beforeAll, describe, expect, it } from 'vitest';
import { generateChurnPopulation } from '../../../cli/seed/churn-population';
import { DAY, handModel, typicalFeatures } from './churn-test-data';
import { FEATURE_COLUMNS, toFeatureRow } from './features';
import { averagePrecision, brierScore, calibrationTable, rocAuc, statsAtThreshold } from './metrics';
import {
  compileModel,
  fitStandardiser,
  labelsOf,
  parseChurnModel,
  riskTier,
  scoreRows,
  standardiseRows,
  trainChurnModel,
  type ChurnModel,
} from './model';
import { buildSnapshots, cutoffSchedule, planTimeSplit, type Snapshot, type TimeSplit } from './snapshots';

describe('fitStandardiser and standardiseRows', () => {
  it('take means and population standard deviations over the values present; a missing value becomes 0', () => {
    const rows = [
      [1, 5, Number.NaN, 7],
      [3, 5, Number.NaN, Number.NaN],
      [5, 5, Number.NaN, 9],
    ].map((r) => Float64Array.from(r));
    const s = fitStandardiser(rows, 4);
    expect(s.means).toEqual([3, 5, 0, 8]);
    expect(s.scales[0]).toBeCloseTo(Math.sqrt(8 / 3), 15);
    expect(s.scales.slice(1)).toEqual([1, 1, 1]); // constant, all missing, and sd 1 exactly
    const x = standardiseRows(rows, s);
    expect(x[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 15);
    expect(Array.from(x.slice(4, 8))).toEqual([0, 0, 0, 0]);
  });
});

describe('riskTier', () => {
  it.each([
    { p: 0.19, tier: 'low' },
    { p: 0.2, tier: 'medium' },
    { p: 0.5, tier: 'high' },
    { p: 0.8, tier: 'critical' },
    { p: 1, tier: 'critical' },
  ])('p = $p is $tier', ({ p, tier }) => {
    expect(riskTier({ tiers: { medium: 0.2, high: 0.5, critical: 0.8 } }, p)).toBe(tier);
  });
});

describe('compileModel', () => {
  it('reads columns by name, so a model stored with another column order scores the same', () => {
    const m = handModel({ coefficients: { days_since_last_session: 0.7, 'channel=social': 1.1 } });
    const order = FEATURE_COLUMNS.map((_, j) => j).reverse();
    const shuffled: ChurnModel = {
      ...m,
      columns: order.map((j) => m.columns[j]!),
      coefficients: order.map((j) => m.coefficients[j]!),
      means: order.map((j) => m.means[j]!),
      scales: order.map((j) => m.scales[j]!),
    };
    const row = toFeatureRow(typicalFeatures({ days_since_last_session: 20, channel: 'social' }));
    const [a] = scoreRows(compileModel(m), [row]);
    const [b] = scoreRows(compileModel(shuffled), [row]);
    expect(b).toBeCloseTo(a!, 14);
  });

  it('refuses a model that needs a column the rows lack', () => {
    expect(() => compileModel(handModel(), FEATURE_COLUMNS.slice(1))).toThrow(/sessions_per_week/);
  });
});

describe('trainChurnModel', () => {
  let snapshots: Snapshot[];
  let split: TimeSplit;
  let model: ChurnModel;
  const inSplit = (dates: Date[]) => {
    const set = new Set(dates.map((d) => d.getTime()));
    return snapshots.filter((s) => set.has(s.cutoff.getTime()));
  };

  beforeAll(() => {
    const pop = generateChurnPopulation({ seed: 21, customers: 2500, days: 480 });
    const cutoffs = cutoffSchedule({
      firstCutoff: new Date(pop.start.getTime() + 120 * DAY),
      observedUntil: pop.end,
      stepDays: 14,
    });
    split = planTimeSplit(cutoffs, { trainingWindowDays: 180 });
    snapshots = buildSnapshots(pop.customers, [...split.train, ...split.holdout], { observedUntil: pop.end });
    model = trainChurnModel({ snapshots, split, version: 'test-1', createdAt: pop.end });
  });

  it('learns the planted signal: the holdout ranks churners far above chance', () => {
    expect(model.holdout.rocAuc).toBeGreaterThan(0.85);
    expect(model.holdout.prAuc).toBeGreaterThan(model.holdout.churned / model.holdout.snapshots);
    expect(model.solver.converged).toBe(true);
  });

  it('standardises with the training rows only, and records the training window', () => {
    const train = inSplit(split.train);
    const s = fitStandardiser(
      train.map((x) => x.row),
      FEATURE_COLUMNS.length,
    );
    expect(model.means).toEqual(s.means);
    expect(model.scales).toEqual(s.scales);
    expect(model.trainingWindow).toMatchObject({
      firstCutoff: split.train[0]!.toISOString(),
      lastCutoff: split.train.at(-1)!.toISOString(),
      labelsUntil: new Date(split.train.at(-1)!.getTime() + 60 * DAY).toISOString(),
      snapshots: train.length,
      churned: train.filter((x) => x.churned).length,
    });
    // what happens in the holdout cannot move the fit
    const scrambled = snapshots.map((x) =>
      split.holdout.some((h) => h.getTime() === x.cutoff.getTime())
        ? { ...x, row: x.row.map((v) => v * 3 + 1), churned: !x.churned }
        : x,
    );
    const again = trainChurnModel({
      snapshots: scrambled,
      split,
      version: 'test-2',
      createdAt: new Date(model.createdAt),
    });
    expect(again.coefficients).toEqual(model.coefficients);
    expect(again.threshold).toBe(model.threshold);
    expect(again.holdout.rocAuc).not.toBe(model.holdout.rocAuc);
  });

  it('picks the C with the best validation ROC AUC', () => {
    const best = Math.max(...model.validation.cSearch.map((c) => c.rocAuc));
    expect(model.validation.cSearch.find((c) => c.rocAuc === best)?.C).toBe(model.C);
    expect(model.validation.cSearch.length).toBeGreaterThan(3);
  });

  it('puts probabilities on the churn rate’s scale: the intercept undoes the balanced weights', () => {
    const train = inSplit(split.train);
    const churned = train.filter((x) => x.churned).length;
    expect(model.intercept).toBeCloseTo(
      model.fittedIntercept + Math.log(churned / (train.length - churned)),
      12,
    );
    const meanP =
      scoreRows(
        compileModel(model),
        train.map((x) => x.row),
      ).reduce((a, b) => a + b, 0) / train.length;
    expect(Math.abs(meanP - churned / train.length)).toBeLessThan(0.05);
  });

  it('chooses the threshold for 80 % validation recall and orders the tiers', () => {
    expect(model.validation.atThreshold.recall).toBeGreaterThanOrEqual(0.8);
    expect(model.tiers.medium).toBe(model.threshold);
    expect(model.tiers.high).toBeGreaterThanOrEqual(model.tiers.medium);
    expect(model.tiers.critical).toBeGreaterThanOrEqual(model.tiers.high);
    const rates = model.validation.tiers.map((t) => t.churnRate ?? 0);
    expect(rates).toEqual([...rates].sort((a, b) => a - b)); // riskier tiers churn more
    expect(model.validation.tiers.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 12);
  });

  it('reports holdout metrics that re-computing from the stored model reproduces', () => {
    const holdout = inSplit(split.holdout);
    const p = scoreRows(
      compileModel(model),
      holdout.map((x) => x.row),
    );
    const y = labelsOf(holdout);
    expect(model.holdout.rocAuc).toBe(rocAuc(p, y));
    expect(model.holdout.prAuc).toBe(averagePrecision(p, y));
    expect(model.holdout.brier).toBe(brierScore(p, y));
    expect(model.holdout.calibration).toEqual(calibrationTable(p, y));
    expect(model.holdout.atThreshold.recall).toBe(statsAtThreshold(p, y, model.threshold).recall);
  });

  it('stores as JSON and reads back the same model, refusing a broken one', () => {
    const json = JSON.parse(JSON.stringify(model)) as unknown;
    expect(parseChurnModel(json)).toEqual(model);
    expect(() => parseChurnModel({ ...model, means: model.means.slice(1) })).toThrow(/same length/);
    expect(() => parseChurnModel({ ...model, scales: model.scales.map(() => 0) })).toThrow();
    expect(() => parseChurnModel({ ...model, kind: 'something-else' })).toThrow();
  });

  it('refuses a split whose training labels look into the holdout', () => {
    const leaky: TimeSplit = {
      ...split,
      train: [...split.train, new Date(split.holdout[0]!.getTime() - 14 * DAY)],
    };
    expect(() => trainChurnModel({ snapshots, split: leaky, version: 'x', createdAt: new Date() })).toThrow(
      /overlaps the holdout/,
    );
  });
});
