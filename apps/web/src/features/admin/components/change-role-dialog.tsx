import type { TRole, TUser } from '@tutorpulse/contracts/identity';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { describeError } from '@/components/ui/error-state';
import { Select } from '@/components/ui/field';
import { useUpdateUser } from '../api/update-user';
import { ROLE_OPTIONS } from './role-options';

/** Mounted only while open (keyed by user), so the role starts at the user's current one each time. */
export function ChangeRoleDialog({
  user,
  onClose,
  onChanged,
}: {
  user: TUser;
  onClose: () => void;
  onChanged: (user: TUser) => void;
}) {
  const [role, setRole] = useState<TRole>(user.role);
  const update = useUpdateUser({
    onSuccess: (updated) => {
      onChanged(updated);
      onClose();
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (role === user.role) return onClose();
    update.mutate({ id: user.id, changes: { role } });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Change role of ${user.name}`}
      description="The new role applies from the user's next request."
      size="sm"
      isDismissable={!update.isPending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="change-role-form" isLoading={update.isPending}>
            Save role
          </Button>
        </>
      }
    >
      <form id="change-role-form" onSubmit={onSubmit} className="space-y-4">
        {update.isError && <Alert tone="danger">{describeError(update.error)}</Alert>}
        <Select
          label="Role"
          value={role}
          onChange={(e) => setRole(e.target.value as TRole)}
          options={ROLE_OPTIONS}
          disabled={update.isPending}
        />
      </form>
    </Dialog>
  );
}
