import { Link, useParams } from 'react-router';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { isApiError } from '@/lib/api-client';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useTutor } from '../api/get-tutor';
import { TutorAnalysisCard } from '../components/tutor-analysis-card';
import { TutorFlagsList } from '../components/tutor-flags-list';
import { TutorInterventionsList } from '../components/tutor-interventions-list';
import { TutorMovesCard } from '../components/tutor-moves-card';
import { TutorReschedules } from '../components/tutor-reschedules';
import { TutorScoreCard } from '../components/tutor-score-card';
import { TutorSessionsTable } from '../components/tutor-sessions-table';
import { TutorTimelineChart } from '../components/tutor-timeline-chart';
import { TutorWindowsTable } from '../components/tutor-windows-table';

export function TutorDetailPage() {
  const { tutorId = '' } = useParams();
  const tutor = useTutor(tutorId);
  useDocumentTitle(tutor.data ? tutor.data.tutor.name : 'Tutor');

  const back = (
    <Link to="/quality/tutors" className="text-sm font-medium text-indigo-700 hover:underline">
      ← All tutors
    </Link>
  );

  if (tutor.isPending)
    return (
      <div role="status" aria-busy="true" className="space-y-4">
        <span className="sr-only">Loading tutor…</span>
        <Skeleton className="h-8 w-64" />
        <div className="grid gap-4 lg:grid-cols-2">
          <Skeleton className="h-48" />
          <Skeleton className="h-48" />
        </div>
        <Skeleton className="h-72" />
      </div>
    );

  if (tutor.isError && !tutor.data)
    return (
      <>
        <div className="mb-4">{back}</div>
        <Card>
          <ErrorState
            title={
              isApiError(tutor.error) && tutor.error.status === 404
                ? 'No such tutor'
                : "Couldn't load this tutor"
            }
            error={tutor.error}
            onRetry={
              isApiError(tutor.error) && tutor.error.status === 404 ? undefined : () => void tutor.refetch()
            }
            isRetrying={tutor.isFetching}
          />
        </Card>
      </>
    );

  const { tutor: profile } = tutor.data;
  return (
    <>
      <div className="mb-2">{back}</div>
      <PageHeader
        title={profile.name}
        description={[
          profile.tutor_id,
          profile.main_subject?.name,
          profile.subjects.length > 1 ? `${profile.subjects.length} subjects` : null,
          profile.is_active ? null : 'inactive',
        ]
          .filter(Boolean)
          .join(' · ')}
      />
      <div className="space-y-4" aria-busy={tutor.isFetching}>
        <div className="grid gap-4 lg:grid-cols-2">
          <TutorScoreCard detail={tutor.data} />
          <TutorAnalysisCard analytics={tutor.data.analytics} />
        </div>
        <TutorTimelineChart history={tutor.data.performance_history} />
        <TutorMovesCard tutorId={profile.tutor_id} />
        <div className="grid gap-4 lg:grid-cols-2">
          <TutorWindowsTable windows={tutor.data.windows} />
          <div className="space-y-4">
            <TutorFlagsList title="Open flags" flags={tutor.data.active_flags} emptyTitle="No open flags" />
            <TutorFlagsList
              title="Past flags"
              flags={tutor.data.past_flags}
              emptyTitle="No closed flags yet"
            />
          </div>
        </div>
        <TutorInterventionsList interventions={tutor.data.interventions} />
        <div className="grid gap-4 2xl:grid-cols-2">
          <TutorSessionsTable tutorId={profile.tutor_id} />
          <TutorReschedules tutorId={profile.tutor_id} />
        </div>
      </div>
    </>
  );
}
