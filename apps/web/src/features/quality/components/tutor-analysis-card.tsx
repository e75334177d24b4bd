import type { TTutorAnalytics } from '@tutorpulse/contracts/quality-analytics';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { cn } from '@/lib/cn';
import { formatPercentileRank } from '@/lib/format';
import { DirectionBadge, formatFlagType, formatPercent } from './tutor-badges';

/** Tier 3's nightly analysis: direction, peer percentile, churn risk and what drives it. */
export function TutorAnalysisCard({ analytics }: { analytics: TTutorAnalytics | null }) {
  return (
    <Card aria-labelledby="analysis-title">
      <CardHeader
        titleId="analysis-title"
        title="Nightly analysis"
        description={analytics ? `As of ${analytics.analysis_date}` : undefined}
      />
      {!analytics ? (
        <EmptyState
          title="No analysis yet"
          description="The nightly analysis has not covered this tutor yet."
        />
      ) : (
        <CardBody className="space-y-4">
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <div>
              <dt className="text-slate-500">Direction</dt>
              <dd className="mt-0.5">
                <DirectionBadge direction={analytics.direction} />
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Peer percentile</dt>
              <dd className="font-semibold text-slate-900">
                {formatPercentileRank(analytics.percentile_rank)}
                <span className="font-normal text-slate-500">
                  {' '}
                  of {analytics.peer_group_size} (
                  {analytics.peer_group === 'all' ? 'all tutors' : analytics.peer_group})
                </span>
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Churn risk, 30 days</dt>
              <dd
                className={cn(
                  'font-semibold',
                  analytics.churn_risk_30d >= 0.5 ? 'text-red-700' : 'text-slate-900',
                )}
              >
                {formatPercent(analytics.churn_risk_30d)}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Churn risk, 90 days</dt>
              <dd className="font-semibold text-slate-900">{formatPercent(analytics.churn_risk_90d)}</dd>
            </div>
          </dl>
          {analytics.churn_factors.some((f) => f.contribution !== 0) && (
            <div>
              <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Churn drivers</h3>
              <ul className="mt-1 space-y-1 text-sm">
                {analytics.churn_factors
                  .filter((f) => f.contribution !== 0)
                  .slice(0, 4)
                  .map((f) => (
                    <li key={f.factor} className="flex justify-between gap-3">
                      <span className="text-slate-700">{formatFlagType(f.factor)}</span>
                      <span className="text-slate-500 tabular-nums">
                        {f.contribution > 0 ? '+' : ''}
                        {f.contribution.toFixed(2)}
                      </span>
                    </li>
                  ))}
              </ul>
            </div>
          )}
        </CardBody>
      )}
    </Card>
  );
}
