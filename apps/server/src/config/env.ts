/**
 * Settings: the only reader of process.env. Every variable is validated at start-up and every bad one is
 * reported at once. Secrets left unset in embedded mode are generated once and kept in DATA_DIR.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/**
 * AI_PRICES: `{"<model>": {"input": <USD per 1M prompt tokens>, "output": <USD per 1M completion tokens>}}`,
 * for the usage report's cost estimate. No prices are built in: they change, and a stale price is worse than
 * none (unpriced tokens are reported as such).
 */
const ZAiPrices = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().min(1),
      z.strictObject({ input: z.number().min(0).max(10_000), output: z.number().min(0).max(10_000) }),
    ),
  );

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -')
    .default('tp'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Tutorpulse <no-reply@tutorpulse.local>'),
  ADMIN_EMAIL: z.email().default('admin@demo.tutorpulse.dev'),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'must look like whsec_<base64 of at least 18 bytes>')
    .optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url(['http:', 'https:']).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(20_000),
  AI_PRICES: ZAiPrices.optional(),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  RUN_WORKERS: booleanish.optional(),
  DEMO_SEED: z.enum(['auto', 'off']).default('auto'),
  DEMO_SEED_SCALE: z.coerce.number().positive().max(10).default(0.03),
  TRUST_PROXY: booleanish.default(false),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_API_KEY_PER_MINUTE: z.coerce.number().int().positive().default(6_000),
  WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(120_000),
  /** Read cache backstop TTL for dashboard aggregates (events invalidate sooner); 0 turns the cache off. */
  READ_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  SESSION_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  SESSION_MAX_FUTURE_DAYS: z.coerce.number().int().min(0).max(3_650).default(30),
  STARTUP_WAIT_S: z.coerce.number().int().min(0).max(3_600).default(60),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  JOB_LOCK_MS: z.coerce.number().int().min(2_000).max(600_000).default(15_000),
  JOB_STALLED_CHECK_MS: z.coerce.number().int().min(500).max(600_000).default(5_000),
  LIST_EXACT_COUNT_LIMIT: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
  LIST_COUNT_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(10),
  CHURN_HORIZON_DAYS: z.coerce.number().int().min(7).max(365).default(60),
  CHURN_SNAPSHOT_STEP_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  CHURN_TRAINING_WINDOW_DAYS: z.coerce.number().int().min(14).max(1_095).default(180),
  REGISTER_RATE_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(10),
  COMPANION_CHAT_MESSAGES_PER_HOUR: z.coerce.number().int().positive().max(10_000).default(30),
  COMPANION_NUDGE_INACTIVE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  COMPANION_NUDGE_DAY_START_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  COMPANION_NUDGE_DAY_END_HOUR: z.coerce.number().int().min(1).max(24).default(20),
  FORECAST_TIME_ZONE: z
    .string()
    .min(1)
    .default('America/New_York')
    .refine(isTimeZone, 'must be an IANA time zone such as America/New_York'),
  FORECAST_HOLIDAYS: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === 'none' || v.split(',').every((d) => DATE_RE.test(d.trim())),
      'must be none or comma-separated dates like 2026-12-24,2026-12-25',
    ),
  FORECAST_HISTORY_DAYS: z.coerce.number().int().min(14).max(730).default(90),
  FORECAST_HORIZON_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(168),
  FORECAST_RETENTION_DAYS: z.coerce.number().int().min(2).max(365).default(8),
});

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Default holiday calendar of the demand forecasts (US school closures: Thanksgiving and the day after, the
 * winter break's core days, New Year's Day, Independence Day), replaced by FORECAST_HOLIDAYS.
 */
export const DEFAULT_FORECAST_HOLIDAYS = [
  '2025-07-04',
  '2025-11-27',
  '2025-11-28',
  '2025-12-24',
  '2025-12-25',
  '2025-12-31',
  '2026-01-01',
  '2026-07-03',
  '2026-11-26',
  '2026-11-27',
  '2026-12-24',
  '2026-12-25',
  '2026-12-31',
  '2027-01-01',
  '2027-07-05',
  '2027-11-25',
  '2027-11-26',
  '2027-12-24',
  '2027-12-25',
  '2027-12-31',
];

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Namespace of this deployment in Redis: queue keys `<prefix>:…` and the events channel `<prefix>:events`. */
  redisPrefix: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  adminEmail: string;
  webhookSecret: string;
  jwtSecret: string;
  openai: { apiKey: string | undefined; baseUrl: string | undefined; model: string; timeoutMs: number };
  /** USD per million tokens, by model, for the AI usage report's estimated cost. */
  ai: { prices: Record<string, { input: number; output: number }> };
  /** Where users reach the dashboard (links in mails): PUBLIC_URL, else the listen address. No trailing slash. */
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** embedded: PGlite + in-process queue/bus; scaled: Postgres and/or Redis. */
  mode: 'embedded' | 'scaled';
  /** Whether `npm start` also runs job workers and the scheduler in the API process. */
  runWorkers: boolean;
  demoSeed: 'auto' | 'off';
  demoSeedScale: number;
  trustProxy: boolean;
  /** Requests per minute: per signed-in user (and per IP for anonymous callers), per API key, per webhook key. */
  rateLimit: { perUserPerMinute: number; perApiKeyPerMinute: number; perWebhookKeyPerMinute: number };
  /** Read cache time to live in ms (0 = off). */
  readCacheTtlMs: number;
  /**
   * How far from now an ingested session may start: older or later sessions are refused as implausible (400).
   * Backfills of older history raise maxAgeDays.
   */
  sessionWindow: { maxAgeDays: number; maxFutureDays: number };
  /** Seconds the API and workers wait for Postgres at start-up before giving up with a message. */
  startupWaitS: number;
  /** `npm run worker`: serve readiness (`/health`) and liveness (`/health/live`) on this port when set. */
  workerHealthPort: number | undefined;
  /**
   * BullMQ workers (scaled mode): a running job's lock lasts lockMs and is renewed while the worker lives; every
   * stalledCheckMs running jobs whose lock expired (their worker died) are put back to run again: a killed
   * worker's jobs are re-run within about lockMs + stalledCheckMs.
   */
  jobs: { lockMs: number; stalledCheckMs: number };
  /**
   * Totals of long lists (sessions, flags): counted exactly up to exactCountLimit rows, past that the planner's
   * estimate, cached per list and filters for countCacheSeconds (0: not cached).
   */
  lists: { exactCountLimit: number; countCacheSeconds: number };
  /**
   * Churn model training: the label horizon (no completed session in this many days after a cut-off = churned),
   * the spacing of training snapshots and how far back training cut-offs go.
   */
  churn: { horizonDays: number; snapshotStepDays: number; trainingWindowDays: number };
  /** Student self-registrations per client address per hour. */
  registerRateLimitPerHour: number;
  /** The study companion's chat limit and nudge settings. */
  companion: {
    chatMessagesPerHour: number;
    nudgeInactiveDays: number;
    /** Local hours [start, end) in which nudges may be sent. */
    nudgeDayStartHour: number;
    nudgeDayEndHour: number;
  };
  /** Demand and supply forecasts (operations): calendar, history, horizon, how long old runs are kept. */
  forecast: {
    timeZone: string;
    holidays: string[];
    historyDays: number;
    horizonHours: number;
    retentionDays: number;
  };
  version: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses the environment into a typed config; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env, opts: { persistSecrets?: boolean } = {}): Config {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const scaled = Boolean(e.DATABASE_URL || e.REDIS_URL);
  const problems: string[] = [];
  if (scaled && (!e.JWT_SECRET || !e.WEBHOOK_SECRET)) {
    // Several processes must share these, so they cannot be generated per machine.
    if (!e.JWT_SECRET) problems.push('JWT_SECRET: required when DATABASE_URL or REDIS_URL is set');
    if (!e.WEBHOOK_SECRET) problems.push('WEBHOOK_SECRET: required when DATABASE_URL or REDIS_URL is set');
  }
  if (e.COMPANION_NUDGE_DAY_START_HOUR >= e.COMPANION_NUDGE_DAY_END_HOUR) {
    problems.push('COMPANION_NUDGE_DAY_START_HOUR: must be before COMPANION_NUDGE_DAY_END_HOUR');
  }
  if (problems.length) throw new ConfigError(problems);
  const secrets =
    e.JWT_SECRET && e.WEBHOOK_SECRET
      ? { jwtSecret: e.JWT_SECRET, webhookSecret: e.WEBHOOK_SECRET }
      : loadOrCreateSecrets(dataDir, opts.persistSecrets ?? true);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    adminEmail: e.ADMIN_EMAIL,
    webhookSecret: e.WEBHOOK_SECRET ?? secrets.webhookSecret,
    jwtSecret: e.JWT_SECRET ?? secrets.jwtSecret,
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      timeoutMs: e.OPENAI_TIMEOUT_MS,
    },
    ai: { prices: e.AI_PRICES ?? {} },
    publicUrl: (
      e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST}:${e.PORT}`
    ).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    mode: scaled ? 'scaled' : 'embedded',
    runWorkers: e.RUN_WORKERS ?? !e.REDIS_URL,
    demoSeed: e.DEMO_SEED,
    demoSeedScale: e.DEMO_SEED_SCALE,
    trustProxy: e.TRUST_PROXY,
    rateLimit: {
      perUserPerMinute: e.RATE_LIMIT_PER_MINUTE,
      perApiKeyPerMinute: e.RATE_LIMIT_API_KEY_PER_MINUTE,
      perWebhookKeyPerMinute: e.WEBHOOK_RATE_LIMIT_PER_MINUTE,
    },
    readCacheTtlMs: e.READ_CACHE_TTL_SECONDS * 1000,
    sessionWindow: { maxAgeDays: e.SESSION_MAX_AGE_DAYS, maxFutureDays: e.SESSION_MAX_FUTURE_DAYS },
    startupWaitS: e.STARTUP_WAIT_S,
    workerHealthPort: e.WORKER_HEALTH_PORT,
    jobs: { lockMs: e.JOB_LOCK_MS, stalledCheckMs: e.JOB_STALLED_CHECK_MS },
    lists: { exactCountLimit: e.LIST_EXACT_COUNT_LIMIT, countCacheSeconds: e.LIST_COUNT_CACHE_SECONDS },
    churn: {
      horizonDays: e.CHURN_HORIZON_DAYS,
      snapshotStepDays: e.CHURN_SNAPSHOT_STEP_DAYS,
      trainingWindowDays: e.CHURN_TRAINING_WINDOW_DAYS,
    },
    registerRateLimitPerHour: e.REGISTER_RATE_LIMIT_PER_HOUR,
    companion: {
      chatMessagesPerHour: e.COMPANION_CHAT_MESSAGES_PER_HOUR,
      nudgeInactiveDays: e.COMPANION_NUDGE_INACTIVE_DAYS,
      nudgeDayStartHour: e.COMPANION_NUDGE_DAY_START_HOUR,
      nudgeDayEndHour: e.COMPANION_NUDGE_DAY_END_HOUR,
    },
    forecast: {
      timeZone: e.FORECAST_TIME_ZONE,
      holidays:
        e.FORECAST_HOLIDAYS === undefined
          ? [...DEFAULT_FORECAST_HOLIDAYS]
          : e.FORECAST_HOLIDAYS === 'none'
            ? []
            : e.FORECAST_HOLIDAYS.split(',').map((d) => d.trim()),
      historyDays: e.FORECAST_HISTORY_DAYS,
      horizonHours: e.FORECAST_HORIZON_HOURS,
      retentionDays: e.FORECAST_RETENTION_DAYS,
    },
    version: readVersion(),
  };
}

function generateSecrets() {
  return {
    jwtSecret: randomBytes(48).toString('base64url'),
    webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
  };
}

/** Embedded mode: secrets generated on first start and kept (0600) in DATA_DIR/secrets.json. */
function loadOrCreateSecrets(dataDir: string, persist: boolean) {
  if (!persist) return generateSecrets();
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = z
      .object({ jwtSecret: z.string().min(32), webhookSecret: z.string().startsWith('whsec_') })
      .parse(JSON.parse(readFileSync(file, 'utf8')));
    return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = generateSecrets();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Test-only flags (never read by business code): REQUIRE_SERVICES makes missing services an error. */
export function readTestEnv(env: Env = process.env) {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    requireServices: env.REQUIRE_SERVICES === '1' || env.REQUIRE_SERVICES === 'true',
    /** Prefix of the databases and Redis namespaces tests create (`tp_test`), e.g. one per engineer. */
    namePrefix: /^[a-z][a-z0-9_]{0,30}$/.test(env.TEST_NAME_PREFIX ?? '') ? env.TEST_NAME_PREFIX! : 'tp_test',
  };
}
