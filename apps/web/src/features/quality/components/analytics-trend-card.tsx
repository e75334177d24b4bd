import type { TTrendGrouping, TTrendMetric, TTrendPeriod } from '@tutorpulse/contracts/quality-analytics';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ChartLine } from '@/components/ui/chart-line';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { useTrends } from '../api/get-trends';

export const METRIC_INFO: Record<
  TTrendMetric,
  { label: string; description: string; unit: string; color: string }
> = {
  avg_score: { label: 'Average score', description: 'Mean 30-day tutor score', unit: '', color: '#4f46e5' },
  flag_rate: { label: 'Flag rate', description: 'Flags raised per 100 sessions', unit: '', color: '#dc2626' },
  no_show_rate: {
    label: 'No-show rate',
    description: 'Tutor no-shows per session',
    unit: '%',
    color: '#d97706',
  },
  reschedule_rate: {
    label: 'Reschedule rate',
    description: 'Tutor-initiated reschedules per session',
    unit: '%',
    color: '#059669',
  },
};

/** Rates come as fractions; the chart shows percentages. */
function toDisplay(metric: TTrendMetric, value: number | null): number | null {
  if (value === null) return null;
  const shown = METRIC_INFO[metric].unit === '%' ? value * 100 : value;
  return Math.round(shown * 10) / 10;
}

export function AnalyticsTrendCard({
  metric,
  period,
  groupBy,
}: {
  metric: TTrendMetric;
  period: TTrendPeriod;
  groupBy: TTrendGrouping;
}) {
  const info = METRIC_INFO[metric];
  const trends = useTrends({ metric, period, group_by: groupBy });
  const titleId = `trend-${metric}`;
  const points = trends.data?.points ?? [];
  const data = points.map((p) => ({ bucket: p.bucket, value: toDisplay(metric, p.value) }));
  const known = data.filter((p) => p.value !== null);
  const hasData = known.length > 0;
  const latest = known.at(-1);
  const format = (value: number | null) => `${value ?? '—'}${info.unit}`;

  return (
    <Card aria-labelledby={titleId} aria-busy={trends.isFetching}>
      <CardHeader
        titleId={titleId}
        title={info.label}
        description={info.description}
        actions={
          latest && (
            <p className="text-right text-sm">
              <span className="block text-lg font-semibold text-slate-900">{format(latest.value)}</span>
              <span className="text-xs text-slate-500">latest ({latest.bucket})</span>
            </p>
          )
        }
      />
      <CardBody>
        {trends.isPending ? (
          <div role="status">
            <span className="sr-only">Loading {info.label}…</span>
            <Skeleton className="h-[220px] w-full" />
          </div>
        ) : trends.isError ? (
          <ErrorState
            title={`Couldn't load ${info.label.toLowerCase()}`}
            error={trends.error}
            onRetry={() => void trends.refetch()}
            isRetrying={trends.isFetching}
          />
        ) : !hasData ? (
          <EmptyState title="No data in this period" />
        ) : known.length === 1 ? (
          // One point draws no line: say it instead.
          <EmptyState
            title="Not enough history for a trend yet"
            description={`Only ${latest!.bucket} has data: ${format(latest!.value)}.`}
          />
        ) : (
          <ChartLine
            title={`${info.label} per ${groupBy}, last ${period}`}
            data={data}
            xKey="bucket"
            series={[{ key: 'value', label: info.label, color: info.color }]}
            unit={info.unit}
          />
        )}
      </CardBody>
    </Card>
  );
}
