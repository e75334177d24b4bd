import type { TFlag } from '@tutorpulse/contracts/quality';
import type { TFlagPage } from '@tutorpulse/contracts/quality-flags';
import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '@/lib/api-client';
import { mockFetch } from '@/testing/mock-fetch';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import type { FlagsParams } from '../api/get-flags';
import { ResolveFlagDialog } from './resolve-flag-dialog';

function makeFlag(overrides: Partial<TFlag> = {}): TFlag {
  return {
    id: '0b9d2c6e-3f4a-4b5c-8d6e-7f8091a2b3c4',
    tutor_id: 'tut_1',
    tutor_name: 'Ada Tutor',
    session_id: 'ses_1',
    flag_type: 'tutor_no_show',
    severity: 'critical',
    title: 'Tutor no-show',
    description: 'The tutor did not join.',
    recommended_action: 'Call the tutor.',
    supporting_data: { sessions: ['ses_1'], metrics: {} },
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
    ...overrides,
  };
}

const LIST_PARAMS: FlagsParams = { limit: 25, status: 'open,in_progress' };
const LIST_KEY = ['flags', 'list', LIST_PARAMS];

function setup(flag: TFlag) {
  const queryClient = createTestQueryClient();
  const page: TFlagPage = {
    data: [flag],
    total: 1,
    total_is_estimate: false,
    limit: 25,
    offset: 0,
    next_cursor: null,
  };
  queryClient.setQueryData(LIST_KEY, page);
  const onClose = vi.fn();
  const rendered = renderRoutes(
    [{ path: '/', element: <ResolveFlagDialog flag={flag} onClose={onClose} /> }],
    { queryClient },
  );
  return { ...rendered, onClose, queryClient };
}

const flagIdsInList = (queryClient: ReturnType<typeof createTestQueryClient>) =>
  queryClient.getQueryData<TFlagPage>(LIST_KEY)?.data.map((f) => f.id);

describe('ResolveFlagDialog', () => {
  beforeEach(() => setCsrfToken('csrf-test-token'));
  afterEach(() => {
    setCsrfToken(null);
    vi.unstubAllGlobals();
  });

  it('is a labelled dialog that asks for notes before sending anything', async () => {
    const { calls } = mockFetch({});
    const flag = makeFlag();
    const { user } = setup(flag);
    const dialog = screen.getByRole('dialog', { name: 'Resolve: Tutor no-show' });
    expect(screen.getByLabelText('Resolution notes')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Resolve flag' }));
    expect(dialog).toHaveTextContent('Say how this was resolved.');
    expect(calls).toHaveLength(0);
  });

  it('submits notes, agreement and the intervention with the CSRF header, and closes', async () => {
    const flag = makeFlag();
    const { calls } = mockFetch({
      [`POST /api/flags/${flag.id}/resolve`]: ({ body }) => ({
        body: {
          flag: {
            ...flag,
            status: 'resolved',
            resolution_notes: (body as { resolution_notes: string }).resolution_notes,
          },
          intervention: null,
        },
      }),
    });
    const { user, onClose, queryClient } = setup(flag);

    await user.type(screen.getByLabelText('Resolution notes'), 'Called the tutor; alarm clock.');
    await user.click(screen.getByLabelText('No, false alarm'));
    await user.selectOptions(screen.getByLabelText('Intervention'), 'coaching_session');
    await user.type(screen.getByLabelText('Intervention description'), '15-minute call on punctuality');
    await user.type(screen.getByLabelText('Follow-up date'), '2025-02-01');
    await user.click(screen.getByRole('button', { name: 'Resolve flag' }));

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const call = calls.find((c) => c.method === 'POST')!;
    expect(call.url.pathname).toBe(`/api/flags/${flag.id}/resolve`);
    expect(call.headers['x-csrf-token']).toBe('csrf-test-token');
    expect(call.body).toEqual({
      resolution_notes: 'Called the tutor; alarm clock.',
      coach_agreed: false,
      intervention_type: 'coaching_session',
      intervention_description: '15-minute call on punctuality',
      follow_up_date: '2025-02-01T09:00:00.000Z',
      expected_updated_at: flag.updated_at,
    });
    // Optimistically gone from the open list.
    expect(flagIdsInList(queryClient)).toEqual([]);
  });

  it('shows the API error and puts the flag back in the list when the server refuses', async () => {
    const flag = makeFlag();
    let answer: (value: { status: number; body: unknown }) => void = () => {};
    mockFetch({
      [`POST /api/flags/${flag.id}/resolve`]: () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    });
    const { user, onClose, queryClient } = setup(flag);

    await user.type(screen.getByLabelText('Resolution notes'), 'Sorted.');
    await user.click(screen.getByRole('button', { name: 'Resolve flag' }));

    // While the request is in flight the flag has already left the open list…
    await waitFor(() => expect(flagIdsInList(queryClient)).toEqual([]));
    answer({
      status: 409,
      body: { error: 'Someone changed this flag; reload and try again', code: 'FLAG_STALE' },
    });

    // …and comes back when the server says no.
    expect(await screen.findByText('Someone changed this flag; reload and try again')).toBeInTheDocument();
    expect(flagIdsInList(queryClient)).toEqual([flag.id]);
    expect(queryClient.getQueryData<TFlagPage>(LIST_KEY)?.total).toBe(1);
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
