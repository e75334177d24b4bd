/**
 * `npm run eval:churn -- --database [--truth path]`: churn in production on the seeded database (DATA_DIR's
 * PGlite or DATABASE_URL), against the demo seed's planted churners (ground-truth.json, `customers`).
 * Trains a version through the same service as `POST /api/models/churn/train` (settings CHURN_HORIZON_DAYS,
 * CHURN_SNAPSHOT_STEP_DAYS, CHURN_TRAINING_WINDOW_DAYS: a 90-day demo history needs a horizon of at most 20 days (e.g. 14)),
 * scores every customer with the active model, and prints the holdout figures and, per planted cause, the
 * share of planted churners whose cause is among their top 3 risk factors today, plus where they rank.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inArray } from 'drizzle-orm';
import { computeFeatures, explainChurnScore, loadCustomerHistories } from '../modules/operations/index';
import { loadConfig } from '../config/env';
import { customerHealthScores, customers } from '../db/schema/index';
import { createLogger } from '../platform/logger';
import { createRuntime } from '../runtime';
import { createServices } from '../services';
import { AppError } from '../platform/errors';
import { CAUSE_FACTORS, type ChurnCause } from './seed/churn-population';
import type { PlantedChurner } from './seed/demo-customers';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export async function runDatabaseEval(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { database: { type: 'boolean' }, truth: { type: 'string' } },
    allowPositionals: false,
  });
  const config = loadConfig();
  const truthPath = path.resolve(values.truth ?? path.join(config.dataDir, 'ground-truth.json'));
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as {
    customers?: { planted_churners: PlantedChurner[] };
    now: string;
  };
  const planted = truth.customers?.planted_churners ?? [];
  if (planted.length === 0) {
    console.error(`${truthPath} has no planted churners: run npm run seed first`);
    process.exit(2);
  }
  const rt = await createRuntime(config, { logger: createLogger({ level: 'warn' }) });
  try {
    const services = createServices(rt);
    const s = config.churn;
    console.log(`Churn model evaluation — seeded database (${rt.database.kind}), truth ${truthPath}`);
    console.log(
      `  horizon ${s.horizonDays} days, snapshots every ${s.snapshotStepDays} days, training window ${s.trainingWindowDays} days`,
    );
    const t0 = performance.now();
    try {
      const r = await services.churn.train();
      const h = r.model.holdout;
      console.log(
        `\nTrained ${r.model.version} in ${((performance.now() - t0) / 1000).toFixed(1)} s: holdout ROC AUC ${h.roc_auc.toFixed(4)}, PR AUC ${h.pr_auc.toFixed(4)}, Brier ${h.brier.toFixed(4)}, recall at threshold ${h.recall_at_threshold === null ? 'n/a' : pct(h.recall_at_threshold)}`,
      );
      console.log(`  ${r.activated ? 'activated' : 'not activated'}: ${r.reason}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      console.log(`\nTraining refused: ${err.message}`);
      console.log(
        '  (a 90-day demo history needs e.g. CHURN_HORIZON_DAYS=14; scoring uses the active model if any)',
      );
    }
    const t1 = performance.now();
    const scored = await services.churn.scoreAll();
    console.log(
      `Scored ${scored.scored} customers in ${((performance.now() - t1) / 1000).toFixed(1)} s (${scored.reason})`,
    );
    if (scored.scored === 0) return;

    const db = rt.database.db;
    const ranked = await db
      .select({
        id: customers.id,
        customerId: customers.customerId,
        rank: customers.riskRank,
        tier: customers.riskTier,
      })
      .from(customers);
    const order = [...ranked].sort((a, b) => b.rank - a.rank);
    const position = new Map(order.map((r, i) => [r.customerId, i]));
    const byCustomer = new Map(ranked.map((r) => [r.customerId, r]));
    const ids = planted.map((p) => byCustomer.get(p.customer_id)?.id).filter((x): x is string => !!x);
    const latest = new Map<string, string[]>();
    if (ids.length > 0) {
      const rows = await db
        .select({
          customerId: customerHealthScores.customerId,
          factors: customerHealthScores.factors,
          at: customerHealthScores.calculatedAt,
        })
        .from(customerHealthScores)
        .where(inArray(customerHealthScores.customerId, ids));
      const newest = new Map<string, number>();
      for (const r of rows)
        if ((newest.get(r.customerId) ?? -1) < r.at.getTime()) {
          newest.set(r.customerId, r.at.getTime());
          latest.set(
            r.customerId,
            r.factors.map((f) => f.factor),
          );
        }
    }
    console.log('\nPlanted churners: cause among the top 3 risk factors (scored now), and their risk rank');
    let found = 0;
    let total = 0;
    const highTiers = new Set(['high', 'critical']);
    let flagged = 0;
    for (const cause of Object.keys(CAUSE_FACTORS) as ChurnCause[]) {
      const group = planted.filter((p) => p.cause === cause);
      let f = 0;
      let top = 0;
      for (const p of group) {
        const c = byCustomer.get(p.customer_id);
        if (!c) continue;
        const factors = latest.get(c.id) ?? [];
        if (factors.some((x) => (CAUSE_FACTORS[cause] as readonly string[]).includes(x))) f++;
        if (highTiers.has(c.tier ?? '')) flagged++;
        if ((position.get(p.customer_id) ?? Infinity) < order.length * 0.2) top++;
      }
      found += f;
      total += group.length;
      console.log(
        `  ${cause.padEnd(20)} ${f}/${group.length} (${group.length ? pct(f / group.length) : 'n/a'}); in the riskiest 20 %: ${top}/${group.length}`,
      );
    }
    console.log(
      `  all causes           ${found}/${total} (${pct(found / Math.max(1, total))}); high or critical tier: ${flagged}/${total}`,
    );

    // At the moment they left (the cause complete, the absence not yet visible), as a holdout cut-off sees them.
    const active = await services.churn.activeModel();
    if (!active) return;
    const loaded = await loadCustomerHistories(db, ids);
    const historyOf = new Map(loaded.map((l) => [l.customerId, l.history]));
    console.log(
      '\nPlanted churners at their churn date: cause among the top 3 risk factors, and probability',
    );
    let foundAt = 0;
    let totalAt = 0;
    for (const cause of Object.keys(CAUSE_FACTORS) as ChurnCause[]) {
      let f = 0;
      let n = 0;
      const probs: number[] = [];
      for (const p of planted.filter((x) => x.cause === cause)) {
        const h = historyOf.get(p.customer_id);
        const at = new Date(p.churn_at);
        if (!h || h.signedUpAt.getTime() > at.getTime()) continue;
        const e = explainChurnScore(active.model, computeFeatures(h, at));
        n++;
        probs.push(e.probability);
        if (e.topRiskFactors.some((x) => (CAUSE_FACTORS[cause] as readonly string[]).includes(x.factor))) f++;
      }
      foundAt += f;
      totalAt += n;
      const median = probs.sort((a, b) => a - b)[Math.floor(probs.length / 2)] ?? Number.NaN;
      console.log(
        `  ${cause.padEnd(20)} ${f}/${n} (${n ? pct(f / n) : 'n/a'}); median probability ${median.toFixed(3)}`,
      );
    }
    console.log(
      `  all causes           ${foundAt}/${totalAt} (${pct(foundAt / Math.max(1, totalAt))}) (target ≥ 80 %)`,
    );
  } finally {
    await rt.close();
  }
}
