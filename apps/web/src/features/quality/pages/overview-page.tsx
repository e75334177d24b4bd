import { Link } from 'react-router';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { formatDateTime } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useOverview } from '../api/get-overview';
import { OverviewCriticalFlags } from '../components/overview-critical-flags';
import { OverviewFlagsChart } from '../components/overview-flags-chart';
import { OverviewStats, OverviewStatsSkeleton } from '../components/overview-stats';
import { OverviewTopIssues } from '../components/overview-top-issues';

/** The coach's start of the day. One request; SSE invalidation (`dashboard`) keeps it live without a reload. */
export function OverviewPage() {
  useDocumentTitle('Quality overview');
  const overview = useOverview();

  return (
    <>
      <PageHeader
        title="Quality overview"
        description={
          overview.data
            ? `Today (${overview.data.today.date}, UTC) · updated ${formatDateTime(overview.data.generated_at)}`
            : 'Today at a glance'
        }
        actions={
          <Link
            to="/quality/tutors?sort_by=risk"
            className="inline-flex h-10 items-center rounded-md bg-indigo-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-indigo-700"
          >
            Tutors at risk
          </Link>
        }
      />
      {overview.isPending ? (
        <div className="space-y-4">
          <OverviewStatsSkeleton />
          <div className="grid gap-4 lg:grid-cols-3">
            <Skeleton className="h-72 lg:col-span-2" />
            <Skeleton className="h-72" />
          </div>
        </div>
      ) : overview.isError && !overview.data ? (
        <Card>
          <ErrorState
            title="Couldn't load the overview"
            error={overview.error}
            onRetry={() => void overview.refetch()}
            isRetrying={overview.isFetching}
          />
        </Card>
      ) : (
        <div className="space-y-4" aria-busy={overview.isFetching}>
          {overview.isError && (
            <p role="alert" className="rounded-md bg-amber-50 px-4 py-2 text-sm text-amber-900">
              Showing earlier numbers: the latest refresh failed.
            </p>
          )}
          <OverviewStats overview={overview.data} />
          <div className="grid gap-4 lg:grid-cols-3">
            <div className="space-y-4 lg:col-span-2">
              <OverviewCriticalFlags flags={overview.data.newest_critical_flags} />
              <OverviewFlagsChart daily={overview.data.flags_by_type_daily} />
            </div>
            <OverviewTopIssues issues={overview.data.top_issues} />
          </div>
        </div>
      )}
    </>
  );
}
