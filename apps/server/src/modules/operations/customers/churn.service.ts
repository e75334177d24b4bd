/**
 * Churn in production: training on the database's history (time-based snapshots, as the library plans them),
 * stored model versions, activation only when a new version beats the active one on the same holdout,
 * rollback to any stored version, and scoring (every customer daily, changed customers every 15 minutes)
 * into customer_health_scores with the latest score beside the customer.
 */
import { randomUUID } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { TChurnModelSummary } from '@tutorpulse/contracts/operations-customers';
import type { Db } from '../../../db/client';
import { churnModels, customerHealthScores, customers } from '../../../db/schema/index';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import type { EventService } from '../../../platform/events/events.service';
import type { Logger } from '../../../platform/logger';
import { studentsWithSessionsSince } from '../../sessions/index';
import { compareModels } from '../churn/compare';
import { explainChurnScore, type RiskFactor } from '../churn/explain';
import { computeFeatures, toFeatureRow } from '../churn/features';
import { compileModel, parseChurnModel, trainChurnModel, type ChurnModel } from '../churn/model';
import { buildSnapshots, cutoffSchedule, planTimeSplit } from '../churn/snapshots';
import { findChangedCustomerIds, listLiveCustomerIds, loadCustomerHistories } from './customer-history';

const DAY = 86_400_000;
const SCORE_CHUNK = 2_000;
/** The 15-minute re-scoring looks back a little further than its period, so nothing falls between runs. */
const RESCORE_LOOKBACK_MS = 20 * 60_000;

export type ChurnSettings = { horizonDays: number; snapshotStepDays: number; trainingWindowDays: number };
type ModelRow = typeof churnModels.$inferSelect;

export function toRiskFactorJson(f: RiskFactor) {
  return {
    factor: f.factor,
    label: f.label,
    contribution: f.contribution,
    odds_multiplier: f.oddsMultiplier,
    value: f.value,
    typical: f.typical,
    words: f.words,
    intervention: f.intervention,
  };
}

export function toModelSummary(r: ModelRow): TChurnModelSummary {
  const m = r.artefact as unknown as ChurnModel;
  return {
    id: r.id,
    kind: 'churn',
    version: r.version,
    is_active: r.isActive,
    trained_at: r.trainedAt.toISOString(),
    activated_at: r.activatedAt?.toISOString() ?? null,
    training_window: { from: r.trainingFrom.toISOString(), to: r.trainingTo.toISOString() },
    holdout: {
      roc_auc: r.holdoutRocAuc,
      pr_auc: r.holdoutPrAuc,
      brier: r.holdoutBrier,
      recall_at_threshold: m.holdout.atThreshold.recall,
      precision_at_threshold: m.holdout.atThreshold.precision,
      calibration: m.holdout.calibration.map((b) => ({
        from: b.from,
        to: b.to,
        count: b.count,
        mean_predicted: b.meanPredicted,
        observed_rate: b.observedRate,
      })),
    },
    threshold: m.threshold,
    comparison: r.comparison ?? null,
  };
}

export function createChurnService(deps: {
  db: Db;
  clock: Clock;
  events: EventService;
  logger: Logger;
  settings: ChurnSettings;
}) {
  const { db, clock, settings } = deps;

  async function activeModel(): Promise<{ row: ModelRow; model: ChurnModel } | null> {
    const [row] = await db.select().from(churnModels).where(eq(churnModels.isActive, true));
    return row ? { row, model: parseChurnModel(row.artefact) } : null;
  }

  /** Scores these customers (internal uuids) with the active model; returns how many were scored. */
  async function scoreCustomers(ids: readonly string[], why: string) {
    const active = await activeModel();
    if (!active) return { scored: 0, model: null as string | null, reason: 'no active model' };
    const now = clock.now();
    const compiled = compileModel(active.model);
    let scored = 0;
    const moved: Array<{ customer_id: string; from: string | null; to: string; probability: number }> = [];
    const tiers: Record<string, number> = { low: 0, medium: 0, high: 0, critical: 0 };
    for (let i = 0; i < ids.length; i += SCORE_CHUNK) {
      const part = ids.slice(i, i + SCORE_CHUNK);
      const loaded = await loadCustomerHistories(db, part);
      if (loaded.length === 0) continue;
      const before = new Map(
        (
          await db
            .select({ id: customers.id, tier: customers.riskTier })
            .from(customers)
            .where(sql`${customers.id} = any(${sql.param(loaded.map((l) => l.id))}::uuid[])`)
        ).map((r) => [r.id, r.tier]),
      );
      // A customer whose signup date is still ahead has nothing to describe yet.
      const rows = loaded
        .filter((c) => c.history.signedUpAt.getTime() <= now.getTime())
        .map((c) => {
          const features = computeFeatures(c.history, now);
          const row = toFeatureRow(features);
          const e = explainChurnScore(active.model, features, { compiled, row });
          return { c, features, e };
        });
      await db.transaction(async (tx) => {
        for (let j = 0; j < rows.length; j += 500) {
          await tx.insert(customerHealthScores).values(
            rows.slice(j, j + 500).map(({ c, features, e }) => ({
              customerId: c.id,
              modelId: active.row.id,
              probability: e.probability,
              riskTier: e.tier,
              factors: e.topRiskFactors.map(toRiskFactorJson),
              components: {
                intercept: e.intercept,
                log_odds: e.logOdds,
                features: features as unknown as Record<string, unknown>,
                contributions: e.contributions,
              },
              calculatedAt: now,
            })),
          );
        }
        await tx.execute(sql`
          update customers c
          set churn_probability = v.p, risk_rank = v.r, risk_tier = v.t, health_scored_at = ${now.toISOString()}::timestamptz
          from unnest(${sql.param(rows.map((r) => r.c.id))}::uuid[], ${sql.param(rows.map((r) => r.e.probability))}::float8[],
                      ${sql.param(rows.map((r) => Math.round(r.e.probability * 1e9)))}::int[],
                      ${sql.param(rows.map((r) => r.e.tier))}::text[]) as v(id, p, r, t)
          where c.id = v.id`);
      });
      for (const { c, e } of rows) {
        tiers[e.tier] = (tiers[e.tier] ?? 0) + 1;
        const from = before.get(c.id) ?? null;
        if (from !== e.tier && moved.length < 100)
          moved.push({ customer_id: c.customerId, from, to: e.tier, probability: e.probability });
      }
      scored += rows.length;
    }
    if (scored > 0)
      await deps.events.publish({
        type: 'customer_health_updated',
        audience: ['admin', 'operator', 'viewer'],
        payload: { model_version: active.row.version, scored, why, tiers, changed: moved },
      });
    deps.logger.info({ scored, why, model: active.row.version }, 'customers scored');
    return { scored, model: active.row.version, reason: why };
  }

  async function setActive(id: string, by: string | null) {
    const now = clock.now();
    await db.transaction(async (tx) => {
      await tx.update(churnModels).set({ isActive: false }).where(eq(churnModels.isActive, true));
      await tx
        .update(churnModels)
        .set({ isActive: true, activatedAt: now, activatedBy: by })
        .where(eq(churnModels.id, id));
    });
  }

  return {
    activeModel,

    async listModels(): Promise<TChurnModelSummary[]> {
      const rows = await db.select().from(churnModels).orderBy(desc(churnModels.trainedAt)).limit(100);
      return rows.map(toModelSummary);
    },

    /**
     * Trains a new version on the database's history and stores it; activates it when it beats the active
     * model on the new version's holdout (or none is active). 422 NOT_ENOUGH_HISTORY when the history cannot
     * give a training window, a validation cut-off and a holdout whose labels are complete.
     */
    async train(opts: { by?: string | null } = {}) {
      const now = clock.now();
      const ids = await listLiveCustomerIds(db);
      const loaded = await loadCustomerHistories(db, ids);
      if (loaded.length === 0)
        throw new AppError('NOT_ENOUGH_HISTORY', 'No customers to train on', undefined, 422);
      // Cut-offs start four weeks into the observed history (the first completed session), not at the first signup.
      let firstSeen = Infinity;
      for (const c of loaded)
        for (const s of c.history.sessions)
          if (s.status === 'completed' && s.endsAt.getTime() < firstSeen) firstSeen = s.endsAt.getTime();
      if (!Number.isFinite(firstSeen))
        throw new AppError('NOT_ENOUGH_HISTORY', 'No completed session to learn from', undefined, 422);
      const horizonDays = settings.horizonDays;
      let split;
      let snapshots;
      try {
        const cutoffs = cutoffSchedule({
          firstCutoff: new Date(firstSeen + 28 * DAY),
          observedUntil: now,
          stepDays: settings.snapshotStepDays,
          horizonDays,
        });
        split = planTimeSplit(cutoffs, { horizonDays, trainingWindowDays: settings.trainingWindowDays });
        snapshots = buildSnapshots(
          loaded.map((c) => c.history),
          [...split.train, ...split.holdout],
          { observedUntil: now, horizonDays },
        );
      } catch (err) {
        if (err instanceof RangeError)
          throw new AppError(
            'NOT_ENOUGH_HISTORY',
            `Not enough history to train with a ${horizonDays}-day horizon: ${err.message}`,
            undefined,
            422,
          );
        throw err;
      }
      // The time names it; the suffix keeps two trainings in the same second apart.
      const version = `churn-${now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 6)}`;
      let model: ChurnModel;
      try {
        model = trainChurnModel({ snapshots, split, version, createdAt: now, horizonDays });
      } catch (err) {
        if (err instanceof RangeError)
          throw new AppError('NOT_ENOUGH_HISTORY', `Cannot train: ${err.message}`, undefined, 422);
        throw err;
      }
      return storeAndMaybeActivate(
        model,
        snapshots.filter((s) => split.holdout.some((h) => h.getTime() === s.cutoff.getTime())),
        opts.by ?? null,
      );
    },

    /** Makes a stored version the active one (a rollback when it is an older one), then re-scores everyone. */
    async activate(id: string, by: string | null) {
      const [row] = await db.select().from(churnModels).where(eq(churnModels.id, id));
      if (!row) throw new AppError('MODEL_NOT_FOUND', 'No model with that id', undefined, 404);
      await setActive(id, by);
      const [after] = await db.select().from(churnModels).where(eq(churnModels.id, id));
      return toModelSummary(after!);
    },

    scoreCustomers,

    /** Stores a trained artefact and applies the activation rule on `holdout` (training's last step; tests). */
    storeModel: (model: ChurnModel, holdout: Parameters<typeof compareModels>[2], by: string | null = null) =>
      storeAndMaybeActivate(model, holdout, by),

    async scoreAll() {
      return scoreCustomers(await listLiveCustomerIds(db), 'daily');
    },

    /** Customers whose record, calls, goals or sessions changed since their last score (the 15-minute job). */
    async rescoreChanged() {
      const since = new Date(clock.now().getTime() - RESCORE_LOOKBACK_MS);
      const students = await studentsWithSessionsSince(db, since);
      const ids = await findChangedCustomerIds(db, students);
      return scoreCustomers(ids, 'changed');
    },
  };

  async function storeAndMaybeActivate(
    model: ChurnModel,
    holdout: Parameters<typeof compareModels>[2],
    by: string | null,
  ) {
    const active = await activeModel();
    let verdict: { activate: boolean; reason: string; active: unknown };
    try {
      const c = compareModels(model, active?.model ?? null, holdout);
      verdict = { activate: c.activate, reason: c.reason, active: c.active };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      verdict = { activate: false, reason: `not comparable: ${err.message}`, active: null };
    }
    const [row] = await db
      .insert(churnModels)
      .values({
        version: model.version,
        artefact: model as unknown as Record<string, unknown>,
        trainedAt: new Date(model.createdAt),
        trainingFrom: new Date(model.trainingWindow.firstCutoff),
        trainingTo: new Date(model.trainingWindow.lastCutoff),
        holdoutRocAuc: model.holdout.rocAuc,
        holdoutPrAuc: model.holdout.prAuc,
        holdoutBrier: model.holdout.brier,
        comparison: {
          against: active?.row.version ?? null,
          activated: verdict.activate,
          reason: verdict.reason,
          active_on_same_holdout: verdict.active,
        },
      })
      .returning();
    if (verdict.activate) await setActive(row!.id, by);
    const [after] = await db.select().from(churnModels).where(eq(churnModels.id, row!.id));
    deps.logger.info(
      { version: model.version, activated: verdict.activate, reason: verdict.reason },
      'churn model trained',
    );
    return { model: toModelSummary(after!), activated: verdict.activate, reason: verdict.reason };
  }
}

export type ChurnService = ReturnType<typeof createChurnService>;
