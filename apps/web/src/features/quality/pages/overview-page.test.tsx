import type { TAnalyticsOverview } from '@tutorpulse/contracts/quality-analytics';
import { screen, within } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { mockFetch } from '@/testing/mock-fetch';
import { renderRoutes } from '@/testing/render';
import { OverviewPage } from './overview-page';

const FLAG_ID = '0b6f8a4e-2f5d-4c1e-9a7b-3c2d1e0f9a8b';

// The page loads its response schema lazily (development check only, kept out of the production bundle):
// load the module once here, so the first test's wait for the numbers does not include compiling zod.
beforeAll(async () => {
  await import('@tutorpulse/contracts/quality-analytics');
});

function makeOverview(overrides: Partial<TAnalyticsOverview> = {}): TAnalyticsOverview {
  return {
    generated_at: '2025-01-10T09:30:00.000Z',
    today: { date: '2025-01-10', sessions_processed: 42, flags_raised: 5, tutors_flagged: 3 },
    trends: {
      avg_score: 81.4,
      avg_score_change: -1.2,
      flag_rate: 2.5,
      flag_rate_change: 0.4,
      sessions_7d: 400,
      flags_7d: 10,
    },
    top_issues: [{ issue: 'tutor_no_show', count: 4 }],
    flags_by_type_daily: [{ day: '2025-01-10', total: 0, by_type: {} }],
    newest_critical_flags: [
      {
        id: FLAG_ID,
        tutor_id: 'tut_1',
        tutor_name: 'Ada Lovelace',
        session_id: 'ses_1',
        flag_type: 'tutor_no_show',
        severity: 'critical',
        title: 'Tutor no-show',
        description: 'The tutor did not join.',
        recommended_action: null,
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
      },
    ],
    ...overrides,
  };
}

const render = () => renderRoutes([{ path: '/quality', Component: OverviewPage }], { url: '/quality' });

describe('OverviewPage', () => {
  it('shows today’s numbers, changes vs last week, top issues and critical flags linking to their detail', async () => {
    const { calls } = mockFetch({ 'GET /api/analytics/overview': { body: makeOverview() } });
    render();
    expect(await screen.findByTestId('stat-Sessions processed today')).toHaveTextContent('42');
    expect(screen.getByTestId('stat-Flags raised today')).toHaveTextContent('5');
    expect(screen.getByText('−1.2 pts vs last week')).toBeInTheDocument();
    const critical = screen.getByRole('list', { name: 'Newest critical flags' });
    expect(within(critical).getByRole('link', { name: /Tutor no-show/ })).toHaveAttribute(
      'href',
      `/quality/flags/${FLAG_ID}`,
    );
    expect(screen.getByText('No flags in the last 14 days')).toBeInTheDocument();
    // One request for the whole page: no waterfall.
    expect(calls.map((c) => c.url.pathname)).toEqual(['/api/analytics/overview']);
  });

  it('draws flags by type per day at first sight, with a text equivalent', async () => {
    mockFetch({
      'GET /api/analytics/overview': {
        body: makeOverview({
          flags_by_type_daily: [
            { day: '2025-01-09', total: 1, by_type: { tutor_late: 1 } },
            { day: '2025-01-10', total: 4, by_type: { tutor_no_show: 3, tutor_late: 1 } },
          ],
        }),
      },
    });
    render();
    const chart = await screen.findByRole('region', { name: 'Flags by type' });
    // No lazy chunk to wait for: the chart is part of the page.
    expect(
      within(chart).getByRole('img', {
        name: 'Flags raised per day by type over the last 14 days: 5 flags in total; the highest is Jan 10 with 4 flags.',
      }),
    ).toBeInTheDocument();
    expect(within(chart).getByRole('img', { name: 'Jan 9: 1 flag (Tutor late 1)' })).toBeInTheDocument();
    expect(within(chart).getByText('Tutor no show', { selector: 'li' })).toBeInTheDocument();
    const table = within(chart).getByRole('table', { name: /Flags raised per day by type/ });
    expect(within(table).getByRole('row', { name: 'Jan 10 1 3 4' })).toBeInTheDocument();
  });

  it('shows empty states when nothing is open', async () => {
    mockFetch({
      'GET /api/analytics/overview': { body: makeOverview({ top_issues: [], newest_critical_flags: [] }) },
    });
    render();
    expect(await screen.findByText('No open critical flags')).toBeInTheDocument();
    expect(screen.getByText('No open flags')).toBeInTheDocument();
  });

  it('shows an error with a retry that works', async () => {
    let fail = true;
    mockFetch({
      'GET /api/analytics/overview': () =>
        fail
          ? { status: 500, body: { error: 'Internal error', code: 'INTERNAL' } }
          : { body: makeOverview() },
    });
    const { user } = render();
    expect(await screen.findByText("Couldn't load the overview")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('stat-Sessions processed today')).toHaveTextContent('42');
  });
});
