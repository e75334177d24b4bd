import { lazy, Suspense } from 'react';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { useTutorMoves } from '../api/get-tutor-moves';

// Recharts loads with this card only, after the rest of the page.
const ChartLine = lazy(() => import('@/components/ui/chart-line'));

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** The tutor's move trend: per week, the share of their turns that guide (focus + probing) and that tell. */
export function TutorMovesCard({ tutorId }: { tutorId: string }) {
  const moves = useTutorMoves(tutorId, 12);
  const overall = moves.data?.overall;
  return (
    <Card aria-labelledby="moves-trend-title" aria-busy={moves.isFetching}>
      <CardHeader
        titleId="moves-trend-title"
        title="Tutor moves"
        description={
          overall && overall.sessions > 0
            ? `Last 12 weeks, ${overall.sessions} analysed sessions: guiding ${pct(overall.guiding_share)}%, telling ${pct(overall.telling_share)}% of turns`
            : 'Share of guiding and telling turns per week, from analysed transcripts'
        }
      />
      {moves.isPending ? (
        <CardBody>
          <Skeleton className="h-52 w-full" />
        </CardBody>
      ) : moves.isError ? (
        <ErrorState
          title="Couldn't load the tutor moves"
          error={moves.error}
          onRetry={() => void moves.refetch()}
          isRetrying={moves.isFetching}
        />
      ) : moves.data.overall.sessions === 0 ? (
        <EmptyState
          title="No analysed transcripts in the last 12 weeks"
          description="Moves come from tier 2's analysis of session transcripts."
        />
      ) : (
        <CardBody>
          <Suspense fallback={<Skeleton className="h-52 w-full" />}>
            <ChartLine
              title="Weekly share of guiding (focus and probing) and telling turns, percent, last 12 weeks"
              xKey="week"
              unit="%"
              height={210}
              data={moves.data.series.map((w) => ({
                week: w.week_start,
                guiding: pct(w.guiding_share),
                telling: pct(w.telling_share),
              }))}
              series={[
                { key: 'guiding', label: 'Guiding %', color: '#4f46e5' },
                { key: 'telling', label: 'Telling %', color: '#d97706' },
              ]}
            />
          </Suspense>
        </CardBody>
      )}
    </Card>
  );
}
