/**
 * Rolling-origin validation on a series' own history: the forecast is made from several past origins
 * (each window `horizon` long, the latest ending at the end of the history) and compared with what followed.
 * The errors choose the method and calibrate its interval (split-conformal: the interval is scaled so that
 * the share of validation points it covers reaches the nominal level).
 */
import type { Band } from './augurs';

/** Origins (history lengths) of `count` back-to-back windows of `horizon`, latest first; none below minTrain. */
export function rollingOrigins(n: number, horizon: number, count: number, minTrain: number): number[] {
  const origins: number[] = [];
  for (let k = 1; k <= count; k++) {
    const origin = n - k * horizon;
    if (origin < minTrain) break;
    origins.push(origin);
  }
  return origins;
}

/**
 * Nonconformity score of an actual value against a band: 0 at the point, 1 on the bound of its side, and
 * proportional in between and beyond. Scaling both sides of the band by s covers the value iff score ≤ s.
 */
export function intervalScore(actual: number, mean: number, lo: number, hi: number): number {
  const d = actual - mean;
  if (d === 0) return 0;
  const side = d > 0 ? hi - mean : mean - lo;
  if (side > 0) return Math.abs(d) / side;
  return Number.POSITIVE_INFINITY;
}

/**
 * The scale that makes the band cover `level` of the scores: the ⌈(N + 1)·level⌉-th smallest (the
 * split-conformal quantile, which covers at least `level` on exchangeable errors). With too few scores for
 * that rank, the largest. Infinite when a zero-width band missed.
 */
export function conformalScale(scores: number[], level: number): number {
  if (scores.length === 0) return 1;
  const sorted = [...scores].sort((a, b) => a - b);
  const rank = Math.ceil((sorted.length + 1) * level);
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Widens (or narrows) a band around its point forecast by `scale`. */
export function scaleBand(band: Band, scale: number): Band {
  return {
    mean: band.mean,
    lo: band.mean.map((m, i) => m - scale * (m - band.lo[i]!)),
    hi: band.mean.map((m, i) => m + scale * (band.hi[i]! - m)),
  };
}

export type WindowErrors = { absErrors: number[]; smapes: number[]; scores: number[] };

/** Errors of one validation window; `use[i]` false skips a point (filled in, or a holiday). */
export function windowErrors(band: Band, actual: ArrayLike<number>, use: ArrayLike<boolean>): WindowErrors {
  const out: WindowErrors = { absErrors: [], smapes: [], scores: [] };
  for (let i = 0; i < band.mean.length; i++) {
    if (!use[i]) continue;
    const y = actual[i]!;
    const f = band.mean[i]!;
    out.absErrors.push(Math.abs(y - f));
    const denom = Math.abs(y) + Math.abs(f);
    out.smapes.push(denom === 0 ? 0 : (200 * Math.abs(y - f)) / denom);
    out.scores.push(intervalScore(y, f, band.lo[i]!, band.hi[i]!));
  }
  return out;
}
