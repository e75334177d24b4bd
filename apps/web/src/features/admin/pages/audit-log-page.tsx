import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { TableSkeleton } from '@/components/ui/skeleton';
import { withParams } from '@/lib/search-params';
import { useDocumentTitle } from '@/lib/use-document-title';
import { readAuditLogParams, useAuditLog } from '../api/get-audit-log';
import { AuditLogFilters } from '../components/audit-log-filters';
import { AuditLogTable } from '../components/audit-log-table';

export function AuditLogPage() {
  useDocumentTitle('Audit log');
  const [searchParams, setSearchParams] = useSearchParams();
  const params = readAuditLogParams(searchParams);
  const log = useAuditLog(params);
  const hasFilters = Boolean(params.action || params.outcome || params.actor_id);

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Sign-ins, permission denials and every change made by staff, newest first."
      />
      <Card aria-label="Audit log" aria-busy={log.isFetching}>
        <AuditLogFilters params={params} />
        {log.isPending ? (
          <TableSkeleton columns={5} rows={8} label="Loading audit log" />
        ) : log.isError && !log.data ? (
          <ErrorState
            title="Couldn't load the audit log"
            error={log.error}
            onRetry={() => void log.refetch()}
            isRetrying={log.isFetching}
          />
        ) : log.data.data.length === 0 ? (
          <EmptyState
            title={
              hasFilters
                ? 'No entries match these filters'
                : params.offset > 0
                  ? 'No entries on this page'
                  : 'The audit log is empty'
            }
            description={hasFilters ? 'Try a different action or outcome, or clear the filters.' : undefined}
            action={
              hasFilters && (
                <Button
                  variant="secondary"
                  onClick={() =>
                    setSearchParams(
                      withParams(searchParams, { action: null, outcome: null, actor_id: null, offset: null }),
                    )
                  }
                >
                  Clear filters
                </Button>
              )
            }
          />
        ) : (
          <>
            {log.isError && (
              <p
                role="alert"
                className="border-b border-amber-200 bg-amber-50 px-5 py-2 text-sm text-amber-900"
              >
                Showing earlier results: the latest refresh failed.
              </p>
            )}
            <AuditLogTable entries={log.data.data} />
            <Pagination
              total={log.data.total}
              limit={log.data.limit}
              offset={log.data.offset}
              label="Audit log pages"
            />
          </>
        )}
      </Card>
    </>
  );
}
