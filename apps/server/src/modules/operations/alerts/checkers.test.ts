/**
 * The checkers and generators against in-memory implementations of their reader ports (ports.ts): what the
 * customers and forecasting capabilities will provide at merge is stood in for here, never in production code.
 */
import { describe, expect, it } from 'vitest';
import {
  churnRiskChecker,
  firstSessionFailureChecker,
  forecastAccuracyChecker,
  supplyShortageChecker,
  supportCallSpikeChecker,
  tutorQualityChecker,
} from './checkers';
import {
  churnCallGenerator,
  firstSessionGenerator,
  shortageGenerator,
  tutorCoachingGenerator,
} from './generators';
import type { AlertCandidate, AlertView } from './plugins';
import type {
  ChurnRiskReader,
  ChurnTierChange,
  FirstSessionReader,
  ForecastAccuracyDay,
  ShortageHour,
  SupplyShortageReader,
  SupportCallHour,
  TutorAttention,
  TutorQualityReader,
} from './ports';
import { createAlertRegistry } from './registry';

const H = 3_600_000;
const DAY = 86_400_000;
const NOW = new Date('2026-11-20T12:00:00Z'); // a Friday
const ctx = { now: NOW };

const asView = (c: AlertCandidate, id = '00000000-0000-4000-8000-000000000001'): AlertView => ({
  id,
  type: c.type,
  severity: c.severity,
  title: c.title,
  dedupeKey: c.dedupeKey,
  evidence: c.evidence,
});

function memoryShortages(hours: ShortageHour[]): SupplyShortageReader {
  return {
    async listShortageHours(from, to) {
      return hours.filter((h) => h.hour >= from && h.hour < to);
    },
  };
}

function memoryChurn(changes: ChurnTierChange[], activity = new Map<string, number>()): ChurnRiskReader {
  return {
    async listTierChanges(since) {
      return changes.filter((c) => c.scoredAt >= since);
    },
    async customerActivity(customerId) {
      return { sessionsSince: activity.get(customerId) ?? 0, probability: 0.4 };
    },
  };
}

describe('supply-shortage checker + open-tutor-hours generator', () => {
  // Sunday 2026-11-22, 18:00–21:00 UTC: 5.2 sessions short of Chemistry.
  const sunday = (h: number) => new Date(Date.UTC(2026, 10, 22, h));
  const hours: ShortageHour[] = [
    {
      subject: 'chemistry',
      subjectName: 'Chemistry',
      hour: sunday(18),
      shortage: 1.5,
      demandUpper: 6,
      supply: 4.5,
    },
    {
      subject: 'chemistry',
      subjectName: 'Chemistry',
      hour: sunday(19),
      shortage: 2.0,
      demandUpper: 7,
      supply: 5,
    },
    {
      subject: 'chemistry',
      subjectName: 'Chemistry',
      hour: sunday(20),
      shortage: 1.7,
      demandUpper: 6,
      supply: 4.3,
    },
    // Beyond 72 h: not this check's business.
    {
      subject: 'chemistry',
      subjectName: 'Chemistry',
      hour: new Date(NOW.getTime() + 80 * H),
      shortage: 4,
      demandUpper: 8,
      supply: 4,
    },
  ];

  it('finds the window in the next 72 h, with its size and a stable dedupe key', async () => {
    const found = await supplyShortageChecker(memoryShortages(hours)).run(ctx);
    expect(found).toHaveLength(1);
    const a = found[0]!;
    expect(a.type).toBe('supply_shortage');
    expect(a.severity).toBe('high');
    expect(a.dedupeKey).toBe('supply_shortage:chemistry:2026-11-22T18');
    expect(a.evidence.metrics.shortage_sessions).toBe(5.2);
    expect(a.title).toBe('Chemistry shortage Sunday 18–21 h: 5.2 sessions');
  });

  it('recommends opening hours, expiring when the window starts, and measures whether it closed', async () => {
    const reader = memoryShortages(hours);
    const [alert] = await supplyShortageChecker(reader).run(ctx);
    const gen = shortageGenerator(reader);
    const [rec] = await gen.generate([asView(alert!)], ctx);
    expect(rec!.title).toBe('Open 6 more Chemistry hours Sunday 18–21 h: forecast shortage of 5.2 sessions');
    expect(rec!.priority).toBe('high');
    expect(rec!.expiresAt.toISOString()).toBe('2026-11-22T18:00:00.000Z');
    expect(rec!.measureAt?.toISOString()).toBe('2026-11-22T21:00:00.000Z');
    expect(rec!.expectedEffect).toMatchObject({ metric: 'shortage_sessions', change: -5.2 });

    const accepted = {
      id: 'r1',
      type: rec!.type,
      dedupeKey: rec!.dedupeKey,
      evidence: rec!.evidence,
      expectedEffect: rec!.expectedEffect,
      acceptedAt: NOW,
      baseline: null,
    };
    // Supply was added: the forecast no longer shows the shortage.
    const closed = await shortageGenerator(memoryShortages([])).measureEffect!(accepted, {
      now: new Date('2026-11-22T22:00:00Z'),
    });
    expect(closed).toMatchObject({ before: 5.2, after: 0, verdict: 'achieved' });
    const half = await shortageGenerator(memoryShortages([{ ...hours[1]!, shortage: 2.6 }])).measureEffect!(
      accepted,
      { now: new Date('2026-11-22T22:00:00Z') },
    );
    expect(half).toMatchObject({ before: 5.2, after: 2.6, verdict: 'partly' });
    // Before the window: nothing to measure yet.
    expect(await gen.measureEffect!(accepted, ctx)).toBeNull();
  });
});

describe('churn-risk checker + call-customer generator', () => {
  const change: ChurnTierChange = {
    customerId: 'c-42',
    customerName: 'Rivera family',
    fromTier: 'medium',
    toTier: 'high',
    probability: 0.81,
    scoredAt: new Date(NOW.getTime() - 2 * H),
    topFactors: [
      { factor: 'tutor_no_shows', label: 'two tutor no-shows', contribution: 1.2, intervention: 'apologise' },
      { factor: 'recency', label: '21 days since the last session', contribution: 0.6 },
    ],
  };

  it('alerts on moves into high or critical within the lookback, not older ones or low tiers', async () => {
    const found = await churnRiskChecker(
      memoryChurn([
        change,
        { ...change, customerId: 'c-old', scoredAt: new Date(NOW.getTime() - 3 * DAY) },
        { ...change, customerId: 'c-crit', toTier: 'critical', probability: 0.93 },
        { ...change, customerId: 'c-med', toTier: 'medium', probability: 0.4 },
      ]),
    ).run(ctx);
    expect(found.map((a) => [a.dedupeKey, a.severity])).toEqual([
      ['churn_risk:c-42', 'high'],
      ['churn_risk:c-crit', 'critical'],
    ]);
    expect(found[0]!.description).toContain('top factor: two tutor no-shows');
  });

  it('recommends a call naming the top factor, and measures whether the customer came back', async () => {
    const [alert] = await churnRiskChecker(memoryChurn([change])).run(ctx);
    const gen = churnCallGenerator(memoryChurn([change], new Map([['c-42', 2]])));
    const [rec] = await gen.generate([asView(alert!)], ctx);
    expect(rec!.title).toBe(
      'Call customer Rivera family (c-42): churn risk 0.81, top factor: two tutor no-shows',
    );
    expect(rec!.measureAfterMs).toBe(14 * DAY);
    const accepted = {
      id: 'r',
      type: rec!.type,
      dedupeKey: rec!.dedupeKey,
      evidence: rec!.evidence,
      expectedEffect: rec!.expectedEffect,
      acceptedAt: NOW,
    };
    const baseline = await gen.baseline!(accepted, ctx);
    const effect = await gen.measureEffect!(
      { ...accepted, baseline },
      { now: new Date(NOW.getTime() + 14 * DAY) },
    );
    expect(effect).toMatchObject({ after: 2, verdict: 'achieved' });
    expect(effect!.text).toContain('churn risk 0.81 → 0.4');
  });
});

describe('tutor-quality checker + coaching generator', () => {
  const tutors: TutorAttention[] = [
    {
      tutorId: 't-1',
      tutorName: 'Ada',
      flags: [{ id: 'f-1', type: 'tutor_no_show', severity: 'critical', title: 'No-show' }],
      overallScore: 41,
      confidence: 0.8,
      isHighRisk: true,
    },
    { tutorId: 't-2', tutorName: null, flags: [], overallScore: 46, confidence: 0.7, isHighRisk: false },
  ];
  let standing = { overallScore: 41 as number | null, openFlags: 1 };
  const reader: TutorQualityReader = {
    listTutorsNeedingAttention: async () => tutors,
    tutorStanding: async () => standing,
  };

  it('raises one alert per tutor with the flags and score as evidence', async () => {
    const found = await tutorQualityChecker(reader).run(ctx);
    expect(found.map((a) => [a.dedupeKey, a.severity])).toEqual([
      ['tutor_quality:t-1', 'critical'],
      ['tutor_quality:t-2', 'medium'],
    ]);
    expect(found[0]!.evidence.ids).toEqual({ tutor: ['t-1'], flag: ['f-1'] });
    expect(found[0]!.evidence.links[0]!.href).toBe('/quality/tutors/t-1');
  });

  it('recommends coaching and measures the score change since acceptance', async () => {
    const [alert] = await tutorQualityChecker(reader).run(ctx);
    const gen = tutorCoachingGenerator(reader);
    const [rec] = await gen.generate([asView(alert!)], ctx);
    expect(rec!.type).toBe('pause_tutor_bookings');
    expect(rec!.priority).toBe('urgent');
    const accepted = {
      id: 'r',
      type: rec!.type,
      dedupeKey: rec!.dedupeKey,
      evidence: rec!.evidence,
      expectedEffect: rec!.expectedEffect,
      acceptedAt: NOW,
    };
    const baseline = await gen.baseline!(accepted, ctx);
    standing = { overallScore: 53, openFlags: 0 };
    const effect = await gen.measureEffect!({ ...accepted, baseline }, ctx);
    expect(effect).toMatchObject({ before: 41, after: 53, change: 12, verdict: 'achieved' });
  });
});

describe('first-session failure checker', () => {
  const reader = (window: [number, number], base: [number, number]): FirstSessionReader => ({
    async firstSessionTotals(from) {
      // The checker asks for the window (from = now − 7 d) and the 28 days before it.
      const isWindow = NOW.getTime() - from.getTime() <= 7 * DAY;
      const [firstSessions, poorFirst] = isWindow ? window : base;
      return { firstSessions, poorFirst };
    },
  });

  it('alerts when the rate is over the threshold, one marketplace alert keyed by day', async () => {
    const [a] = await firstSessionFailureChecker(reader([60, 21], [240, 24])).run(ctx);
    expect(a).toMatchObject({
      type: 'first_session_failure_rate',
      severity: 'high',
      dedupeKey: 'first_session_failure_rate:marketplace',
      evidenceKey: 'day:2026-11-20',
    });
    expect(a!.evidence.metrics).toMatchObject({ rate: 0.35, baseline_rate: 0.1, first_sessions: 60 });
    const [rec] = await firstSessionGenerator(reader([60, 21], [240, 24])).generate([asView(a!)], ctx);
    expect(rec!.title).toContain('failure rate 35%');
  });

  it('is quiet under the threshold', async () => {
    expect(await firstSessionFailureChecker(reader([60, 6], [240, 24])).run(ctx)).toEqual([]);
  });
});

describe('support-call spike checker', () => {
  it('raises one alert a day when calls spike', async () => {
    const calls: SupportCallHour[] = [];
    for (let d = 2; d <= 29; d++)
      calls.push({ hour: new Date(NOW.getTime() - d * DAY), reason: 'billing', calls: 8 });
    calls.push({ hour: new Date(NOW.getTime() - 2 * H), reason: 'tutor_no_show', calls: 30 });
    calls.push({ hour: new Date(NOW.getTime() - 3 * H), reason: 'billing', calls: 9 });
    const [a] = await supportCallSpikeChecker({
      hourlyCallCounts: async (from, to) => calls.filter((c) => c.hour >= from && c.hour < to),
    }).run(ctx);
    expect(a).toMatchObject({ type: 'support_call_spike', dedupeKey: 'support_call_spike:2026-11-20' });
    expect(a!.evidence.ids.reason![0]).toBe('tutor_no_show');
  });
});

describe('forecast-accuracy checker', () => {
  it('looks at the latest day per subject only', async () => {
    const days: ForecastAccuracyDay[] = [
      {
        subject: 'math',
        subjectName: 'Math',
        day: '2026-11-18',
        mae: 3,
        mase: 1.9,
        coverage: 0.7,
        hours: 24,
      },
      {
        subject: 'math',
        subjectName: 'Math',
        day: '2026-11-19',
        mae: 1,
        mase: 0.8,
        coverage: 0.95,
        hours: 24,
      },
      {
        subject: 'bio',
        subjectName: 'Biology',
        day: '2026-11-19',
        mae: 2,
        mase: 1.4,
        coverage: 0.9,
        hours: 24,
      },
    ];
    const found = await forecastAccuracyChecker({ listDailyAccuracy: async () => days }).run(ctx);
    expect(found.map((a) => a.dedupeKey)).toEqual(['forecast_accuracy_degraded:bio']);
    expect(found[0]!.description).toContain('MASE 1.4');
  });
});

describe('registry', () => {
  it('switches checkers, generators and cards on by the readers given', () => {
    const none = createAlertRegistry({});
    expect(none.checkers).toEqual([]);
    const some = createAlertRegistry({ shortages: memoryShortages([]), churn: memoryChurn([]) });
    expect(some.checkers.map((c) => c.name)).toEqual(['churn-risk', 'supply-shortage']);
    expect(some.generators.map((g) => g.name)).toEqual(['open-tutor-hours', 'call-customer']);
  });

  it('refuses two plug-ins with the same name', () => {
    const c = { name: 'x', types: ['x'], run: async () => [] };
    expect(() => createAlertRegistry({}, { checkers: [c, c] })).toThrow(/named "x"/);
  });
});
