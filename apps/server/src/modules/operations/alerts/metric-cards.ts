/**
 * The dashboard cards computable from main's data: sessions today and this week against the same span a week
 * earlier, active alerts by severity (now and a week ago), the first-session failure rate and tutors flagged.
 * Customers and forecast cards are further providers registered by their capability (registry.ts).
 */
import type { MetricCard, MetricCardProvider } from './plugins';
import type {
  CustomerRiskSummaryReader,
  FirstSessionReader,
  ForecastAccuracyReader,
  SessionVolumeReader,
  SupplyShortageReader,
} from './ports';
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

/** Customers at high or critical churn risk, now vs a week ago (customers capability). */
export function customerRiskCards(reader: CustomerRiskSummaryReader): MetricCardProvider {
  return {
    name: 'customer-risk',
    invalidatedBy: ['customer_health_updated'],
    async cards({ now }) {
      const [cur, before] = await Promise.all([
        reader.countByTier(),
        reader.countByTier(new Date(now.getTime() - WEEK_MS)),
      ]);
      return [
        card({
          key: 'customers_at_risk',
          label: 'Customers at high or critical risk',
          unit: 'count',
          value: cur.high + cur.critical,
          previous: before.high + before.critical,
          better_when: 'lower',
          period: 'Latest scores now vs a week ago',
        }),
      ];
    },
  };
}

/** Forecast shortage (sessions) in the next 72 h, and forecast accuracy (forecasting capability). */
export function supplyCards(readers: {
  shortages?: SupplyShortageReader;
  accuracy?: ForecastAccuracyReader;
}): MetricCardProvider {
  return {
    name: 'supply',
    invalidatedBy: ['forecast_updated'],
    async cards({ now }) {
      const out: MetricCard[] = [];
      if (readers.shortages) {
        const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
        const hours = await readers.shortages.listShortageHours(
          new Date(hour),
          new Date(hour + 72 * 3_600_000),
        );
        out.push(
          card({
            key: 'shortage_sessions_72h',
            label: 'Forecast shortage, next 72 h',
            unit: 'sessions',
            value: round(
              hours.reduce((a, h) => a + Math.max(h.shortage, 0), 0),
              1,
            ),
            previous: null,
            better_when: 'lower',
            period: 'Sum over subjects and hours of forecast demand (upper bound) above supply',
          }),
        );
      }
      if (readers.accuracy) {
        const since = new Date(startOfUtcDay(now).getTime() - 8 * DAY_MS).toISOString().slice(0, 10);
        const days = await readers.accuracy.listDailyAccuracy(since);
        const meanMase = (day: string) => {
          const m = days.filter((d) => d.day === day && d.mase !== null).map((d) => d.mase!);
          return m.length ? round(m.reduce((a, b) => a + b, 0) / m.length, 3) : null;
        };
        const latest = days
          .map((d) => d.day)
          .sort()
          .at(-1);
        const weekBefore = latest
          ? new Date(Date.parse(`${latest}T00:00:00Z`) - WEEK_MS).toISOString().slice(0, 10)
          : null;
        out.push(
          card({
            key: 'forecast_mase',
            label: 'Forecast error (mean MASE)',
            unit: 'ratio',
            value: latest ? meanMase(latest) : null,
            previous: weekBefore ? meanMase(weekBefore) : null,
            better_when: 'lower',
            period: 'Latest compared day vs the same weekday a week earlier, averaged over subjects',
          }),
        );
      }
      return out;
    },
  };
}
