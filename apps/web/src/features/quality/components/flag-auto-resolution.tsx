import type { TFlagAutoResolution } from '@tutorpulse/contracts/quality';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { humanize } from './flag-badges';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The evidence behind a pattern flag that resolved itself: the clean window, its counts, rate and threshold. */
export function FlagAutoResolutionCard({ evidence }: { evidence: TFlagAutoResolution }) {
  const e = evidence;
  const items: Array<[string, string]> = [
    ['Window', `${formatDateTime(e.window_start)} – ${formatDateTime(e.window_end)} (${e.window_days} days)`],
    [humanize(e.metric), `${pct(e.rate)} (${e.count} of ${e.total})`],
    ['Threshold', `${pct(e.threshold)} or under, on at least ${e.min_total}`],
    ['Last confirmed by the rule', formatDateTime(e.last_confirmed_at)],
    ['Decided', formatDateTime(e.decided_at)],
  ];
  return (
    <Card aria-labelledby="auto-resolution-title">
      <CardHeader titleId="auto-resolution-title" title="Resolved automatically" />
      <CardBody className="space-y-4">
        <p className="text-sm text-slate-700">
          The tutor&apos;s {humanize(e.metric).toLowerCase()} was {pct(e.rate)} over the {e.window_days} days
          after the rule last confirmed this flag, at or under the {pct(e.threshold)} threshold. If the
          behaviour comes back, a new flag is raised.
        </p>
        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          {items.map(([label, value]) => (
            <div key={label} className="rounded-md bg-emerald-50 px-3 py-2 ring-1 ring-emerald-200">
              <dt className="text-xs text-slate-500">{label}</dt>
              <dd className="text-sm font-semibold text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      </CardBody>
    </Card>
  );
}
