import { Link, useParams } from 'react-router';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { useUser } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useFlag } from '../api/get-flag';
import { FlagActions } from '../components/flag-actions';
import { FlagAutoResolutionCard } from '../components/flag-auto-resolution';
import { canActOnFlags, FlagStatusBadge, humanize, SeverityBadge } from '../components/flag-badges';
import { FlagHistory } from '../components/flag-history';
import { FlagMetrics } from '../components/flag-metrics';
import { InterventionsList } from '../components/interventions-list';

const LINK = 'font-medium text-indigo-700 hover:underline';

export function FlagDetailPage() {
  const { id = '' } = useParams();
  const me = useUser();
  const query = useFlag(id);
  useDocumentTitle(query.data ? `Flag: ${query.data.flag.title}` : 'Flag');

  if (query.isPending)
    return (
      <div role="status" aria-busy="true" className="space-y-4">
        <span className="sr-only">Loading flag…</span>
        <Skeleton className="h-8 w-1/3" />
        <Skeleton className="h-40 w-full" />
        <Skeleton className="h-60 w-full" />
      </div>
    );
  if (query.isError)
    return (
      <Card>
        <ErrorState
          title="Couldn't load this flag"
          error={query.error}
          onRetry={() => void query.refetch()}
          isRetrying={query.isFetching}
        />
      </Card>
    );

  const { flag, tutor, related_sessions: sessions, interventions, history } = query.data;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/quality/flags" className={LINK}>
          ← Flags
        </Link>
      </p>
      <PageHeader
        title={flag.title}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={flag.severity} />
            <FlagStatusBadge status={flag.status} />
            <span>{humanize(flag.flag_type)}</span>
            <span>
              ·{' '}
              <Link to={`/quality/tutors/${encodeURIComponent(tutor.tutor_id)}`} className={LINK}>
                {tutor.name ?? tutor.tutor_id}
              </Link>
            </span>
            {tutor.current_score?.overall_score != null && (
              <span>· score {tutor.current_score.overall_score}</span>
            )}
          </span>
        }
        actions={canActOnFlags(me.role) ? <FlagActions flag={flag} size="md" /> : undefined}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {flag.auto_resolution && <FlagAutoResolutionCard evidence={flag.auto_resolution} />}
          <Card aria-labelledby="why-title">
            <CardHeader titleId="why-title" title="Why it fired" />
            <CardBody className="space-y-4">
              <p className="text-sm text-slate-700">{flag.description}</p>
              <p className="text-xs text-slate-500">
                First seen {formatDateTime(flag.first_seen_at)} · last seen{' '}
                {formatDateTime(flag.last_seen_at)} · {flag.occurrences} occurrence
                {flag.occurrences === 1 ? '' : 's'}
              </p>
              <FlagMetrics metrics={flag.supporting_data.metrics} />
            </CardBody>
          </Card>
          {flag.recommended_action && (
            <Card aria-labelledby="action-title">
              <CardHeader titleId="action-title" title="Recommended action" />
              <CardBody>
                <p className="text-sm text-slate-700">{flag.recommended_action}</p>
              </CardBody>
            </Card>
          )}
          <Card aria-labelledby="sessions-title">
            <CardHeader
              titleId="sessions-title"
              title="Supporting sessions"
              description={`${flag.supporting_data.sessions.length} session(s) behind this flag; newest shown first.`}
            />
            {sessions.length === 0 ? (
              <CardBody>
                <p className="text-sm text-slate-500">No sessions attached.</p>
              </CardBody>
            ) : (
              <Table caption="Supporting sessions" aria-label="Supporting sessions">
                <THead>
                  <Tr>
                    <Th>Scheduled</Th>
                    <Th>Student</Th>
                    <Th>Tutor joined</Th>
                    <Th>Length</Th>
                    <Th>Rating</Th>
                  </Tr>
                </THead>
                <TBody>
                  {sessions.slice(0, 20).map((s) => (
                    <Tr key={s.id}>
                      <Td className="whitespace-nowrap">
                        <Link to={`/quality/sessions/${s.id}`} className={LINK}>
                          {formatDateTime(s.session_start_time)}
                        </Link>
                      </Td>
                      <Td>{s.student_name ?? s.student_id}</Td>
                      <Td className="whitespace-nowrap">
                        {s.tutor_join_time ? formatDateTime(s.tutor_join_time) : 'Never'}
                      </Td>
                      <Td>
                        {s.session_length_actual ?? '—'} / {s.session_length_scheduled ?? '—'} min
                      </Td>
                      <Td>{s.student_feedback ? `${s.student_feedback.rating}/5` : '—'}</Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          {flag.resolution_notes && (
            <Card aria-labelledby="resolution-title">
              <CardHeader titleId="resolution-title" title="Resolution" />
              <CardBody className="space-y-1 text-sm text-slate-700">
                <p>{flag.resolution_notes}</p>
                {flag.coach_agreed !== null && (
                  <p className="text-xs text-slate-500">
                    {flag.coach_agreed ? 'Coach agreed it was a real issue' : 'Coach judged it a false alarm'}
                  </p>
                )}
              </CardBody>
            </Card>
          )}
          <Card aria-labelledby="interventions-title">
            <CardHeader titleId="interventions-title" title="Interventions" />
            <CardBody>
              <InterventionsList interventions={interventions} />
            </CardBody>
          </Card>
          <Card aria-labelledby="history-title">
            <CardHeader titleId="history-title" title="History" />
            <CardBody>
              <FlagHistory events={history} />
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
