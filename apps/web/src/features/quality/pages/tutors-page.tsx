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
import { readTutorsParams, useTutors } from '../api/get-tutors';
import { hasTutorFilters, TutorsFilters } from '../components/tutors-filters';
import { TutorsTable } from '../components/tutors-table';

export function TutorsPage() {
  useDocumentTitle('Tutors');
  const [searchParams, setSearchParams] = useSearchParams();
  const params = readTutorsParams(searchParams);
  const tutors = useTutors(params);
  const hasFilters = hasTutorFilters(params);
  const clear = () =>
    setSearchParams(
      withParams(searchParams, {
        search: null,
        subject: null,
        risk_status: null,
        has_flags: null,
        min_score: null,
        max_score: null,
        offset: null,
      }),
    );

  return (
    <>
      <PageHeader title="Tutors" description="Scores, open flags and risk. Weakest first by default." />
      <Card aria-label="Tutors" aria-busy={tutors.isFetching}>
        <TutorsFilters params={params} />
        {tutors.isPending ? (
          <TableSkeleton columns={6} rows={10} label="Loading tutors" />
        ) : tutors.isError && !tutors.data ? (
          <ErrorState
            title="Couldn't load the tutors"
            error={tutors.error}
            onRetry={() => void tutors.refetch()}
            isRetrying={tutors.isFetching}
          />
        ) : tutors.data.data.length === 0 ? (
          <EmptyState
            title={
              hasFilters
                ? 'No tutors match these filters'
                : params.offset > 0
                  ? 'No tutors on this page'
                  : 'No tutors yet'
            }
            description={
              hasFilters ? 'Try a wider score range or another subject, or clear the filters.' : undefined
            }
            action={
              hasFilters && (
                <Button variant="secondary" onClick={clear}>
                  Clear filters
                </Button>
              )
            }
          />
        ) : (
          <>
            {tutors.isError && (
              <p
                role="alert"
                className="border-b border-amber-200 bg-amber-50 px-5 py-2 text-sm text-amber-900"
              >
                Showing earlier results: the latest refresh failed.
              </p>
            )}
            <TutorsTable tutors={tutors.data.data} params={params} />
            <Pagination
              total={tutors.data.total}
              limit={tutors.data.limit}
              offset={tutors.data.offset}
              label="Tutor pages"
            />
          </>
        )}
      </Card>
    </>
  );
}
