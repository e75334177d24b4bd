import type { TAnalyticsOverview } from '@tutorpulse/contracts/quality-analytics';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ChartStackedBars } from '@/components/ui/chart-stacked-bars';
import { EmptyState } from '@/components/ui/empty-state';
import { formatFlagType } from './tutor-badges';

// Drawn by a small SVG component, not Recharts: the overview is the coach's landing page and this chart is
// visible on arrival, so it is part of the first load (Recharts alone would be ~93 KB of it, as sent).

const COLORS = [
  '#4f46e5',
  '#dc2626',
  '#d97706',
  '#059669',
  '#0891b2',
  '#9333ea',
  '#db2777',
  '#65a30d',
  '#475569',
  '#ea580c',
];

const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function OverviewFlagsChart({ daily }: { daily: TAnalyticsOverview['flags_by_type_daily'] }) {
  const types = [...new Set(daily.flatMap((d) => Object.keys(d.by_type)))].sort();
  const data = daily.map((d) => ({ label: day.format(new Date(`${d.day}T00:00:00Z`)), values: d.by_type }));
  const total = daily.reduce((sum, d) => sum + d.total, 0);
  return (
    <Card aria-labelledby="flags-chart-title">
      <CardHeader
        titleId="flags-chart-title"
        title="Flags by type"
        description="Raised per day, last 14 days"
      />
      {total === 0 ? (
        <EmptyState title="No flags in the last 14 days" />
      ) : (
        <CardBody>
          <ChartStackedBars
            title="Flags raised per day by type over the last 14 days"
            xLabel="Day"
            unit={{ one: 'flag', other: 'flags' }}
            height={260}
            data={data}
            series={types.map((t, i) => ({
              key: t,
              label: formatFlagType(t),
              color: COLORS[i % COLORS.length]!,
            }))}
          />
        </CardBody>
      )}
    </Card>
  );
}
