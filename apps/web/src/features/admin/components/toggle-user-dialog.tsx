import type { TUser } from '@tutorpulse/contracts/identity';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useUpdateUser } from '../api/update-user';

/** Disabling ends the user's sessions on the server; enabling lets them sign in again. */
export function ToggleUserDialog({
  user,
  onClose,
  onChanged,
}: {
  user: TUser;
  onClose: () => void;
  onChanged: (user: TUser) => void;
}) {
  const disabling = !user.disabled;
  const update = useUpdateUser({
    onSuccess: (updated) => {
      onChanged(updated);
      onClose();
    },
  });
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      onConfirm={() => update.mutate({ id: user.id, changes: { disabled: disabling } })}
      title={disabling ? `Disable ${user.name}?` : `Enable ${user.name}?`}
      confirmLabel={disabling ? 'Disable user' : 'Enable user'}
      tone={disabling ? 'danger' : 'primary'}
      isPending={update.isPending}
      error={update.isError ? update.error : undefined}
    >
      <p>
        {disabling
          ? `${user.email} will be signed out everywhere and cannot sign in until enabled again.`
          : `${user.email} will be able to sign in again with their existing password.`}
      </p>
    </ConfirmDialog>
  );
}
