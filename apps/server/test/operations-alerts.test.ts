/**
 * Alerts and recommendations end to end, on PGlite or Postgres + Redis (DATABASE_URL / REDIS_URL): the engine
 * with stand-in readers for the capabilities not on this branch (churn, supply) and the real readers of the
 * quality and sessions modules, dedupe, the lifecycle over HTTP, critical mail once, recommendation expiry and
 * effect measurement, routes × roles, and the metrics cache invalidated by events.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { TRole } from '@tutorpulse/contracts/identity';
import type {
  TAlert,
  TAlertDetail,
  TOperationsMetrics,
  TRecommendation,
} from '@tutorpulse/contracts/operations-alerts';
import {
  alertEvents,
  alertNotifications,
  alerts,
  events,
  flags,
  recommendations,
} from '../src/db/schema/index';
import {
  createMainReaders,
  createOperationsAlerts,
  type OperationsAlerts,
} from '../src/modules/operations/index';
import type {
  ChurnRiskReader,
  ChurnTierChange,
  ShortageHour,
  SupplyShortageReader,
} from '../src/modules/operations/alerts/ports';
import { createQualitySignalService } from '../src/modules/quality/index';
import type { Mailer, MailMessage } from '../src/platform/mail/port';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { insertSessions, insertTutors } from './helpers/quality-fixtures';

const H = 3_600_000;
const DAY = 86_400_000;
const START = '2026-11-20T12:00:00Z';

let t: TestApp;
let ops: OperationsAlerts;
const sent: MailMessage[] = [];
const who = {} as Record<TRole, Session>;

// Stand-ins for the customers and forecasting capabilities (their readers are wired at merge).
let churnChanges: ChurnTierChange[] = [];
let shortageHours: ShortageHour[] = [];
let activity = 0;
const churn: ChurnRiskReader = {
  listTierChanges: async (since) => churnChanges.filter((c) => c.scoredAt >= since),
  customerActivity: async () => ({ sessionsSince: activity, probability: 0.3 }),
};
const shortages: SupplyShortageReader = {
  listShortageHours: async (from, to) => shortageHours.filter((h) => h.hour >= from && h.hour < to),
};

const capturingMailer: Mailer = {
  kind: 'outbox',
  async send(m) {
    sent.push(m);
    return { messageId: `<m${sent.length}@test>`, transport: 'outbox' };
  },
  async close() {},
};

function buildOps(): OperationsAlerts {
  const { db } = t.rt.database;
  const s = t.app.services;
  return createOperationsAlerts({
    db,
    clock: t.clock,
    events: s.events,
    audit: s.audit,
    queue: t.rt.queue,
    mailer: capturingMailer,
    users: s.users,
    cache: t.rt.cache,
    logger: t.rt.logger,
    readers: { ...createMainReaders({ db, quality: createQualitySignalService({ db }) }), churn, shortages },
    mail: {
      adminEmail: 'admin@example.test',
      mailFrom: 'alerts@tutorpulse.test',
      dashboardUrl: 'https://tp.test',
    },
  });
}

const sunday18 = new Date('2026-11-22T18:00:00Z');
const chemistry = (h: number, shortage: number): ShortageHour => ({
  subject: 'chemistry',
  subjectName: 'Chemistry',
  hour: new Date(sunday18.getTime() + h * H),
  shortage,
  demandUpper: 6,
  supply: 6 - shortage,
});
const rivera = (over: Partial<ChurnTierChange> = {}): ChurnTierChange => ({
  customerId: 'c-42',
  customerName: 'Rivera family',
  fromTier: 'medium',
  toTier: 'high',
  probability: 0.81,
  scoredAt: new Date(t.clock.now().getTime() - H),
  topFactors: [{ factor: 'tutor_no_shows', label: 'two tutor no-shows', contribution: 1.1 }],
  ...over,
});

const get = <T>(url: string, s: Session = who.operator) =>
  t.app
    .inject({ method: 'GET', url, headers: bearer(s) })
    .then((r) => ({ status: r.statusCode, body: r.json() as T, raw: r }));
const post = <T>(url: string, payload: unknown, s: Session = who.operator) =>
  t.app
    .inject({ method: 'POST', url, headers: bearer(s), payload: payload as object })
    .then((r) => ({ status: r.statusCode, body: r.json() as T }));

async function alertByKey(key: string) {
  return t.rt.database.db.select().from(alerts).where(eq(alerts.dedupeKey, key));
}

beforeAll(async () => {
  t = await createTestApp({ now: START });
  for (const role of ['admin', 'operator', 'viewer', 'coach', 'student', 'tutor'] as const) {
    await createUser(t, { email: `${role}@ops.test`, role, studentId: 'stu-1', tutorId: 'tut-x' });
    who[role] = await login(t, `${role}@ops.test`);
  }
  await createUser(t, { email: 'second-operator@ops.test', role: 'operator' });
  ops = buildOps();
});
afterAll(() => t?.close());

beforeEach(async () => {
  const { db } = t.rt.database;
  await db.execute(sql`truncate alerts, alert_events, alert_notifications, recommendations cascade`);
  t.clock.set(START);
  churnChanges = [];
  shortageHours = [];
  activity = 0;
  sent.length = 0;
});

describe('alert dedupe', () => {
  it('keeps one open alert per key, adds evidence as it grows, and changes nothing on a re-run', async () => {
    shortageHours = [chemistry(0, 1.5), chemistry(1, 2), chemistry(2, 1.7)];
    const first = await ops.engine.runChecks();
    expect(first).toMatchObject({ created: 1, updated: 0 });
    const [a] = await alertByKey('supply_shortage:chemistry:2026-11-22T18');
    expect(a).toMatchObject({ status: 'open', severity: 'high', occurrences: 1 });
    expect(a!.evidence.metrics.shortage_sessions).toBe(5.2);

    // Same data again: no write, no event.
    const { db } = t.rt.database;
    const eventsBefore = await db.select({ n: sql<number>`count(*)::int`.mapWith(Number) }).from(events);
    const again = await ops.engine.runChecks();
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const eventsAfter = await db.select({ n: sql<number>`count(*)::int`.mapWith(Number) }).from(events);
    expect(eventsAfter[0]!.n).toBe(eventsBefore[0]!.n);

    // The shortage grows: the same alert takes the evidence (and escalates), no second alert.
    shortageHours = [chemistry(0, 3), chemistry(1, 4), chemistry(2, 4)];
    const grown = await ops.engine.runChecks();
    expect(grown).toMatchObject({ created: 0, updated: 1 });
    const rows = await alertByKey('supply_shortage:chemistry:2026-11-22T18');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ occurrences: 2, severity: 'critical' });
    expect(rows[0]!.evidence.metrics.shortage_sessions).toBe(11);
    const history = await db.select().from(alertEvents).where(eq(alertEvents.alertId, rows[0]!.id));
    expect(history.map((h) => h.action).sort()).toEqual(['created', 'escalated', 'evidence_added']);
    const types = await db
      .select({ type: events.type })
      .from(events)
      .where(sql`${events.type} like 'alert\_%' and ${events.payload}->>'alert_id' = ${rows[0]!.id}`)
      .orderBy(events.id);
    expect(types.map((e) => e.type)).toEqual(['alert_created', 'alert_updated']);
  });

  it('does not raise again what an operator closed, until new evidence comes', async () => {
    churnChanges = [rivera()];
    await ops.engine.runChecks();
    const [a] = await alertByKey('churn_risk:c-42');
    const closed = await post<TAlert>(`/api/alerts/${a!.id}/resolve`, { note: 'Called them' });
    expect(closed.status).toBe(200);
    expect((await ops.engine.runChecks()).suppressed).toBe(1);
    expect(await alertByKey('churn_risk:c-42')).toHaveLength(1);

    // Scored again and now critical: a new alert for the same customer.
    churnChanges = [rivera({ toTier: 'critical', probability: 0.93, scoredAt: t.clock.now() })];
    await ops.engine.runChecks();
    const rows = await alertByKey('churn_risk:c-42');
    expect(rows.map((r) => r.status).sort()).toEqual(['open', 'resolved']);
  });

  it('resolves by itself an alert whose condition cleared (checkers that say so)', async () => {
    shortageHours = [chemistry(0, 2)];
    await ops.engine.runChecks();
    shortageHours = [];
    expect((await ops.engine.runChecks()).autoResolved).toBe(1);
    const [a] = await alertByKey('supply_shortage:chemistry:2026-11-22T18');
    expect(a).toMatchObject({ status: 'resolved', closedByLabel: 'system' });
  });
});

describe('alert lifecycle over HTTP', () => {
  it('open → acknowledged → resolved, with who, when and notes in the history; illegal moves are 409', async () => {
    churnChanges = [rivera()];
    await ops.engine.runChecks();
    const [row] = await alertByKey('churn_risk:c-42');
    const id = row!.id;

    const ack = await post<TAlert>(`/api/alerts/${id}/acknowledge`, { note: 'On it' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      status: 'acknowledged',
      acknowledged_by: 'operator@ops.test',
      acknowledge_note: 'On it',
    });
    const twice = await post<{ code: string }>(`/api/alerts/${id}/acknowledge`, {});
    expect(twice).toMatchObject({ status: 409, body: { code: 'ALERT_TRANSITION_NOT_ALLOWED' } });

    t.clock.advance(10 * 60_000);
    const resolved = await post<TAlert>(
      `/api/alerts/${id}/resolve`,
      { note: 'Customer booked again' },
      who.admin,
    );
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      closed_by: 'admin@ops.test',
      close_note: 'Customer booked again',
    });
    expect(resolved.body.closed_at).toBe('2026-11-20T12:10:00.000Z');
    for (const action of ['acknowledge', 'resolve', 'dismiss']) {
      const r = await post<{ code: string }>(`/api/alerts/${id}/${action}`, null);
      expect(r.status, action).toBe(409);
    }

    const detail = await get<TAlertDetail>(`/api/alerts/${id}`, who.viewer);
    expect(detail.status).toBe(200);
    expect(detail.body.history.map((h) => [h.action, h.actor, h.note])).toEqual([
      ['created', 'system', null],
      ['acknowledged', 'operator@ops.test', 'On it'],
      ['resolved', 'admin@ops.test', 'Customer booked again'],
    ]);
    expect(detail.body.recommendations.map((r) => r.type)).toEqual(['call_customer']);
  });

  it('lists with filters and cursor pages; unknown ids are 404; soft-deleted alerts disappear', async () => {
    churnChanges = ['a', 'b', 'c'].map((c) => rivera({ customerId: c }));
    shortageHours = [chemistry(0, 2)];
    await ops.engine.runChecks();
    const all = await get<{ data: TAlert[]; total: number; next_cursor: string | null }>(
      '/api/alerts?limit=2',
    );
    expect(all.body.total).toBe(4);
    expect(all.body.data).toHaveLength(2);
    const next = await get<{ data: TAlert[]; next_cursor: string | null }>(
      `/api/alerts?limit=2&cursor=${all.body.next_cursor}`,
    );
    expect(next.body.data).toHaveLength(2);
    expect(next.body.next_cursor).toBeNull();
    expect(new Set([...all.body.data, ...next.body.data].map((a) => a.id)).size).toBe(4);

    const churnOnly = await get<{ data: TAlert[] }>('/api/alerts?type=churn_risk&status=open,acknowledged');
    expect(churnOnly.body.data.every((a) => a.type === 'churn_risk')).toBe(true);
    expect(churnOnly.body.data).toHaveLength(3);
    expect((await get('/api/alerts?severity=urgent')).status).toBe(400);
    expect((await get('/api/alerts/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const victim = churnOnly.body.data[0]!.id;
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/alerts/${victim}`,
      headers: bearer(who.admin),
    });
    expect(del.statusCode).toBe(204);
    expect((await get('/api/alerts?type=churn_risk')).body).toMatchObject({ total: 2 });
    expect((await get(`/api/alerts/${victim}`)).status).toBe(404);
  });

  it('exports CSV with a header row and defused formulas', async () => {
    churnChanges = [rivera({ customerName: '=HYPERLINK("http://x")' })];
    await ops.engine.runChecks();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/alerts/export.csv?type=churn_risk',
      headers: bearer(who.operator),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,type,severity,status,title/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('churn_risk,high,open');
  });
});

describe('critical alerts by mail', () => {
  it('mails every operator once, however often the check and the mail job run', async () => {
    churnChanges = [rivera({ toTier: 'critical', probability: 0.95 })];
    const r1 = await ops.engine.runChecks();
    expect(r1.mailsQueued).toBe(2);
    await ops.engine.runChecks();
    const { db } = t.rt.database;
    const ledger = await db.select().from(alertNotifications);
    expect(ledger.map((n) => n.recipientEmail).sort()).toEqual([
      'operator@ops.test',
      'second-operator@ops.test',
    ]);
    for (const n of ledger) {
      await ops.mail.send(n.id);
      await ops.mail.send(n.id); // a duplicate delivery of the job
    }
    expect(sent.map((m) => m.to).sort()).toEqual(['operator@ops.test', 'second-operator@ops.test']);
    expect(sent[0]!.subject).toContain('Critical: Customer Rivera family');
    expect(sent[0]!.headers?.['Message-ID']).toMatch(/^<alert-.*@tutorpulse\.test>$/);
    // New evidence on the same critical alert: no new mail.
    churnChanges = [rivera({ toTier: 'critical', probability: 0.97, scoredAt: t.clock.now() })];
    await ops.engine.runChecks();
    expect(await db.select().from(alertNotifications)).toHaveLength(2);
  });

  it('mails an alert that escalates to critical, once', async () => {
    shortageHours = [chemistry(0, 2)];
    await ops.engine.runChecks();
    expect(await t.rt.database.db.select().from(alertNotifications)).toHaveLength(0);
    shortageHours = [chemistry(0, 6), chemistry(1, 6)];
    await ops.engine.runChecks();
    await ops.engine.runChecks();
    expect(await t.rt.database.db.select().from(alertNotifications)).toHaveLength(2);
  });
});

describe('recommendations', () => {
  it('expire by themselves when their expiry passes (and cannot be accepted then)', async () => {
    churnChanges = [rivera()];
    await ops.engine.runChecks();
    const [rec] = await t.rt.database.db.select().from(recommendations);
    expect(rec).toMatchObject({ type: 'call_customer', status: 'open', priority: 'high' });
    expect(rec!.title).toBe(
      'Call customer Rivera family (c-42): churn risk 0.81, top factor: two tutor no-shows',
    );
    expect(await ops.recommendations.expireDue()).toEqual({ expired: 0 });
    t.clock.advance(3 * DAY + 1);
    expect(await ops.recommendations.expireDue()).toEqual({ expired: 1 });
    expect(await ops.recommendations.expireDue()).toEqual({ expired: 0 });
    // Days later: log in again (the morning's sessions have expired).
    const operator = await login(t, 'operator@ops.test');
    const late = await post<{ code: string }>(
      `/api/recommendations/${rec!.id}/accept`,
      { reason: 'Too late' },
      operator,
    );
    expect(late).toMatchObject({ status: 409, body: { code: 'RECOMMENDATION_NOT_OPEN' } });
    const list = await get<{ data: TRecommendation[] }>('/api/recommendations?status=expired', operator);
    expect(list.body.data.map((r) => r.id)).toEqual([rec!.id]);
  });

  it('are accepted with who and why, and their effect is measured by the follow-up job', async () => {
    shortageHours = [chemistry(0, 1.5), chemistry(1, 2), chemistry(2, 1.7)];
    await ops.engine.runChecks();
    const list = await get<{ data: TRecommendation[] }>('/api/recommendations?status=open');
    const [rec] = list.body.data;
    expect(rec!.title).toBe('Open 6 more Chemistry hours Sunday 18–21 h: forecast shortage of 5.2 sessions');
    const accepted = await post<TRecommendation>(`/api/recommendations/${rec!.id}/accept`, {
      reason: 'Asked 3 tutors',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      decided_by: 'operator@ops.test',
      decision_reason: 'Asked 3 tutors',
      measure_after: '2026-11-22T21:00:00.000Z',
    });
    expect((await post(`/api/recommendations/${rec!.id}/dismiss`, {})).status).toBe(409);
    // The shortage grows while the accepted one is in hand: no second recommendation for the same window.
    shortageHours = [chemistry(0, 3), chemistry(1, 3), chemistry(2, 3)];
    await ops.engine.runChecks();
    expect(await t.rt.database.db.select().from(recommendations)).toHaveLength(1);

    // Not measured before the window is over.
    expect(await ops.recommendations.measureDue()).toEqual({ measured: 0, pending: 0 });
    // Tutors opened hours: the forecast shows 0.6 sessions short at the end.
    shortageHours = [chemistry(1, 0.6)];
    t.clock.set('2026-11-22T21:30:00Z');
    expect(await ops.recommendations.measureDue()).toEqual({ measured: 1, pending: 0 });
    expect(await ops.recommendations.measureDue()).toEqual({ measured: 0, pending: 0 });
    const after = await get<{ data: TRecommendation[] }>(
      '/api/recommendations?status=accepted',
      await login(t, 'viewer@ops.test'),
    );
    expect(after.body.data[0]!.measured_effect).toMatchObject({
      metric: 'shortage_sessions',
      before: 5.2,
      after: 0.6,
      verdict: 'partly',
    });
    const types = await t.rt.database.db
      .select({ type: events.type })
      .from(events)
      .where(sql`${events.payload}->>'recommendation_id' = ${rec!.id}`)
      .orderBy(events.id);
    expect(types.map((e) => e.type)).toEqual([
      'recommendation_created',
      'recommendation_updated',
      'recommendation_updated',
    ]);
  });

  it('are dismissed with a reason', async () => {
    churnChanges = [rivera()];
    await ops.engine.runChecks();
    const [rec] = await t.rt.database.db.select().from(recommendations);
    const d = await post<TRecommendation>(`/api/recommendations/${rec!.id}/dismiss`, {
      reason: 'Customer moved abroad',
    });
    expect(d.body).toMatchObject({
      status: 'dismissed',
      decision_reason: 'Customer moved abroad',
      measure_after: null,
    });
  });
});

describe('checkers on main data (quality and sessions modules)', () => {
  it('raises a tutor-quality alert from an open critical flag and resolves it when the flag closes', async () => {
    const { db } = t.rt.database;
    await insertTutors(db, [{ id: 'tq-1', name: 'Tess' }]);
    const now = t.clock.now();
    const [flag] = await db
      .insert(flags)
      .values({
        tutorId: 'tq-1',
        flagType: 'tutor_no_show',
        severity: 'critical',
        title: 'Tutor no-show',
        description: 'Did not join',
        supportingData: { sessions: [], metrics: {} },
        firstSeenAt: now,
        lastSeenAt: now,
      })
      .returning();
    const app = t.app.services.operations;
    const r = await app.engine.runChecks();
    expect(r.failed).toEqual([]);
    const [a] = await alertByKey('tutor_quality:tq-1');
    expect(a).toMatchObject({ severity: 'critical', source: 'tutor-quality' });
    expect(a!.evidence.ids.flag).toEqual([flag!.id]);
    const recs = await db.select().from(recommendations).where(eq(recommendations.alertId, a!.id));
    expect(recs.map((x) => x.type)).toEqual(['pause_tutor_bookings']);

    await db.update(flags).set({ status: 'resolved' }).where(eq(flags.id, flag!.id));
    expect((await app.engine.runChecks()).autoResolved).toBe(1);
    expect((await alertByKey('tutor_quality:tq-1'))[0]!.status).toBe('resolved');
  });

  it('raises the first-session failure alert from the quality rollups', async () => {
    const { db } = t.rt.database;
    await insertTutors(db, [{ id: 'fs-1', name: 'Finn' }]);
    const today = Date.UTC(2026, 10, 20);
    // 24 first sessions over the last 6 complete days, 9 of them rated poorly (37.5 %).
    await insertSessions(
      db,
      Array.from({ length: 24 }, (_, i) => ({
        tutorId: 'fs-1',
        studentId: `st-${i}`,
        start: new Date(today - (1 + (i % 6)) * DAY + 10 * H),
        first: true,
        rating: i < 9 ? 1 : 5,
      })),
    );
    await t.app.services.operations.engine.runChecks();
    const [a] = await alertByKey('first_session_failure_rate:marketplace');
    expect(a).toMatchObject({ severity: 'high' });
    expect(a!.evidence.metrics).toMatchObject({ first_sessions: 24, poor_first_sessions: 9, rate: 0.375 });
  });
});

describe('GET /api/operations/metrics', () => {
  const cardOf = (m: TOperationsMetrics, key: string) => m.cards.find((c) => c.key === key);

  it('answers the cards with their trend, cached until an event invalidates them', async () => {
    const first = await get<TOperationsMetrics>('/api/operations/metrics', who.viewer);
    expect(first.status).toBe(200);
    expect(first.body.cards.map((c) => c.key)).toEqual(
      expect.arrayContaining([
        'sessions_today',
        'sessions_this_week',
        'tutors_flagged',
        'open_alerts_critical',
        'open_alerts_high',
        'first_session_failure_rate',
      ]),
    );
    const critical = cardOf(first.body, 'open_alerts_critical')!.value!;

    // A row written behind the cache's back (no event) is not seen: the answer is cached.
    const { db } = t.rt.database;
    const now = t.clock.now();
    await db.insert(alerts).values({
      type: 'test',
      severity: 'critical',
      title: 'x',
      description: 'x',
      evidence: { ids: {}, metrics: {}, links: [] },
      dedupeKey: 'test:behind-the-back',
      source: 'test',
      firstSeenAt: now,
      lastSeenAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const cached = await get<TOperationsMetrics>('/api/operations/metrics', who.viewer);
    expect(cardOf(cached.body, 'open_alerts_critical')!.value).toBe(critical);

    // An alert event invalidates it.
    churnChanges = [rivera({ toTier: 'critical', probability: 0.9 })];
    await ops.engine.runChecks();
    const fresh = await get<TOperationsMetrics>('/api/operations/metrics', who.viewer);
    const card = cardOf(fresh.body, 'open_alerts_critical')!;
    expect(card.value).toBe(critical + 2);
    expect(card).toMatchObject({ previous: 0, change: critical + 2, direction: 'up', better_when: 'lower' });
  });
});

describe('routes × roles', () => {
  const ID = '00000000-0000-4000-8000-000000000000';
  const cases: Array<{ method: 'GET' | 'POST' | 'DELETE'; url: string; allowed: TRole[] }> = [
    { method: 'GET', url: '/api/alerts', allowed: ['admin', 'operator', 'viewer'] },
    { method: 'GET', url: `/api/alerts/${ID}`, allowed: ['admin', 'operator', 'viewer'] },
    { method: 'GET', url: '/api/alerts/export.csv', allowed: ['admin', 'operator'] },
    { method: 'POST', url: `/api/alerts/${ID}/acknowledge`, allowed: ['admin', 'operator'] },
    { method: 'POST', url: `/api/alerts/${ID}/resolve`, allowed: ['admin', 'operator'] },
    { method: 'POST', url: `/api/alerts/${ID}/dismiss`, allowed: ['admin', 'operator'] },
    { method: 'DELETE', url: `/api/alerts/${ID}`, allowed: ['admin'] },
    { method: 'GET', url: '/api/recommendations', allowed: ['admin', 'operator', 'viewer'] },
    { method: 'POST', url: `/api/recommendations/${ID}/accept`, allowed: ['admin', 'operator'] },
    { method: 'POST', url: `/api/recommendations/${ID}/dismiss`, allowed: ['admin', 'operator'] },
    { method: 'GET', url: '/api/operations/metrics', allowed: ['admin', 'operator', 'viewer'] },
  ];
  const roles: TRole[] = ['admin', 'operator', 'viewer', 'coach', 'student', 'tutor'];

  it.each(cases)('$method $url', async ({ method, url, allowed }) => {
    const anonymous = await t.app.inject({ method, url });
    expect(anonymous.statusCode).toBe(401);
    for (const role of roles) {
      const res = await t.app.inject({
        method,
        url,
        headers: bearer(who[role]),
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      if (allowed.includes(role)) {
        // Allowed: the answer is about the (absent) record, never about permission.
        expect([200, 404], `${role} ${method} ${url}`).toContain(res.statusCode);
      } else {
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
      }
    }
  });

  it('rejects a write by cookie without the CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/alerts/${ID}/acknowledge`,
      headers: { cookie: who.operator.cookie },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
  });
});
