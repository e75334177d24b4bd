import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeUser } from '@/testing/fixtures';
import { mockFetch } from '@/testing/mock-fetch';
import { renderRoutes } from '@/testing/render';
import { LoginPage } from './login-page';

const notSignedIn = { status: 401, body: { error: 'Not signed in', code: 'UNAUTHENTICATED' } };
const loginOk = {
  body: {
    user: makeUser({ role: 'coach', email: 'coach@demo.tutorpulse.dev' }),
    token: 'jwt',
    token_type: 'Bearer',
    expires_at: '2030-01-01T00:00:00.000Z',
    csrf_token: 'csrf-from-login',
  },
};

function renderLogin(url: string) {
  return renderRoutes(
    [
      { path: '/login', Component: LoginPage },
      { path: '/', element: <h1>Home page</h1> },
      { path: '/admin/audit-log', element: <h1>Audit log page</h1> },
    ],
    { url },
  );
}

async function fillAndSubmit(
  user: ReturnType<typeof renderLogin>['user'],
  email = 'coach@demo.tutorpulse.dev',
  password = 'tutorpulse-demo',
) {
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage', () => {
  it('when the API refuses the credentials, shows its error message and stays on the page', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': notSignedIn,
      'POST /api/auth/login': {
        status: 401,
        body: { error: 'Email or password is incorrect', code: 'INVALID_CREDENTIALS' },
      },
    });
    const { user, router } = renderLogin('/login');

    await fillAndSubmit(user, 'coach@demo.tutorpulse.dev', 'wrong-password');

    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is incorrect');
    expect(router.state.location.pathname).toBe('/login');
    const login = calls.find((c) => c.method === 'POST');
    expect(login?.body).toEqual({ email: 'coach@demo.tutorpulse.dev', password: 'wrong-password' });
  });

  it('after a successful login, goes back to the page in `next` (path and query)', async () => {
    mockFetch({ 'GET /api/auth/me': notSignedIn, 'POST /api/auth/login': loginOk });
    const { user, router } = renderLogin(
      `/login?next=${encodeURIComponent('/admin/audit-log?outcome=denied')}`,
    );
    expect(screen.getByText('Sign in to continue.')).toBeInTheDocument();

    await fillAndSubmit(user);

    expect(await screen.findByRole('heading', { name: 'Audit log page' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/audit-log');
    expect(router.state.location.search).toBe('?outcome=denied');
  });

  it('refuses to redirect to another site through `next`', async () => {
    mockFetch({ 'GET /api/auth/me': notSignedIn, 'POST /api/auth/login': loginOk });
    const { user, router } = renderLogin(`/login?next=${encodeURIComponent('//evil.example/phish')}`);

    await fillAndSubmit(user);

    expect(await screen.findByRole('heading', { name: 'Home page' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
  });

  it('when the account is locked, says so and when to try again', async () => {
    mockFetch({
      'GET /api/auth/me': notSignedIn,
      'POST /api/auth/login': {
        status: 429,
        headers: { 'retry-after': '900' },
        body: { error: 'Too many failed sign-ins for this account.', code: 'ACCOUNT_LOCKED' },
      },
    });
    const { user } = renderLogin('/login');

    await fillAndSubmit(user);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Account temporarily locked');
    expect(alert).toHaveTextContent('Too many failed sign-ins for this account.');
    expect(alert).toHaveTextContent('Try again in about 15 minutes.');
  });

  it('when rate limited, says so', async () => {
    mockFetch({
      'GET /api/auth/me': notSignedIn,
      'POST /api/auth/login': {
        status: 429,
        headers: { 'retry-after': '30' },
        body: { error: 'Slow down.', code: 'RATE_LIMITED' },
      },
    });
    const { user } = renderLogin('/login');
    await fillAndSubmit(user);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many sign-in attempts');
    expect(alert).toHaveTextContent('Try again in 30 seconds.');
  });

  it('disables the form while the request is in flight', async () => {
    let release: (value: { status: number; body: unknown }) => void = () => {};
    mockFetch({
      'GET /api/auth/me': notSignedIn,
      'POST /api/auth/login': () => new Promise((resolve) => (release = resolve)),
    });
    const { user } = renderLogin('/login');

    await fillAndSubmit(user);

    const button = await screen.findByRole('button', { name: /signing in/i });
    expect(button).toBeDisabled();
    expect(screen.getByLabelText('Email')).toBeDisabled();
    expect(screen.getByLabelText('Password')).toBeDisabled();
    release({ status: 401, body: { error: 'Email or password is incorrect', code: 'INVALID_CREDENTIALS' } });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled());
  });

  it('checks that both fields are filled before calling the API', async () => {
    const { calls } = mockFetch({ 'GET /api/auth/me': notSignedIn });
    const { user } = renderLogin('/login');

    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/enter your email address/i);
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password.');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });
});
