import type { TInterventionListItem } from '@tutorpulse/contracts/quality-flags';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDateTime } from '@/lib/format';
import { formatFlagType, OutcomeBadge } from './tutor-badges';

function formatMetric(metric: string, value: number | null): string {
  if (value === null) return '—';
  return /rate/.test(metric) ? `${(value * 100).toFixed(1)}%` : value.toFixed(2).replace(/\.00$/, '');
}

export function TutorInterventionsList({ interventions }: { interventions: TInterventionListItem[] }) {
  return (
    <Card aria-labelledby="interventions-title">
      <CardHeader
        titleId="interventions-title"
        title="Interventions"
        description="Newest first, with the 30 days before and after each"
      />
      {interventions.length === 0 ? (
        <EmptyState
          title="No interventions yet"
          description="Resolving a flag with an intervention records one here."
        />
      ) : (
        <ul className="divide-y divide-slate-100">
          {interventions.map((item) => (
            <li key={item.id} className="px-4 py-3 sm:px-5">
              <div className="flex flex-wrap items-center gap-2">
                <span className="text-sm font-semibold text-slate-900">
                  {formatFlagType(item.intervention_type)}
                </span>
                <OutcomeBadge outcome={item.outcome} />
                {item.suggested_outcome && item.suggested_outcome !== item.outcome && (
                  <span className="text-xs text-slate-500">
                    suggested: {formatFlagType(item.suggested_outcome)}
                  </span>
                )}
              </div>
              <p className="mt-1 text-sm text-slate-600">
                {formatDateTime(item.intervention_date)}
                {item.coach_label && ` · ${item.coach_label}`}
                {item.flag_type && ` · for ${formatFlagType(item.flag_type)}`}
              </p>
              <p className="mt-1 text-sm text-slate-800">{item.description}</p>
              {item.outcome_notes && (
                <p className="mt-1 text-sm text-slate-600 italic">{item.outcome_notes}</p>
              )}
              {item.suggestion_basis && item.suggestion_basis.comparisons.length > 0 && (
                <div className="mt-2 overflow-x-auto">
                  <table className="text-left text-xs">
                    <caption className="sr-only">Metrics 30 days before and after this intervention</caption>
                    <thead>
                      <tr className="text-slate-500">
                        <th scope="col" className="pr-4 font-medium">
                          Metric
                        </th>
                        <th scope="col" className="pr-4 text-right font-medium">
                          Before
                        </th>
                        <th scope="col" className="pr-4 text-right font-medium">
                          After{item.after_complete === false && ' (so far)'}
                        </th>
                        <th scope="col" className="font-medium">
                          Verdict
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {item.suggestion_basis.comparisons.map((c) => (
                        <tr key={c.metric}>
                          <th scope="row" className="pr-4 font-normal text-slate-700">
                            {formatFlagType(c.metric)}
                          </th>
                          <td className="pr-4 text-right tabular-nums">{formatMetric(c.metric, c.before)}</td>
                          <td className="pr-4 text-right tabular-nums">{formatMetric(c.metric, c.after)}</td>
                          <td
                            className={
                              c.verdict === 'better'
                                ? 'text-emerald-700'
                                : c.verdict === 'worse'
                                  ? 'text-red-700'
                                  : 'text-slate-500'
                            }
                          >
                            {formatFlagType(c.verdict)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
