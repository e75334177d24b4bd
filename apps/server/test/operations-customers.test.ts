/**
 * Operations, customers side, on the real database: ingestion through the signed webhook, the REST batch and
 * the CSV import (signature, replay, bad rows, unknown ids); churn training on a stored synthetic population
 * with planted churners, activation (a model that does not beat the active one is not activated) and rollback;
 * scoring into health scores; and every customer/model route for every role.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../src/cli/import-command';
import { generateChurnPopulation } from '../src/cli/seed/churn-population';
import { writeChurnPopulation } from '../src/cli/seed/operations-customers';
import { churnModels, customerHealthScores, customers, events, supportCalls } from '../src/db/schema/index';
import { parseChurnModel } from '../src/modules/operations/churn/model';
import { buildSnapshots } from '../src/modules/operations/churn/snapshots';
import {
  listLiveCustomerIds,
  loadCustomerHistories,
} from '../src/modules/operations/customers/customer-history';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_WEBHOOK_SECRET,
  type Session,
  type TestApp,
} from './helpers/build-app';
import { signWebhook } from './helpers/webhooks';

let t: TestApp;
const roles = ['admin', 'operator', 'viewer', 'coach'] as const;
const s = {} as Record<(typeof roles)[number], Session>;
const pop = generateChurnPopulation({
  seed: 7,
  customers: 500,
  days: 420,
  end: new Date('2026-11-20T00:00:00Z'),
});
const NOW = pop.end;

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  for (const role of roles) {
    await createUser(t, { email: `${role}@ops.test`, role });
    s[role] = await login(t, `${role}@ops.test`);
  }
  await writeChurnPopulation(t.rt.database.db, pop);
  // Two students of the webhook tests' own.
  await t.rt.database.db.execute(
    sql`insert into students (id, name) values ('wh-stu-1', 'A'), ('wh-stu-2', 'B'), ('wh-stu-3', 'C')`,
  );
});
afterAll(async () => t?.close());

function deliver(body: unknown, opts: { id?: string; timestamp?: Date; secret?: string } = {}) {
  const raw = JSON.stringify(body);
  return t.app.inject({
    method: 'POST',
    url: '/api/webhooks/operations',
    headers: signWebhook(raw, opts.secret ?? TEST_WEBHOOK_SECRET, {
      ...(opts.id ? { id: opts.id } : {}),
      timestamp: opts.timestamp ?? t.clock.now(),
    }),
    payload: raw,
  });
}

const customerEvent = (over: Record<string, unknown> = {}) => ({
  type: 'customer.upserted',
  data: {
    customer_id: 'wh-cus-1',
    name: 'The Smiths',
    signup_date: '2026-10-01T00:00:00Z',
    acquisition_channel: 'referral',
    plan: 'monthly-4',
    student_ids: ['wh-stu-1', 'wh-stu-2'],
    ...over,
  },
});

describe('POST /api/webhooks/operations', () => {
  it('stores a signed customer, answers a replay the same without changing anything', async () => {
    const first = await deliver(customerEvent(), { id: 'msg_ops_1' });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ outcome: 'created', id: 'wh-cus-1', replayed: false });
    const replay = await deliver(customerEvent({ name: 'Changed' }), { id: 'msg_ops_1' });
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toMatchObject({ outcome: 'created', replayed: true });
    const [row] = await t.rt.database.db.select().from(customers).where(eq(customers.customerId, 'wh-cus-1'));
    expect(row!.name).toBe('The Smiths');
    const same = await deliver(customerEvent(), { id: 'msg_ops_2' });
    expect(same.json()).toMatchObject({ outcome: 'unchanged' });
    const changed = await deliver(customerEvent({ plan: 'monthly-8' }), { id: 'msg_ops_3' });
    expect(changed.json()).toMatchObject({ outcome: 'updated' });
  });

  it('when the signature is wrong or stale, answers 401 and stores nothing', async () => {
    const forged = await deliver(customerEvent({ customer_id: 'wh-forged' }), {
      secret: 'whsec_' + Buffer.from('another secret entirely').toString('base64'),
    });
    expect(forged.statusCode).toBe(401);
    const stale = await deliver(customerEvent({ customer_id: 'wh-stale' }), {
      timestamp: new Date(t.clock.now().getTime() - 10 * 60_000),
    });
    expect(stale.statusCode).toBe(401);
    const rows = await t.rt.database.db
      .select()
      .from(customers)
      .where(sql`${customers.customerId} in ('wh-forged', 'wh-stale')`);
    expect(rows).toHaveLength(0);
  });

  it('refuses unknown ids with a readable 422 and inserts nothing', async () => {
    const res = await deliver(customerEvent({ customer_id: 'wh-cus-2', student_ids: ['nobody'] }));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'UNKNOWN_STUDENT' });
    const call = await deliver({
      type: 'support_call.created',
      data: {
        call_id: 'c-x',
        customer_id: 'nobody',
        called_at: '2026-11-19T10:00:00Z',
        reason_code: 'billing',
        duration_seconds: 60,
      },
    });
    expect(call.statusCode).toBe(422);
    expect(call.json()).toMatchObject({ code: 'UNKNOWN_CUSTOMER' });
    const unknownType = await deliver({ type: 'nope.happened', data: {} });
    expect(unknownType.statusCode).toBe(422);
    const invalid = await deliver(customerEvent({ signup_date: 'yesterday' }));
    expect(invalid.statusCode).toBe(400);
    const rows = await t.rt.database.db.select().from(supportCalls).where(eq(supportCalls.callId, 'c-x'));
    expect(rows).toHaveLength(0);
  });

  it('stores a support call for a known customer', async () => {
    const res = await deliver({
      type: 'support_call.created',
      data: {
        call_id: 'c-1',
        customer_id: 'wh-cus-1',
        called_at: '2026-11-19T10:00:00Z',
        reason_code: 'billing',
        duration_seconds: 240,
        resolved: true,
      },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ outcome: 'created', id: 'c-1' });
  });
});

describe('POST /api/operations/import/:kind', () => {
  it('applies the good records and reports each bad one by index (207)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/operations/import/support_calls',
      headers: bearer(s.operator),
      payload: {
        records: [
          {
            call_id: 'c-2',
            customer_id: 'wh-cus-1',
            called_at: '2026-11-18T10:00:00Z',
            reason_code: 'tutor',
            duration_seconds: 100,
          },
          {
            call_id: 'c-3',
            customer_id: 'ghost',
            called_at: '2026-11-18T10:00:00Z',
            reason_code: 'tutor',
            duration_seconds: 100,
          },
          {
            call_id: 'c-4',
            customer_id: 'wh-cus-1',
            called_at: 'not a date',
            reason_code: 'tutor',
            duration_seconds: 100,
          },
        ],
      },
    });
    expect(res.statusCode).toBe(207);
    const body = res.json();
    expect(body).toMatchObject({ received: 3, created: 1, failed: 2 });
    expect(body.results[1]).toMatchObject({
      index: 1,
      outcome: 'failed',
      error: { code: 'UNKNOWN_CUSTOMER' },
    });
    expect(body.results[2]).toMatchObject({
      index: 2,
      outcome: 'failed',
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('answers 404 for an unknown kind and 403 to viewers and coaches', async () => {
    const payload = { records: [{}] };
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/operations/import/nope',
          headers: bearer(s.admin),
          payload,
        })
      ).statusCode,
    ).toBe(404);
    for (const role of ['viewer', 'coach'] as const)
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/operations/import/goals',
            headers: bearer(s[role]),
            payload,
          })
        ).statusCode,
      ).toBe(403);
  });
});

describe('tutorpulse import', () => {
  it('imports the good rows and reports each bad row with its line number', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tp-import-'));
    const file = path.join(dir, 'customers.csv');
    writeFileSync(
      file,
      [
        'customer_id,name,signup_date,acquisition_channel,plan,student_ids',
        'csv-1,Ada,2026-09-01T00:00:00Z,organic,monthly-4,wh-stu-3',
        'csv-2,Bob,2026-09-01T00:00:00Z,organic,monthly-4,unknown-student',
        'csv-3,,2026-09-01T00:00:00Z,organic,monthly-4,wh-stu-3',
        'csv-1,Ada,2026-09-01T00:00:00Z,organic,monthly-4,wh-stu-3',
      ].join('\n'),
    );
    const errs: string[] = [];
    const summary = await runImport(
      t.app.services.ingest,
      'customers',
      file,
      { batch: 2, quiet: true, maxErrors: 10 },
      {
        err: (l) => errs.push(l),
      },
    );
    expect(summary).toMatchObject({ rows: 4, created: 1, unchanged: 1, failed: 2 });
    expect(summary.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'UNKNOWN_STUDENT'],
      [4, 'VALIDATION_FAILED'],
    ]);
    expect(errs[0]).toMatch(/^line 3: UNKNOWN_STUDENT/);
  });
});

describe('churn training, activation and scoring', () => {
  let firstId: string;
  let secondId: string;

  it('trains a first version, activates it and scores every customer', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/churn/train',
      headers: bearer(s.admin),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.activated).toBe(true);
    expect(body.model.holdout.roc_auc).toBeGreaterThan(0.75);
    firstId = body.model.id;
    const scored = await t.rt.database.db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(customerHealthScores);
    expect(scored[0]!.n).toBeGreaterThanOrEqual(pop.customers.length);
    const [e] = await t.rt.database.db
      .select()
      .from(events)
      .where(eq(events.type, 'customer_health_updated'));
    expect(e).toBeDefined();
  });

  it('does not activate a retrain that does not beat the active model on the same holdout', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/churn/train',
      headers: bearer(s.admin),
    });
    // The same data gives the same model: no gain, so it stays inactive (its version name is distinct).
    if (res.statusCode === 500) throw new Error(res.body);
    expect(res.statusCode).toBe(200);
    expect(res.json().activated).toBe(false);
    secondId = res.json().model.id;
  });

  it('does not activate a worse model, and rollback activates any stored version', async () => {
    const db = t.rt.database.db;
    const [activeRow] = await db.select().from(churnModels).where(eq(churnModels.isActive, true));
    const active = parseChurnModel(activeRow!.artefact);
    const loaded = await loadCustomerHistories(db, await listLiveCustomerIds(db));
    const holdout = buildSnapshots(
      loaded.map((c) => c.history),
      active.holdout.cutoffs.map((c) => new Date(c)),
      { observedUntil: NOW },
    );
    const worse = { ...active, version: 'worse-1', coefficients: active.coefficients.map((c) => -c) };
    const verdict = await t.app.services.churn.storeModel(worse, holdout);
    expect(verdict.activated).toBe(false);
    expect(verdict.model.is_active).toBe(false);

    const rollback = await t.app.inject({
      method: 'POST',
      url: `/api/models/${secondId}/activate`,
      headers: bearer(s.admin),
    });
    expect(rollback.statusCode).toBe(200);
    expect(rollback.json()).toMatchObject({ id: secondId, is_active: true });
    const back = await t.app.inject({
      method: 'POST',
      url: `/api/models/${firstId}/activate`,
      headers: bearer(s.admin),
    });
    expect(back.json()).toMatchObject({ id: firstId, is_active: true });
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/models', headers: bearer(s.viewer) })
    ).json();
    expect(list.data.filter((m: { is_active: boolean }) => m.is_active)).toHaveLength(1);
  });

  it('puts planted churners at the top and names their cause in the top 3 factors', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/customers?limit=10',
      headers: bearer(s.viewer),
    });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    const probs = page.data.map((c: { health: { churn_probability: number } }) => c.health.churn_probability);
    // Sorted by risk rank, round(p × 1e9), then id.
    const ranks = probs.map((p: number) => Math.round(p * 1e9));
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    const top = page.data[0].id as string;
    const health = (
      await t.app.inject({ method: 'GET', url: `/api/customers/${top}/health`, headers: bearer(s.operator) })
    ).json();
    expect(health.top_risk_factors.length).toBeGreaterThan(0);
    expect(health.top_risk_factors[0].words).toEqual(expect.any(String));
    expect(health.top_risk_factors[0].intervention).toEqual(expect.any(String));
    expect(health.history.length).toBeGreaterThanOrEqual(1);
    const next = await t.app.inject({
      method: 'GET',
      url: `/api/customers?limit=10&cursor=${page.next_cursor}`,
      headers: bearer(s.viewer),
    });
    expect(next.statusCode).toBe(200);
    expect(Math.round(next.json().data[0].health.churn_probability * 1e9)).toBeLessThanOrEqual(ranks.at(-1));
  });

  it('re-scores only customers whose data changed', async () => {
    t.clock.advance(60_000);
    await deliver({
      type: 'support_call.created',
      data: {
        call_id: 'c-9',
        customer_id: pop.customers[0]!.customerId,
        called_at: '2026-11-19T11:00:00Z',
        reason_code: 'billing',
        duration_seconds: 60,
      },
    });
    const r = await t.app.services.churn.rescoreChanged();
    expect(r.scored).toBeGreaterThanOrEqual(1);
    expect(r.scored).toBeLessThan(pop.customers.length / 2);
  });
});

describe('routes × roles', () => {
  const read = [
    '/api/customers',
    '/api/customers/at-risk',
    '/api/models',
    '/api/customers/wh-cus-1',
    '/api/customers/wh-cus-1/health',
  ];
  it.each(read)('GET %s: admin, operator and viewer read; coach 403; anonymous 401', async (url) => {
    for (const role of ['admin', 'operator', 'viewer'] as const)
      expect((await t.app.inject({ method: 'GET', url, headers: bearer(s[role]) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(s.coach) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  it('GET /api/customers/export.csv: admin and operator; viewer and coach 403', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/customers/export.csv?status=active',
      headers: bearer(s.operator),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.body.split('\n')[0]).toMatch(/^customer_id,name/);
    expect(res.body.split('\n').length).toBeGreaterThan(pop.customers.length / 2);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/customers/export.csv', headers: bearer(s.admin) }))
        .statusCode,
    ).toBe(200);
    for (const role of ['viewer', 'coach'] as const)
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/customers/export.csv', headers: bearer(s[role]) }))
          .statusCode,
      ).toBe(403);
  });

  it('POST train and activate: admin only', async () => {
    const [m] = await t.rt.database.db.select().from(churnModels).limit(1);
    for (const role of ['operator', 'viewer', 'coach'] as const) {
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/models/churn/train', headers: bearer(s[role]) }))
          .statusCode,
      ).toBe(403);
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: `/api/models/${m!.id}/activate`,
            headers: bearer(s[role]),
          })
        ).statusCode,
      ).toBe(403);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/models/churn/train' })).statusCode).toBe(401);
  });

  it('GET /api/customers/:id answers 404 for an unknown customer; filters narrow the list', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/customers/nobody', headers: bearer(s.admin) }))
        .statusCode,
    ).toBe(404);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/customers?channel=referral&search=wh-cus',
      headers: bearer(s.admin),
    });
    expect(res.json().data.map((c: { id: string }) => c.id)).toEqual(['wh-cus-1']);
  });
});

describe('OpenAPI', () => {
  it('documents the customer, model and ingestion routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of [
      '/api/customers',
      '/api/customers/{id}',
      '/api/customers/{id}/health',
      '/api/customers/at-risk',
      '/api/customers/export.csv',
      '/api/models',
      '/api/models/churn/train',
      '/api/models/{id}/activate',
      '/api/webhooks/operations',
      '/api/operations/import/{kind}',
    ])
      expect(paths).toContain(p);
  });
});
