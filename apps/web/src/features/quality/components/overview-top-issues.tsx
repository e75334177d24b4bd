import type { TAnalyticsOverview } from '@tutorpulse/contracts/quality-analytics';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatNumber } from '@/lib/format';
import { formatFlagType } from './tutor-badges';

export function OverviewTopIssues({ issues }: { issues: TAnalyticsOverview['top_issues'] }) {
  const max = Math.max(1, ...issues.map((i) => i.count));
  return (
    <Card aria-labelledby="top-issues-title">
      <CardHeader titleId="top-issues-title" title="Top issues" description="Open flags by type" />
      {issues.length === 0 ? (
        <EmptyState title="No open flags" description="Nothing needs attention right now." />
      ) : (
        <ol className="divide-y divide-slate-100">
          {issues.map((issue) => (
            <li key={issue.issue} className="px-4 py-2.5 sm:px-5">
              <div className="flex items-baseline justify-between gap-3 text-sm">
                <span className="text-slate-800">{formatFlagType(issue.issue)}</span>
                <span className="font-semibold text-slate-900 tabular-nums">{formatNumber(issue.count)}</span>
              </div>
              <div aria-hidden="true" className="mt-1 h-1.5 rounded bg-slate-100">
                <div
                  className="h-1.5 rounded bg-indigo-500"
                  style={{ width: `${(issue.count / max) * 100}%` }}
                />
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
