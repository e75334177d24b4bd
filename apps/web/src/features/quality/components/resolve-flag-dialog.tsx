import type { TFlag } from '@tutorpulse/contracts/quality';
import type { TResolveFlagRequest } from '@tutorpulse/contracts/quality-flags';
import { INTERVENTION_TYPES } from '@tutorpulse/contracts/quality-values';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { describeError } from '@/components/ui/error-state';
import { Input, Select } from '@/components/ui/field';
import { useResolveFlag } from '../api/resolve-flag';
import { humanize } from './flag-badges';

const INTERVENTION_OPTIONS = [
  { value: '', label: 'No intervention' },
  ...INTERVENTION_TYPES.map((t) => ({ value: t, label: humanize(t) })),
];

const TEXTAREA =
  'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-invalid:ring-red-500';

/** Mounted only while open, so every opening starts from an empty form. */
export function ResolveFlagDialog({
  flag,
  onClose,
  onResolved,
}: {
  flag: TFlag;
  onClose: () => void;
  onResolved?: () => void;
}) {
  const [notes, setNotes] = useState('');
  const [agreed, setAgreed] = useState<'yes' | 'no'>('yes');
  const [type, setType] = useState('');
  const [description, setDescription] = useState('');
  const [followUp, setFollowUp] = useState('');
  const [notesError, setNotesError] = useState<string | null>(null);
  const resolve = useResolveFlag({
    onSuccess: () => {
      onResolved?.();
      onClose();
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!notes.trim()) {
      setNotesError('Say how this was resolved.');
      return;
    }
    setNotesError(null);
    const body: TResolveFlagRequest = {
      resolution_notes: notes.trim(),
      coach_agreed: agreed === 'yes',
      expected_updated_at: flag.updated_at,
    };
    if (type) {
      body.intervention_type = type as TResolveFlagRequest['intervention_type'];
      if (description.trim()) body.intervention_description = description.trim();
      // A date input gives the day; the follow-up is due at that day's start in UTC.
      if (followUp) body.follow_up_date = `${followUp}T09:00:00.000Z`;
    }
    resolve.mutate({ id: flag.id, body });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Resolve: ${flag.title}`}
      description={flag.tutor_name ? `Tutor: ${flag.tutor_name}` : undefined}
      isDismissable={!resolve.isPending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={resolve.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="resolve-flag-form" isLoading={resolve.isPending}>
            Resolve flag
          </Button>
        </>
      }
    >
      <form id="resolve-flag-form" onSubmit={onSubmit} className="space-y-4" noValidate>
        {resolve.isError && <Alert tone="danger">{describeError(resolve.error)}</Alert>}
        <div>
          <label htmlFor="resolve-notes" className="mb-1 block text-sm font-medium text-slate-800">
            Resolution notes
          </label>
          <textarea
            id="resolve-notes"
            data-autofocus
            rows={3}
            maxLength={5000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            aria-invalid={notesError ? true : undefined}
            aria-describedby={notesError ? 'resolve-notes-error' : undefined}
            className={TEXTAREA}
            disabled={resolve.isPending}
          />
          {notesError && (
            <p id="resolve-notes-error" className="mt-1 text-xs font-medium text-red-700">
              {notesError}
            </p>
          )}
        </div>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-800">Was this a real issue?</legend>
          <div className="flex gap-6 text-sm">
            {(['yes', 'no'] as const).map((value) => (
              <label key={value} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="coach_agreed"
                  value={value}
                  checked={agreed === value}
                  onChange={() => setAgreed(value)}
                  disabled={resolve.isPending}
                />
                {value === 'yes' ? 'Yes, coach agreed' : 'No, false alarm'}
              </label>
            ))}
          </div>
        </fieldset>
        <Select
          label="Intervention"
          value={type}
          onChange={(e) => setType(e.target.value)}
          options={INTERVENTION_OPTIONS}
          disabled={resolve.isPending}
        />
        {type && (
          <>
            <div>
              <label htmlFor="resolve-intervention" className="mb-1 block text-sm font-medium text-slate-800">
                Intervention description
              </label>
              <textarea
                id="resolve-intervention"
                rows={2}
                maxLength={5000}
                value={description}
                onChange={(e) => setDescription(e.target.value)}
                className={TEXTAREA}
                placeholder="Defaults to the resolution notes"
                disabled={resolve.isPending}
              />
            </div>
            <Input
              label="Follow-up date"
              type="date"
              value={followUp}
              onChange={(e) => setFollowUp(e.target.value)}
              hint="When to check whether it worked"
              disabled={resolve.isPending}
            />
          </>
        )}
      </form>
    </Dialog>
  );
}
