import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { TableSkeleton } from '@/components/ui/skeleton';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { useTutorHistory } from '../api/get-tutor-history';
import { formatFlagType, formatPercent } from './tutor-badges';

/** Reschedule history: its own request, so the rest of the page does not wait for it. */
export function TutorReschedules({ tutorId }: { tutorId: string }) {
  const history = useTutorHistory(tutorId, { days: 90, limit: 20 });
  const rate30 = history.data?.rates.last_30d;
  return (
    <Card aria-labelledby="reschedules-title" aria-busy={history.isFetching}>
      <CardHeader
        titleId="reschedules-title"
        title="Reschedule history"
        description={
          history.data
            ? `Tutor-initiated rate (30 days): ${formatPercent(rate30?.tutor_reschedule_rate ?? null, 1)} · flagged above ${formatPercent(history.data.threshold)}`
            : 'Last 90 days'
        }
      />
      {history.isPending ? (
        <TableSkeleton rows={4} columns={4} label="Loading reschedules" />
      ) : history.isError ? (
        <ErrorState
          title="Couldn't load the reschedules"
          error={history.error}
          onRetry={() => void history.refetch()}
          isRetrying={history.isFetching}
        />
      ) : history.data.events.length === 0 ? (
        <EmptyState title="No reschedules in the last 90 days" />
      ) : (
        <Table caption="Reschedules in the last 90 days, newest first">
          <THead>
            <Tr>
              <Th>Original time</Th>
              <Th>By</Th>
              <Th>Notice</Th>
              <Th>Reason</Th>
            </Tr>
          </THead>
          <TBody>
            {history.data.events.map((e) => (
              <Tr key={`${e.session_id}-${e.original_time}`}>
                <Td className="whitespace-nowrap">{formatDateTime(e.original_time)}</Td>
                <Td>{formatFlagType(e.initiator)}</Td>
                <Td className="whitespace-nowrap tabular-nums">
                  {e.hours_before_session === null ? '—' : `${Math.round(e.hours_before_session)} h`}
                </Td>
                <Td>{e.reason ?? (e.reason_code ? formatFlagType(e.reason_code) : '—')}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
