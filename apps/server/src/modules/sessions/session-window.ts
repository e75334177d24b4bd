/**
 * The window around now in which an ingested session may start (SESSION_MAX_AGE_DAYS back, SESSION_MAX_FUTURE_DAYS
 * ahead). Outside it a session is implausible (a clock or a unit wrong at the sender: the year 3000, 1970) and is
 * refused before anything is stored. Pure: `now` is the caller's (the injected clock). The checks that hold
 * whenever a session is sent (end after start, at most 24 hours, joins near the session) are the contract's
 * (`findImplausibleSessionTimes` in @tutorpulse/contracts/sessions).
 */
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';

export type SessionWindow = { maxAgeDays: number; maxFutureDays: number };
export const DEFAULT_SESSION_WINDOW: SessionWindow = { maxAgeDays: 400, maxFutureDays: 30 };

const DAY_MS = 86_400_000;

export type FieldIssue = { path: string; message: string };

/** Issues (with the field's path in the request body) when the session starts outside the window; else []. */
export function findOutOfWindow(
  payload: Pick<TWebhookPayload, 'session_start_time'>,
  now: Date,
  window: SessionWindow,
): FieldIssue[] {
  const start = Date.parse(payload.session_start_time);
  const earliest = now.getTime() - window.maxAgeDays * DAY_MS;
  const latest = now.getTime() + window.maxFutureDays * DAY_MS;
  if (start >= earliest && start <= latest) return [];
  return [
    {
      path: 'body.session_start_time',
      message:
        `must be at most ${window.maxAgeDays} days before and ${window.maxFutureDays} days after now ` +
        `(${new Date(earliest).toISOString()} to ${new Date(latest).toISOString()})`,
    },
  ];
}
