/**
 * What one alert check costs at scale (prints figures, asserts no timing): MEASURE_ALERTS=1 npx vitest run
 * apps/server/test/operations-alerts-scale.test.ts. 1,000 shortage windows and 1,000 churn moves from stand-in
 * readers: the first run creates 2,000 alerts and their recommendations (plus critical mail rows), the second
 * finds nothing new, the third adds evidence to every alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperationsAlerts, type OperationsAlerts } from '../src/modules/operations/index';
import type { ChurnTierChange, ShortageHour } from '../src/modules/operations/alerts/ports';
import type { Mailer } from '../src/platform/mail/port';
import { createTestApp, createUser, type TestApp } from './helpers/build-app';

const H = 3_600_000;
const N = Number(process.env.MEASURE_ALERTS_N ?? 1_000);

describe.skipIf(!process.env.MEASURE_ALERTS)('alert check at scale', () => {
  let t: TestApp;
  let ops: OperationsAlerts;
  let scale = 1;
  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t, { email: 'op@scale.test', role: 'operator' });
    const now = t.clock.now().getTime();
    const mailer: Mailer = {
      kind: 'outbox',
      send: async () => ({ messageId: 'x', transport: 'outbox' }),
      close: async () => {},
    };
    ops = createOperationsAlerts({
      db: t.rt.database.db,
      clock: t.clock,
      events: t.app.services.events,
      audit: t.app.services.audit,
      queue: t.rt.queue,
      mailer,
      users: t.app.services.users,
      logger: t.rt.logger,
      readers: {
        shortages: {
          listShortageHours: async (from, to) =>
            Array.from({ length: N }, (_, i): ShortageHour => ({
              subject: `subject-${i % 50}`,
              subjectName: null,
              // Windows two hours apart per subject, 30 h ahead.
              hour: new Date(Math.floor(now / H) * H + (30 + 2 * Math.floor(i / 50)) * H),
              shortage: 1.5 * scale,
              demandUpper: 5,
              supply: 3,
            })).filter((h) => h.hour >= from && h.hour < to),
        },
        churn: {
          listTierChanges: async () =>
            Array.from({ length: N }, (_, i): ChurnTierChange => ({
              customerId: `c-${i}`,
              customerName: null,
              fromTier: 'medium',
              toTier: i % 10 === 0 ? 'critical' : 'high',
              probability: 0.7 + 0.01 * scale,
              scoredAt: new Date(now - H + scale),
              topFactors: [{ factor: 'recency', label: 'three weeks without a session', contribution: 1 }],
            })),
          customerActivity: async () => null,
        },
      },
      mail: { adminEmail: 'admin@scale.test' },
    });
  });
  afterAll(() => t?.close());

  it('prints the cost of a first run, a re-run and a run adding evidence', { timeout: 900_000 }, async () => {
    const runs: string[] = [];
    for (const label of ['first run (creates)', 're-run (nothing new)', 'evidence grows']) {
      if (label === 'evidence grows') scale = 2;
      const t0 = performance.now();
      const s = await ops.engine.runChecks();
      const ms = performance.now() - t0;
      runs.push(
        `${label}: ${(ms / 1000).toFixed(2)} s — created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, ` +
          `recommendations ${s.recommendations}, mails queued ${s.mailsQueued}`,
      );
    }
    console.log(`alert check, ${2 * N} candidates (${t.db.label}):\n  ${runs.join('\n  ')}`);
    expect(runs).toHaveLength(3);
  });
});
