import type { TFlag } from '@tutorpulse/contracts/quality';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { describeError } from '@/components/ui/error-state';
import { useDismissFlag } from '../api/dismiss-flag';

export function FlagDismissDialog({ flag, onClose }: { flag: TFlag; onClose: () => void }) {
  const [notes, setNotes] = useState('');
  const dismiss = useDismissFlag({ onSuccess: onClose });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    dismiss.mutate({
      id: flag.id,
      body: { ...(notes.trim() ? { notes: notes.trim() } : {}), expected_updated_at: flag.updated_at },
    });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Dismiss: ${flag.title}`}
      description="Dismissing records that this was not a real issue; it tunes the rules."
      size="sm"
      isDismissable={!dismiss.isPending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={dismiss.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="dismiss-flag-form" variant="danger" isLoading={dismiss.isPending}>
            Dismiss flag
          </Button>
        </>
      }
    >
      <form id="dismiss-flag-form" onSubmit={onSubmit} className="space-y-4">
        {dismiss.isError && <Alert tone="danger">{describeError(dismiss.error)}</Alert>}
        <div>
          <label htmlFor="dismiss-notes" className="mb-1 block text-sm font-medium text-slate-800">
            Why is this not an issue? (optional)
          </label>
          <textarea
            id="dismiss-notes"
            rows={3}
            maxLength={5000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            className="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
            disabled={dismiss.isPending}
          />
        </div>
      </form>
    </Dialog>
  );
}
