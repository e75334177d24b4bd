import type { TDeadLetter } from '@tutorpulse/contracts/dead-letters';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';

const STATUS_TONE: Record<TDeadLetter['status'], BadgeTone> = {
  open: 'danger',
  rerun: 'info',
  discarded: 'neutral',
};
const STATUS_LABEL: Record<TDeadLetter['status'], string> = {
  open: 'Open',
  rerun: 'Re-run',
  discarded: 'Discarded',
};

export function DeadLettersTable({
  entries,
  pendingId,
  onRerun,
  onDiscard,
}: {
  entries: TDeadLetter[];
  /** The entry whose re-run is on its way (its button shows a spinner). */
  pendingId: string | null;
  onRerun: (entry: TDeadLetter) => void;
  onDiscard: (entry: TDeadLetter) => void;
}) {
  return (
    <Table caption="Failed jobs, most recent failure first">
      <THead>
        <Tr>
          <Th>Job</Th>
          <Th>Error</Th>
          <Th>Attempts</Th>
          <Th className="hidden md:table-cell">First failed</Th>
          <Th>Last failed</Th>
          <Th>Status</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </Tr>
      </THead>
      <TBody>
        {entries.map((entry) => (
          <Tr key={entry.id}>
            <Td>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
                {entry.job_name}
              </code>
              <div className="mt-1 max-w-[14rem] truncate text-xs text-slate-500" title={entry.job_id}>
                {entry.queue} · {entry.job_id}
              </div>
            </Td>
            <Td>
              <div className="max-w-[28rem] truncate text-slate-900" title={entry.error_message}>
                {entry.error_message}
              </div>
            </Td>
            <Td className="whitespace-nowrap">
              {entry.attempts}
              {entry.failures > 1 && (
                <div className="text-xs text-slate-500">failed {entry.failures} times</div>
              )}
            </Td>
            <Td className="hidden whitespace-nowrap md:table-cell">
              <time dateTime={entry.first_failed_at}>{formatDateTime(entry.first_failed_at)}</time>
            </Td>
            <Td className="whitespace-nowrap">
              <time dateTime={entry.last_failed_at}>{formatDateTime(entry.last_failed_at)}</time>
            </Td>
            <Td>
              <Badge tone={STATUS_TONE[entry.status]}>{STATUS_LABEL[entry.status]}</Badge>
              {entry.acted_at && (
                <div className="mt-1 text-xs text-slate-500" title={formatDateTime(entry.acted_at)}>
                  by {entry.acted_by_label ?? entry.acted_by ?? 'unknown'}
                </div>
              )}
            </Td>
            <Td className="text-right whitespace-nowrap">
              {entry.status === 'open' && (
                <div className="flex justify-end gap-1">
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => onRerun(entry)}
                    isLoading={pendingId === entry.id}
                    disabled={pendingId !== null}
                    aria-label={`Re-run ${entry.job_name} ${entry.job_id}`}
                  >
                    Re-run
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    className="text-red-700 hover:bg-red-50"
                    onClick={() => onDiscard(entry)}
                    disabled={pendingId !== null}
                    aria-label={`Discard ${entry.job_name} ${entry.job_id}`}
                  >
                    Discard
                  </Button>
                </div>
              )}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
