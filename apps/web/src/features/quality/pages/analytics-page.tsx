import {
  TREND_ALLOWED_GROUPINGS,
  TREND_DEFAULT_GROUPING,
  TREND_METRICS,
  TREND_PERIODS,
  type TTrendGrouping,
  type TTrendPeriod,
} from '@tutorpulse/contracts/quality-values';
import { useSearchParams } from 'react-router';
import { Select } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { withParams } from '@/lib/search-params';
import { useDocumentTitle } from '@/lib/use-document-title';
import { AnalyticsTrendCard } from '../components/analytics-trend-card';

const PERIOD_LABELS: Record<TTrendPeriod, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '1y': 'Last year',
};

/** Period and grouping live in the URL; a grouping that does not fit the period falls back to its default. */
export function readAnalyticsParams(searchParams: URLSearchParams): {
  period: TTrendPeriod;
  groupBy: TTrendGrouping;
} {
  const raw = searchParams.get('period');
  const period = (TREND_PERIODS as readonly string[]).includes(raw ?? '') ? (raw as TTrendPeriod) : '30d';
  const rawGroup = searchParams.get('group_by');
  const groupBy = (TREND_ALLOWED_GROUPINGS[period] as readonly string[]).includes(rawGroup ?? '')
    ? (rawGroup as TTrendGrouping)
    : TREND_DEFAULT_GROUPING[period];
  return { period, groupBy };
}

export function AnalyticsPage() {
  useDocumentTitle('Analytics');
  const [searchParams, setSearchParams] = useSearchParams();
  const { period, groupBy } = readAnalyticsParams(searchParams);

  return (
    <>
      <PageHeader
        title="Analytics"
        description="How quality moves over time across all tutors."
        actions={
          <form
            aria-label="Chart options"
            className="flex flex-wrap gap-3"
            onSubmit={(e) => e.preventDefault()}
          >
            <Select
              label="Period"
              value={period}
              options={TREND_PERIODS.map((p) => ({ value: p, label: PERIOD_LABELS[p] }))}
              onChange={(e) =>
                setSearchParams(withParams(searchParams, { period: e.target.value, group_by: null }))
              }
            />
            <Select
              label="Group by"
              value={groupBy}
              options={TREND_ALLOWED_GROUPINGS[period].map((g) => ({
                value: g,
                label: g[0]!.toUpperCase() + g.slice(1),
              }))}
              onChange={(e) => setSearchParams(withParams(searchParams, { group_by: e.target.value }))}
            />
          </form>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        {TREND_METRICS.map((metric) => (
          <AnalyticsTrendCard key={metric} metric={metric} period={period} groupBy={groupBy} />
        ))}
      </div>
    </>
  );
}
