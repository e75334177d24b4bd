import type { TSession } from '@tutorpulse/contracts/quality';
import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '@/testing/mock-fetch';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { TutorSessionsTable } from './tutor-sessions-table';

const session: TSession = {
  id: '0b9d2c6e-3f4a-4b5c-8d6e-7f8091a2b3c4',
  session_id: 'sess_1',
  tutor_id: 'tut_1',
  tutor_name: 'Ada Tutor',
  student_id: 'stu_1',
  student_name: 'Sam Student',
  session_start_time: '2025-01-10T09:00:00.000Z',
  session_end_time: '2025-01-10T10:00:00.000Z',
  tutor_join_time: '2025-01-10T09:00:00.000Z',
  student_join_time: '2025-01-10T09:01:00.000Z',
  tutor_leave_time: null,
  student_leave_time: null,
  subjects_covered: ['math'],
  is_first_session: false,
  session_length_scheduled: 60,
  session_length_actual: 60,
  was_rescheduled: false,
  rescheduled_by: null,
  tutor_feedback: null,
  student_feedback: { rating: 4, description: null },
  video_url: null,
  transcript_url: null,
  ai_summary: null,
  has_transcript: false,
  processing_status: 'processed',
  version: 1,
  received_at: '2025-01-10T10:00:00.000Z',
  processed_at: '2025-01-10T10:00:01.000Z',
};

function setup(url: string) {
  const { calls } = mockFetch({
    'GET /api/sessions': ({ url: u }) => ({
      body: {
        data: [{ ...session, student_name: u.searchParams.get('cursor') ? 'Next Student' : 'Sam Student' }],
        total: 12_000,
        total_is_estimate: true,
        limit: Number(u.searchParams.get('limit')),
        offset: 0,
        next_cursor: u.searchParams.get('cursor') ? null : 'eyJuZXh0IjoxfQ',
      },
    }),
  });
  const Page = () => <TutorSessionsTable tutorId="tut_1" />;
  return {
    calls,
    ...renderRoutes([{ path: '/quality/tutors/tut_1', Component: Page }], {
      url,
      queryClient: createTestQueryClient(),
    }),
  };
}

describe('TutorSessionsTable', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("pages the tutor's sessions by the API cursor, newest first", async () => {
    const { calls, user, router } = setup('/quality/tutors/tut_1');
    await screen.findByRole('table', { name: 'Recent sessions' });
    expect(Object.fromEntries(calls[0]!.url.searchParams)).toEqual({
      tutor_id: 'tut_1',
      sort: 'newest',
      limit: '10',
    });
    expect(screen.getByText('Showing 1 of about 12,000')).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Next' }));
    await screen.findByText('Next Student');
    expect(Object.fromEntries(calls.at(-1)!.url.searchParams)).toEqual({
      tutor_id: 'tut_1',
      sort: 'newest',
      limit: '10',
      cursor: 'eyJuZXh0IjoxfQ',
    });
    await user.click(screen.getByRole('link', { name: 'First page' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });
});
