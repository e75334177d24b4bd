import type { TFlag } from '@tutorpulse/contracts/quality';
import { humanize } from './flag-badges';

function formatMetric(key: string, value: number | string | null): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (/rate|ratio|share/.test(key) && value <= 1) return `${(value * 100).toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The numbers behind the rule that fired. */
export function FlagMetrics({ metrics }: { metrics: TFlag['supporting_data']['metrics'] }) {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return <p className="text-sm text-slate-500">No metrics recorded.</p>;
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
      {entries.map(([key, value]) => (
        <div key={key} className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
          <dt className="text-xs text-slate-500">{humanize(key)}</dt>
          <dd className="text-sm font-semibold text-slate-900">{formatMetric(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}
