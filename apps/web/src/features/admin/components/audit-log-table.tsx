import type { TAuditEntry } from '@tutorpulse/contracts/identity';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';

const OUTCOME_TONE: Record<TAuditEntry['outcome'], BadgeTone> = {
  success: 'success',
  failure: 'warning',
  denied: 'danger',
};
const OUTCOME_LABEL: Record<TAuditEntry['outcome'], string> = {
  success: 'Success',
  failure: 'Failure',
  denied: 'Denied',
};

function actorOf(entry: TAuditEntry): string {
  if (entry.actor_label) return entry.actor_label;
  if (entry.actor_id) return entry.actor_id;
  return entry.actor_type === 'anonymous'
    ? 'Anonymous'
    : entry.actor_type === 'system'
      ? 'System'
      : entry.actor_type;
}

export function AuditLogTable({ entries }: { entries: TAuditEntry[] }) {
  return (
    <Table caption="Audit log entries, newest first">
      <THead>
        <Tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Outcome</Th>
          <Th className="hidden md:table-cell">Target</Th>
          <Th className="hidden lg:table-cell">IP</Th>
          <Th className="hidden lg:table-cell">Details</Th>
        </Tr>
      </THead>
      <TBody>
        {entries.map((entry) => (
          <Tr key={entry.id}>
            <Td className="whitespace-nowrap">
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
            </Td>
            <Td>
              <div className="max-w-[14rem] truncate text-slate-900" title={entry.actor_id ?? undefined}>
                {actorOf(entry)}
              </div>
              <div className="text-xs text-slate-500">{entry.actor_type.replace('_', ' ')}</div>
            </Td>
            <Td>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
                {entry.action}
              </code>
            </Td>
            <Td>
              <Badge tone={OUTCOME_TONE[entry.outcome]}>{OUTCOME_LABEL[entry.outcome]}</Badge>
            </Td>
            <Td className="hidden text-xs md:table-cell">
              {entry.target_type ? (
                <span className="break-all">
                  {entry.target_type}
                  {entry.target_id && <span className="text-slate-500"> · {entry.target_id}</span>}
                </span>
              ) : (
                '—'
              )}
            </Td>
            <Td className="hidden font-mono text-xs lg:table-cell">{entry.ip ?? '—'}</Td>
            <Td className="hidden lg:table-cell">
              {entry.details && Object.keys(entry.details).length > 0 ? (
                <details className="text-xs">
                  <summary className="cursor-pointer text-indigo-700">View</summary>
                  <pre className="mt-1 max-w-xs overflow-x-auto rounded bg-slate-50 p-2 text-[11px] text-slate-700">
                    {JSON.stringify(entry.details, null, 2)}
                  </pre>
                </details>
              ) : (
                '—'
              )}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
