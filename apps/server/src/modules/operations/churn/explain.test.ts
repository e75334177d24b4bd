import { describe, expect, it } from 'vitest';
import { generateChurnPopulation } from '../../../cli/seed/churn-population';
import { DAY, handModel, typicalFeatures } from './churn-test-data';
import { explainChurnScore } from './explain';
import { computeFeatures, toFeatureRow } from './features';
import { compileModel, logOdds, riskTier } from './model';
import { sigmoid } from './solver';

const model = handModel({
  intercept: -2,
  coefficients: {
    days_since_last_session: 1.5,
    tutor_no_shows_90d: 0.8,
    average_rating: -0.6,
    support_calls_90d: 0.3,
    tenure_days: -0.2,
    'channel=organic': -0.1,
    'channel=social': 0.4,
  },
  scales: { days_since_last_session: 10, tutor_no_shows_90d: 0.5, average_rating: 0.5, tenure_days: 100 },
});

describe('explainChurnScore', () => {
  it('gives each factor coef × (value − mean) / scale, and the three largest risk-raising ones in words', () => {
    const features = typicalFeatures({
      days_since_last_session: 28, // (28 − 8) / 10 = 2 sd → +3
      tutor_no_shows_90d: 1, // (1 − 0) / 0.5 = 2 sd → +1.6
      average_rating: 3.7, // (3.7 − 4.2) / 0.5 = −1 sd → +0.6
      support_calls_90d: 2, // +0.3
      tenure_days: 350, // +2 sd → −0.4 (lowers risk)
    });
    const e = explainChurnScore(model, features);
    const byFactor = Object.fromEntries(e.contributions.map((c) => [c.factor, c.contribution]));
    expect(byFactor.days_since_last_session).toBeCloseTo(3, 12);
    expect(byFactor.tutor_no_shows_90d).toBeCloseTo(1.6, 12);
    expect(byFactor.average_rating).toBeCloseTo(0.6, 12);
    expect(byFactor.support_calls_90d).toBeCloseTo(0.3, 12);
    expect(byFactor.tenure_days).toBeCloseTo(-0.4, 12);
    // organic is 1 against a mean of 0.5 (−0.1 × 0.5), social 0 against 0.1 (0.4 × −0.1)
    expect(byFactor.channel).toBeCloseTo(-0.05 - 0.04, 12);

    expect(e.topRiskFactors.map((f) => f.factor)).toEqual([
      'days_since_last_session',
      'tutor_no_shows_90d',
      'average_rating',
    ]);
    const [first, second] = e.topRiskFactors;
    expect(first?.words).toBe(
      '28 days since the last session (typical 8); multiplies the odds of leaving by 20',
    );
    expect(first?.oddsMultiplier).toBeCloseTo(Math.exp(3), 12);
    expect(first?.intervention).toMatch(/book the next session/);
    expect(second?.words).toBe(
      'Their tutor did not show up 1 time in the last 90 days (typical 0); multiplies the odds of leaving by 5.0',
    );
    expect(second).toMatchObject({ value: 1, typical: 0, label: 'Tutor no-shows suffered' });
  });

  it('adds up with the intercept to the log-odds the model scores with, exactly', () => {
    const population = generateChurnPopulation({ seed: 9, customers: 60, days: 200 });
    const compiled = compileModel(model);
    for (const h of population.customers) {
      const cutoff = new Date(population.end.getTime() - 10 * DAY);
      if (h.signedUpAt > cutoff) continue;
      const features = computeFeatures(h, cutoff);
      const e = explainChurnScore(model, features, { compiled });
      expect(e.logOdds).toBe(logOdds(compiled, toFeatureRow(features)));
      const sum = e.contributions.reduce((s, c) => s + c.contribution, e.intercept);
      expect(sum).toBeCloseTo(e.logOdds, 12);
      expect(e.probability).toBe(sigmoid(e.logOdds));
      expect(e.tier).toBe(riskTier(model, e.probability));
      expect(e.topRiskFactors.length).toBeLessThanOrEqual(3);
      for (const f of e.topRiskFactors) expect(f.contribution).toBeGreaterThan(0);
      const sizes = e.topRiskFactors.map((f) => f.contribution);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
  });

  it('gives a missing value no weight, and a typical customer no risk factor but the channel', () => {
    const missing = explainChurnScore(model, typicalFeatures({ average_rating: null }));
    expect(missing.contributions.find((c) => c.factor === 'average_rating')?.contribution).toBe(0);

    const social = explainChurnScore(model, typicalFeatures({ channel: 'social' }));
    // social 1 against 0.1 (0.4 × 0.9), organic 0 against 0.5 (−0.1 × −0.5)
    expect(social.topRiskFactors.map((f) => f.factor)).toEqual(['channel']);
    expect(social.topRiskFactors[0]?.contribution).toBeCloseTo(0.36 + 0.05, 12);
    expect(social.topRiskFactors[0]?.words).toMatch(/^Came through social media ads/);
    expect(social.topRiskFactors[0]?.typical).toBeCloseTo(0.1, 12);
  });

  it.each([
    { days: 8, tier: 'low' }, // log-odds −2 − 0.09: p ≈ 0.11
    { days: 18, tier: 'medium' }, // −0.59: p ≈ 0.36
    { days: 28, tier: 'high' }, // 0.91: p ≈ 0.71
    { days: 38, tier: 'critical' }, // 2.41: p ≈ 0.92
  ])('$days days since the last session puts a typical customer in the $tier tier', ({ days, tier }) => {
    expect(explainChurnScore(model, typicalFeatures({ days_since_last_session: days })).tier).toBe(tier);
  });
});
