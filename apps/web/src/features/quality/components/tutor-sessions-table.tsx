import type { TSession } from '@tutorpulse/contracts/quality';
import { Link } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';

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

export function TutorSessionsTable({ sessions }: { sessions: TSession[] }) {
  return (
    <Card aria-labelledby="sessions-title">
      <CardHeader
        titleId="sessions-title"
        title="Recent sessions"
        description="Latest 10 by scheduled start"
      />
      {sessions.length === 0 ? (
        <EmptyState title="No sessions yet" />
      ) : (
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
      )}
    </Card>
  );
}
