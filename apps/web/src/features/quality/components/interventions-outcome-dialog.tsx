import { INTERVENTION_OUTCOMES } from '@tutorpulse/contracts/quality-values';
import type { TInterventionListItem, TUpdateInterventionRequest } from '@tutorpulse/contracts/quality-flags';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { describeError } from '@/components/ui/error-state';
import { Select } from '@/components/ui/field';
import { useUpdateIntervention } from '../api/update-intervention';
import { humanize } from './flag-badges';

type Outcome = TInterventionListItem['outcome'];

/** Record the outcome of an intervention, and optionally close it (closing needs an outcome other than pending). */
export function InterventionsOutcomeDialog({
  intervention,
  onClose,
}: {
  intervention: TInterventionListItem;
  onClose: () => void;
}) {
  const suggested = intervention.suggested_outcome;
  const [outcome, setOutcome] = useState<Outcome>(
    intervention.outcome !== 'pending' ? intervention.outcome : (suggested ?? 'pending'),
  );
  const [notes, setNotes] = useState(intervention.outcome_notes ?? '');
  const [close, setClose] = useState(false);
  const update = useUpdateIntervention({ onSuccess: onClose });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const changes: TUpdateInterventionRequest = {
      outcome,
      outcome_notes: notes.trim() || null,
      expected_updated_at: intervention.updated_at,
    };
    if (close) changes.closed = true;
    update.mutate({ id: intervention.id, changes });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Outcome for ${intervention.tutor_name ?? intervention.tutor_id}`}
      description={`${humanize(intervention.intervention_type)}: ${intervention.description}`}
      isDismissable={!update.isPending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="intervention-outcome-form" isLoading={update.isPending}>
            Save outcome
          </Button>
        </>
      }
    >
      <form id="intervention-outcome-form" onSubmit={onSubmit} className="space-y-4">
        {update.isError && <Alert tone="danger">{describeError(update.error)}</Alert>}
        <Select
          label="Outcome"
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as Outcome)}
          options={INTERVENTION_OUTCOMES.map((o) => ({ value: o, label: humanize(o) }))}
          hint={suggested ? `The metrics suggest: ${humanize(suggested)}` : undefined}
          disabled={update.isPending}
        />
        <div>
          <label htmlFor="outcome-notes" className="mb-1 block text-sm font-medium text-slate-800">
            Notes
          </label>
          <textarea
            id="outcome-notes"
            rows={3}
            maxLength={5000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            className="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
            disabled={update.isPending}
          />
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input
            type="checkbox"
            checked={close}
            onChange={(e) => setClose(e.target.checked)}
            disabled={update.isPending || outcome === 'pending'}
          />
          Close this intervention
        </label>
      </form>
    </Dialog>
  );
}
