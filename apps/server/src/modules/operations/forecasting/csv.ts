/**
 * The CLI's file formats. Input: a header naming `id`, `timestamp` and `value` (any order, other columns
 * ignored), one row per observation; an empty value, `NA` or `NaN` is a missing one. Output: `id, timestamp,
 * mean, lo, hi`. Problems are reported with their line numbers, all of them (up to a limit) at once.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { TimedPoint } from './time-series';

export class CsvInputError extends Error {
  override readonly name = 'CsvInputError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export type ParsedSeries = {
  id: string;
  points: TimedPoint[];
  /** Whether every timestamp was a bare date (output then uses dates too). */
  dateOnly: boolean;
};

const MAX_PROBLEMS = 20;
const MISSING = new Set(['', 'na', 'nan', 'null']);
/** ISO 8601 date or date-time; a time without offset is read as UTC. */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseTimestamp(text: string): { ms: number; dateOnly: boolean } | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const dateOnly = h === undefined;
  const offset =
    zone === undefined || zone === 'Z'
      ? 'Z'
      : zone.length === 5
        ? `${zone.slice(0, 3)}:${zone.slice(3)}`
        : zone;
  const iso = `${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}${frac ?? ''}${offset}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2025-02-30 over to March: refuse dates that do not exist.
  const check = new Date(Date.parse(`${y}-${mo}-${d}T00:00:00Z`));
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() + 1 !== Number(mo)) return null;
  return { ms, dateOnly };
}

export function parseSeriesCsv(text: string | Buffer): ParsedSeries[] {
  let rows: { info: { lines: number }; record: string[] }[];
  try {
    rows = parse(text, {
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as { info: { lines: number }; record: string[] }[];
  } catch (err) {
    if (err instanceof CsvError)
      throw new CsvInputError([
        `line ${(err as CsvError & { lines?: number }).lines ?? '?'}: ${err.message}`,
      ]);
    throw err;
  }
  if (rows.length === 0)
    throw new CsvInputError(['the file is empty: expected a header line id,timestamp,value']);
  const header = rows[0]!.record.map((h) => h.toLowerCase());
  const col = {
    id: header.indexOf('id'),
    timestamp: header.indexOf('timestamp'),
    value: header.indexOf('value'),
  };
  const missingCols = Object.entries(col)
    .filter(([, i]) => i < 0)
    .map(([name]) => name);
  if (missingCols.length > 0)
    throw new CsvInputError([
      `line ${rows[0]!.info.lines}: the header must name the columns id, timestamp and value (missing: ${missingCols.join(', ')})`,
    ]);

  const problems: string[] = [];
  const report = (line: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(`line ${line}: ${message}`);
    else if (problems.length === MAX_PROBLEMS) problems.push('… (more problems not shown)');
  };
  const series = new Map<string, { points: TimedPoint[]; dateOnly: boolean; seen: Map<number, number> }>();
  const width = Math.max(col.id, col.timestamp, col.value) + 1;
  for (const { info, record } of rows.slice(1)) {
    const line = info.lines;
    if (record.length < width) {
      report(line, `expected at least ${width} columns, found ${record.length}`);
      continue;
    }
    const id = record[col.id]!;
    const rawTime = record[col.timestamp]!;
    const rawValue = record[col.value]!;
    if (id === '') report(line, 'id is empty');
    const time = parseTimestamp(rawTime);
    if (!time)
      report(line, `timestamp "${rawTime}" is not an ISO 8601 date or time (e.g. 2025-03-01T14:00:00Z)`);
    let value = Number.NaN;
    if (!MISSING.has(rawValue.toLowerCase())) {
      value = Number(rawValue);
      if (!Number.isFinite(value))
        report(line, `value "${rawValue}" is not a number (leave it empty or write NA if missing)`);
    }
    if (id === '' || !time || (!Number.isFinite(value) && !MISSING.has(rawValue.toLowerCase()))) continue;
    let s = series.get(id);
    if (!s) {
      s = { points: [], dateOnly: true, seen: new Map() };
      series.set(id, s);
    }
    const earlier = s.seen.get(time.ms);
    if (earlier !== undefined) {
      report(line, `series "${id}" already has a value at ${rawTime} (line ${earlier})`);
      continue;
    }
    s.seen.set(time.ms, line);
    s.dateOnly &&= time.dateOnly;
    s.points.push({ timestamp: time.ms, value });
  }
  if (problems.length > 0) throw new CsvInputError(problems);
  if (series.size === 0) throw new CsvInputError(['no data rows after the header']);
  return [...series].map(([id, s]) => ({ id, points: s.points, dateOnly: s.dateOnly }));
}

export type ForecastRow = { id: string; timestamp: number; mean: number; lo: number; hi: number };

/** `id,timestamp,mean,lo,hi` with a header; numbers to 10 significant digits. */
export function formatForecastCsv(
  rows: readonly ForecastRow[],
  dateOnlyIds: ReadonlySet<string> = new Set(),
): string {
  const num = (v: number) => String(Number(v.toPrecision(10)));
  return stringify([
    ['id', 'timestamp', 'mean', 'lo', 'hi'],
    ...rows.map((r) => {
      const iso = new Date(r.timestamp).toISOString();
      return [r.id, dateOnlyIds.has(r.id) ? iso.slice(0, 10) : iso, num(r.mean), num(r.lo), num(r.hi)];
    }),
  ]);
}
