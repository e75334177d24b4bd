import type { TFlag } from '@tutorpulse/contracts/quality';
import type { TRole } from '@tutorpulse/contracts/identity';
import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meQueryKey } from '@/lib/auth';
import { makeMe } from '@/testing/fixtures';
import { mockFetch } from '@/testing/mock-fetch';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { FlagsPage } from './flags-page';

const flag: TFlag = {
  id: '0b9d2c6e-3f4a-4b5c-8d6e-7f8091a2b3c4',
  tutor_id: 'tut_1',
  tutor_name: 'Ada Tutor',
  session_id: null,
  flag_type: 'chronic_lateness',
  severity: 'high',
  title: 'Often late',
  description: 'Late to 5 of 10 sessions.',
  recommended_action: null,
  supporting_data: { sessions: [], metrics: { late_rate: 0.5 } },
  occurrences: 1,
  status: 'open',
  assigned_to: null,
  first_seen_at: '2025-01-10T09:00:00.000Z',
  last_seen_at: '2025-01-10T09:00:00.000Z',
  resolved_at: null,
  resolved_by: null,
  resolution_notes: null,
  coach_agreed: null,
  auto_resolution: null,
  created_at: '2025-01-10T09:00:00.000Z',
  updated_at: '2025-01-10T09:00:00.000Z',
};

const NEXT_FLAG_ID = '1c9d2c6e-3f4a-4b5c-8d6e-7f8091a2b3c5';

function setup(url: string, role: TRole = 'coach') {
  const { calls } = mockFetch({
    'GET /api/flags': ({ url: u }) => ({
      body: {
        data: [{ ...flag, id: u.searchParams.get('cursor') ? NEXT_FLAG_ID : flag.id }],
        total: 30_000,
        total_is_estimate: !u.searchParams.get('cursor'),
        limit: Number(u.searchParams.get('limit')),
        offset: 0,
        next_cursor: u.searchParams.get('cursor') ? null : 'eyJuZXh0IjoxfQ',
      },
    }),
  });
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(meQueryKey, makeMe(role));
  return { calls, ...renderRoutes([{ path: '/quality/flags', Component: FlagsPage }], { url, queryClient }) };
}

describe('FlagsPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for open and in-progress flags by default, in the API order', async () => {
    const { calls } = setup('/quality/flags');
    await screen.findByRole('table', { name: 'Flags' });
    expect(Object.fromEntries(calls[0]!.url.searchParams)).toEqual({
      limit: '25',
      status: 'open,in_progress',
    });
  });

  it('pages by the API cursor: Next puts next_cursor in the URL, First page drops it', async () => {
    const { calls, user, router } = setup('/quality/flags?severity=high');
    await screen.findByRole('table', { name: 'Flags' });
    expect(screen.getByText('Showing 1 of about 30,000')).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Next' }));
    await waitFor(() =>
      expect(Object.fromEntries(calls.at(-1)!.url.searchParams)).toEqual({
        limit: '25',
        status: 'open,in_progress',
        severity: 'high',
        cursor: 'eyJuZXh0IjoxfQ',
      }),
    );
    expect(await screen.findByText('Showing 1 of 30,000')).toBeInTheDocument();
    expect(screen.getByText('Next').closest('[aria-disabled="true"]')).not.toBeNull();
    await user.click(screen.getByRole('link', { name: 'First page' }));
    await waitFor(() => expect(router.state.location.search).toBe('?severity=high'));
  });

  it('reads filters from the URL and writes new choices back to it, from the first page', async () => {
    const { calls, user, router } = setup('/quality/flags?severity=critical&type=bogus&cursor=abc_-1');
    await screen.findByRole('table', { name: 'Flags' });
    expect(Object.fromEntries(calls[0]!.url.searchParams)).toEqual({
      limit: '25',
      cursor: 'abc_-1',
      status: 'open,in_progress',
      severity: 'critical',
    });

    await user.selectOptions(screen.getByLabelText('Type'), 'tutor_late');
    await waitFor(() =>
      expect(Object.fromEntries(new URLSearchParams(router.state.location.search))).toEqual({
        severity: 'critical',
        type: 'tutor_late',
      }),
    );
    await waitFor(() =>
      expect(Object.fromEntries(calls.at(-1)!.url.searchParams)).toEqual({
        limit: '25',
        status: 'open,in_progress',
        severity: 'critical',
        type: 'tutor_late',
      }),
    );
    await user.selectOptions(screen.getByLabelText('Status'), 'all');
    await waitFor(() => expect(router.state.location.search).toContain('status=all'));
    await waitFor(() => expect(calls.at(-1)!.url.searchParams.has('status')).toBe(false));
  });

  it('shows actions to a coach and none to a viewer', async () => {
    setup('/quality/flags', 'coach');
    expect(await screen.findByRole('button', { name: 'Resolve Often late (Ada Tutor)' })).toBeInTheDocument();
  });

  it('a viewer sees the flags without any action', async () => {
    setup('/quality/flags', 'viewer');
    await screen.findByRole('link', { name: 'Often late' });
    expect(screen.queryByRole('button', { name: /Resolve|Dismiss|Take/ })).not.toBeInTheDocument();
  });
});
