import { ZCreateUserRequest, type TRole, type TUser } from '@tutorpulse/contracts/identity';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { describeError } from '@/components/ui/error-state';
import { Input, Select } from '@/components/ui/field';
import { isApiError } from '@/lib/api-client';
import { useCreateUser } from '../api/create-user';
import { fieldErrorsFromDetails, fieldErrorsOf } from './form-errors';
import { ROLE_OPTIONS } from './role-options';

const FRIENDLY: Record<string, string> = {
  name: 'Enter a name.',
  email: 'Enter a valid email address.',
  password: 'Use between 8 and 128 characters.',
  role: 'Choose a role.',
};

export function CreateUserDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (user: TUser) => void;
}) {
  const [role, setRole] = useState<TRole>('viewer');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const createUser = useCreateUser({
    onSuccess: (user) => {
      onCreated(user);
      close();
    },
  });

  function close() {
    setErrors({});
    setRole('viewer');
    createUser.reset();
    onClose();
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const parsed = ZCreateUserRequest.safeParse({
      name: text('name'),
      email: text('email'),
      password: String(form.get('password') ?? ''),
      role,
      tutor_id: role === 'tutor' && text('tutor_id') ? text('tutor_id') : undefined,
      student_id: role === 'student' && text('student_id') ? text('student_id') : undefined,
    });
    if (!parsed.success) {
      const raw = fieldErrorsOf(parsed.error);
      setErrors(
        Object.fromEntries(Object.entries(raw).map(([key, message]) => [key, FRIENDLY[key] ?? message])),
      );
      return;
    }
    setErrors({});
    createUser.mutate(parsed.data);
  };

  const serverFieldErrors = isApiError(createUser.error, 'VALIDATION_FAILED')
    ? fieldErrorsFromDetails(createUser.error.details)
    : {};
  const fieldError = (name: string) => errors[name] ?? serverFieldErrors[name];
  const pending = createUser.isPending;

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create user"
      description="The new user signs in with this email and password."
      isDismissable={!pending}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" form="create-user-form" isLoading={pending}>
            Create user
          </Button>
        </>
      }
    >
      <form id="create-user-form" className="space-y-4" onSubmit={onSubmit} noValidate>
        {createUser.isError && (
          <Alert tone="danger">
            {isApiError(createUser.error, 'CONFLICT')
              ? 'A user with this email already exists.'
              : describeError(createUser.error)}
          </Alert>
        )}
        <Input
          label="Name"
          name="name"
          autoComplete="off"
          required
          disabled={pending}
          error={fieldError('name')}
        />
        <Input
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          disabled={pending}
          error={fieldError('email')}
        />
        <Input
          label="Initial password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          disabled={pending}
          hint="At least 8 characters. Share it with the user through a safe channel."
          error={fieldError('password')}
        />
        <Select
          label="Role"
          name="role"
          value={role}
          onChange={(e) => setRole(e.target.value as TRole)}
          options={ROLE_OPTIONS}
          disabled={pending}
          error={fieldError('role')}
        />
        {role === 'tutor' && (
          <Input
            label="Tutor ID (optional)"
            name="tutor_id"
            hint="Links this login to the tutor's record."
            disabled={pending}
            error={fieldError('tutor_id')}
          />
        )}
        {role === 'student' && (
          <Input
            label="Student ID (optional)"
            name="student_id"
            hint="Links this login to the student's record."
            disabled={pending}
            error={fieldError('student_id')}
          />
        )}
      </form>
    </Dialog>
  );
}
