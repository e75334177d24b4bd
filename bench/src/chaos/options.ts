/**
 * `npm run chaos` settings: flags, else CHAOS_* environment variables, else the machine's own Postgres and
 * Redis. The fault commands default to restarting the machine's services, so the defaults are only accepted
 * when the URLs point at those services (a private instance on another port needs its own commands).
 */
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const FAULT_NAMES = ['worker', 'redis', 'postgres', 'api'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export type ChaosOptions = {
  /** A Postgres server (any database on it): the run creates a fresh database there. */
  databaseUrl: string;
  redisUrl: string;
  sessions: number;
  apis: number;
  workers: number;
  /** Deliveries started per second while the faults run (the rest go at full speed after the last fault). */
  rate: number;
  /** Requests in flight at most (the sender's connection pool). */
  senders: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  skip: Set<FaultName>;
  redisDownSeconds: number;
  /** Seconds of traffic before the first fault and between a recovery and the next fault. */
  gapSeconds: number;
  recoveryTimeoutSeconds: number;
  drainTimeoutSeconds: number;
  recoveryTargetSeconds: number;
  pgRestartCmd: string;
  redisStopCmd: string;
  redisStartCmd: string;
  healthPath: string;
  logDir: string | undefined;
  logLevel: string;
  keepDatabase: boolean;
};

export const USAGE = `npm run chaos -- [flags]

Scaled mode under faults: a fresh database and Redis prefix, API and worker processes started here, a burst of
signed session-completed webhooks, and during it: kill -9 of a worker, Redis stopped and restarted empty, a
Postgres fast restart, kill -9 of an API process. Prints what was sent, accepted, stored, processed,
duplicated and lost after each fault and at the end, then PASS/FAIL per target (exit code 1 on FAIL).

By default it RESTARTS THE MACHINE'S POSTGRES AND REDIS: nothing else should use them during the run.

  --database-url URL        Postgres server to use (a fresh database is created)  [CHAOS_DATABASE_URL,
                            DATABASE_URL, postgres://postgres@127.0.0.1:5432/postgres]
  --redis-url URL           Redis server  [CHAOS_REDIS_URL, REDIS_URL, redis://127.0.0.1:6379]
  --sessions N              deliveries in the burst  [5000]
  --apis N                  API processes behind the sender's round robin  [2]
  --workers N               worker processes  [2]
  --rate N                  deliveries started per second while faults run  [20]
  --senders N               requests in flight at most  [50]
  --max-attempts N          attempts per delivery before the sender gives up  [12]
  --request-timeout-ms N    a request without an answer after this is a network error  [15000]
  --skip-fault NAME         worker | redis | postgres | api (repeat or comma-separate)
  --redis-down-seconds N    how long Redis stays stopped  [30]
  --gap-seconds N           traffic before the first fault and after each recovery  [10]
  --recovery-timeout N      seconds to wait for recovery before going on  [120]
  --drain-timeout N         seconds to wait at the end for the backlog  [180]
  --recovery-target N       seconds allowed to recover  [60]
  --pg-restart-cmd CMD      [CHAOS_PG_RESTART_CMD, pg_ctlcluster --skip-systemctl-redirect
                            $(ls /etc/postgresql) main restart -m fast]
  --redis-stop-cmd CMD      [CHAOS_REDIS_STOP_CMD, redis-cli -h HOST -p PORT shutdown nosave]
  --redis-start-cmd CMD     [CHAOS_REDIS_START_CMD, redis-server --daemonize yes --bind 127.0.0.1 -::1
                            --port 6379 --save "" --appendonly no --dir /var/lib/redis
                            --logfile /var/log/redis/ci.log]
  --health-path PATH        readiness route of the API  [/api/health]
  --log-dir DIR             where the processes' logs go  [a new directory under the temp dir]
  --log-level LEVEL         LOG_LEVEL of the processes  [info]
  --keep-db                 keep the database afterwards (it is dropped by default)
  --help`;

const MACHINE_PG_PORT = '5432';
const MACHINE_REDIS_PORT = '6379';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export class UsageError extends Error {}

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${raw}`);
  return n;
}

function defaultPgRestart(): string {
  let versions: string[] = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    // No Debian cluster layout: the command below fails clearly when run, and the check below refuses first.
  }
  const version = versions.length === 1 ? versions[0]! : '$(ls /etc/postgresql)';
  return `pg_ctlcluster --skip-systemctl-redirect ${version} main restart -m fast`;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      sessions: { type: 'string' },
      apis: { type: 'string' },
      workers: { type: 'string' },
      rate: { type: 'string' },
      senders: { type: 'string' },
      'max-attempts': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'skip-fault': { type: 'string', multiple: true },
      'redis-down-seconds': { type: 'string' },
      'gap-seconds': { type: 'string' },
      'recovery-timeout': { type: 'string' },
      'drain-timeout': { type: 'string' },
      'recovery-target': { type: 'string' },
      'pg-restart-cmd': { type: 'string' },
      'redis-stop-cmd': { type: 'string' },
      'redis-start-cmd': { type: 'string' },
      'health-path': { type: 'string' },
      'log-dir': { type: 'string' },
      'log-level': { type: 'string' },
      'keep-db': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';

  const databaseUrl =
    values['database-url'] ??
    env.CHAOS_DATABASE_URL ??
    env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = values['redis-url'] ?? env.CHAOS_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let pg: URL;
  let redis: URL;
  try {
    pg = new URL(databaseUrl);
    redis = new URL(redisUrl);
  } catch {
    throw new UsageError('--database-url and --redis-url must be URLs (postgres://…, redis://…)');
  }
  if (!['postgres:', 'postgresql:'].includes(pg.protocol))
    throw new UsageError('--database-url must be postgres://…');
  if (redis.protocol !== 'redis:') throw new UsageError('--redis-url must be redis://…');

  const skip = new Set<FaultName>();
  for (const item of (values['skip-fault'] ?? []).flatMap((s) => s.split(','))) {
    const name = item.trim();
    if (!name) continue;
    if (!(FAULT_NAMES as readonly string[]).includes(name))
      throw new UsageError(`--skip-fault: unknown fault "${name}" (one of ${FAULT_NAMES.join(', ')})`);
    skip.add(name as FaultName);
  }

  const pgPort = pg.port || MACHINE_PG_PORT;
  const redisPort = redis.port || MACHINE_REDIS_PORT;
  const redisHost = redis.hostname || '127.0.0.1';
  const pgRestartCmd = values['pg-restart-cmd'] ?? env.CHAOS_PG_RESTART_CMD;
  const redisStopCmd = values['redis-stop-cmd'] ?? env.CHAOS_REDIS_STOP_CMD;
  const redisStartCmd = values['redis-start-cmd'] ?? env.CHAOS_REDIS_START_CMD;
  // The default commands act on the machine's services: refuse them for any other server, so a run against a
  // private instance can never restart the shared ones by mistake.
  if (!skip.has('postgres') && !pgRestartCmd && (pgPort !== MACHINE_PG_PORT || !LOCAL_HOSTS.has(pg.hostname)))
    throw new UsageError(
      `--database-url is not the machine's Postgres (127.0.0.1:${MACHINE_PG_PORT}): give --pg-restart-cmd ` +
        '(or CHAOS_PG_RESTART_CMD) that restarts that server, or --skip-fault postgres',
    );
  if (
    !skip.has('redis') &&
    !redisStartCmd &&
    (redisPort !== MACHINE_REDIS_PORT || !LOCAL_HOSTS.has(redis.hostname))
  )
    throw new UsageError(
      `--redis-url is not the machine's Redis (127.0.0.1:${MACHINE_REDIS_PORT}): give --redis-start-cmd ` +
        '(and --redis-stop-cmd) for that server, or --skip-fault redis',
    );

  const opts: ChaosOptions = {
    databaseUrl,
    redisUrl,
    sessions: positiveInt('sessions', values.sessions, 5000),
    apis: positiveInt('apis', values.apis, 2),
    workers: positiveInt('workers', values.workers, 2),
    rate: positiveInt('rate', values.rate, 20),
    senders: positiveInt('senders', values.senders, 50),
    maxAttempts: positiveInt('max-attempts', values['max-attempts'], 12),
    requestTimeoutMs: positiveInt('request-timeout-ms', values['request-timeout-ms'], 15_000, 100),
    skip,
    redisDownSeconds: positiveInt('redis-down-seconds', values['redis-down-seconds'], 30, 0),
    gapSeconds: positiveInt('gap-seconds', values['gap-seconds'], 10, 0),
    recoveryTimeoutSeconds: positiveInt('recovery-timeout', values['recovery-timeout'], 120),
    drainTimeoutSeconds: positiveInt('drain-timeout', values['drain-timeout'], 180),
    recoveryTargetSeconds: positiveInt('recovery-target', values['recovery-target'], 60),
    pgRestartCmd: pgRestartCmd ?? defaultPgRestart(),
    redisStopCmd: redisStopCmd ?? `redis-cli -h ${redisHost} -p ${redisPort} shutdown nosave`,
    redisStartCmd:
      redisStartCmd ??
      `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${redisPort} --save "" --appendonly no ` +
        '--dir /var/lib/redis --logfile /var/log/redis/ci.log',
    healthPath: values['health-path'] ?? '/api/health',
    logDir: values['log-dir'],
    logLevel: values['log-level'] ?? 'info',
    keepDatabase: values['keep-db'] ?? false,
  };
  if (!opts.healthPath.startsWith('/')) throw new UsageError('--health-path must start with /');
  return opts;
}
