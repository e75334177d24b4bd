import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { CursorPagination } from '@/components/ui/cursor-pagination';
import { TableSkeleton } from '@/components/ui/skeleton';
import { useUser } from '@/lib/auth';
import { withParams } from '@/lib/search-params';
import { useDocumentTitle } from '@/lib/use-document-title';
import { DEFAULT_FLAG_STATUS, readFlagsParams, useFlags } from '../api/get-flags';
import { canActOnFlags } from '../components/flag-badges';
import { FlagsFilters } from '../components/flags-filters';
import { FlagsTable } from '../components/flags-table';

export function FlagsPage() {
  useDocumentTitle('Flags');
  const me = useUser();
  const [searchParams, setSearchParams] = useSearchParams();
  const params = readFlagsParams(searchParams);
  const flags = useFlags(params);
  const hasFilters =
    params.status !== DEFAULT_FLAG_STATUS || Boolean(params.severity || params.type || params.tutor_id);

  return (
    <>
      <PageHeader
        title="Flags"
        description="What needs a coach's attention, most severe and longest waiting first."
      />
      <Card aria-label="Flags inbox" aria-busy={flags.isFetching}>
        <FlagsFilters params={params} />
        {flags.isPending ? (
          <TableSkeleton columns={5} rows={8} label="Loading flags" />
        ) : flags.isError && !flags.data ? (
          <ErrorState
            title="Couldn't load the flags"
            error={flags.error}
            onRetry={() => void flags.refetch()}
            isRetrying={flags.isFetching}
          />
        ) : flags.data.data.length === 0 ? (
          <EmptyState
            title={hasFilters ? 'No flags match these filters' : 'Nothing to do: no open flags'}
            action={
              hasFilters && (
                <Button
                  variant="secondary"
                  onClick={() =>
                    setSearchParams(
                      withParams(searchParams, {
                        status: null,
                        severity: null,
                        type: null,
                        tutor_id: null,
                        offset: null,
                        cursor: null,
                      }),
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
            {flags.isError && (
              <p
                role="alert"
                className="border-b border-amber-200 bg-amber-50 px-5 py-2 text-sm text-amber-900"
              >
                Showing earlier results: the latest refresh failed.
              </p>
            )}
            <FlagsTable flags={flags.data.data} canAct={canActOnFlags(me.role)} />
            <CursorPagination
              total={flags.data.total}
              totalIsEstimate={flags.data.total_is_estimate}
              shown={flags.data.data.length}
              nextCursor={flags.data.next_cursor}
              label="Flag pages"
            />
          </>
        )}
      </Card>
    </>
  );
}
