import { useSearchParams } from 'react-router';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { TableSkeleton } from '@/components/ui/skeleton';
import { useUser } from '@/lib/auth';
import { cn } from '@/lib/cn';
import { withParams } from '@/lib/search-params';
import { useDocumentTitle } from '@/lib/use-document-title';
import { INTERVENTION_VIEWS, readInterventionsParams, useInterventions } from '../api/get-interventions';
import { canActOnFlags } from '../components/flag-badges';
import { InterventionsTable } from '../components/interventions-table';

const VIEW_LABELS = { open: 'Open', due: 'Follow-up due', closed: 'Closed' } as const;
const EMPTY = {
  open: 'No open interventions',
  due: 'No follow-ups due',
  closed: 'No closed interventions yet',
} as const;

export function InterventionsPage() {
  useDocumentTitle('Interventions');
  const me = useUser();
  const [searchParams, setSearchParams] = useSearchParams();
  const params = readInterventionsParams(searchParams);
  const list = useInterventions(params);

  return (
    <>
      <PageHeader
        title="Interventions"
        description="Coaching actions, their follow-ups, and whether they worked."
      />
      <Card aria-label="Interventions list" aria-busy={list.isFetching}>
        <nav
          aria-label="Intervention views"
          className="flex gap-1 border-b border-slate-200 px-4 py-3 sm:px-5"
        >
          {INTERVENTION_VIEWS.map((view) => (
            <button
              key={view}
              type="button"
              aria-pressed={params.view === view}
              onClick={() =>
                setSearchParams(
                  withParams(searchParams, { view: view === 'open' ? null : view, offset: null }),
                )
              }
              className={cn(
                'rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600',
                params.view === view ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100',
              )}
            >
              {VIEW_LABELS[view]}
            </button>
          ))}
        </nav>
        {list.isPending ? (
          <TableSkeleton columns={6} rows={6} label="Loading interventions" />
        ) : list.isError && !list.data ? (
          <ErrorState
            title="Couldn't load the interventions"
            error={list.error}
            onRetry={() => void list.refetch()}
            isRetrying={list.isFetching}
          />
        ) : list.data.data.length === 0 ? (
          <EmptyState
            title={EMPTY[params.view]}
            description="Interventions are recorded when a flag is resolved with one."
          />
        ) : (
          <>
            <InterventionsTable items={list.data.data} canAct={canActOnFlags(me.role)} />
            <Pagination
              total={list.data.total}
              limit={list.data.limit}
              offset={list.data.offset}
              label="Intervention pages"
            />
          </>
        )}
      </Card>
    </>
  );
}
