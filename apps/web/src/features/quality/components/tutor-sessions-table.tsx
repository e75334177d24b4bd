import type { TSession } from '@tutorpulse/contracts/quality';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { CursorPagination } from '@/components/ui/cursor-pagination';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { TableSkeleton } from '@/components/ui/skeleton';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { readTutorSessionsParams, useTutorSessions } from '../api/get-tutor-sessions';

function describeAttendance(s: TSession): {
  label: string;
  tone: 'danger' | 'warning' | 'success' | 'neutral';
} {
  if (s.was_rescheduled) return { label: `Rescheduled (${s.rescheduled_by ?? '?'})`, tone: 'neutral' };
  if (!s.tutor_join_time) return { label: 'Tutor no-show', tone: 'danger' };
  const lateMin = (new Date(s.tutor_join_time).getTime() - new Date(s.session_start_time).getTime()) / 60_000;
  if (lateMin >= 5) return { label: `Late ${Math.round(lateMin)} min`, tone: 'warning' };
  return { label: 'On time', tone: 'success' };
}

/**
 * The tutor's sessions, newest first, a page at a time by the API's cursor (`cursor` in the URL, like the flags
 * inbox): the first page and the hundredth cost the same, however long the tutor's history.
 */
export function TutorSessionsTable({ tutorId }: { tutorId: string }) {
  const [searchParams] = useSearchParams();
  const params = readTutorSessionsParams(searchParams);
  const page = useTutorSessions(tutorId, params);
  return (
    <Card aria-labelledby="sessions-title">
      <CardHeader titleId="sessions-title" title="Sessions" description="Newest first by scheduled start" />
      {page.isPending ? (
        <TableSkeleton rows={params.limit} columns={4} label="Loading sessions" />
      ) : page.isError && !page.data ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} isRetrying={page.isFetching} />
      ) : page.data.data.length === 0 ? (
        <EmptyState title="No sessions yet" />
      ) : (
        <>
          <SessionsRows sessions={page.data.data} />
          <CursorPagination
            total={page.data.total}
            totalIsEstimate={page.data.total_is_estimate}
            shown={page.data.data.length}
            nextCursor={page.data.next_cursor}
            label="Session pages"
          />
        </>
      )}
    </Card>
  );
}

function SessionsRows({ sessions }: { sessions: TSession[] }) {
  return (
    <Table caption="Recent sessions">
      <THead>
        <Tr>
          <Th>Scheduled</Th>
          <Th>Student</Th>
          <Th>Attendance</Th>
          <Th className="text-right">Rating</Th>
        </Tr>
      </THead>
      <TBody>
        {sessions.map((s) => {
          const attendance = describeAttendance(s);
          return (
            <Tr key={s.id}>
              <Td className="whitespace-nowrap">
                <Link
                  to={`/quality/sessions/${encodeURIComponent(s.id)}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {formatDateTime(s.session_start_time)}
                </Link>
                {s.is_first_session && <span className="ml-2 text-xs text-slate-500">first</span>}
              </Td>
              <Td>{s.student_name ?? s.student_id}</Td>
              <Td>
                <Badge tone={attendance.tone}>{attendance.label}</Badge>
              </Td>
              <Td className="text-right tabular-nums">
                {s.student_feedback ? `${s.student_feedback.rating} / 5` : '—'}
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
