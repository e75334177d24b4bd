import { Link, useParams } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { formatDateTime } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useSession } from '../api/get-session';
import { FlagStatusBadge, humanize, SeverityBadge } from '../components/flag-badges';
import { SessionAnalysis } from '../components/session-analysis';
import { SessionTimeline } from '../components/session-timeline';

const LINK = 'font-medium text-indigo-700 hover:underline';

function Feedback({
  who,
  feedback,
}: {
  who: string;
  feedback: { rating: number; description: string | null } | null;
}) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{who}</dt>
      <dd className="text-sm text-slate-800">
        {feedback ? (
          <>
            <span className="font-semibold">{feedback.rating}/5</span>
            {feedback.description && <span className="block text-slate-600">“{feedback.description}”</span>}
          </>
        ) : (
          'No rating'
        )}
      </dd>
    </div>
  );
}

export function SessionDetailPage() {
  const { id = '' } = useParams();
  const query = useSession(id);
  useDocumentTitle('Session');

  if (query.isPending)
    return (
      <div role="status" aria-busy="true" className="space-y-4">
        <span className="sr-only">Loading session…</span>
        <Skeleton className="h-8 w-1/3" />
        <Skeleton className="h-32 w-full" />
        <Skeleton className="h-60 w-full" />
      </div>
    );
  if (query.isError)
    return (
      <Card>
        <ErrorState
          title="Couldn't load this session"
          error={query.error}
          onRetry={() => void query.refetch()}
          isRetrying={query.isFetching}
        />
      </Card>
    );

  const { session, findings, flags, analysis, reschedule } = query.data;
  return (
    <>
      <PageHeader
        title={`Session with ${session.student_name ?? session.student_id}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span>
              Tutor {session.tutor_name ?? session.tutor_id} · {formatDateTime(session.session_start_time)}
            </span>
            {session.is_first_session && <Badge tone="info">First session</Badge>}
            <Badge>{humanize(session.processing_status)}</Badge>
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card aria-labelledby="timeline-title">
            <CardHeader
              titleId="timeline-title"
              title="Timeline"
              description={`Scheduled ${session.session_length_scheduled ?? '—'} min, actual ${session.session_length_actual ?? '—'} min`}
            />
            <CardBody>
              <SessionTimeline session={session} />
            </CardBody>
          </Card>
          <Card aria-labelledby="analysis-title">
            <CardHeader titleId="analysis-title" title="Analysis" />
            <CardBody>
              {analysis ? (
                <SessionAnalysis analysis={analysis} />
              ) : (
                <p className="text-sm text-slate-500">
                  Not analysed: no transcript or summary, or the analysis has not run yet.
                </p>
              )}
            </CardBody>
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          <Card aria-labelledby="feedback-title">
            <CardHeader titleId="feedback-title" title="Ratings and feedback" />
            <CardBody>
              <dl className="space-y-3">
                <Feedback who="Student" feedback={session.student_feedback} />
                <Feedback who="Tutor" feedback={session.tutor_feedback} />
              </dl>
            </CardBody>
          </Card>
          <Card aria-labelledby="reschedule-title">
            <CardHeader titleId="reschedule-title" title="Reschedule" />
            <CardBody className="text-sm text-slate-700">
              {reschedule ? (
                <dl className="space-y-1">
                  <div>
                    <dt className="inline text-slate-500">By: </dt>
                    <dd className="inline">{humanize(reschedule.initiator)}</dd>
                  </div>
                  <div>
                    <dt className="inline text-slate-500">From: </dt>
                    <dd className="inline">{formatDateTime(reschedule.original_time)}</dd>
                  </div>
                  <div>
                    <dt className="inline text-slate-500">To: </dt>
                    <dd className="inline">{formatDateTime(reschedule.new_time, 'cancelled')}</dd>
                  </div>
                  {reschedule.hours_before_session !== null && (
                    <div>
                      <dt className="inline text-slate-500">Notice: </dt>
                      <dd className="inline">{reschedule.hours_before_session.toFixed(1)} h</dd>
                    </div>
                  )}
                  {reschedule.reason && (
                    <div>
                      <dt className="inline text-slate-500">Reason: </dt>
                      <dd className="inline">{reschedule.reason}</dd>
                    </div>
                  )}
                </dl>
              ) : (
                <p className="text-slate-500">Not rescheduled.</p>
              )}
            </CardBody>
          </Card>
          <Card aria-labelledby="findings-title">
            <CardHeader titleId="findings-title" title="Findings" />
            <CardBody>
              {findings.length === 0 ? (
                <p className="text-sm text-slate-500">The rules found nothing.</p>
              ) : (
                <ul className="space-y-2">
                  {findings.map((f, i) => (
                    <li key={i} className="flex flex-wrap items-center gap-2 text-sm">
                      <SeverityBadge severity={f.severity} />
                      <span>{humanize(f.type)}</span>
                      {f.minutes !== null && <span className="text-slate-500">{f.minutes} min</span>}
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
          <Card aria-labelledby="session-flags-title">
            <CardHeader titleId="session-flags-title" title="Flags" />
            <CardBody>
              {flags.length === 0 ? (
                <p className="text-sm text-slate-500">No flags from this session.</p>
              ) : (
                <ul className="space-y-2">
                  {flags.map((f) => (
                    <li key={f.id} className="flex flex-wrap items-center gap-2 text-sm">
                      <SeverityBadge severity={f.severity} />
                      <Link to={`/quality/flags/${f.id}`} className={LINK}>
                        {f.title}
                      </Link>
                      <FlagStatusBadge status={f.status} />
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
