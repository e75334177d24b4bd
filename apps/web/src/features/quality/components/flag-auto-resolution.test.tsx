import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FlagAutoResolutionCard } from './flag-auto-resolution';

describe('FlagAutoResolutionCard', () => {
  it('shows the clean window, the counts, the rate and the threshold', () => {
    render(
      <FlagAutoResolutionCard
        evidence={{
          metric: 'tutor_reschedule_rate',
          window_days: 30,
          window_start: '2026-10-21T12:00:00.000Z',
          window_end: '2026-11-20T12:00:00.000Z',
          count: 3,
          total: 60,
          rate: 0.05,
          threshold: 0.15,
          min_total: 20,
          last_confirmed_at: '2026-10-06T12:00:00.000Z',
          decided_at: '2026-11-20T12:00:00.000Z',
        }}
      />,
    );
    const card = screen.getByRole('region', { name: 'Resolved automatically' });
    expect(within(card).getByText('5.0% (3 of 60)')).toBeInTheDocument();
    expect(within(card).getByText('Tutor reschedule rate')).toBeInTheDocument();
    expect(within(card).getByText('15.0% or under, on at least 20')).toBeInTheDocument();
    expect(within(card).getByText(/30 days after the rule last confirmed this flag/)).toBeInTheDocument();
    expect(within(card).getByText(/\(30 days\)$/)).toBeInTheDocument();
  });
});
