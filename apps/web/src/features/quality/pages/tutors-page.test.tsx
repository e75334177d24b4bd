import type { TTutorListItem } from '@tutorpulse/contracts/quality-tutors';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '@/testing/mock-fetch';
import { renderRoutes } from '@/testing/render';
import { TutorsPage } from './tutors-page';

function makeTutor(i: number): TTutorListItem {
  return {
    tutor_id: `tut_${i}`,
    name: `Tutor ${i}`,
    is_active: true,
    main_subject: { id: 'algebra', name: 'Algebra' },
    window_days: 30,
    overall_score: 50 + (i % 50),
    breakdown: { attendance: 90, ratings: 80, completion: 70, reliability: 60 },
    confidence: 0.8,
    total_sessions: 20 + i,
    open_flags: i % 3,
    max_open_severity: i % 3 ? 'high' : null,
    is_high_risk: i % 4 === 0,
    rating_trend: 'stable',
    direction: 'declining',
    percentile_rank: 40,
    peer_group: 'all',
    churn_risk_30d: 0.12,
    churn_risk_90d: 0.3,
    analysis_date: '2025-01-10',
  };
}

function tutorsApi(total = 60) {
  return mockFetch({
    'GET /api/tutors': ({ url }) => {
      const limit = Number(url.searchParams.get('limit'));
      const offset = Number(url.searchParams.get('offset'));
      const count = Math.max(0, Math.min(limit, total - offset));
      return {
        body: {
          data: Array.from({ length: count }, (_, i) => makeTutor(offset + i + 1)),
          total,
          limit,
          offset,
        },
      };
    },
  });
}

const render = (url = '/quality/tutors') =>
  renderRoutes(
    [
      { path: '/quality/tutors', Component: TutorsPage },
      { path: '/quality/tutors/:tutorId', element: <p>tutor detail</p> },
    ],
    { url },
  );
const query = (router: ReturnType<typeof render>['router']) =>
  Object.fromEntries(new URLSearchParams(router.state.location.search));

describe('TutorsPage filters in the URL', () => {
  it('applying filters writes them to the URL, resets the page, and asks the API for them', async () => {
    const { calls } = tutorsApi();
    const { user, router } = render('/quality/tutors?offset=25');
    await screen.findByRole('table', { name: /tutors/i });

    await user.type(screen.getByLabelText('Search'), 'ann');
    await user.type(screen.getByLabelText('Subject'), 'algebra');
    await user.type(screen.getByLabelText('Min score'), '40');
    await user.type(screen.getByLabelText('Max score'), '70');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() =>
      expect(query(router)).toEqual({ search: 'ann', subject: 'algebra', min_score: '40', max_score: '70' }),
    );
    await waitFor(() =>
      expect(Object.fromEntries(calls.at(-1)!.url.searchParams)).toEqual({
        limit: '25',
        offset: '0',
        search: 'ann',
        subject: 'algebra',
        min_score: '40',
        max_score: '70',
      }),
    );
  });

  it('choosing a risk or open-flags option applies it at once', async () => {
    const { calls } = tutorsApi();
    const { user, router } = render();
    await screen.findByRole('table', { name: /tutors/i });

    await user.selectOptions(screen.getByLabelText('Risk'), 'high_risk');
    await waitFor(() => expect(query(router)).toEqual({ risk_status: 'high_risk' }));
    await user.selectOptions(screen.getByLabelText('Open flags'), 'true');
    await waitFor(() => expect(query(router)).toEqual({ risk_status: 'high_risk', has_flags: 'true' }));
    await waitFor(() => expect(calls.at(-1)!.url.searchParams.get('has_flags')).toBe('true'));
  });

  it('sorting by a column header writes sort_by and sort_order, and toggles the order', async () => {
    const { calls } = tutorsApi();
    const { user, router } = render('/quality/tutors?offset=25');
    await screen.findByRole('table', { name: /tutors/i });
    expect(screen.getByRole('columnheader', { name: /score/i })).toHaveAttribute('aria-sort', 'ascending');

    await user.click(screen.getByRole('button', { name: /^sessions/i }));
    await waitFor(() => expect(query(router)).toEqual({ sort_by: 'session_count' }));
    expect(await screen.findByRole('columnheader', { name: /sessions/i })).toHaveAttribute(
      'aria-sort',
      'descending',
    );

    await user.click(screen.getByRole('button', { name: /^sessions/i }));
    await waitFor(() => expect(query(router)).toEqual({ sort_by: 'session_count', sort_order: 'asc' }));
    await waitFor(() => expect(calls.at(-1)!.url.searchParams.get('sort_order')).toBe('asc'));
  });

  it('reads filters from the URL into the form, pages with them kept, and clears them', async () => {
    tutorsApi();
    const { user, router } = render('/quality/tutors?search=ann&risk_status=low_risk&sort_by=name');
    await screen.findByRole('table', { name: /tutors/i });
    expect(screen.getByLabelText('Search')).toHaveValue('ann');
    expect(screen.getByLabelText('Risk')).toHaveValue('low_risk');

    const pager = screen.getByRole('navigation', { name: 'Tutor pages' });
    expect(within(pager).getByText('Showing 1–25 of 60')).toBeInTheDocument();
    await user.click(within(pager).getByRole('link', { name: 'Next' }));
    await waitFor(() =>
      expect(query(router)).toEqual({
        search: 'ann',
        risk_status: 'low_risk',
        sort_by: 'name',
        offset: '25',
      }),
    );
    expect(await within(pager).findByText('Showing 26–50 of 60')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(query(router)).toEqual({ sort_by: 'name' }));
    expect(screen.getByLabelText('Search')).toHaveValue('');
  });

  it('ignores values the API would refuse', async () => {
    const { calls } = tutorsApi();
    render('/quality/tutors?risk_status=bogus&window=12&min_score=500&limit=5000&sort_by=nope');
    await screen.findByRole('table', { name: /tutors/i });
    expect(Object.fromEntries(calls[0]!.url.searchParams)).toEqual({ limit: '100', offset: '0' });
  });

  it('links each tutor to its detail page', async () => {
    tutorsApi(3);
    const { user, router } = render();
    await user.click(await screen.findByRole('link', { name: 'Tutor 2' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/quality/tutors/tut_2'));
  });

  it('shows an empty state with a way out when nothing matches', async () => {
    tutorsApi(0);
    const { user, router } = render('/quality/tutors?search=nobody');
    expect(await screen.findByText('No tutors match these filters')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('shows an error with a retry that works', async () => {
    let fail = true;
    mockFetch({
      'GET /api/tutors': () =>
        fail
          ? { status: 500, body: { error: 'Internal error', code: 'INTERNAL' } }
          : { body: { data: [makeTutor(1)], total: 1, limit: 25, offset: 0 } },
    });
    const { user } = render();
    expect(await screen.findByText("Couldn't load the tutors")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: /tutors/i })).toBeInTheDocument();
  });
});
