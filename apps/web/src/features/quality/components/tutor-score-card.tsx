import type { TTutorDetail } from '@tutorpulse/contracts/quality-tutors';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { cn } from '@/lib/cn';
import { DirectionBadge, formatPercent, RiskBadge, scoreTone } from './tutor-badges';

const PARTS = [
  { key: 'attendance', label: 'Attendance' },
  { key: 'ratings', label: 'Ratings' },
  { key: 'completion', label: 'Completion' },
  { key: 'reliability', label: 'Reliability' },
] as const;

export function TutorScoreCard({ detail }: { detail: TTutorDetail }) {
  const score = detail.current_score;
  return (
    <Card aria-labelledby="score-title">
      <CardHeader
        titleId="score-title"
        title="Score (30 days)"
        actions={score && <RiskBadge isHighRisk={score.is_high_risk} />}
      />
      {!score || score.overall_score === null ? (
        <EmptyState title="Not scored yet" description="The tutor has no sessions in the last 30 days." />
      ) : (
        <CardBody className="space-y-4">
          <div className="flex flex-wrap items-end gap-x-6 gap-y-2">
            <p>
              <span className={cn('text-4xl font-semibold tabular-nums', scoreTone(score.overall_score))}>
                {score.overall_score}
              </span>
              <span className="text-sm text-slate-500"> / 100</span>
            </p>
            <dl className="flex flex-wrap gap-x-5 gap-y-1 text-sm">
              <div>
                <dt className="text-slate-500">Confidence</dt>
                <dd className="font-medium text-slate-900">{formatPercent(score.confidence)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Sessions</dt>
                <dd className="font-medium text-slate-900">{score.total_sessions}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Rating trend</dt>
                <dd>
                  <DirectionBadge direction={score.rating_trend} />
                </dd>
              </div>
            </dl>
          </div>
          {score.breakdown && (
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Score breakdown">
              {PARTS.map((part) => {
                const value = score.breakdown![part.key];
                return (
                  <div key={part.key}>
                    <dt className="text-xs font-medium text-slate-600">{part.label}</dt>
                    <dd className={cn('text-lg font-semibold tabular-nums', scoreTone(value))}>{value}</dd>
                    <div aria-hidden="true" className="h-1.5 rounded bg-slate-100">
                      <div
                        className={cn(
                          'h-1.5 rounded',
                          value < 60 ? 'bg-red-500' : value < 75 ? 'bg-amber-500' : 'bg-emerald-500',
                        )}
                        style={{ width: `${value}%` }}
                      />
                    </div>
                  </div>
                );
              })}
            </dl>
          )}
        </CardBody>
      )}
    </Card>
  );
}
