import type { TDeadLetter } from '@tutorpulse/contracts/dead-letters';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState, describeError } from '@/components/ui/error-state';
import { Select } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { TableSkeleton } from '@/components/ui/skeleton';
import { withParams } from '@/lib/search-params';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useDiscardDeadLetter } from '../api/discard-dead-letter';
import { readDeadLettersParams, useDeadLetters } from '../api/get-dead-letters';
import { useRerunDeadLetter } from '../api/rerun-dead-letter';
import { DeadLettersTable } from '../components/dead-letters-table';

const STATUS_OPTIONS = [
  { value: 'open', label: 'Open' },
  { value: 'rerun', label: 'Re-run' },
  { value: 'discarded', label: 'Discarded' },
  { value: 'all', label: 'All' },
];

const REQUEUED_TEXT = {
  retried: 'is back on its queue with fresh attempts',
  enqueued: 'was enqueued again with its original payload',
  already_queued: 'is already waiting or running',
} as const;

export function DeadLettersPage() {
  useDocumentTitle('Failed jobs');
  const [searchParams, setSearchParams] = useSearchParams();
  const params = readDeadLettersParams(searchParams);
  const list = useDeadLetters(params);
  const [notice, setNotice] = useState<{ tone: 'success' | 'danger'; text: string } | null>(null);
  const [toDiscard, setToDiscard] = useState<TDeadLetter | null>(null);
  const rerun = useRerunDeadLetter({
    onSuccess: (r) =>
      setNotice({
        tone: 'success',
        text: `${r.dead_letter.job_name} ${r.dead_letter.job_id} ${REQUEUED_TEXT[r.requeued]}.`,
      }),
  });
  const discard = useDiscardDeadLetter({
    onSuccess: (entry) => {
      setNotice({ tone: 'success', text: `Discarded ${entry.job_name} ${entry.job_id}.` });
      setToDiscard(null);
    },
  });

  const onRerun = (entry: TDeadLetter) => {
    setNotice(null);
    rerun.mutate(entry.id, {
      onError: (error) =>
        setNotice({ tone: 'danger', text: `Couldn't re-run ${entry.job_name}: ${describeError(error)}` }),
    });
  };
  const closeDiscard = () => {
    discard.reset();
    setToDiscard(null);
  };

  return (
    <>
      <PageHeader
        title="Failed jobs"
        description="Background jobs that failed on every attempt. Re-run one once its cause is fixed, or discard it."
      />
      {notice && (
        <Alert tone={notice.tone} className="mb-4">
          {notice.text}
        </Alert>
      )}
      <Card aria-label="Failed jobs" aria-busy={list.isFetching}>
        <div className="flex border-b border-slate-200 px-4 py-4 sm:px-5">
          <div className="w-48">
            <Select
              label="Status"
              name="status"
              value={params.status}
              options={STATUS_OPTIONS}
              onChange={(event) =>
                setSearchParams(
                  withParams(searchParams, {
                    status: event.currentTarget.value === 'open' ? null : event.currentTarget.value,
                    offset: null,
                  }),
                )
              }
            />
          </div>
        </div>
        {list.isPending ? (
          <TableSkeleton columns={6} rows={6} label="Loading failed jobs" />
        ) : list.isError && !list.data ? (
          <ErrorState
            title="Couldn't load failed jobs"
            error={list.error}
            onRetry={() => void list.refetch()}
            isRetrying={list.isFetching}
          />
        ) : list.data.data.length === 0 ? (
          <EmptyState
            title={
              params.offset > 0
                ? 'No failed jobs on this page'
                : params.status === 'open'
                  ? 'No failed jobs waiting'
                  : 'No failed jobs with this status'
            }
            description={
              params.status === 'open' && params.offset === 0
                ? 'Every job that failed on all its attempts has been re-run or discarded.'
                : undefined
            }
          />
        ) : (
          <>
            {list.isError && (
              <p
                role="alert"
                className="border-b border-amber-200 bg-amber-50 px-5 py-2 text-sm text-amber-900"
              >
                Showing earlier results: the latest refresh failed.
              </p>
            )}
            <DeadLettersTable
              entries={list.data.data}
              pendingId={rerun.isPending ? (rerun.variables ?? null) : null}
              onRerun={onRerun}
              onDiscard={(entry) => {
                setNotice(null);
                setToDiscard(entry);
              }}
            />
            <Pagination
              total={list.data.total}
              limit={list.data.limit}
              offset={list.data.offset}
              label="Failed jobs pages"
            />
          </>
        )}
      </Card>

      <ConfirmDialog
        open={toDiscard !== null}
        onClose={closeDiscard}
        onConfirm={() => toDiscard && discard.mutate(toDiscard.id)}
        title={`Discard ${toDiscard?.job_name ?? ''}?`}
        confirmLabel="Discard job"
        isPending={discard.isPending}
        error={discard.isError ? discard.error : undefined}
      >
        <p>The job will not run again unless it fails anew. The error stays on record.</p>
      </ConfirmDialog>
    </>
  );
}
