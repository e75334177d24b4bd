/** Command-line flags of `npm run bench:scale`. */
import { parseArgs } from 'node:util';

export type ScaleArgs = {
  scales: number[];
  seconds: number;
  connections: number;
  /** One database name per scale, or none (fresh databases, named by the bench). */
  reuseDb: string[];
  only: RegExp | undefined;
  keep: boolean;
};

export const USAGE = `npm run bench:scale -- [options]

Seeds a marketplace per scale in its own database on DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432),
scores every session, starts one API and one worker on REDIS_URL (default redis://127.0.0.1:6379) under its own
key prefix, and loads every dashboard read route with autocannon beside GET /api/health (the floor).

  --scale <list>        scales, comma-separated (default 1,3.7; 1 = ~268k sessions, 600 tutors)
  --seconds <n>         seconds of load per route (default 15)
  --connections <n>     concurrent connections (default 50)
  --reuse-db <names>    database name(s), one per scale: seeded and kept on the first run, reused as they are
                        (no seeding) on the next ones
  --only <regex>        only routes whose URL matches (the floor is always measured)
  --keep                keep the databases the bench created (printed at the end)
  -h, --help            this help`;

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, fallback: number, max: number, integer: boolean) {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n)))
    throw new UsageError(
      `--${name} must be ${integer ? 'a whole number' : 'a number'} from ${integer ? 1 : '>0'} to ${max}`,
    );
  return n;
}

export function parseScaleArgs(argv: string[]): ScaleArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scale: { type: 'string' },
        seconds: { type: 'string' },
        connections: { type: 'string' },
        'reuse-db': { type: 'string' },
        only: { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const scales = (values.scale ?? '1,3.7').split(',').map((s) => positive('scale', s.trim(), 1, 10, false));
  if (new Set(scales).size !== scales.length) throw new UsageError('--scale lists a scale twice');
  const reuseDb = values['reuse-db'] ? values['reuse-db'].split(',').map((s) => s.trim()) : [];
  if (reuseDb.length && reuseDb.length !== scales.length)
    throw new UsageError(`--reuse-db needs one database name per scale (${scales.length})`);
  const bad = reuseDb.find((n) => !/^[a-z_][a-z0-9_]{0,62}$/.test(n));
  if (bad !== undefined)
    throw new UsageError(`--reuse-db: "${bad}" is not a plain database name (a-z, 0-9, _)`);
  let only: RegExp | undefined;
  if (values.only !== undefined) {
    try {
      only = new RegExp(values.only);
    } catch (err) {
      throw new UsageError(`--only: ${(err as Error).message}`);
    }
  }
  return {
    scales,
    seconds: positive('seconds', values.seconds, 15, 600, true),
    connections: positive('connections', values.connections, 50, 1000, true),
    reuseDb,
    only,
    keep: values.keep ?? false,
  };
}
