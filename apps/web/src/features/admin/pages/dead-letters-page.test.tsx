import type { TDeadLetter } from '@tutorpulse/contracts/dead-letters';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '@/testing/mock-fetch';
import { renderRoutes } from '@/testing/render';
import { DeadLettersPage } from './dead-letters-page';

const ID_1 = '0b6f1c52-4d0e-4c1a-9a57-6f1f4f3b2a01';
const ID_2 = '0b6f1c52-4d0e-4c1a-9a57-6f1f4f3b2a02';

function makeDeadLetter(overrides: Partial<TDeadLetter> = {}): TDeadLetter {
  return {
    id: ID_1,
    queue: 'default',
    job_name: 'quality.email',
    job_id: 'report-42',
    error_message: 'SMTP 554: mailbox unavailable',
    attempts: 3,
    failures: 1,
    first_failed_at: '2026-11-20T11:00:00.000Z',
    last_failed_at: '2026-11-20T11:00:00.000Z',
    status: 'open',
    acted_by: null,
    acted_by_label: null,
    acted_at: null,
    ...overrides,
  };
}

const detail = (entry: TDeadLetter) => ({ ...entry, payload: { reportId: 'r' }, error_stack: null });

/** A tiny server: the list answers from `entries` filtered by status; re-run and discard change them. */
function deadLettersApi(entries: TDeadLetter[]) {
  const find = (url: URL) => entries.find((e) => url.pathname.split('/')[4] === e.id)!;
  return mockFetch({
    'GET /api/admin/dead-letters': ({ url }) => {
      const status = url.searchParams.get('status');
      const data = entries.filter((e) => !status || e.status === status);
      return { body: { data, total: data.length, limit: 25, offset: 0 } };
    },
    [`POST /api/admin/dead-letters/${ID_1}/rerun`]: ({ url }) => {
      const entry = find(url);
      entry.status = 'rerun';
      return { body: { dead_letter: detail(entry), requeued: 'retried' } };
    },
    [`POST /api/admin/dead-letters/${ID_2}/rerun`]: () => ({
      status: 409,
      body: { error: 'This dead letter is already discarded', code: 'DEAD_LETTER_NOT_OPEN' },
    }),
    [`POST /api/admin/dead-letters/${ID_2}/discard`]: ({ url }) => {
      const entry = find(url);
      entry.status = 'discarded';
      return { body: detail(entry) };
    },
  });
}

const render = (url = '/admin/failed-jobs') =>
  renderRoutes([{ path: '/admin/failed-jobs', Component: DeadLettersPage }], { url });

describe('DeadLettersPage', () => {
  it('lists open failed jobs with their error, attempts and times', async () => {
    const { calls } = deadLettersApi([
      makeDeadLetter(),
      makeDeadLetter({ id: ID_2, job_name: 'quality.tier2', job_id: 'sess-7', failures: 2, attempts: 3 }),
    ]);
    render();
    const table = await screen.findByRole('table', { name: /failed jobs/i });
    expect(calls[0]!.url.searchParams.get('status')).toBe('open');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByText('quality.email')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('SMTP 554: mailbox unavailable')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('3')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('failed 2 times')).toBeInTheDocument();
    expect(within(rows[1]!).getAllByText(/2026/).length).toBeGreaterThan(0);
  });

  it('re-runs a job: calls the API, says so, and the list refreshes without it', async () => {
    const entries = [makeDeadLetter()];
    const { calls } = deadLettersApi(entries);
    const { user } = render();
    await user.click(await screen.findByRole('button', { name: 'Re-run quality.email report-42' }));
    expect(await screen.findByText(/is back on its queue with fresh attempts/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.url.pathname.endsWith(`${ID_1}/rerun`))).toBe(true);
    expect(await screen.findByText('No failed jobs waiting')).toBeInTheDocument();
  });

  it('shows why a re-run was refused', async () => {
    deadLettersApi([makeDeadLetter({ id: ID_2, job_id: 'sess-9' })]);
    const { user } = render();
    await user.click(await screen.findByRole('button', { name: 'Re-run quality.email sess-9' }));
    expect(await screen.findByText(/already discarded/)).toBeInTheDocument();
  });

  it('discards a job after confirmation', async () => {
    const entries = [makeDeadLetter({ id: ID_2, job_id: 'sess-9' })];
    const { calls } = deadLettersApi(entries);
    const { user } = render();
    await user.click(await screen.findByRole('button', { name: 'Discard quality.email sess-9' }));
    const dialog = await screen.findByRole('dialog');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Discard job' }));
    expect(await screen.findByText('Discarded quality.email sess-9.')).toBeInTheDocument();
    expect(entries[0]!.status).toBe('discarded');
  });

  it('filters by status through the URL, with no actions on closed entries', async () => {
    const { calls } = deadLettersApi([
      makeDeadLetter({
        status: 'discarded',
        acted_by_label: 'ada@x.test',
        acted_at: '2026-11-20T12:00:00.000Z',
      }),
    ]);
    const { user, router } = render();
    expect(await screen.findByText('No failed jobs waiting')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Status'), 'discarded');
    await waitFor(() => expect(router.state.location.search).toBe('?status=discarded'));
    const table = await screen.findByRole('table', { name: /failed jobs/i });
    expect(within(table).getByText('by ada@x.test')).toBeInTheDocument();
    expect(within(table).queryByRole('button')).toBeNull();
    expect(calls.at(-1)!.url.searchParams.get('status')).toBe('discarded');

    await user.selectOptions(screen.getByLabelText('Status'), 'all');
    await waitFor(() => expect(calls.at(-1)!.url.searchParams.get('status')).toBeNull());
  });

  it('shows an error with a retry', async () => {
    mockFetch({
      'GET /api/admin/dead-letters': { status: 500, body: { error: 'Internal error', code: 'INTERNAL' } },
    });
    render();
    expect(await screen.findByText("Couldn't load failed jobs")).toBeInTheDocument();
  });
});
