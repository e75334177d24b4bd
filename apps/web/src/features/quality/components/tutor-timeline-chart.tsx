import { lazy, Suspense } from 'react';
import type { TScoreHistoryPoint } from '@tutorpulse/contracts/quality';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';

const ChartLine = lazy(() => import('@/components/ui/chart-line'));

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export function TutorTimelineChart({ history }: { history: TScoreHistoryPoint[] }) {
  const data = history.map((p) => ({
    day: p.day,
    score: p.overall_score,
    no_show: pct(p.no_show_rate),
    late: pct(p.late_rate),
    early_end: pct(p.early_end_rate),
    reschedule: pct(p.tutor_reschedule_rate),
  }));
  return (
    <Card aria-labelledby="timeline-title">
      <CardHeader
        titleId="timeline-title"
        title="Performance timeline"
        description="Daily 30-day score (0–100) and rates (%) over the last 90 days"
      />
      {data.length === 0 ? (
        <EmptyState
          title="No history yet"
          description="The daily score history starts with the first scoring."
        />
      ) : (
        <CardBody>
          <Suspense fallback={<Skeleton className="h-60 w-full" />}>
            <ChartLine
              title="Daily 30-day score and rates (percent) over the last 90 days"
              xKey="day"
              data={data}
              height={240}
              series={[
                { key: 'score', label: 'Score', color: '#4f46e5' },
                { key: 'no_show', label: 'No-show %', color: '#dc2626' },
                { key: 'late', label: 'Late %', color: '#d97706' },
                { key: 'early_end', label: 'Ended early %', color: '#0891b2' },
                { key: 'reschedule', label: 'Tutor reschedule %', color: '#9333ea' },
              ]}
            />
          </Suspense>
        </CardBody>
      )}
    </Card>
  );
}
