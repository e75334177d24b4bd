import type { TAnalyticsOverview } from '@tutorpulse/contracts/quality-analytics';
import { Skeleton } from '@/components/ui/skeleton';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';

type Stat = {
  label: string;
  value: string;
  change?: { text: string; isGood: boolean | null };
  hint?: string;
};

function describeChange(change: number | null, betterWhen: 'higher' | 'lower', unit = '') {
  if (change === null) return { text: 'No data for last week', isGood: null };
  if (change === 0) return { text: `No change vs last week`, isGood: null };
  const sign = change > 0 ? '+' : '−';
  const isGood = betterWhen === 'higher' ? change > 0 : change < 0;
  return { text: `${sign}${Math.abs(change).toFixed(1)}${unit} vs last week`, isGood };
}

export function OverviewStats({ overview }: { overview: TAnalyticsOverview }) {
  const { today, trends } = overview;
  const stats: Stat[] = [
    { label: 'Sessions processed today', value: formatNumber(today.sessions_processed) },
    { label: 'Flags raised today', value: formatNumber(today.flags_raised) },
    { label: 'Tutors flagged today', value: formatNumber(today.tutors_flagged) },
    {
      label: 'Average score',
      value: trends.avg_score === null ? '—' : trends.avg_score.toFixed(1),
      change: describeChange(trends.avg_score_change, 'higher', ' pts'),
    },
    {
      label: 'Flag rate (7 days)',
      value: `${trends.flag_rate.toFixed(1)}`,
      hint: `per 100 sessions · ${formatNumber(trends.flags_7d)} flags in ${formatNumber(trends.sessions_7d)} sessions`,
      change: describeChange(trends.flag_rate_change, 'lower'),
    },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {stats.map((stat) => (
        <div key={stat.label} className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
          <dt className="text-xs font-medium text-slate-600">{stat.label}</dt>
          <dd
            className="mt-1 text-2xl font-semibold tracking-tight text-slate-900"
            data-testid={`stat-${stat.label}`}
          >
            {stat.value}
          </dd>
          {stat.hint && <dd className="text-xs text-slate-500">{stat.hint}</dd>}
          {stat.change && (
            <dd
              className={cn(
                'mt-0.5 text-xs font-medium',
                stat.change.isGood === null
                  ? 'text-slate-500'
                  : stat.change.isGood
                    ? 'text-emerald-700'
                    : 'text-red-700',
              )}
            >
              {stat.change.text}
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}

export function OverviewStatsSkeleton() {
  return (
    <div role="status" aria-busy="true" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      <span className="sr-only">Loading today’s numbers…</span>
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
          <Skeleton className="h-3 w-2/3" />
          <Skeleton className="mt-2 h-7 w-1/3" />
        </div>
      ))}
    </div>
  );
}
