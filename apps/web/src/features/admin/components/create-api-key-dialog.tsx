import { ZCreateApiKeyRequest, type TCreateApiKeyResponse, type TRole } from '@tutorpulse/contracts/identity';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Dialog } from '@/components/ui/dialog';
import { describeError } from '@/components/ui/error-state';
import { Input, Select } from '@/components/ui/field';
import { useCreateApiKey } from '../api/create-api-key';
import { fieldErrorsOf } from './form-errors';
import { ROLE_OPTIONS } from './role-options';

function todayIso(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** Step one asks for the name, role and expiry; step two shows the key, once, with a copy button. */
export function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<TCreateApiKeyResponse | null>(null);
  const createKey = useCreateApiKey();

  const close = () => {
    // Forget the secret as soon as the dialog closes.
    setCreated(null);
    setErrors({});
    createKey.reset();
    onClose();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expires = String(form.get('expires') ?? '');
    // The key stops working at the end of the chosen day, in the admin's time zone.
    const expiresAt = expires ? new Date(`${expires}T23:59:59`) : null;
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) {
      setErrors({ expires_at: 'Choose a date in the future, or leave it empty.' });
      return;
    }
    const parsed = ZCreateApiKeyRequest.safeParse({
      name: String(form.get('name') ?? '').trim(),
      role: String(form.get('role') ?? '') as TRole,
      expires_at: expiresAt ? expiresAt.toISOString() : undefined,
    });
    if (!parsed.success) {
      const raw = fieldErrorsOf(parsed.error);
      setErrors({ ...raw, ...(raw.name ? { name: 'Enter a name of at most 100 characters.' } : {}) });
      return;
    }
    setErrors({});
    createKey.mutate(parsed.data, { onSuccess: setCreated });
  };

  if (created) {
    return (
      <Dialog
        open={open}
        onClose={close}
        title="Copy your new API key"
        description="This is the only time the key is shown. Store it in your secret manager now."
        footer={<Button onClick={close}>Done</Button>}
      >
        <div className="space-y-3">
          <Alert tone="warning">
            Once you close this dialog the key cannot be displayed again. If it is lost, revoke it and create
            a new one.
          </Alert>
          <Input
            label={`Key for “${created.name}”`}
            value={created.key}
            readOnly
            className="font-mono text-xs"
            onFocus={(e) => e.currentTarget.select()}
            data-autofocus
          />
          <CopyButton value={created.key} label="Copy key" />
        </div>
      </Dialog>
    );
  }

  const pending = createKey.isPending;
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create API key"
      description="For servers and scripts: the key acts with the role you choose."
      isDismissable={!pending}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" form="create-api-key-form" isLoading={pending}>
            Create key
          </Button>
        </>
      }
    >
      <form id="create-api-key-form" className="space-y-4" onSubmit={onSubmit} noValidate>
        {createKey.isError && <Alert tone="danger">{describeError(createKey.error)}</Alert>}
        <Input
          label="Name"
          name="name"
          placeholder="e.g. Scheduling platform webhook"
          required
          disabled={pending}
          error={errors.name}
          hint="Say who or what uses it."
        />
        <Select
          label="Role"
          name="role"
          defaultValue="operator"
          options={ROLE_OPTIONS}
          disabled={pending}
          error={errors.role}
        />
        <Input
          label="Expires on (optional)"
          name="expires"
          type="date"
          min={todayIso()}
          disabled={pending}
          error={errors.expires_at}
          hint="Leave empty for a key that does not expire."
        />
      </form>
    </Dialog>
  );
}
