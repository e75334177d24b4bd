import { describe, expect, it } from 'vitest';
import {
  accuracySeverity,
  describeWindow,
  evidenceKeyOf,
  firstSessionDecision,
  mergeEvidence,
  nextStatus,
  shortageSeverity,
  shortageWindows,
  supportSpikeDecision,
  tutorQualitySeverity,
  type AlertAction,
  type AlertStatus,
} from './rules';

const H = 3_600_000;
const NOW = new Date('2026-11-20T12:00:00Z');

describe('alert lifecycle', () => {
  it.each<[AlertStatus, AlertAction, AlertStatus | null]>([
    ['open', 'acknowledge', 'acknowledged'],
    ['open', 'resolve', 'resolved'],
    ['open', 'dismiss', 'dismissed'],
    ['acknowledged', 'acknowledge', null],
    ['acknowledged', 'resolve', 'resolved'],
    ['acknowledged', 'dismiss', 'dismissed'],
    ['resolved', 'acknowledge', null],
    ['resolved', 'resolve', null],
    ['resolved', 'dismiss', null],
    ['dismissed', 'resolve', null],
    ['dismissed', 'acknowledge', null],
  ])('%s + %s → %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });
});

describe('evidence', () => {
  it('merges ids and links as unions and keeps the latest metrics', () => {
    const merged = mergeEvidence(
      { ids: { flag: ['a'] }, metrics: { n: 1, x: 'old' }, links: [{ label: 'A', href: '/a' }] },
      { ids: { flag: ['a', 'b'], tutor: ['t'] }, metrics: { n: 2 }, links: [{ label: 'A', href: '/a' }] },
    );
    expect(merged).toEqual({
      ids: { flag: ['a', 'b'], tutor: ['t'] },
      metrics: { n: 2, x: 'old' },
      links: [{ label: 'A', href: '/a' }],
    });
  });

  it('keys evidence by its ids, whatever their order', () => {
    const a = evidenceKeyOf({ ids: { flag: ['x', 'y'], tutor: ['t'] }, metrics: { n: 1 }, links: [] });
    const b = evidenceKeyOf({ ids: { tutor: ['t'], flag: ['y', 'x'] }, metrics: { n: 9 }, links: [] });
    const c = evidenceKeyOf({ ids: { flag: ['x'], tutor: ['t'] }, metrics: {}, links: [] });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe('tutor quality severity', () => {
  it.each([
    { flags: [], overallScore: 45, isHighRisk: false, expect: 'medium' },
    { flags: [], overallScore: 30, isHighRisk: false, expect: 'high' },
    { flags: [{ severity: 'high' as const }], overallScore: 70, isHighRisk: false, expect: 'high' },
    { flags: [{ severity: 'critical' as const }], overallScore: null, isHighRisk: false, expect: 'critical' },
    { flags: [], overallScore: 48, isHighRisk: true, expect: 'high' },
  ])('flags $flags, score $overallScore → $expect', (c) => {
    expect(tutorQualitySeverity(c)).toBe(c.expect);
  });
});

describe('first-session failure rate', () => {
  it.each([
    { first: 10, poor: 8, expect: null }, // too few first sessions to judge
    { first: 100, poor: 15, expect: null },
    { first: 100, poor: 22, expect: 'medium' },
    { first: 100, poor: 31, expect: 'high' },
    { first: 100, poor: 45, expect: 'critical' },
  ])('$poor of $first → $expect', (c) => {
    const d = firstSessionDecision(
      { firstSessions: c.first, poorFirst: c.poor },
      { firstSessions: 400, poorFirst: 40 },
    );
    expect(d.alert ? d.severity : null).toBe(c.expect);
    if (d.alert) expect(d.baselineRate).toBeCloseTo(0.1);
  });
});

describe('supply shortage windows', () => {
  const hour = (h: number) => new Date(NOW.getTime() + h * H);
  it('groups consecutive shortage hours per subject and splits at gaps', () => {
    const w = shortageWindows([
      {
        subject: 'chem',
        subjectName: 'Chemistry',
        hour: hour(30),
        shortage: 1.5,
        demandUpper: 5,
        supply: 3.5,
      },
      { subject: 'chem', subjectName: 'Chemistry', hour: hour(31), shortage: 2, demandUpper: 6, supply: 4 },
      {
        subject: 'chem',
        subjectName: 'Chemistry',
        hour: hour(32),
        shortage: 1.7,
        demandUpper: 5,
        supply: 3.3,
      },
      {
        subject: 'chem',
        subjectName: 'Chemistry',
        hour: hour(40),
        shortage: 0.5,
        demandUpper: 2,
        supply: 1.5,
      },
      { subject: 'chem', subjectName: 'Chemistry', hour: hour(41), shortage: -1, demandUpper: 2, supply: 3 },
      { subject: 'math', subjectName: 'Math', hour: hour(31), shortage: 3, demandUpper: 9, supply: 6 },
    ]);
    expect(w.map((x) => [x.subject, x.hours, Math.round(x.shortage * 10) / 10])).toEqual([
      ['chem', 3, 5.2],
      ['math', 1, 3],
      ['chem', 1, 0.5],
    ]);
    expect(w[0]!.end.getTime() - w[0]!.start.getTime()).toBe(3 * H);
  });

  it.each([
    { shortage: 0.5, inHours: 48, expect: null },
    { shortage: 2, inHours: 48, expect: 'medium' },
    { shortage: 2, inHours: 6, expect: 'high' },
    { shortage: 6, inHours: 48, expect: 'high' },
    { shortage: 6, inHours: 6, expect: 'critical' },
    { shortage: 12, inHours: 60, expect: 'critical' },
  ])('$shortage sessions short in $inHours h → $expect', (c) => {
    expect(shortageSeverity({ shortage: c.shortage, start: hour(c.inHours) }, NOW)).toBe(c.expect);
  });

  it('describes a window in words', () => {
    expect(describeWindow(new Date('2026-11-22T18:00:00Z'), new Date('2026-11-22T21:00:00Z'))).toBe(
      'Sunday 18–21 h',
    );
    expect(describeWindow(new Date('2026-11-22T22:00:00Z'), new Date('2026-11-23T00:00:00Z'))).toBe(
      'Sunday 22–24 h',
    );
  });
});

describe('support-call spike', () => {
  /** 28 days of ~`perDay` calls spread over hours, then `recent` calls in the last 24 h. */
  function series(perDay: number, recent: number, reason = 'billing') {
    const out = [];
    for (let d = 1; d <= 28; d++) {
      out.push({
        hour: new Date(NOW.getTime() - 24 * H - d * 24 * H + 5 * H),
        reason,
        calls: perDay + (d % 3) - 1,
      });
    }
    out.push({ hour: new Date(NOW.getTime() - 3 * H), reason, calls: recent });
    return out;
  }

  it('stays quiet at the usual volume', () => {
    expect(supportSpikeDecision(series(10, 11), NOW).alert).toBe(false);
  });
  it('stays quiet under the minimum count', () => {
    expect(supportSpikeDecision(series(1, 8), NOW).alert).toBe(false);
  });
  it('raises a spike several deviations above the baseline, naming the top reason', () => {
    const d = supportSpikeDecision(series(10, 40), NOW);
    expect(d.alert).toBe(true);
    if (!d.alert) return;
    expect(d.severity).toBe('critical');
    expect(d.recent).toBe(40);
    expect(d.baselineMean).toBeCloseTo(10, 0);
    expect(d.topReasons[0]!.reason).toBe('billing');
  });
});

describe('forecast accuracy', () => {
  it.each([
    { mase: 0.9, coverage: 0.95, expect: null },
    { mase: 1.3, coverage: 0.95, expect: 'medium' },
    { mase: 0.9, coverage: 0.7, expect: 'medium' },
    { mase: 2.5, coverage: 0.9, expect: 'high' },
    { mase: null, coverage: null, expect: null },
  ])('MASE $mase, coverage $coverage → $expect', (c) => {
    expect(accuracySeverity(c)).toBe(c.expect);
  });
});
