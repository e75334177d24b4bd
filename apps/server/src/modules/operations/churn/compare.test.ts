import { describe, expect, it } from 'vitest';
import { createRng } from '../../../cli/seed/random';
import { handModel, handSnapshot, typicalFeatures } from './churn-test-data';
import { ACTIVATION_RULE, compareModels } from './compare';

const cutoff = new Date('2026-09-01T00:00:00Z');
const trainedBefore = new Date('2026-08-01T00:00:00Z');

// A holdout where churn follows days since the last session, and tenure is noise.
const rng = createRng('compare');
const holdout = Array.from({ length: 400 }, (_, i) => {
  const days = rng.float(0, 60);
  const tenure = rng.float(10, 400);
  const churned = rng.bernoulli(1 / (1 + Math.exp(-(days - 30) / 6)));
  return handSnapshot(
    `c-${i}`,
    cutoff,
    typicalFeatures({ days_since_last_session: days, tenure_days: tenure }),
    churned,
  );
});

const good = handModel({
  version: 'good',
  intercept: -0.2,
  coefficients: { days_since_last_session: 0.17 },
  labelsUntil: trainedBefore,
});
const noise = handModel({
  version: 'noise',
  intercept: -0.2,
  coefficients: { tenure_days: 0.01 },
  labelsUntil: trainedBefore,
});

describe('compareModels', () => {
  it('activates a candidate when no model is active', () => {
    const r = compareModels(good, null, holdout);
    expect(r).toMatchObject({ activate: true, reason: 'no model is active', active: null });
    expect(r.candidate.rocAuc).toBeGreaterThan(0.8);
  });

  it('activates a candidate that ranks better by the margin with a Brier score no worse', () => {
    const r = compareModels(good, noise, holdout);
    expect(r.activate).toBe(true);
    expect(r.candidate.rocAuc - r.active!.rocAuc).toBeGreaterThan(ACTIVATION_RULE.minAucGain);
    expect(r.reason).toMatch(/^beats the active model/);
  });

  it('keeps the active model against a worse candidate, and against an equal one (no margin)', () => {
    expect(compareModels(noise, good, holdout)).toMatchObject({
      activate: false,
      reason: expect.stringMatching(/below the 0.002 margin/),
    });
    expect(compareModels({ ...good, version: 'same' }, good, holdout).activate).toBe(false);
  });

  it('keeps the active model when the better ranking comes with worse probabilities', () => {
    // The active model knows only the churn rate (AUC 0.5, honest probabilities); the candidate ranks well but
    // its intercept is far off, so it calls almost everyone a churner.
    const rate = holdout.filter((x) => x.churned).length / holdout.length;
    const weak = handModel({
      version: 'base-rate',
      intercept: Math.log(rate / (1 - rate)),
      labelsUntil: trainedBefore,
    });
    const miscalibrated = { ...good, version: 'miscalibrated', intercept: 6 };
    const r = compareModels(miscalibrated, weak, holdout);
    expect(r.candidate.rocAuc).toBeGreaterThan(r.active!.rocAuc + ACTIVATION_RULE.minAucGain);
    expect(r.candidate.brier).toBeGreaterThan(r.active!.brier);
    expect(r).toMatchObject({ activate: false, reason: expect.stringMatching(/^Brier score worse/) });
  });

  it('refuses a holdout that a model’s training labels reached into', () => {
    const late = {
      ...noise,
      version: 'late',
      trainingWindow: { ...noise.trainingWindow, labelsUntil: '2026-09-15T00:00:00.000Z' },
    };
    expect(() => compareModels(good, late, holdout)).toThrow(/model late trained on labels until/);
    expect(() => compareModels(late, null, holdout)).toThrow(/compare on a later holdout/);
    expect(() => compareModels(good, null, [])).toThrow(/empty/);
  });
});
