import type { TFlag } from '@tutorpulse/contracts/quality';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { describeError } from '@/components/ui/error-state';
import { useUpdateFlag } from '../api/update-flag';
import { FlagDismissDialog } from './flag-dismiss-dialog';
import { isFlagOpen } from './flag-badges';
import { ResolveFlagDialog } from './resolve-flag-dialog';

/** Take / resolve / dismiss for one flag. Render only for roles that may act (see canActOnFlags). */
export function FlagActions({ flag, size = 'sm' }: { flag: TFlag; size?: 'sm' | 'md' }) {
  const [dialog, setDialog] = useState<'resolve' | 'dismiss' | null>(null);
  const update = useUpdateFlag();
  const label = flag.tutor_name ? `${flag.title} (${flag.tutor_name})` : flag.title;

  if (!isFlagOpen(flag))
    return (
      <Button
        size={size}
        variant="secondary"
        isLoading={update.isPending}
        onClick={() => update.mutate({ id: flag.id, changes: { status: 'open' } })}
        aria-label={`Re-open ${label}`}
      >
        Re-open
      </Button>
    );

  return (
    <div className={size === 'sm' ? 'flex items-center gap-2' : 'flex flex-wrap items-center gap-2'}>
      {flag.status === 'open' && (
        <Button
          size={size}
          variant="secondary"
          isLoading={update.isPending}
          onClick={() =>
            update.mutate({
              id: flag.id,
              changes: { status: 'in_progress', expected_updated_at: flag.updated_at },
            })
          }
          aria-label={`Take ${label}`}
        >
          Take
        </Button>
      )}
      <Button size={size} onClick={() => setDialog('resolve')} aria-label={`Resolve ${label}`}>
        Resolve
      </Button>
      <Button
        size={size}
        variant="ghost"
        onClick={() => setDialog('dismiss')}
        aria-label={`Dismiss ${label}`}
      >
        Dismiss
      </Button>
      {update.isError && (
        <span role="alert" className="text-xs text-red-700">
          {describeError(update.error)}
        </span>
      )}
      {dialog === 'resolve' && <ResolveFlagDialog flag={flag} onClose={() => setDialog(null)} />}
      {dialog === 'dismiss' && <FlagDismissDialog flag={flag} onClose={() => setDialog(null)} />}
    </div>
  );
}
