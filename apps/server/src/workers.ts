/**
 * Job handlers and schedules. Runs inside the API process in embedded mode and in `npm run worker` processes
 * in scaled mode. Every handler is idempotent: jobs are delivered at least once.
 */
import { and, isNotNull, lt, or } from 'drizzle-orm';
import { authSessions, events, loginAttempts } from './db/schema/index';
import type { Runtime } from './runtime';
import type { Services } from './services';

export const RETENTION = {
  loginAttemptsDays: 7,
  endedSessionsDays: 7,
  eventsDays: 30,
} as const;

const DAY_MS = 86_400_000;

export async function runHousekeeping(rt: Runtime) {
  const { db } = rt.database;
  const now = rt.clock.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY_MS);
  const attempts = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.createdAt, ago(RETENTION.loginAttemptsDays)))
    .returning({ id: loginAttempts.id });
  const sessions = await db
    .delete(authSessions)
    .where(
      or(
        lt(authSessions.expiresAt, ago(RETENTION.endedSessionsDays)),
        and(isNotNull(authSessions.revokedAt), lt(authSessions.revokedAt, ago(RETENTION.endedSessionsDays))),
      ),
    )
    .returning({ id: authSessions.id });
  const oldEvents = await db
    .delete(events)
    .where(lt(events.createdAt, ago(RETENTION.eventsDays)))
    .returning({ id: events.id });
  return { loginAttempts: attempts.length, authSessions: sessions.length, events: oldEvents.length };
}

export async function startWorkers(rt: Runtime, _services: Services, opts: { concurrency?: number } = {}) {
  await rt.queue.work(
    {
      'platform.housekeeping': async () => {
        const removed = await runHousekeeping(rt);
        rt.logger.info({ removed }, 'housekeeping done');
      },
    },
    { concurrency: opts.concurrency ?? 4 },
  );
  await rt.queue.schedule('housekeeping-daily', '30 3 * * *', 'platform.housekeeping', {});
}
