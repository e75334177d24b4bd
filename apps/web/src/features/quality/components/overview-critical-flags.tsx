import { Link } from 'react-router';
import type { TAnalyticsOverview } from '@tutorpulse/contracts/quality-analytics';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatRelative } from '@/lib/format';
import { formatFlagType, SeverityBadge } from './tutor-badges';

export function OverviewCriticalFlags({ flags }: { flags: TAnalyticsOverview['newest_critical_flags'] }) {
  return (
    <Card aria-labelledby="critical-flags-title">
      <CardHeader
        titleId="critical-flags-title"
        title="Newest critical flags"
        description="Open, most recent first"
        actions={
          <Link
            to="/quality/flags?severity=critical"
            className="text-sm font-medium text-indigo-700 hover:underline"
          >
            All flags
          </Link>
        }
      />
      {flags.length === 0 ? (
        <EmptyState title="No open critical flags" description="Nice — nothing critical is waiting." />
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Newest critical flags">
          {flags.map((flag) => (
            <li key={flag.id}>
              <Link
                to={`/quality/flags/${flag.id}`}
                className="block px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 sm:px-5"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <SeverityBadge severity={flag.severity} />
                  <span className="text-sm font-semibold text-slate-900">{flag.title}</span>
                </div>
                <p className="mt-1 text-sm text-slate-600">
                  <span className="font-medium text-slate-800">{flag.tutor_name ?? flag.tutor_id}</span> ·{' '}
                  {formatFlagType(flag.flag_type)} · {formatRelative(flag.last_seen_at)}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
