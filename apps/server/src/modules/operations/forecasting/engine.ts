/**
 * The forecasting engine: one series in (values at a regular step, NaN for missing), a point forecast with
 * a calibrated interval out. It holds no state and does no I/O.
 *
 * For each series it builds the candidate methods its history allows (methods.ts), forecasts from a few past
 * origins of that same history (rolling-origin validation), keeps the candidate with the lowest validation
 * MAE, scales its interval so the validation points are covered (split-conformal, with the choice itself
 * cross-validated: see selectionScale and CALIBRATION_MISS_SHRINK), refits it on the whole history, and
 * clips at zero when the series is non-negative. Nothing after the end of the history is used.
 */
import type { Band } from './augurs';
import { applyHolidayEffect, removeHolidays, type HolidayEffect } from './holidays';
import {
  autoEts,
  combineBands,
  comboId,
  mstlEts,
  naive,
  seasonalMean,
  seasonalNaive,
  type Method,
  type MethodContext,
} from './methods';
import { prepareSeries } from './series';
import { guerreroLambda } from './transforms';
import { conformalScale, rollingOrigins, scaleBand, windowErrors, type WindowErrors } from './validation';

export const DEFAULT_SEASONS = [24, 168];
export const DEFAULT_LEVEL = 95;

/** Bad input to the engine (the CLI and services turn it into a clear message). */
export class ForecastInputError extends Error {
  override readonly name = 'ForecastInputError';
}

export type HolidayInput = {
  /** One flag per input value: this value falls on a holiday. */
  history: readonly boolean[];
  /** One flag per forecast step. */
  future: readonly boolean[];
  /** Multiplier for holiday hours when the history holds too few past holidays to learn one (default: none). */
  defaultEffect?: number;
};

export type ForecastOptions = {
  horizon: number;
  /** Seasonal periods in steps (default 24 and 168: daily and weekly for hourly data); [] for none. */
  seasons?: number[];
  /** Interval level in percent (default 95). */
  level?: number;
  /** Clip at zero. Default: when every observed value is ≥ 0. */
  nonNegative?: boolean;
  /** Restrict the candidates to these ids (base or combination). */
  methods?: string[];
  /** Validation windows (default 4 up to a 72-step horizon, else 2). */
  origins?: number;
  holidays?: HolidayInput;
  /** Also return every candidate's calibrated forecast (for evaluation; costs one fit per candidate). */
  keepCandidates?: boolean;
  /**
   * Counts (bookings per hour): each model's interval keeps its average width but is redistributed over the
   * steps in proportion to √(level + ¼), as a count's spread grows with its level, before calibration. Without
   * it an additive model's interval is as wide at a quiet hour as at a busy one. Non-negative series only.
   */
  countIntervals?: boolean;
};

export type CandidateReport = {
  id: string;
  /** Validation MAE and sMAPE (%) over every usable point of every window; NaN if it failed. */
  mae: number;
  smape: number;
  /** Share of validation points inside the model's own interval, before calibration. */
  rawCoverage: number;
  /** Calibration factor applied to its interval. */
  intervalScale: number;
  error?: string;
  forecast?: Band;
};

export type ForecastResult = Band & {
  method: string;
  intervalScale: number;
  level: number;
  nonNegative: boolean;
  /** Seasons the models used (those the history is long enough for). */
  seasons: number[];
  /** History lengths at which validation forecasts were made, latest first. */
  origins: number[];
  /** Validation points per candidate. */
  validationPoints: number;
  candidates: CandidateReport[];
  holidayEffect: HolidayEffect | null;
  notes: string[];
};

type Candidate = { id: string; members: Method[] };

const MIN_VALIDATION_TRAIN = 10;
/**
 * Intervals are calibrated to miss 0.6 × (1 − level) of the validation points (97 % for a 95 % interval).
 * Rolling-origin windows are few and come from the past: on the M4 Hourly *dev* split (training part only)
 * calibrating to exactly 95 % covered 90.5 % of the next 48 hours; 97 % covered 94.2 %.
 */
export const CALIBRATION_MISS_SHRINK = 0.6;

export function forecastSeries(raw: ArrayLike<number>, options: ForecastOptions): ForecastResult {
  const horizon = options.horizon;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new ForecastInputError('horizon must be a whole number ≥ 1');
  const levelPct = options.level ?? DEFAULT_LEVEL;
  if (!(levelPct > 0 && levelPct < 100))
    throw new ForecastInputError('level must be between 0 and 100 (e.g. 95)');
  const level = levelPct / 100;
  const requested = options.seasons ?? DEFAULT_SEASONS;
  for (const m of requested) {
    if (!Number.isInteger(m) || m < 2) throw new ForecastInputError(`season ${m} must be a whole number ≥ 2`);
  }
  const seasonsAsked = [...new Set(requested)].sort((a, b) => a - b);
  const holidays = options.holidays;
  if (holidays) {
    if (holidays.history.length !== raw.length)
      throw new ForecastInputError('holiday flags must have one entry per history value');
    if (holidays.future.length !== horizon)
      throw new ForecastInputError('holiday flags must have one entry per forecast step');
  }

  const prepared = prepareSeries(raw, seasonsAsked);
  if (!prepared) throw new ForecastInputError('the series has no observed value');
  const notes: string[] = [];
  if (prepared.observedCount < prepared.values.length)
    notes.push(`${prepared.values.length - prepared.observedCount} missing values filled before fitting`);
  let nonNegative = options.nonNegative;
  if (nonNegative === undefined) {
    nonNegative = true;
    for (let i = 0; i < prepared.values.length; i++) {
      if (prepared.observed[i] && prepared.values[i]! < 0) nonNegative = false;
    }
  }

  const n = prepared.values.length;
  const special = holidays ? holidays.history.slice(prepared.dropped) : new Array<boolean>(n).fill(false);
  let y = prepared.values;
  let holidayEffect: HolidayEffect | null = null;
  if (holidays && special.some(Boolean)) {
    const period = [...seasonsAsked].reverse().find((m) => 2 * m <= n) ?? 1;
    const adjusted = removeHolidays(y, prepared.observed, special, period, nonNegative);
    y = adjusted.cleaned;
    holidayEffect = adjusted.effect;
  }
  if (!holidayEffect && holidays?.defaultEffect !== undefined && holidays.future.some(Boolean)) {
    holidayEffect = { kind: 'multiplicative', value: holidays.defaultEffect, learnedFromHours: 0 };
  }
  // Validation scores points that were observed and normal: a filled-in or holiday value proves nothing.
  const usable = prepared.observed.map((o, i) => o && !special[i]);

  const finish = (
    band: Band,
    method: string,
    scale: number,
    extra: Partial<ForecastResult>,
  ): ForecastResult => {
    let out = band;
    if (holidayEffect && holidays?.future.some(Boolean))
      out = applyHolidayEffect(out, holidays.future, holidayEffect);
    out = tidyBand(out, nonNegative);
    return {
      ...out,
      method,
      intervalScale: scale,
      level: levelPct,
      nonNegative,
      seasons: [],
      origins: [],
      validationPoints: 0,
      candidates: [],
      holidayEffect,
      notes,
      ...extra,
    };
  };

  const last = lastObserved(y, prepared.observed);
  if (isConstant(y, prepared.observed)) {
    notes.push('constant series: forecast is that constant');
    const flat = new Array<number>(horizon).fill(last);
    return finish({ mean: flat, lo: [...flat], hi: [...flat] }, 'constant', 0, {});
  }

  // Seasons we can both validate and fit: two whole periods before the latest validation origin.
  const seasons = seasonsAsked.filter((m) => 2 * m <= n - horizon);
  const dropped = seasonsAsked.filter((m) => !seasons.includes(m));
  if (dropped.length > 0) notes.push(`history too short for season ${dropped.join(', ')}: not modelled`);
  const lambda = nonNegative && seasons.length > 0 ? guerreroLambda(y, seasons[0]!) : 1;
  const ctx: MethodContext = { seasons, level, lambda };

  const windows = options.origins ?? (horizon <= 72 ? 4 : 2);
  const longest = seasons.at(-1);
  const minTrain = Math.max(MIN_VALIDATION_TRAIN, longest ? 2 * longest : 0);
  const origins = rollingOrigins(n, horizon, windows, minTrain);

  if (origins.length === 0) {
    // Too short to validate anything: the simplest sensible method, its interval uncalibrated.
    const fallbackSeason = [...seasonsAsked].reverse().find((m) => 2 * m <= n);
    const method = fallbackSeason ? seasonalNaive(fallbackSeason) : n >= 2 ? naive : null;
    notes.push('history too short to validate: interval not calibrated');
    if (!method) {
      const flat = new Array<number>(horizon).fill(last);
      return finish({ mean: flat, lo: [...flat], hi: [...flat] }, 'last-value', 1, {});
    }
    return finish(
      method.run(y, horizon, { ...ctx, seasons: fallbackSeason ? [fallbackSeason] : [] }),
      method.id,
      1,
      {
        seasons: fallbackSeason ? [fallbackSeason] : [],
      },
    );
  }

  const earliest = origins.at(-1)!;
  const candidates = buildCandidates(ctx, nonNegative, earliest, options.methods);
  if (candidates.length === 0)
    throw new ForecastInputError(`none of the methods ${options.methods?.join(', ')} applies to this series`);
  // Count series: an hour of the week that was empty in each of the last weeks is forecast empty.
  const zeroSeason = nonNegative ? seasons.at(-1) : undefined;
  const shape = nonNegative && options.countIntervals ? countShape : (b: Band) => b;
  const bases = [...new Map(candidates.flatMap((c) => c.members).map((m) => [m.id, m])).values()];

  // Validation forecasts: every base method from every origin, combinations from their members.
  const errors = new Map<string, { windows: WindowErrors[]; failed?: string }>();
  for (const c of candidates) errors.set(c.id, { windows: [] });
  const scale = seriesScale(y);
  for (const origin of origins) {
    const train = y.subarray(0, origin);
    const bands = new Map<string, Band | Error>();
    for (const m of bases) bands.set(m.id, runSafely(m, train, horizon, ctx));
    const actual = y.subarray(origin, origin + horizon);
    const use = usable.slice(origin, origin + horizon);
    for (const c of candidates) {
      const e = errors.get(c.id)!;
      if (e.failed) continue;
      const parts = c.members.map((m) => bands.get(m.id)!);
      const failure = parts.find((p): p is Error => p instanceof Error);
      if (failure) {
        e.failed = failure.message;
        continue;
      }
      const band = floorWidth(
        shape(zeroWhereAlwaysZero(combineMaybe(parts as Band[]), train, zeroSeason)),
        scale,
      );
      e.windows.push(windowErrors(band, actual, use));
    }
  }

  const calibrationLevel = 1 - CALIBRATION_MISS_SHRINK * (1 - level);
  const reports: CandidateReport[] = candidates.map((c) => {
    const e = errors.get(c.id)!;
    const all = pool(e.windows);
    if (e.failed || all.absErrors.length === 0)
      return {
        id: c.id,
        mae: NaN,
        smape: NaN,
        rawCoverage: NaN,
        intervalScale: NaN,
        error: e.failed ?? 'no usable validation point',
      };
    return {
      id: c.id,
      mae: mean(all.absErrors),
      smape: mean(all.smapes),
      rawCoverage: all.scores.filter((s) => s <= 1).length / all.scores.length,
      intervalScale: conformalScale(all.scores, calibrationLevel),
    };
  });
  const validationPoints = Math.max(0, ...[...errors.values()].map((e) => pool(e.windows).absErrors.length));
  const ranked = reports
    .map((r, i) => ({ r, c: candidates[i]! }))
    .filter(({ r }) => Number.isFinite(r.mae) && Number.isFinite(r.intervalScale))
    .sort((a, b) => a.r.mae - b.r.mae);
  if (ranked.length === 0)
    throw new Error(
      `every forecasting method failed: ${reports.map((r) => `${r.id}: ${r.error}`).join('; ')}`,
    );
  // The interval of whatever gets chosen is calibrated on the errors of the choosing itself (see selectionScale).
  const selectedScale = selectionScale(
    ranked.map(({ c }) => errors.get(c.id)!.windows),
    origins.length,
    calibrationLevel,
  );

  // Final fits on the whole history: the chosen one (falling back down the ranking if augurs fails), or all.
  const finals = new Map<string, Band | Error>();
  const finalBand = (c: Candidate): Band | Error => {
    const parts = c.members.map((m) => {
      if (!finals.has(m.id)) finals.set(m.id, runSafely(m, y, horizon, ctx));
      return finals.get(m.id)!;
    });
    const failure = parts.find((p): p is Error => p instanceof Error);
    return (
      failure ?? floorWidth(shape(zeroWhereAlwaysZero(combineMaybe(parts as Band[]), y, zeroSeason)), scale)
    );
  };
  if (options.keepCandidates) {
    for (const { r, c } of ranked) {
      const band = finalBand(c);
      if (!(band instanceof Error)) r.forecast = tidyBand(scaleBand(band, r.intervalScale), nonNegative);
    }
  }
  for (const [rank, { r, c }] of ranked.entries()) {
    const band = finalBand(c);
    if (band instanceof Error) {
      notes.push(`${c.id} failed on the whole history (${band.message}): next best used`);
      continue;
    }
    // A fallback down the ranking was not what the validation chose: it keeps its own calibration.
    const applied = rank === 0 ? selectedScale : r.intervalScale;
    return finish(scaleBand(band, applied), c.id, applied, {
      seasons,
      origins,
      validationPoints,
      candidates: reports,
    });
  }
  throw new Error('every forecasting method failed on the whole history');
}

/**
 * The calibration scale for "the candidate the validation picks", measured honestly: for each window, the
 * candidate that is best on the *other* windows is scored on this one (leave one window out), so the
 * optimism of picking the luckiest candidate shows in the pooled scores. With one window, the best one's own.
 * `windowsByRank[i]` holds the per-window errors of the i-th ranked candidate.
 */
export function selectionScale(windowsByRank: WindowErrors[][], windowCount: number, level: number): number {
  if (windowCount < 2) return conformalScale(pool(windowsByRank[0]!).scores, level);
  const scores: number[] = [];
  for (let w = 0; w < windowCount; w++) {
    let best: WindowErrors[] | undefined;
    let bestMae = Number.POSITIVE_INFINITY;
    for (const windows of windowsByRank) {
      const others = pool(windows.filter((_, i) => i !== w)).absErrors;
      const m = others.length ? mean(others) : Number.POSITIVE_INFINITY;
      if (m < bestMae) {
        bestMae = m;
        best = windows;
      }
    }
    if (best) scores.push(...best[w]!.scores);
  }
  return conformalScale(scores, level);
}

function pool(windows: readonly WindowErrors[]): WindowErrors {
  return {
    absErrors: windows.flatMap((w) => w.absErrors),
    smapes: windows.flatMap((w) => w.smapes),
    scores: windows.flatMap((w) => w.scores),
  };
}

function buildCandidates(
  ctx: MethodContext,
  nonNegative: boolean,
  earliest: number,
  only?: string[],
): Candidate[] {
  const { seasons } = ctx;
  const bases: Method[] = [];
  const longest = seasons.at(-1);
  if (longest === undefined) {
    bases.push(naive, autoEts);
  } else {
    for (const m of seasons) bases.push(seasonalNaive(m));
    for (const k of [2, 3, 4]) bases.push(seasonalMean(longest, k));
    bases.push(mstlEts('none', longest));
    if (nonNegative) {
      bases.push(mstlEts('log', longest));
      // Guerrero's λ near 0 or 1 would duplicate mstl-log or mstl.
      if (ctx.lambda >= 0.1 && ctx.lambda <= 0.9) bases.push(mstlEts('boxcox', longest));
    }
  }
  const runnable = bases.filter((m) => m.minLength <= earliest);
  const byId = new Map(runnable.map((m) => [m.id, m]));
  const candidates: Candidate[] = runnable.map((m) => ({ id: m.id, members: [m] }));
  const smeans = runnable.filter((m) => m.id.startsWith('smean-'));
  const widest = smeans.at(-1);
  const pairs: string[][] = [['mstl', 'mstl-log']];
  if (widest) pairs.push(['mstl', widest.id], ['mstl-log', widest.id], ['mstl', 'mstl-log', widest.id]);
  for (const ids of pairs) {
    const members = ids.map((id) => byId.get(id));
    if (members.every((m): m is Method => m !== undefined)) candidates.push({ id: comboId(ids), members });
  }
  return only ? candidates.filter((c) => only.includes(c.id)) : candidates;
}

function runSafely(m: Method, y: Float64Array, horizon: number, ctx: MethodContext): Band | Error {
  try {
    return m.run(y, horizon, ctx);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function combineMaybe(parts: Band[]): Band {
  return parts.length === 1 ? parts[0]! : combineBands(parts);
}

/** Same-phase periods that must all have been exactly 0 for a step to be forecast 0. */
export const ZERO_RUN_PERIODS = 4;

/**
 * Structural zeros of count series (nights with no bookings): where the value at a step's phase of season m
 * was 0 in each of the last ZERO_RUN_PERIODS periods, the point forecast and lower bound become 0 (smooth
 * models otherwise spread a little demand over them); the upper bound stays, for the rare exception.
 */
export function zeroWhereAlwaysZero(band: Band, y: ArrayLike<number>, m: number | undefined): Band {
  if (m === undefined || y.length < ZERO_RUN_PERIODS * m) return band;
  const n = y.length;
  const zero = band.mean.map((_, h) => {
    const target = n + h;
    let i = target - Math.ceil((h + 1) / m) * m;
    for (let k = 0; k < ZERO_RUN_PERIODS; k++, i -= m) if (i < 0 || y[i] !== 0) return false;
    return true;
  });
  if (!zero.some(Boolean)) return band;
  return {
    mean: band.mean.map((v, h) => (zero[h] ? 0 : v)),
    lo: band.lo.map((v, h) => (zero[h] ? 0 : v)),
    hi: band.hi,
  };
}

/**
 * Redistributes a band's interval over its steps in proportion to √(max(mean, 0) + ¼), keeping the average
 * width of each side: the spread of a count grows with its level (see ForecastOptions.countIntervals).
 */
export function countShape(band: Band): Band {
  const n = band.mean.length;
  if (n === 0) return band;
  const s = band.mean.map((m) => Math.sqrt(Math.max(m, 0) + 0.25));
  const sMean = s.reduce((a, b) => a + b, 0) / n;
  let up = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    up += Math.max(0, band.hi[i]! - band.mean[i]!);
    down += Math.max(0, band.mean[i]! - band.lo[i]!);
  }
  up /= n;
  down /= n;
  return {
    mean: band.mean,
    lo: band.mean.map((m, i) => m - (down * s[i]!) / sMean),
    hi: band.mean.map((m, i) => m + (up * s[i]!) / sMean),
  };
}

/**
 * Gives every interval side a minimal width relative to the series' level, so a zero-width base interval
 * (a flat stretch of history) still calibrates: its calibrated width then becomes the error quantile.
 */
function floorWidth(band: Band, scale: number): Band {
  const eps = 1e-6 * scale;
  return {
    mean: band.mean,
    lo: band.mean.map((m, i) => Math.min(band.lo[i]!, m - eps)),
    hi: band.mean.map((m, i) => Math.max(band.hi[i]!, m + eps)),
  };
}

/** Non-negative clip, and lo ≤ mean ≤ hi whatever the transforms did. */
function tidyBand(band: Band, nonNegative: boolean): Band {
  const clip = (v: number) => (nonNegative ? Math.max(0, v) : v);
  const mean = band.mean.map(clip);
  return {
    mean,
    lo: band.lo.map((v, i) => Math.min(clip(v), mean[i]!)),
    hi: band.hi.map((v, i) => Math.max(clip(v), mean[i]!)),
  };
}

function seriesScale(y: Float64Array): number {
  let s = 0;
  for (const v of y) s += Math.abs(v);
  return s / y.length || 1;
}

function isConstant(y: Float64Array, observed: readonly boolean[]): boolean {
  let first: number | undefined;
  for (let i = 0; i < y.length; i++) {
    if (!observed[i]) continue;
    if (first === undefined) first = y[i]!;
    else if (y[i] !== first) return false;
  }
  return true;
}

function lastObserved(y: Float64Array, observed: readonly boolean[]): number {
  const i = observed.lastIndexOf(true);
  return y[i]!;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
