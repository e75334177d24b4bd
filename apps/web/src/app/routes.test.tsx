import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeMe, makeUser } from '@/testing/fixtures';
import { mockFetch } from '@/testing/mock-fetch';
import { createTestQueryClient } from '@/testing/render';
import { AppProvider } from './provider';
import { createRoutes } from './router';

class SilentEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  readyState = 0;
  onopen = null;
  onerror = null;
  addEventListener() {}
  close() {}
}

function renderApp(url: string) {
  const queryClient = createTestQueryClient();
  const router = createMemoryRouter(createRoutes(), { initialEntries: [url] });
  render(
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { router, queryClient, user: userEvent.setup() };
}

const health = {
  status: 'ok',
  version: '0.1.0',
  mode: 'embedded',
  checks: {
    database: { ok: true, kind: 'pglite', latency_ms: 1.2 },
    queue: { ok: true, kind: 'in-process', latency_ms: 0.1 },
  },
  uptime_s: 3725,
};

describe('app routes', () => {
  beforeEach(() => {
    vi.stubGlobal('EventSource', SilentEventSource);
  });

  it('sends a visitor who is not signed in to the login page, remembering where they were going', async () => {
    mockFetch({
      'GET /api/auth/me': { status: 401, body: { error: 'Not signed in', code: 'UNAUTHENTICATED' } },
    });
    const { router } = renderApp('/admin/users?offset=25');
    expect(await screen.findByRole('heading', { name: 'Sign in to Tutorpulse' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/admin/users?offset=25');
  });

  it('shows the signed-in user, their role and real health data on the home page', async () => {
    mockFetch({ 'GET /api/auth/me': { body: makeMe('tutor') }, 'GET /api/health': { body: health } });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Welcome, Demo Tutor' })).toBeInTheDocument();
    const account = screen.getByRole('region', { name: 'Your account' });
    expect(within(account).getByText('tutor@demo.tutorpulse.dev')).toBeInTheDocument();
    const healthCard = screen.getByRole('region', { name: 'System health' });
    expect(await within(healthCard).findByText('pglite · 1.2 ms')).toBeInTheDocument();
    expect(within(healthCard).getByText('Embedded')).toBeInTheDocument();
    expect(within(healthCard).getByText('1h 2m')).toBeInTheDocument();
    // Tutors get no admin areas and no latency chart.
    expect(
      within(screen.getByRole('navigation', { name: 'Main' }))
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Home']);
    expect(screen.queryByText('Check latency during this visit')).not.toBeInTheDocument();
  });

  it('shows an operator the check latency of this visit as sparklines, with the latest value', async () => {
    mockFetch({ 'GET /api/auth/me': { body: makeMe('operator') }, 'GET /api/health': { body: health } });
    renderApp('/');
    const healthCard = await screen.findByRole('region', { name: 'System health' });
    const latency = await within(healthCard).findByRole('img', { name: /^Database check latency/ });
    expect(latency).toHaveAccessibleName('Database check latency, each refresh during this visit: 1.2 ms');
    expect(
      within(healthCard).getByRole('img', { name: /^Job queue check latency.*: 0\.1 ms$/ }),
    ).toBeInTheDocument();
  });

  it('refuses an admin page to a role without it, inside the layout', async () => {
    mockFetch({ 'GET /api/auth/me': { body: makeMe('coach') } });
    renderApp('/admin/api-keys');
    expect(
      await screen.findByRole('heading', { name: "You don't have access to this page" }),
    ).toBeInTheDocument();
  });

  it('when a call answers 401 mid-session, goes to the login page with `next`', async () => {
    mockFetch({
      'GET /api/auth/me': { body: makeMe('admin') },
      'GET /api/users': { status: 401, body: { error: 'Session expired', code: 'UNAUTHENTICATED' } },
    });
    const { router } = renderApp('/admin/users');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/admin/users');
  });

  it('lets an admin change a role, sending the CSRF token', async () => {
    const target = makeUser({
      id: '1c6f6c0e-0d1a-4c55-9a8e-2f1b3c4d5e6f',
      name: 'Casey Coach',
      email: 'casey@example.com',
      role: 'coach',
    });
    const { calls } = mockFetch({
      'GET /api/auth/me': { body: makeMe('admin') },
      'GET /api/users': { body: { data: [makeMe('admin').user, target], total: 2, limit: 25, offset: 0 } },
      [`PATCH /api/users/${target.id}`]: ({ body }) => ({ body: { ...target, ...(body as object) } }),
    });
    const { user } = renderApp('/admin/users');

    await user.click(await screen.findByRole('button', { name: 'Change role of Casey Coach' }));
    const dialog = screen.getByRole('dialog', { name: 'Change role of Casey Coach' });
    await user.selectOptions(within(dialog).getByLabelText('Role'), 'operator');
    await user.click(within(dialog).getByRole('button', { name: 'Save role' }));

    expect(await screen.findByText('Casey Coach is now operator.')).toBeInTheDocument();
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.body).toEqual({ role: 'operator' });
    expect(patch.headers['x-csrf-token']).toBe('csrf-test-token');
    // No action buttons on the admin's own row.
    expect(screen.queryByRole('button', { name: /Change role of Demo Admin/ })).not.toBeInTheDocument();
  });
});
