/**
 * Should a newly trained model replace the active one? Both are scored on the same holdout snapshots (the
 * candidate's, which neither model trained on), and the candidate **beats** the active model when
 *
 *   ROC AUC(candidate) ≥ ROC AUC(active) + minAucGain      (ranks churners better, by a margin: 0.002)
 *   and Brier(candidate) ≤ Brier(active) + maxBrierIncrease (its probabilities are no worse: 0)
 *
 * The margin keeps a retrain that only reshuffles noise from replacing a model that works; the Brier condition
 * keeps a better ranking from arriving with worse probabilities, which operators read as risk. With no active
 * model, the candidate is activated. A holdout that either model's training labels reached into is refused:
 * the comparison would flatter that model.
 */
import type { ChurnModel, TModelMetrics } from './model';
import { measureModel } from './model';
import type { Snapshot } from './snapshots';

export const ACTIVATION_RULE = { minAucGain: 0.002, maxBrierIncrease: 0 };
export type ActivationRule = typeof ACTIVATION_RULE;

export type ModelComparison = {
  activate: boolean;
  reason: string;
  candidate: TModelMetrics;
  active: TModelMetrics | null;
};

export function compareModels(
  candidate: ChurnModel,
  active: ChurnModel | null,
  holdout: readonly Snapshot[],
  rule: ActivationRule = ACTIVATION_RULE,
): ModelComparison {
  if (holdout.length === 0) throw new RangeError('the holdout is empty');
  const firstCutoff = Math.min(...holdout.map((s) => s.cutoff.getTime()));
  for (const m of active ? [candidate, active] : [candidate]) {
    if (Date.parse(m.trainingWindow.labelsUntil) > firstCutoff)
      throw new RangeError(
        `model ${m.version} trained on labels until ${m.trainingWindow.labelsUntil}, past the holdout's first cut-off ` +
          `${new Date(firstCutoff).toISOString()}: compare on a later holdout`,
      );
  }
  const c = measureModel(candidate, holdout);
  if (!active) return { activate: true, reason: 'no model is active', candidate: c, active: null };
  const a = measureModel(active, holdout);
  const aucGain = c.rocAuc - a.rocAuc;
  const brierChange = c.brier - a.brier;
  const figures = `ROC AUC ${c.rocAuc.toFixed(4)} vs ${a.rocAuc.toFixed(4)}, Brier ${c.brier.toFixed(4)} vs ${a.brier.toFixed(4)}`;
  if (aucGain < rule.minAucGain)
    return {
      activate: false,
      reason: `ROC AUC gain ${aucGain.toFixed(4)} is below the ${rule.minAucGain} margin (${figures})`,
      candidate: c,
      active: a,
    };
  if (brierChange > rule.maxBrierIncrease)
    return {
      activate: false,
      reason: `Brier score worse by ${brierChange.toFixed(4)} (${figures})`,
      candidate: c,
      active: a,
    };
  return { activate: true, reason: `beats the active model (${figures})`, candidate: c, active: a };
}
