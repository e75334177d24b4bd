/** The dead-letter list (admin): jobs that failed on every attempt, to re-run or discard. */
import { z } from 'zod';
import { ZPage, ZPagination, ZText } from './common';

export const DEAD_LETTER_STATUSES = ['open', 'rerun', 'discarded'] as const;
export const ZDeadLetterStatus = z.enum(DEAD_LETTER_STATUSES);
export type TDeadLetterStatus = z.infer<typeof ZDeadLetterStatus>;

export const ZDeadLettersQuery = z.strictObject({
  status: ZDeadLetterStatus.optional(),
  /** The queue lane, e.g. `default` or `pipeline`. */
  queue: ZText.min(1).max(100).optional(),
  /** The job name, e.g. `quality.email`. */
  job_name: ZText.min(1).max(200).optional(),
  ...ZPagination.shape,
});
export type TDeadLettersQuery = z.infer<typeof ZDeadLettersQuery>;

export const ZDeadLetter = z
  .object({
    id: z.uuid(),
    queue: z.string(),
    job_name: z.string(),
    job_id: z.string(),
    error_message: z.string(),
    /** Attempts made by the run that ended here. */
    attempts: z.int().min(0),
    /** How many times this job has ended here (a re-run that fails again re-opens the same entry). */
    failures: z.int().min(1),
    first_failed_at: z.string(),
    last_failed_at: z.string(),
    status: ZDeadLetterStatus,
    /** The admin who last re-ran or discarded it, and when. */
    acted_by: z.string().nullable(),
    acted_by_label: z.string().nullable(),
    acted_at: z.string().nullable(),
  })
  .meta({ id: 'DeadLetter' });
export type TDeadLetter = z.infer<typeof ZDeadLetter>;

export const ZDeadLetterDetail = ZDeadLetter.extend({
  /** The job's payload as enqueued: a re-run enqueues exactly this. */
  payload: z.unknown(),
  error_stack: z.string().nullable(),
}).meta({ id: 'DeadLetterDetail' });
export type TDeadLetterDetail = z.infer<typeof ZDeadLetterDetail>;

export const ZDeadLetterPage = ZPage(ZDeadLetter).meta({ id: 'DeadLetterPage' });
export type TDeadLetterPage = z.infer<typeof ZDeadLetterPage>;

export const ZRerunDeadLetterResponse = z.object({
  dead_letter: ZDeadLetterDetail,
  /** `retried`: the failed job went back to waiting with fresh attempts; `enqueued`: it was added anew (the queue
   * no longer held it); `already_queued`: a job with that id is already waiting or running. */
  requeued: z.enum(['retried', 'enqueued', 'already_queued']),
});
export type TRerunDeadLetterResponse = z.infer<typeof ZRerunDeadLetterResponse>;
