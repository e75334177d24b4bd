import type { TFlag } from '@tutorpulse/contracts/quality';
import { Link } from 'react-router';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatRelative } from '@/lib/format';
import { formatFlagType, SeverityBadge, StatusBadge } from './tutor-badges';

export function TutorFlagsList({
  title,
  flags,
  emptyTitle,
}: {
  title: string;
  flags: TFlag[];
  emptyTitle: string;
}) {
  const titleId = `flags-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader titleId={titleId} title={title} />
      {flags.length === 0 ? (
        <EmptyState title={emptyTitle} />
      ) : (
        <ul className="divide-y divide-slate-100" aria-label={title}>
          {flags.map((flag) => (
            <li key={flag.id}>
              <Link
                to={`/quality/flags/${flag.id}`}
                className="block px-4 py-3 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 sm:px-5"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <SeverityBadge severity={flag.severity} />
                  <StatusBadge status={flag.status} />
                  <span className="text-sm font-semibold text-slate-900">{flag.title}</span>
                </div>
                <p className="mt-1 text-sm text-slate-600">
                  {formatFlagType(flag.flag_type)} · {flag.occurrences}×{' · '}
                  {flag.resolved_at
                    ? `closed ${formatRelative(flag.resolved_at)}`
                    : `seen ${formatRelative(flag.last_seen_at)}`}
                  {flag.coach_agreed !== null && ` · coach ${flag.coach_agreed ? 'agreed' : 'disagreed'}`}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
