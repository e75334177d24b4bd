/**
 * Start-up against dependencies that may not be up yet (containers starting together, a database restarting):
 * wait a while, saying once what is awaited and where, then give up with a message that names the setting and
 * what to check. Errors that waiting cannot fix (wrong password, no such database) end the wait at once.
 */
import { describeTarget } from './dependency-monitor';

/** A start-up problem the person running the process must fix; its message says how. Printed without a stack. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export type WaitLogger = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };

/** SQLSTATEs no amount of waiting fixes, with the advice to give. */
const PG_FATAL: Record<string, string> = {
  '3D000': 'the database does not exist: create it (createdb) or fix the database name in DATABASE_URL',
  '28P01': 'the password was refused: fix the user or password in DATABASE_URL',
  '28000': 'the server refused this user/host (pg_hba.conf): fix DATABASE_URL or the server’s access rules',
  '42501': 'the user lacks a privilege it needs: grant it, or use another user in DATABASE_URL',
};

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function message(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return message(err.errors[0]);
  return err instanceof Error ? err.message || String((err as NodeJS.ErrnoException).code) : String(err);
}

/**
 * Pings Postgres until it answers or `timeoutS` passes (1 s doubling to 5 s between tries). Logs once that it is
 * waiting; throws a StartupError naming DATABASE_URL and what to check.
 */
export async function waitForPostgres(opts: {
  ping: () => Promise<void>;
  url: string;
  timeoutS: number;
  logger: WaitLogger;
  sleep?: (ms: number) => Promise<void>;
}): Promise<void> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const target = describeTarget(opts.url);
  const deadline = Date.now() + opts.timeoutS * 1000;
  let delay = 1_000;
  let said = false;
  for (;;) {
    try {
      await opts.ping();
      if (said) opts.logger.info({ setting: 'DATABASE_URL' }, `Postgres at ${target} answers; starting`);
      return;
    } catch (err) {
      const state = sqlState(err);
      const fatal = state ? PG_FATAL[state] : undefined;
      if (fatal) {
        throw new StartupError(
          `Cannot use the Postgres database at DATABASE_URL (${target}): ${message(err)}.\n  Fix: ${fatal}.`,
        );
      }
      if (Date.now() + delay > deadline) {
        throw new StartupError(
          `Cannot reach Postgres at DATABASE_URL (${target}) after waiting ${opts.timeoutS} s: ${message(err)}.\n` +
            '  Check that Postgres is running and accepts TCP connections on that host and port (firewall, ' +
            'listen_addresses), and that DATABASE_URL points at it (postgres://user:password@host:port/database).\n' +
            '  STARTUP_WAIT_S sets how long to wait for it at start-up.',
        );
      }
      if (!said) {
        said = true;
        opts.logger.warn(
          { setting: 'DATABASE_URL', err: message(err), wait_s: opts.timeoutS },
          `waiting for Postgres at DATABASE_URL (${target}): ${message(err)}; retrying for up to ${opts.timeoutS} s (STARTUP_WAIT_S)`,
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
