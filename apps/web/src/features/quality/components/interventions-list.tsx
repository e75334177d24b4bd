import type { TIntervention } from '@tutorpulse/contracts/quality';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { formatDateTime } from '@/lib/format';
import { humanize } from './flag-badges';

export const OUTCOME_TONES: Record<TIntervention['outcome'], BadgeTone> = {
  improved: 'success',
  no_change: 'neutral',
  worsened: 'danger',
  pending: 'info',
};

export function OutcomeBadge({ outcome }: { outcome: TIntervention['outcome'] }) {
  return <Badge tone={OUTCOME_TONES[outcome]}>{humanize(outcome)}</Badge>;
}

/** A compact list of interventions (flag detail). */
export function InterventionsList({ interventions }: { interventions: TIntervention[] }) {
  if (interventions.length === 0) return <p className="text-sm text-slate-500">No interventions recorded.</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {interventions.map((i) => (
        <li key={i.id} className="py-2">
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-sm font-medium text-slate-900">{humanize(i.intervention_type)}</span>
            <OutcomeBadge outcome={i.outcome} />
            {i.closed_at && <Badge>Closed</Badge>}
          </div>
          <p className="text-sm text-slate-700">{i.description}</p>
          <p className="text-xs text-slate-500">
            {formatDateTime(i.intervention_date)}
            {i.coach_label && ` · ${i.coach_label}`}
            {i.follow_up_date && ` · follow up ${formatDateTime(i.follow_up_date)}`}
          </p>
        </li>
      ))}
    </ul>
  );
}
