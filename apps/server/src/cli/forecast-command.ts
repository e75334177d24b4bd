/**
 * `tutorpulse forecast`: the forecasting engine on any series in a CSV file. Reads id,timestamp,value rows,
 * forecasts each series (its step inferred from its timestamps), writes id,timestamp,mean,lo,hi. No database.
 * Every problem with the input is a CliInputError (exit code 2) naming the line or the series.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CsvInputError,
  formatForecastCsv,
  parseSeriesCsv,
  type ForecastRow,
} from '../modules/operations/index';
import { ForecastInputError } from '../modules/operations/index';
import { forecastTimedSeries } from '../modules/operations/index';

export class CliInputError extends Error {
  override readonly name = 'CliInputError';
}

export type ForecastCommandOptions = {
  input: string;
  output?: string;
  horizon: number;
  seasons: number[];
  level: number;
  holidays?: string[];
  timeZone?: string;
  holidayEffect?: number;
  methods?: string[];
  quiet?: boolean;
};

type Io = { out: (line: string) => void; err: (line: string) => void };

export function runForecastCommand(opts: ForecastCommandOptions, io: Io): void {
  let text: Buffer;
  try {
    text = readFileSync(opts.input === '-' ? 0 : opts.input);
  } catch (err) {
    throw new CliInputError(
      `cannot read ${opts.input}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let series;
  try {
    series = parseSeriesCsv(text);
  } catch (err) {
    if (err instanceof CsvInputError) throw new CliInputError(`${opts.input}:\n${err.message}`);
    throw err;
  }
  const rows: ForecastRow[] = [];
  const dateOnly = new Set<string>();
  const started = performance.now();
  for (const s of series) {
    let result;
    try {
      result = forecastTimedSeries(s.points, {
        horizon: opts.horizon,
        seasons: opts.seasons,
        level: opts.level,
        ...(opts.methods ? { methods: opts.methods } : {}),
        ...(opts.holidays?.length
          ? {
              holidays: {
                dates: opts.holidays,
                ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
                ...(opts.holidayEffect !== undefined ? { defaultEffect: opts.holidayEffect } : {}),
              },
            }
          : {}),
      });
    } catch (err) {
      if (err instanceof ForecastInputError) throw new CliInputError(`series "${s.id}": ${err.message}`);
      throw err;
    }
    if (s.dateOnly && result.stepMs % 86_400_000 === 0) dateOnly.add(s.id);
    for (let h = 0; h < opts.horizon; h++) {
      rows.push({
        id: s.id,
        timestamp: result.timestamps[h]!,
        mean: result.mean[h]!,
        lo: result.lo[h]!,
        hi: result.hi[h]!,
      });
    }
    if (!opts.quiet) {
      const chosen = result.candidates.find((c) => c.id === result.method);
      const detail = chosen
        ? `validation MAE ${chosen.mae.toPrecision(4)}, interval ×${result.intervalScale.toFixed(2)}`
        : 'not validated';
      const notes = result.notes.length ? `; ${result.notes.join('; ')}` : '';
      io.err(`${s.id}: ${result.method} (${detail})${notes}`);
    }
  }
  const csv = formatForecastCsv(rows, dateOnly);
  if (opts.output && opts.output !== '-') {
    // Write beside the target and rename, so a failed run never leaves half a file.
    const tmp = path.join(path.dirname(opts.output), `.${path.basename(opts.output)}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, csv);
      renameSync(tmp, opts.output);
    } catch (err) {
      throw new CliInputError(
        `cannot write ${opts.output}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  } else {
    io.out(csv.trimEnd());
  }
  if (!opts.quiet) {
    const seconds = (performance.now() - started) / 1000;
    io.err(
      `forecast ${series.length} series × ${opts.horizon} steps in ${seconds.toFixed(2)} s${opts.output && opts.output !== '-' ? ` → ${opts.output}` : ''}`,
    );
  }
}
