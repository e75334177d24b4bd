import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeAuditEntry } from '@/testing/fixtures';
import { mockFetch } from '@/testing/mock-fetch';
import { renderRoutes } from '@/testing/render';
import { AuditLogPage } from './audit-log-page';

function auditApi(total = 120) {
  return mockFetch({
    'GET /api/audit-log': ({ url }) => {
      const limit = Number(url.searchParams.get('limit'));
      const offset = Number(url.searchParams.get('offset'));
      const outcome = (url.searchParams.get('outcome') ?? 'success') as 'success' | 'failure' | 'denied';
      const action = url.searchParams.get('action') ?? 'auth.login';
      const count = Math.max(0, Math.min(limit, total - offset));
      return {
        body: {
          data: Array.from({ length: count }, (_, i) =>
            makeAuditEntry({ id: offset + i + 1, action, outcome }),
          ),
          total,
          limit,
          offset,
        },
      };
    },
  });
}

const render = (url = '/admin/audit-log') =>
  renderRoutes([{ path: '/admin/audit-log', Component: AuditLogPage }], { url });

describe('AuditLogPage filters', () => {
  it('applying the filters writes them to the URL, resets the page, and asks the API for them', async () => {
    const { calls } = auditApi();
    const { user, router } = render('/admin/audit-log?offset=50');
    await screen.findByRole('table', { name: /audit log entries/i });

    await user.type(screen.getByLabelText('Action'), 'user.update');
    await user.type(screen.getByLabelText('Actor ID'), 'abc-123');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() => expect(router.state.location.search).not.toBe('?offset=50'));
    const params = new URLSearchParams(router.state.location.search);
    expect(Object.fromEntries(params)).toEqual({ action: 'user.update', actor_id: 'abc-123' });
    await waitFor(() => {
      const last = calls.at(-1)!.url.searchParams;
      expect(Object.fromEntries(last)).toEqual({
        limit: '50',
        offset: '0',
        action: 'user.update',
        actor_id: 'abc-123',
      });
    });
  });

  it('choosing an outcome applies it at once', async () => {
    const { calls } = auditApi();
    const { user, router } = render();
    await screen.findByRole('table', { name: /audit log entries/i });

    await user.selectOptions(screen.getByLabelText('Outcome'), 'denied');

    await waitFor(() => expect(router.state.location.search).toBe('?outcome=denied'));
    await waitFor(() => expect(calls.at(-1)!.url.searchParams.get('outcome')).toBe('denied'));
    expect(await screen.findAllByText('Denied')).not.toHaveLength(0);
  });

  it('reads filters from the URL into the form, pages with them kept, and clears them', async () => {
    auditApi();
    const { user, router } = render('/admin/audit-log?action=auth.login&outcome=failure');
    await screen.findByRole('table', { name: /audit log entries/i });
    expect(screen.getByLabelText('Action')).toHaveValue('auth.login');
    expect(screen.getByLabelText('Outcome')).toHaveValue('failure');

    const pager = screen.getByRole('navigation', { name: 'Audit log pages' });
    expect(within(pager).getByText('Showing 1–50 of 120')).toBeInTheDocument();
    await user.click(within(pager).getByRole('link', { name: 'Next' }));
    await waitFor(() =>
      expect(Object.fromEntries(new URLSearchParams(router.state.location.search))).toEqual({
        action: 'auth.login',
        outcome: 'failure',
        offset: '50',
      }),
    );
    expect(await within(pager).findByText('Showing 51–100 of 120')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.getByLabelText('Action')).toHaveValue('');
  });

  it('ignores filter values the API would refuse', async () => {
    const { calls } = auditApi();
    render('/admin/audit-log?outcome=bogus&limit=5000');
    await screen.findByRole('table', { name: /audit log entries/i });
    const query = calls[0]!.url.searchParams;
    expect(query.get('outcome')).toBeNull();
    expect(query.get('limit')).toBe('100');
  });

  it('shows an empty state with a way out when nothing matches', async () => {
    auditApi(0);
    const { user, router } = render('/admin/audit-log?action=nothing.here');
    expect(await screen.findByText('No entries match these filters')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('shows an error with a retry that works', async () => {
    let fail = true;
    mockFetch({
      'GET /api/audit-log': () =>
        fail
          ? { status: 500, body: { error: 'Internal error', code: 'INTERNAL' } }
          : { body: { data: [makeAuditEntry()], total: 1, limit: 50, offset: 0 } },
    });
    const { user } = render();
    expect(await screen.findByText("Couldn't load the audit log")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: /audit log entries/i })).toBeInTheDocument();
  });
});
