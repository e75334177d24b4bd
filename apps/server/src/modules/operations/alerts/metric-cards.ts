/**
 * The dashboard cards computable from main's data: sessions today and this week against the same span a week
 * earlier, active alerts by severity (now and a week ago), the first-session failure rate and tutors flagged.
 * Customers and forecast cards are further providers registered by their capability (registry.ts).
 */
import type { MetricCard, MetricCardProvider } from './plugins';
import type { FirstSessionReader, SessionVolumeReader } from './ports';
import type { Severity } from './plugins';
import { round } from './rules';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
/** Monday 00:00 UTC of the ISO week holding `d`. */
const startOfIsoWeek = (d: Date) => new Date(startOfUtcDay(d).getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS);

/** A card with its trend against `previous` (`better_when` says which way is good). */
export function card(
  c: Pick<MetricCard, 'key' | 'label' | 'unit' | 'better_when' | 'period'> & {
    value: number | null;
    previous: number | null;
  },
): MetricCard {
  const change = c.value !== null && c.previous !== null ? round(c.value - c.previous, 4) : null;
  const changePct =
    change !== null && c.previous !== null && c.previous !== 0
      ? round((change / Math.abs(c.previous)) * 100, 1)
      : null;
  return {
    ...c,
    change,
    change_pct: changePct,
    direction: change === null ? null : change > 0 ? 'up' : change < 0 ? 'down' : 'flat',
  };
}

export function sessionVolumeCards(reader: SessionVolumeReader): MetricCardProvider {
  return {
    name: 'session-volume',
    invalidatedBy: ['session.', 'flag.'],
    async cards({ now }) {
      const today = startOfUtcDay(now);
      const week = startOfIsoWeek(now);
      const weekAgo = new Date(now.getTime() - WEEK_MS);
      const [todayN, lastWeekDayN, weekN, lastWeekN, flagged, flaggedBefore] = await Promise.all([
        reader.sessionsBetween(today, now),
        reader.sessionsBetween(new Date(today.getTime() - WEEK_MS), weekAgo),
        reader.sessionsBetween(week, now),
        reader.sessionsBetween(new Date(week.getTime() - WEEK_MS), weekAgo),
        reader.tutorsFlaggedBetween(weekAgo, now),
        reader.tutorsFlaggedBetween(new Date(weekAgo.getTime() - WEEK_MS), weekAgo),
      ]);
      return [
        card({
          key: 'sessions_today',
          label: 'Sessions today',
          unit: 'sessions',
          value: todayN,
          previous: lastWeekDayN,
          better_when: 'higher',
          period: 'Today (UTC) so far vs the same hours a week ago',
        }),
        card({
          key: 'sessions_this_week',
          label: 'Sessions this week',
          unit: 'sessions',
          value: weekN,
          previous: lastWeekN,
          better_when: 'higher',
          period: 'This ISO week so far vs the same span of last week',
        }),
        card({
          key: 'tutors_flagged',
          label: 'Tutors flagged',
          unit: 'count',
          value: flagged,
          previous: flaggedBefore,
          better_when: 'lower',
          period: 'Distinct tutors with a flag raised in the last 7 days vs the 7 days before',
        }),
      ];
    },
  };
}

export type AlertCountsPort = { activeBySeverity(at?: Date): Promise<Record<Severity, number>> };

export function alertCards(counts: AlertCountsPort): MetricCardProvider {
  const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
  return {
    name: 'open-alerts',
    invalidatedBy: ['alert_'],
    async cards({ now }) {
      const [cur, before] = await Promise.all([
        counts.activeBySeverity(),
        counts.activeBySeverity(new Date(now.getTime() - WEEK_MS)),
      ]);
      return SEVERITIES.map((s) =>
        card({
          key: `open_alerts_${s}`,
          label: `Open ${s} alerts`,
          unit: 'count',
          value: cur[s],
          previous: before[s],
          better_when: 'lower',
          period: 'Open or acknowledged now vs a week ago',
        }),
      );
    },
  };
}

export function firstSessionCards(reader: FirstSessionReader): MetricCardProvider {
  return {
    name: 'first-session-failure-rate',
    invalidatedBy: ['session.', 'flag.', 'analytics.'],
    async cards({ now }) {
      const today = startOfUtcDay(now);
      const weekAgo = new Date(today.getTime() - WEEK_MS);
      const [cur, prev] = await Promise.all([
        reader.firstSessionTotals(weekAgo, today),
        reader.firstSessionTotals(new Date(weekAgo.getTime() - WEEK_MS), weekAgo),
      ]);
      const rate = (t: { firstSessions: number; poorFirst: number }) =>
        t.firstSessions > 0 ? round(t.poorFirst / t.firstSessions, 4) : null;
      return [
        card({
          key: 'first_session_failure_rate',
          label: 'First-session failure rate',
          unit: 'ratio',
          value: rate(cur),
          previous: rate(prev),
          better_when: 'lower',
          period: 'The last 7 complete days (UTC) vs the 7 days before',
        }),
      ];
    },
  };
}
