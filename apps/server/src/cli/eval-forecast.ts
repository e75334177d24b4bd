/**
 * `npm run eval:forecast`: how good is the forecasting engine?
 *
 * 1. M4 Hourly (414 series, horizon 48): the engine forecasts each series from its training part only (the
 *    test part is read after, to score). Prints sMAPE, MASE and OWA against Naive2 and the seasonal naive
 *    computed in the same run, the 95 % interval coverage, MSIS, the share of negative values and the time
 *    per series — for the per-series selection and for every candidate method. `--split dev` scores on the
 *    last 48 training values instead (the test part is not read at all): design choices are made there.
 * 2. Booking-like demand (horizon 168, 90 days of history, weekly origins) against the weekly seasonal naive:
 *    a series CSV (`--demand file.csv`, the CLI's id,timestamp,value format) or, by default, the operations
 *    seed's planted demand (cli/seed/operations-supply.ts: 28 subjects, daily and weekly shape, school
 *    holidays, test-prep weeks).
 * 3. Imbalances on the planted demand: availability planned from the demand's weekly profile with planted
 *    shortage windows, laid on the hours and discounted as the forecast job does, against each week's
 *    forecasts: precision and recall of the planted shortages found.
 *
 * Prints figures; exits 0 unless it crashed, 2 on bad options or missing data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { coverage, mase, msis, owa, seasonalNaiveScale, smape } from '../modules/operations/index';
import type { Band } from '../modules/operations/index';
import { CsvInputError, parseSeriesCsv } from '../modules/operations/index';
import { forecastSeries, type ForecastResult } from '../modules/operations/index';
import { seasonalNaive } from '../modules/operations/index';
import { naive2, seasonalNaiveForecast } from '../modules/operations/index';
import { holidayFlags, toRegularGrid } from '../modules/operations/index';
import { loadM4Hourly, M4DataMissingError, type M4Series } from './forecast/m4';
import {
  availabilityByHour,
  expectedSupply,
  findImbalances,
  IMBALANCE_THRESHOLDS,
  severityRank,
  type HourBalance,
} from '../modules/operations/index';
import {
  generatePlantedDemand,
  isPlantedShortageHour,
  PLAN_RELIABILITY,
  planAvailability,
  weeklyProfileOf,
  type PlantedShortage,
} from './seed/operations-supply';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
const LEVEL = 95;

type Scored = {
  smape: number;
  mase: number;
  coverage: number;
  msis: number;
  negative: number;
  points: number;
};

/** Per-method accumulators; each series adds its figures under the methods it has. */
class Table {
  readonly rows = new Map<string, Map<string, Scored>>();
  add(method: string, seriesId: string, s: Scored) {
    let m = this.rows.get(method);
    if (!m) this.rows.set(method, (m = new Map()));
    m.set(seriesId, s);
  }
}

const usage =
  'usage: npm run eval:forecast -- [--m4 <dir>] [--split test|dev] [--limit N] [--skip-m4] ' +
  '[--demand <series.csv> [--holidays d1,d2] [--time-zone Zone]] [--demand-weeks 4] [--demand-seed 7] [--skip-demand] [--additive-intervals] [--json out.json]';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function pct(x: number) {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–';
}
function num(x: number, digits = 3) {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}
function mean(xs: number[]) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

function score(actual: number[], band: Band, scale: number, withInterval: boolean): Scored {
  return {
    smape: smape(actual, band.mean),
    mase: mase(actual, band.mean, scale),
    coverage: withInterval ? coverage(actual, band.lo, band.hi) : Number.NaN,
    msis: withInterval ? msis(actual, band.lo, band.hi, scale, 1 - LEVEL / 100) : Number.NaN,
    negative:
      band.mean.filter((v) => v < 0).length + (withInterval ? band.lo.filter((v) => v < 0).length : 0),
    points: band.mean.length * (withInterval ? 2 : 1),
  };
}

function printTable(
  title: string,
  table: Table,
  reference: string,
  order: string[],
  chosen: Map<string, number>,
) {
  const refRows = table.rows.get(reference)!;
  console.log(`\n${title}`);
  console.log(
    `  ${'method'.padEnd(34)} ${'series'.padStart(6)} ${'sMAPE'.padStart(7)} ${'MASE'.padStart(7)} ${'OWA'.padStart(6)} ${'cover'.padStart(6)} ${'MSIS'.padStart(7)} ${'neg'.padStart(5)} ${'chosen'.padStart(6)}`,
  );
  const methods = [
    ...order.filter((m) => table.rows.has(m)),
    ...[...table.rows.keys()].filter((m) => !order.includes(m)).sort(),
  ];
  for (const method of methods) {
    const rows = table.rows.get(method)!;
    const ids = [...rows.keys()];
    const s = ids.map((id) => rows.get(id)!);
    const ref = ids.map((id) => refRows.get(id)!);
    const sm = mean(s.map((x) => x.smape));
    const ms = mean(s.map((x) => x.mase));
    const o = owa(sm, ms, mean(ref.map((x) => x.smape)), mean(ref.map((x) => x.mase)));
    const cov = mean(s.map((x) => x.coverage));
    const negative = s.reduce((a, x) => a + x.negative, 0) / s.reduce((a, x) => a + x.points, 0);
    const label = method.length > 34 ? `${method.slice(0, 33)}…` : method;
    console.log(
      `  ${label.padEnd(34)} ${String(ids.length).padStart(6)} ${num(sm, 2).padStart(7)} ${num(ms).padStart(7)} ${num(o).padStart(6)} ${pct(cov).padStart(6)} ${num(mean(s.map((x) => x.msis)), 2).padStart(7)} ${pct(negative).padStart(5)} ${String(chosen.get(method) ?? '').padStart(6)}`,
    );
  }
}

function evaluateM4(dir: string, split: 'test' | 'dev', limit: number | undefined, dump: unknown[]) {
  let series: M4Series[];
  try {
    series = loadM4Hourly(dir);
  } catch (err) {
    if (err instanceof M4DataMissingError) fail(err.message);
    throw err;
  }
  if (limit) series = series.slice(0, limit);
  const horizon = 48;
  const table = new Table();
  const chosen = new Map<string, number>();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const started = performance.now();
  for (const [i, s] of series.entries()) {
    // dev: pretend the last 48 training values are the future; the real test values stay unread.
    const train = split === 'dev' ? s.train.slice(0, -horizon) : s.train;
    const actual = split === 'dev' ? s.train.slice(-horizon) : s.test;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const result = forecastSeries(train, { horizon, seasons: [24, 168], level: LEVEL, keepCandidates: true });
    const cpu = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    const scale = seasonalNaiveScale(train, 24);
    table.add('selected per series', s.id, score(actual, result, scale, true));
    chosen.set(result.method, (chosen.get(result.method) ?? 0) + 1);
    for (const c of result.candidates)
      if (c.forecast) table.add(c.id, s.id, score(actual, c.forecast, scale, true));
    const n2 = naive2(train, horizon, 24);
    table.add('Naive2 (M4 benchmark)', s.id, score(actual, { mean: n2, lo: n2, hi: n2 }, scale, false));
    const sn = seasonalNaive(24).run(Float64Array.from(train), horizon, {
      seasons: [24],
      level: LEVEL / 100,
      lambda: 1,
    });
    table.add('seasonal naive 24 (sNaive)', s.id, score(actual, sn, scale, true));
    const check = seasonalNaiveForecast(train, horizon, 24);
    if (check.some((v, k) => v !== sn.mean[k])) throw new Error('two seasonal naives disagree');
    dump.push({
      part: 'm4',
      split,
      id: s.id,
      method: result.method,
      scale: result.intervalScale,
      ms: times.at(-1),
      candidates: result.candidates.map(({ forecast: _f, ...c }) => c),
    });
    if ((i + 1) % 50 === 0) console.error(`  … ${i + 1}/${series.length} series`);
  }
  const elapsed = (performance.now() - started) / 1000;
  printTable(
    `M4 Hourly, ${series.length} series, horizon ${horizon}, ${split === 'dev' ? 'DEV split (last 48 training values; test part unread)' : 'test part'} — OWA against Naive2 on the same series`,
    table,
    'Naive2 (M4 benchmark)',
    ['selected per series', 'Naive2 (M4 benchmark)', 'seasonal naive 24 (sNaive)'],
    chosen,
  );
  console.log(
    `  time per series (validation, then the final fit of every candidate, not only the chosen one): ${describeTimes(times, cpuTimes)}; ${elapsed.toFixed(0)} s in all`,
  );
  console.log('  targets: OWA ≤ 0.55, coverage 93–97 %, 0 negative, < 0.5 s per series');
}

/** Wall-clock and CPU time (the CPU figure is what a busy shared machine does not inflate). */
function describeTimes(wallMs: number[], cpuMs: number[]): string {
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(0.95 * (xs.length - 1))]!;
  return `wall mean ${num(mean(wallMs) / 1000, 3)} s (p95 ${num(p95(wallMs) / 1000, 3)} s), CPU mean ${num(mean(cpuMs) / 1000, 3)} s (p95 ${num(p95(cpuMs) / 1000, 3)} s)`;
}

/** `expected`: the planted mean per hour, when known (synthetic data): scored as an oracle, the noise floor. */
type DemandSeries = { id: string; start: number; values: number[]; expected?: number[] };

function evaluateDemand(
  input: { series: DemandSeries[]; holidays: string[]; timeZone: string; label: string },
  weeks: number,
  dump: unknown[],
  countIntervals: boolean,
): Map<string, { origin: number; band: Band }> {
  const horizon = 168;
  const historyHours = 90 * 24;
  const forecasts = new Map<string, { origin: number; band: Band }>();
  const table = new Table();
  const chosen = new Map<string, number>();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let windows = 0;
  for (const s of input.series) {
    const stamps = s.values.map((_, i) => s.start + i * 3_600_000);
    const flags = holidayFlags(stamps, { dates: input.holidays, timeZone: input.timeZone });
    for (let w = weeks; w >= 1; w--) {
      const origin = s.values.length - w * horizon;
      if (origin - historyHours < 0)
        fail(`series ${s.id} is too short: needs 90 days of history before ${weeks} weekly origins`);
      const history = s.values.slice(origin - historyHours, origin);
      const actual = s.values.slice(origin, origin + horizon);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const result: ForecastResult = forecastSeries(history, {
        horizon,
        seasons: [24, 168],
        level: LEVEL,
        keepCandidates: true,
        countIntervals,
        holidays: {
          history: flags.slice(origin - historyHours, origin),
          future: flags.slice(origin, origin + horizon),
        },
      });
      const cpu = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      // Holiday-free scale: the weekly seasonal naive's in-sample error (m = 168).
      const scale = seasonalNaiveScale(history, 168);
      const key = `${s.id}@${w}`;
      forecasts.set(key, { origin: s.start + origin * 3_600_000, band: result });
      table.add('selected per series', key, score(actual, result, scale, true));
      chosen.set(result.method, (chosen.get(result.method) ?? 0) + 1);
      for (const c of result.candidates)
        if (c.forecast) table.add(c.id, key, score(actual, c.forecast, scale, true));
      const weekly = seasonalNaive(168).run(Float64Array.from(history), horizon, {
        seasons: [168],
        level: LEVEL / 100,
        lambda: 1,
      });
      table.add('weekly seasonal naive', key, score(actual, weekly, scale, true));
      if (s.expected) {
        const oracle = s.expected.slice(origin, origin + horizon);
        table.add(
          'oracle: the planted expected counts',
          key,
          score(actual, { mean: oracle, lo: oracle, hi: oracle }, scale, false),
        );
      }
      windows++;
      dump.push({
        part: 'demand',
        id: key,
        method: result.method,
        holiday: result.holidayEffect,
        candidates: result.candidates.map(({ forecast: _f, ...c }) => c),
      });
    }
  }
  printTable(
    `Demand: ${input.label}; ${input.series.length} series × ${weeks} weekly origins (${windows} forecasts), 90 days of history, horizon 168 — "OWA" here is relative to the weekly seasonal naive; MASE scaled by the in-sample weekly naive`,
    table,
    'weekly seasonal naive',
    ['selected per series', 'weekly seasonal naive', 'oracle: the planted expected counts'],
    chosen,
  );
  const sel = [...table.rows.get('selected per series')!.values()];
  const ref = [...table.rows.get('weekly seasonal naive')!.values()];
  const gain = 1 - mean(sel.map((x) => x.mase)) / mean(ref.map((x) => x.mase));
  console.log(
    `  MASE ${gain >= 0 ? 'lower' : 'higher'} than the weekly seasonal naive by ${pct(Math.abs(gain))}; time per forecast (every candidate refitted): ${describeTimes(times, cpuTimes)}`,
  );
  console.log('  targets: ≥ 20 % lower MASE than the weekly seasonal naive, coverage 92–98 %');
  return forecasts;
}

/**
 * Planted shortages against the imbalances found: availability is planned from the weekly profile of the
 * planted expected demand over the 8 weeks before the first origin (healthy hours covered, planted windows cut
 * to 40 %), laid on each forecast week's hours by the forecast job's own code (tutors' weekly slots in platform
 * time, discounted by their reliability), and compared with each week's forecast (upper bound).
 */
function evaluateImbalances(
  planted: ReturnType<typeof generatePlantedDemand>,
  forecasts: Map<string, { origin: number; band: Band }>,
  weeks: number,
  seed: number,
) {
  const horizon = 168;
  const firstOrigin = planted.start + (planted.hours - weeks * horizon) * 3_600_000;
  const profile = new Map<string, Float64Array>();
  const planHours = (firstOrigin - planted.start) / 3_600_000;
  for (const s of planted.series)
    profile.set(
      s.id,
      weeklyProfileOf(planted.start, s.expected.subarray(0, planHours), {
        weeks: 8,
        holidays: planted.holidays,
      }),
    );
  const plan = planAvailability(profile, { seed, count: 8, minDemand: 3 });
  const slots = plan.slots.map((p) => ({
    tutorId: `${p.subjectId}#${p.tutorKey}`,
    subjectId: p.subjectId,
    weekday: p.weekday,
    start: p.start,
    end: p.end,
    timeZone: planted.timeZone,
  }));
  // Tallies per minimum severity: every imbalance, then medium and above, high and above.
  const levels = [
    { name: 'all severities', min: 0 },
    { name: 'medium and above', min: 1 },
    { name: 'high and above', min: 2 },
  ];
  const tally = levels.map(() => ({ detected: 0, hit: 0, windowsFound: 0, imbalances: 0, onPlanted: 0 }));
  let plantedCells = 0;
  let plantedWindows = 0;
  const bySeverity = new Map<string, { n: number; planted: number }>();
  for (let w = weeks; w >= 1; w--) {
    const origin = planted.start + (planted.hours - w * horizon) * 3_600_000;
    const availability = availabilityByHour(slots, [], { from: origin, hours: horizon });
    for (const s of planted.series) {
      const f = forecasts.get(`${s.id}@${w}`);
      if (!f) continue;
      const supply = expectedSupply(availability.get(s.id) ?? new Map(), () => PLAN_RELIABILITY, horizon);
      const balance: HourBalance[] = f.band.mean.map((m, h) => ({
        hour: origin + h * 3_600_000,
        demandMean: m,
        demandHi: f.band.hi[h]!,
        supply: supply.expected[h]!,
      }));
      const found = findImbalances(balance, IMBALANCE_THRESHOLDS);
      const flagged = levels.map(() => new Set<number>());
      for (const im of found) {
        const rank = severityRank(im.severity);
        let onPlanted = false;
        for (let t = im.startHour; t < im.endHour; t += 3_600_000)
          if (isPlantedShortageHour(plan.shortages, s.id, t)) onPlanted = true;
        levels.forEach((level, i) => {
          if (rank < level.min) return;
          tally[i]!.imbalances++;
          if (onPlanted) tally[i]!.onPlanted++;
          for (let t = im.startHour; t < im.endHour; t += 3_600_000) flagged[i]!.add(t);
        });
        const b = bySeverity.get(im.severity) ?? { n: 0, planted: 0 };
        b.n++;
        if (onPlanted) b.planted++;
        bySeverity.set(im.severity, b);
      }
      // A planted window on one day (in platform time) is found when any of its hours is flagged.
      const windowHits = levels.map(() => new Map<string, boolean>());
      for (let h = 0; h < horizon; h++) {
        const t = origin + h * 3_600_000;
        const isPlanted = isPlantedShortageHour(plan.shortages, s.id, t);
        if (isPlanted) plantedCells++;
        const day = new Date(t - 5 * 3_600_000).toISOString().slice(0, 10);
        levels.forEach((_, i) => {
          const on = flagged[i]!.has(t);
          if (on) tally[i]!.detected++;
          if (on && isPlanted) tally[i]!.hit++;
          if (isPlanted) windowHits[i]!.set(day, (windowHits[i]!.get(day) ?? false) || on);
        });
      }
      plantedWindows += windowHits[0]!.size;
      levels.forEach((_, i) => {
        tally[i]!.windowsFound += [...windowHits[i]!.values()].filter(Boolean).length;
      });
    }
  }
  console.log(
    `\nImbalances: ${plan.shortages.length} planted shortage windows (subject × weekday × 2–4 h, availability cut to 40 % of the expected demand; elsewhere expected + 2.5 sd + 1), ${weeks} forecast weeks (${plantedWindows} planted window-days, ${plantedCells} planted hours)`,
  );
  for (const p of plan.shortages) console.log(`  planted: ${describeShortage(p)}`);
  console.log(
    `  ${'imbalances counted'.padEnd(18)} ${'hours: recall'.padStart(14)} ${'precision'.padStart(10)} ${'windows found'.padStart(14)} ${'imbalances on a planted window'.padStart(31)}`,
  );
  levels.forEach((level, i) => {
    const x = tally[i]!;
    console.log(
      `  ${level.name.padEnd(18)} ${pct(x.hit / plantedCells).padStart(14)} ${pct(x.hit / x.detected).padStart(10)} ${`${x.windowsFound}/${plantedWindows}`.padStart(14)} ${`${x.onPlanted}/${x.imbalances} (${pct(x.onPlanted / x.imbalances)})`.padStart(31)}`,
    );
  });
  console.log(
    `  by severity: ${[...bySeverity].map(([k, v]) => `${k} ${v.n} (${v.planted} on a planted window)`).join(', ')}`,
  );
  console.log(
    '  low and medium: only the 95 % upper bound exceeds supply (uncertainty); high and critical: the typical demand does (a shortage to act on)',
  );
}

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
function describeShortage(p: PlantedShortage): string {
  return `${p.subject_id} ${WEEKDAY_NAMES[p.weekday - 1]} ${p.start_hour}–${p.end_hour} h (expected ${p.expected_demand.map((x) => x.toFixed(1)).join('/')}, capacity ${p.capacity.join('/')})`;
}

function loadDemandCsv(
  file: string,
  holidays: string[],
  timeZone: string,
): { series: DemandSeries[]; holidays: string[]; timeZone: string; label: string } {
  let parsed;
  try {
    parsed = parseSeriesCsv(readFileSync(file));
  } catch (err) {
    if (err instanceof CsvInputError) fail(`${file}:\n${err.message}`);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') fail(`demand series file not found: ${file}`);
    throw err;
  }
  const series = parsed.map((p) => {
    const grid = toRegularGrid(p.points);
    if (grid.stepMs !== 3_600_000) fail(`series ${p.id} is not hourly`);
    return { id: p.id, start: grid.start, values: grid.values };
  });
  return { series, holidays, timeZone, label: `${file}` };
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        m4: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/data/m4-hourly') },
        split: { type: 'string', default: 'test' },
        limit: { type: 'string' },
        'skip-m4': { type: 'boolean', default: false },
        demand: { type: 'string' },
        holidays: { type: 'string', default: '' },
        'time-zone': { type: 'string', default: 'UTC' },
        'demand-weeks': { type: 'string', default: '4' },
        'demand-seed': { type: 'string', default: '7' },
        'skip-demand': { type: 'boolean', default: false },
        'additive-intervals': { type: 'boolean', default: false },
        json: { type: 'string' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${usage}`);
  }
  const split = values.split;
  if (split !== 'test' && split !== 'dev') fail(`--split must be test or dev\n${usage}`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    fail(`--limit must be a whole number > 0\n${usage}`);
  const weeks = Number(values['demand-weeks']);
  if (!(Number.isInteger(weeks) && weeks > 0)) fail(`--demand-weeks must be a whole number > 0\n${usage}`);
  const seed = Number(values['demand-seed']);
  if (!Number.isInteger(seed)) fail(`--demand-seed must be a whole number\n${usage}`);

  const dump: unknown[] = [];
  console.log(`Forecasting engine evaluation — node ${process.version}`);
  if (!values['skip-m4']) evaluateM4(values.m4, split, limit, dump);
  if (!values['skip-demand']) {
    if (values.demand) {
      const holidays = values.holidays
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      evaluateDemand(
        loadDemandCsv(values.demand, holidays, values['time-zone']),
        weeks,
        dump,
        !values['additive-intervals'],
      );
    } else {
      // Weeks ending Monday 2026-12-07 00:00 platform time: Veterans Day and Thanksgiving and two test-prep
      // weeks fall in the forecast weeks, Labor Day and Columbus Day in the history.
      const planted = generatePlantedDemand({
        seed,
        end: Date.parse('2026-12-07T05:00:00Z'),
        days: 90 + 7 * weeks,
      });
      const forecasts = evaluateDemand(
        {
          series: planted.series.map((s) => ({
            id: s.id,
            start: planted.start,
            values: s.values,
            expected: [...s.expected],
          })),
          holidays: planted.holidays,
          timeZone: planted.timeZone,
          label: `the operations seed's planted demand (seed ${seed}, ${planted.series.length} subjects, Poisson counts, school holidays ×0.3, test-prep weeks ×1.8)`,
        },
        weeks,
        dump,
        !values['additive-intervals'],
      );
      evaluateImbalances(planted, forecasts, weeks, seed);
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(dump, null, 1));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
