import { describe, expect, it } from 'vitest';
import { buildSnapshots, cutoffSchedule, planTimeSplit } from '../modules/operations/churn/snapshots';
import { trainChurnModel } from '../modules/operations/churn/model';
import { checkSklearn, compareWithSklearn } from './churn-sklearn';
import { generateChurnPopulation } from './seed/churn-population';

const DAY = 86_400_000;
const sklearn = checkSklearn();
if (!sklearn.available) console.warn(`churn-sklearn.test.ts skipped: ${sklearn.reason}`);

describe('compareWithSklearn', () => {
  it('reports a missing python or scikit-learn instead of failing', () => {
    expect(checkSklearn('/nonexistent/python3')).toMatchObject({
      available: false,
      reason: expect.stringMatching(/cannot run/),
    });
  });

  it.skipIf(!sklearn.available)(
    'matches scikit-learn on the same matrix: same AUC, same metrics, same optimum',
    () => {
      const pop = generateChurnPopulation({ seed: 8, customers: 1500, days: 420 });
      const cutoffs = cutoffSchedule({
        firstCutoff: new Date(pop.start.getTime() + 120 * DAY),
        observedUntil: pop.end,
        stepDays: 28,
      });
      const split = planTimeSplit(cutoffs, { trainingWindowDays: 180 });
      const snapshots = buildSnapshots(pop.customers, [...split.train, ...split.holdout], {
        observedUntil: pop.end,
      });
      const model = trainChurnModel({ snapshots, split, version: 'sk', createdAt: pop.end });
      const inSplit = (dates: Date[]) =>
        snapshots.filter((s) => dates.some((d) => d.getTime() === s.cutoff.getTime()));
      const r = compareWithSklearn(model, inSplit(split.train), inSplit(split.holdout));
      // our metric code against scikit-learn's, on our probabilities
      expect(r.oursBySklearn.rocAuc).toBeCloseTo(r.ours.rocAuc, 12);
      expect(r.oursBySklearn.prAuc).toBeCloseTo(r.ours.prAuc, 12);
      expect(r.oursBySklearn.brier).toBeCloseTo(r.ours.brier, 12);
      // the fits: lbfgs stops near the optimum, newton-cholesky reaches it
      expect(Math.abs(r.ours.rocAuc - r.sklearn.rocAuc)).toBeLessThan(0.001);
      expect(r.objective.ours).toBeLessThanOrEqual(
        r.objective.sklearn + 1e-9 * Math.abs(r.objective.sklearn),
      );
      if (r.exact) expect(r.exact.maxCoefficientDifference).toBeLessThan(1e-5);
    },
  );
});
