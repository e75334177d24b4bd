import type { TFlag } from '@tutorpulse/contracts/quality';
import { Link } from 'react-router';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime, formatRelative } from '@/lib/format';
import { FlagActions } from './flag-actions';
import { FlagStatusBadge, humanize, SeverityBadge } from './flag-badges';

export function FlagsTable({ flags, canAct }: { flags: TFlag[]; canAct: boolean }) {
  return (
    <Table caption="Flags, most severe first, then oldest first" aria-label="Flags">
      <THead>
        <Tr>
          <Th>Severity</Th>
          <Th>Flag</Th>
          <Th className="hidden sm:table-cell">Tutor</Th>
          <Th>Status</Th>
          <Th className="hidden sm:table-cell">Raised</Th>
          {canAct && <Th>Actions</Th>}
        </Tr>
      </THead>
      <TBody>
        {flags.map((flag) => (
          <Tr key={flag.id}>
            <Td>
              <SeverityBadge severity={flag.severity} />
            </Td>
            <Td className="min-w-48">
              <Link
                to={`/quality/flags/${flag.id}`}
                className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                {flag.title}
              </Link>
              <p className="text-xs text-slate-500">
                {humanize(flag.flag_type)}
                {flag.occurrences > 1 && ` · ${flag.occurrences} occurrences`}
              </p>
              {/* On a phone the tutor and age columns are hidden; say them here. */}
              <p className="text-xs text-slate-700 sm:hidden">
                {flag.tutor_name ?? flag.tutor_id} · {formatRelative(flag.first_seen_at)}
              </p>
            </Td>
            <Td className="hidden whitespace-nowrap sm:table-cell">
              {flag.tutor_name ?? flag.tutor_id}
              <p className="text-xs text-slate-500">{flag.tutor_id}</p>
            </Td>
            <Td>
              <FlagStatusBadge status={flag.status} />
            </Td>
            <Td className="hidden whitespace-nowrap sm:table-cell">
              <time dateTime={flag.first_seen_at} title={formatDateTime(flag.first_seen_at)}>
                {formatRelative(flag.first_seen_at)}
              </time>
            </Td>
            {canAct && (
              <Td>
                <FlagActions flag={flag} />
              </Td>
            )}
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
