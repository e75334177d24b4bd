import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { describeError } from '@/components/ui/error-state';
import { Input } from '@/components/ui/field';
import { isApiError } from '@/lib/api-client';
import { useLogin } from '../api/login';

type FieldErrors = { email?: string; password?: string };

function waitText(seconds: number | undefined): string {
  if (!seconds) return 'Try again later.';
  if (seconds < 90) return `Try again in ${seconds} seconds.`;
  return `Try again in about ${Math.ceil(seconds / 60)} minutes.`;
}

function LoginError({ error }: { error: unknown }) {
  if (isApiError(error, 'ACCOUNT_LOCKED')) {
    return (
      <Alert tone="warning" title="Account temporarily locked">
        {error.message} {waitText(error.retryAfterSeconds)}
      </Alert>
    );
  }
  if (isApiError(error, 'RATE_LIMITED')) {
    return (
      <Alert tone="warning" title="Too many sign-in attempts">
        {error.message} {waitText(error.retryAfterSeconds)}
      </Alert>
    );
  }
  if (isApiError(error, 'INVALID_CREDENTIALS') || isApiError(error, 'VALIDATION_FAILED')) {
    return <Alert tone="danger">{error.message}</Alert>;
  }
  return <Alert tone="danger">{describeError(error)}</Alert>;
}

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const login = useLogin({ onSuccess });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    // Only "is anything there": the server validates (ZLoginRequest) and its answer is shown as is. A zod
    // parse here would add the whole contracts chunk to the first screen most visitors see.
    const errors: FieldErrors = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) errors.email = 'Enter your email address, like name@example.com.';
    if (!password) errors.password = 'Enter your password.';
    setFieldErrors(errors);
    if (errors.email || errors.password) return;
    login.mutate({ email, password });
  };

  const isSubmitting = login.isPending;
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-4"
      aria-describedby={login.isError ? 'login-error' : undefined}
    >
      {login.isError && (
        <div id="login-error">
          <LoginError error={login.error} />
        </div>
      )}
      <Input
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        inputMode="email"
        required
        disabled={isSubmitting}
        error={fieldErrors.email}
        autoFocus
      />
      <Input
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        disabled={isSubmitting}
        error={fieldErrors.password}
      />
      <Button type="submit" className="w-full" isLoading={isSubmitting}>
        {isSubmitting ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
