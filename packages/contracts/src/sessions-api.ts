/**
 * Sessions API contracts beyond ingestion (which lives in sessions.ts): the `GET /api/sessions` list query
 * and its page. The session entity itself is `ZSession` in quality.ts.
 */
import { z } from 'zod';
import { ZCursorPage, ZCursorPagination, ZDateOrInstant, ZText } from './common';
import { ZSession } from './quality';

export const SESSION_PROCESSING_STATUSES = ['received', 'processing', 'processed', 'failed'] as const;
export const ZSessionProcessingStatus = z.enum(SESSION_PROCESSING_STATUSES);
export type TSessionProcessingStatus = z.infer<typeof ZSessionProcessingStatus>;

/** `2025-03-04` (a whole UTC day) or `2025-03-04T22:00:00Z` (an instant, offset required). */
const ZDateOrDateTime = ZDateOrInstant;

const ZPlatformIdFilter = ZText.min(1).max(255);

/** The instant a `start_date` filter starts at: a bare date is that day's 00:00 UTC. */
export function startOfFilter(value: string): Date {
  return new Date(isDateOnly(value) ? `${value}T00:00:00Z` : value);
}

/** The instant an `end_date` filter ends at (exclusive): a bare date includes that whole UTC day. */
export function endOfFilter(value: string): { at: Date; inclusive: boolean } {
  if (!isDateOnly(value)) return { at: new Date(value), inclusive: true };
  const at = new Date(`${value}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + 1);
  return { at, inclusive: false };
}

function isDateOnly(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/** `newest` (default): latest scheduled start first; `oldest`: earliest first. Ties are broken by id. */
export const SESSION_SORTS = ['newest', 'oldest'] as const;
export const ZSessionSort = z.enum(SESSION_SORTS);

export const ZSessionListQuery = ZCursorPagination.extend({
  tutor_id: ZPlatformIdFilter.optional().describe('Platform tutor id'),
  student_id: ZPlatformIdFilter.optional().describe('Platform student id'),
  start_date: ZDateOrDateTime.optional().describe(
    'Sessions starting at or after this date (UTC day) or instant',
  ),
  end_date: ZDateOrDateTime.optional().describe(
    'Sessions starting on or before this date (the whole UTC day) or at or before this instant',
  ),
  is_first_session: z.stringbool().optional().describe('true | false'),
  processing_status: ZSessionProcessingStatus.optional(),
  sort: ZSessionSort.default('newest').describe('`newest` (default) or `oldest`, by scheduled start'),
})
  // No `.meta({ id })`: a querystring must stay inline for OpenAPI to list its parameters.
  .refine(
    (q) => {
      if (!q.start_date || !q.end_date) return true;
      const start = startOfFilter(q.start_date).getTime();
      const end = endOfFilter(q.end_date);
      return end.inclusive ? start <= end.at.getTime() : start < end.at.getTime();
    },
    { path: ['end_date'], message: 'must not be before start_date' },
  );
export type TSessionListQuery = z.infer<typeof ZSessionListQuery>;

export const ZSessionPage = ZCursorPage(ZSession).meta({ id: 'SessionPage' });
export type TSessionPage = z.infer<typeof ZSessionPage>;
