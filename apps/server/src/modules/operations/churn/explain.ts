/**
 * Why a customer scores as they do, exactly. The model's log-odds is a sum:
 *
 *   log-odds = intercept + Σⱼ coefⱼ · (xⱼ − meanⱼ) / scaleⱼ
 *
 * so each term is that feature's contribution: how far this customer's value sits from the typical (training
 * average) customer's, in standard deviations, times the weight the model gives it. A positive contribution is
 * a risk factor (it raises the odds of leaving by e^contribution); the intercept is the log-odds of a typical
 * customer. The channel's one-hot columns add up to one factor. No approximation (unlike SHAP sampling): the
 * contributions plus the intercept are the log-odds.
 */
import { findFeatureDefinition, toFeatureRow, type ChurnFeatures, type FactorKey } from './features';
import {
  columnContribution,
  compileModel,
  riskTier,
  type ChurnModel,
  type CompiledModel,
  type RiskTier,
} from './model';
import { sigmoid } from './solver';

export type FactorContribution = { factor: FactorKey; contribution: number };

export type RiskFactor = {
  factor: FactorKey;
  label: string;
  /** Added log-odds of leaving. */
  contribution: number;
  /** The odds of leaving are multiplied by this (e^contribution). */
  oddsMultiplier: number;
  /** The customer's value (the channel's name for the channel). */
  value: number | string;
  /** The training average (for the channel: its share among training customers). */
  typical: number;
  /** Plain words: the value, how much it weighs, and the typical value. */
  words: string;
  intervention: string;
};

export type ChurnExplanation = {
  probability: number;
  logOdds: number;
  tier: RiskTier;
  intercept: number;
  /** Every factor's contribution, largest first; with the intercept they sum to logOdds. */
  contributions: FactorContribution[];
  /** Up to 3 factors that raise this customer's risk, largest first. */
  topRiskFactors: RiskFactor[];
};

export function explainChurnScore(
  model: ChurnModel,
  features: ChurnFeatures,
  options: {
    compiled?: CompiledModel;
    topN?: number;
    /** `toFeatureRow(features)`, when already built. */ row?: ArrayLike<number>;
  } = {},
): ChurnExplanation {
  const compiled = options.compiled ?? compileModel(model);
  const topN = options.topN ?? 3;
  const row = options.row ?? toFeatureRow(features);
  const byFactor = new Float64Array(compiled.factors.length);
  // The log-odds is accumulated term by term exactly as `logOdds` does, so the two agree to the last bit.
  let z = compiled.intercept;
  for (let j = 0; j < compiled.index.length; j++) {
    const c = columnContribution(compiled, row, j);
    z += c;
    const f = compiled.columnFactor[j] as number;
    byFactor[f] = (byFactor[f] as number) + c;
  }
  const contributions = compiled.factors
    .map((factor, f) => ({ factor, contribution: byFactor[f] as number }))
    .sort((a, b) => b.contribution - a.contribution);
  const probability = sigmoid(z);
  return {
    probability,
    logOdds: z,
    tier: riskTier(model, probability),
    intercept: compiled.intercept,
    contributions,
    topRiskFactors: contributions
      .filter((c) => c.contribution > 0)
      .slice(0, topN)
      .map((c) => describeRiskFactor(model, features, c)),
  };
}

function describeRiskFactor(model: ChurnModel, features: ChurnFeatures, c: FactorContribution): RiskFactor {
  const def = findFeatureDefinition(c.factor);
  const oddsMultiplier = Math.exp(c.contribution);
  const weight = `multiplies the odds of leaving by ${formatMultiplier(oddsMultiplier)}`;
  if (def.kind === 'category') {
    const column = model.columns.indexOf(`channel=${features.channel}`);
    const typical = column >= 0 ? (model.means[column] as number) : 0;
    const words = `${capitalise(def.describe(features.channel))}; ${weight}`;
    return {
      factor: c.factor,
      label: def.label,
      contribution: c.contribution,
      oddsMultiplier,
      value: features.channel,
      typical,
      words,
      intervention: def.intervention,
    };
  }
  const column = model.columns.indexOf(def.key);
  const typical = model.means[column] as number;
  // A risk factor always has a value: a missing one contributes exactly 0.
  const value = features[def.key] as number;
  const words = `${capitalise(def.describe(value, typical))}; ${weight}`;
  return {
    factor: c.factor,
    label: def.label,
    contribution: c.contribution,
    oddsMultiplier,
    value,
    typical,
    words,
    intervention: def.intervention,
  };
}

function formatMultiplier(m: number): string {
  // Beyond 100-fold the exact figure says nothing more to a reader (and reaches the millions for extreme values).
  return m < 1.1 ? m.toFixed(2) : m < 10 ? m.toFixed(1) : m < 100 ? String(Math.round(m)) : 'more than 100';
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
