/**
 * The one door to `@bsull/augurs` (Grafana's augurs, Rust compiled to WebAssembly): MSTL decomposition with an
 * AutoETS model of the seasonally adjusted series, and AutoETS alone for series without a season. Its JS glue
 * expects a browser (`fetch` of the .wasm next to it); in Node the bytes are read from the package folder once
 * and handed to `initSync`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ets from '@bsull/augurs/ets';
import * as mstl from '@bsull/augurs/mstl';

/** A point forecast with a lower and upper bound per step. */
export type Band = { mean: number[]; lo: number[]; hi: number[] };

const loaded = new Set<string>();

function ensureWasm(name: 'mstl' | 'ets', init: (bytes: { module: Buffer }) => unknown): void {
  if (loaded.has(name)) return;
  const require = createRequire(import.meta.url);
  // The package's exports map lists only the .js files: find the folder through one of them.
  const dir = path.dirname(require.resolve(`@bsull/augurs/${name}`));
  init({ module: readFileSync(path.join(dir, `${name}_bg.wasm`)) });
  loaded.add(name);
}

type Model = {
  fit(y: Float64Array): void;
  predict(horizon: number, level?: number | null): mstl.Forecast;
  free(): void;
};

function predictChecked(model: Model, y: ArrayLike<number>, horizon: number, level: number): Band {
  try {
    model.fit(Float64Array.from(y));
    const f = model.predict(horizon, level);
    const lo = f.intervals?.lower;
    const hi = f.intervals?.upper;
    if (!lo || !hi || f.point.length !== horizon) throw new Error('augurs returned no prediction interval');
    for (let i = 0; i < horizon; i++) {
      if (!Number.isFinite(f.point[i]) || !Number.isFinite(lo[i]) || !Number.isFinite(hi[i]))
        throw new Error('augurs returned a non-finite forecast');
    }
    return { mean: f.point, lo, hi };
  } finally {
    model.free();
  }
}

/**
 * MSTL(periods) + AutoETS fitted to `y` (finite values; at least two of the longest period), `horizon` steps
 * ahead with the model's interval at `level` (0–1). Throws when augurs fails or returns anything non-finite,
 * so a caller can fall back to another method instead of shipping NaN.
 */
export function forecastMstlEts(
  y: ArrayLike<number>,
  periods: number[],
  horizon: number,
  level: number,
): Band {
  ensureWasm('mstl', mstl.initSync);
  return predictChecked(mstl.MSTL.ets(periods), y, horizon, level);
}

/** Non-seasonal AutoETS (error, trend and damping chosen by AICc), for series given no season. */
export function forecastAutoEts(y: ArrayLike<number>, horizon: number, level: number): Band {
  ensureWasm('ets', ets.initSync);
  return predictChecked(new ets.AutoETS(1, 'ZZN'), y, horizon, level);
}
