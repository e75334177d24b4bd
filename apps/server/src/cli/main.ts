/**
 * The `tutorpulse` command line: `seed` (demo data with planted ground truth) and `migrate`, which open the
 * same database the server uses (PGlite in DATA_DIR/db, or DATABASE_URL), apply migrations, act, print a
 * summary and close; `forecast` (the forecasting engine on a CSV file) and `moves` (tutor moves of a
 * transcript file), which need no database. Bad options or input exit with code 2, failures with 1.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/env';
import { createDatabase, type Database } from '../db/client';
import { systemClock } from '../platform/clock';
import { CliInputError, runForecastCommand, type ForecastCommandOptions } from './forecast-command';
import { ImportFileError, runImport } from './import-command';
import { runMovesCommand, type MovesCommandOptions, type MovesFormat } from './moves';
import { createLogger } from '../platform/logger';
import { createRuntime } from '../runtime';
import { createServices } from '../services';
import { compareWithPlantedShortages } from './seed/operations-supply';
import { processSeeded } from './seed/process';
import { seedDemo } from './seed/seed';

const EXIT_USAGE = 2;

/** Ends a command with an exit code after it has said why (no stack trace). */
class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export type SeedCommandOptions = {
  scale: number;
  seed: number;
  days: number;
  truth?: string;
  now?: Date;
  accounts: boolean;
  /** Score what was seeded (tier 1 back-fill, rescoring, tier 3); `--no-process` skips it. */
  process: boolean;
  quiet: boolean;
};

/** Output sinks, swappable so tests can capture what the CLI prints. */
export type CliIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Settings to read instead of the process environment (tests). */
  env?: Record<string, string | undefined>;
};
const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

export function createProgram(io: CliIo = consoleIo): Command {
  const program = new Command('tutorpulse')
    .description('Tutorpulse command line')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    // Throw instead of exiting, so runCli decides the exit code (2 for usage errors).
    .exitOverride();

  program
    .command('seed')
    .description('Generate realistic demo data with planted tutor behaviours and write their ground truth')
    .option(
      '--scale <n>',
      'size: about 3000×scale sessions a day, 600×scale tutors (0 < n ≤ 10)',
      parseScale,
      1,
    )
    .option('--seed <n>', 'random seed: the same seed gives the same data', parseSeed, 42)
    .option('--days <n>', 'days of history ending now (1-365)', parseDays, 90)
    .option('--truth <path>', 'where to write the ground truth JSON (default: DATA_DIR/ground-truth.json)')
    .option('--now <iso>', 'end of the history (default: the current time)', parseNow)
    .option('--no-accounts', 'do not create the demo login accounts')
    .option(
      '--no-process',
      'only write the data: leave the sessions `received` (the workers’ sweeper picks them up at 1,000 a minute)',
    )
    .option('--quiet', 'no progress bars', false)
    .action(async (opts: SeedCommandOptions) => {
      await withDatabase(io, async (config, database) => {
        const started = performance.now();
        const truthPath = path.resolve(opts.truth ?? path.join(config.dataDir, 'ground-truth.json'));
        const result = await seedDemo({
          db: database.db,
          scale: opts.scale,
          seed: opts.seed,
          days: opts.days,
          // Whole minutes: the summary and the truth file read better, and nothing needs finer.
          now: opts.now ?? new Date(Math.floor(systemClock.now().getTime() / 60_000) * 60_000),
          truthPath,
          withAccounts: opts.accounts,
          quiet: opts.quiet,
        });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const g = result.generated;
        const i = result.inserted;
        io.out(
          `seeded ${database.kind} (scale ${opts.scale}, seed ${opts.seed}, ${opts.days} days) in ${seconds}s`,
        );
        io.out(
          `  generated: ${g.subjects} subjects, ${g.tutors} tutors (${g.plantedTutors} with planted behaviours), ${g.students} students`,
        );
        io.out(
          `             ${g.sessions} sessions (${g.firstSessions} first, ${g.reschedules} rescheduled, ${g.transcripts} with transcripts)`,
        );
        io.out(
          `  inserted:  ${i.subjects} subjects, ${i.tutors} tutors, ${i.students} students, ${i.sessions} sessions, ${i.reschedules} reschedules, ${i.accounts} accounts`,
        );
        if (i.sessions === 0 && g.sessions > 0)
          io.out('             (nothing new: this seed was already loaded)');
        io.out(
          `  supply:    ${result.supply.slots} availability slots for ${result.supply.tutorsWithAvailability} tutors (${result.supply.shortages} planted shortages), ${result.supply.bookings} future bookings (${result.supply.cancellations} cancelled)`,
        );
        io.out(
          `  ground truth: ${truthPath}${result.supply.truthPath ? `, ${result.supply.truthPath}` : ''}`,
        );
        if (!opts.process) {
          io.out('  not processed (--no-process): the sessions stay `received`');
          return;
        }
        const t0 = performance.now();
        // The runtime borrows this database; withDatabase closes it.
        const rt = await createRuntime(config, {
          database: { ...database, close: async () => {} },
          logger: createLogger({ level: 'warn' }),
        });
        try {
          const p = await processSeeded(rt, createServices(rt), { quiet: opts.quiet, log: io.out });
          const b = p.backfill;
          io.out(
            `processed in ${((performance.now() - t0) / 1000).toFixed(1)}s: ${b.sessions} sessions through tier 1 (${b.findings} findings, ${b.flags} flags), ${b.tutors} tutors rescored, ${b.historyRows} score-history rows, tier 3 over ${p.tier3Tutors} tutors, forecasts for ${p.forecast.subjects} subjects (${p.forecast.imbalances} imbalances)`,
          );
          if (b.tier2Queued > 0)
            io.out(`  ${b.tier2Queued} sessions with a transcript queued for tier 2 (workers)`);
          if (p.leftReceived > 0) io.out(`  ${p.leftReceived} sessions still received (arrived meanwhile)`);
        } finally {
          await rt.close();
        }
      });
    });

  program
    .command('import')
    .description(
      'Back-fill operations records from a CSV file (header row = field names): customers, support_calls, goals, …',
    )
    .argument('<kind>', 'what the rows are: customers | support_calls | goals (and the supply kinds)')
    .argument('<file>', 'CSV file with a header row')
    .option('--batch <n>', 'rows per transaction (1-1000)', parseBatch, 500)
    .option('--max-errors <n>', 'refused rows to print (all are counted)', parseBatch, 100)
    .option('--quiet', 'no progress bar', false)
    .action(
      async (kind: string, file: string, opts: { batch: number; maxErrors: number; quiet: boolean }) => {
        let refused = 0;
        await withDatabase(io, async (config, database) => {
          const rt = await createRuntime(config, {
            database: { ...database, close: async () => {} },
            logger: createLogger({ level: 'warn' }),
          });
          try {
            const started = performance.now();
            const s = await runImport(createServices(rt).ingest, kind, file, opts, io).catch(
              (err: unknown) => {
                if (err instanceof ImportFileError) throw new CliInputError(err.message);
                throw err;
              },
            );
            io.out(
              `imported ${kind} from ${file} in ${((performance.now() - started) / 1000).toFixed(1)}s: ${s.rows} rows, ` +
                `${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.failed} refused`,
            );
            refused = s.failed;
          } finally {
            await rt.close();
          }
        });
        if (refused > 0) throw new CliExit(1);
      },
    );

  program
    .command('migrate')
    .description('Apply database migrations')
    .action(async () => {
      await withDatabase(io, async (_config, database) => {
        io.out(`migrations applied (${database.kind})`);
      });
    });

  program
    .command('forecasts')
    .description(
      'Run the demand and supply forecasts on the database now (as the daily job) and, with a supply truth file, compare the imbalances with the planted shortages',
    )
    .option('--truth <path>', 'planted shortages (default: DATA_DIR/supply-truth.json, when it exists)')
    .action(async (opts: { truth?: string }) => {
      await withDatabase(io, async (config, database) => {
        const rt = await createRuntime(config, {
          database: { ...database, close: async () => {} },
          logger: createLogger({ level: 'warn' }),
        });
        try {
          const services = createServices(rt);
          const run = await services.forecasts.run();
          io.out(
            `forecast at ${run.forecastedAt}: ${run.subjects} subjects × ${run.hours} h in ${(run.durationMs / 1000).toFixed(1)}s, ${run.imbalances} imbalances`,
          );
          io.out(
            `  methods: ${Object.entries(run.methods)
              .map(([m, n]) => `${m} ${n}`)
              .join(', ')}`,
          );
          const truthPath = path.resolve(opts.truth ?? path.join(config.dataDir, 'supply-truth.json'));
          const page = await services.forecasts.imbalances({ limit: 100, offset: 0 });
          const all = [...page.data];
          for (let offset = 100; offset < page.total; offset += 100)
            all.push(...(await services.forecasts.imbalances({ limit: 100, offset })).data);
          const lines = compareWithPlantedShortages(truthPath, all);
          for (const line of lines) io.out(`  ${line}`);
        } finally {
          await rt.close();
        }
      });
    });

  program
    .command('forecast')
    .description(
      'Forecast every series of a CSV file (id,timestamp,value) with a calibrated interval; writes id,timestamp,mean,lo,hi',
    )
    .requiredOption('--input <file>', 'CSV with a header naming id, timestamp, value ("-": standard input)')
    .option('--output <file>', 'where to write the forecast CSV (default: standard output)')
    .option('--horizon <n>', 'steps to forecast (1-10000)', parseHorizon, 48)
    .option(
      '--seasons <list>',
      'seasonal periods in steps, comma-separated ("none" for none)',
      parseSeasons,
      [24, 168],
    )
    .option('--level <percent>', 'interval level in percent (50-99.9)', parseLevel, 95)
    .option(
      '--holidays <dates>',
      'holiday dates YYYY-MM-DD, comma-separated: their effect is learned from past ones',
      parseDates,
    )
    .option('--time-zone <zone>', 'IANA time zone of the holiday dates (default UTC)')
    .option(
      '--holiday-effect <factor>',
      'multiplier for holidays when the history has none to learn from',
      parseFactor,
    )
    .option(
      '--methods <ids>',
      'only these candidate methods, comma-separated (e.g. mstl,mstl-log,snaive-168)',
      parseList,
    )
    .option('--quiet', 'print nothing but the forecast', false)
    .action((opts: ForecastCommandOptions) => runForecastCommand(opts, io));

  program
    .command('moves')
    .description(
      'Label every tutor turn of a transcript set (focus, probing, telling, generic) and score guidance and quality',
    )
    .requiredOption('--input <path>', 'JSON lines, one dialogue a line ("-" for standard input)')
    .option('--output <path>', 'where to write the JSON lines ("-" for standard output)', '-')
    .option('--format <name>', 'input format: tutorpulse or mathdial', parseFormat, 'tutorpulse')
    .addHelpText(
      'after',
      `
Input lines (tutorpulse): {"id": "...", "turns": [{"speaker": "tutor" | "student", "text": "..."}]}
  optionally with "question" and "solution" (the problem and a worked solution, as MathDial has).
Output lines: {"id": "...", "moves": ["focus", ...one per tutor turn], "confidence": [...], "guidance": 0-100, "quality": 0-100}
A malformed line is reported with its line number and skipped; the exit code is then 1.`,
    )
    .action(async (opts: MovesCommandOptions) => {
      const toStdout = !opts.output || opts.output === '-';
      let result;
      try {
        result = await runMovesCommand(opts, (line, message) => io.err(`line ${line}: ${message}`));
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code && e.path) {
          io.err(`tutorpulse moves: ${e.path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
          throw new CliExit(1);
        }
        throw err;
      }
      const say = toStdout ? io.err : io.out;
      say(
        `labelled ${result.labelled} dialogue${result.labelled === 1 ? '' : 's'} (${result.tutorTurns} tutor turn${result.tutorTurns === 1 ? '' : 's'}, model ${result.version})` +
          (result.rejected > 0
            ? `; skipped ${result.rejected} malformed line${result.rejected === 1 ? '' : 's'}`
            : ''),
      );
      if (result.rejected > 0) throw new CliExit(1);
    });

  return program;
}

/** Parses argv (as in process.argv) and runs the command; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // Commander has already printed the message.
      return EXIT_USAGE;
    }
    if (err instanceof CliInputError) {
      io.err(`tutorpulse: ${err.message}`);
      return EXIT_USAGE;
    }
    if (err instanceof CliExit) return err.code;
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT_USAGE;
    }
    io.err(`tutorpulse: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

async function withDatabase(
  io: CliIo,
  act: (config: Config, database: Database) => Promise<void>,
): Promise<void> {
  const config = io.env ? loadConfig(io.env) : loadConfig();
  const database = await createDatabase(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl }
      : // The same directory the server uses (runtime.ts), so `npm start` sees the seeded data.
        { kind: 'pglite', dataDir: path.join(config.dataDir, 'db') },
  );
  try {
    await database.migrate();
    await act(config, database);
  } finally {
    await database.close().catch((err: unknown) => io.err(`closing the database failed: ${String(err)}`));
  }
}

function parseFormat(value: string): MovesFormat {
  if (value !== 'tutorpulse' && value !== 'mathdial')
    throw new InvalidArgumentError('must be tutorpulse or mathdial');
  return value;
}

function parseBatch(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('an integer from 1 to 1000');
  return n;
}

function parseScale(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 10) {
    throw new InvalidArgumentError('must be a number greater than 0 and at most 10, e.g. 0.1');
  }
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 4_294_967_295) {
    throw new InvalidArgumentError('must be a whole number from 0 to 4294967295');
  }
  return n;
}

function parseDays(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 365)
    throw new InvalidArgumentError('must be a whole number from 1 to 365');
  return n;
}

function parseNow(value: string): Date {
  // Require an explicit offset, as the webhook contract does: a bare local time is ambiguous.
  const ms = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError('must be an ISO 8601 time with an offset, e.g. 2025-06-01T12:00:00Z');
  return new Date(ms);
}

function parseHorizon(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 10_000)
    throw new InvalidArgumentError('must be a whole number from 1 to 10000');
  return n;
}

function parseSeasons(value: string): number[] {
  if (value.trim().toLowerCase() === 'none' || value.trim() === '') return [];
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 2 || Number(p) > 100_000))
    throw new InvalidArgumentError('must be whole numbers ≥ 2 separated by commas, e.g. 24,168 (or none)');
  return parts.map(Number);
}

function parseLevel(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 50 && n <= 99.9))
    throw new InvalidArgumentError('must be a percentage from 50 to 99.9, e.g. 95');
  return n;
}

function parseDates(value: string): string[] {
  const dates = value
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const bad = dates.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a date like 2025-12-25`);
  return dates;
}

function parseFactor(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 10))
    throw new InvalidArgumentError('must be a number from 0 to 10, e.g. 0.4');
  return n;
}

function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('must name at least one method');
  return items;
}

const isEntryPoint =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isEntryPoint) {
  process.exitCode = await runCli(process.argv);
}
