/**
 * Forecasting engine figures (seed 001: "a forecast for 20 subjects × 168 hours in seconds, not minutes"):
 * 20 synthetic booking-like subjects with 90 days of hourly history and the demo calendar's holidays,
 * forecast 168 hours ahead each through the production path (validation, selection, calibration, one final
 * fit), one after another on one thread. Prints wall-clock and CPU time; never asserts.
 */
import { generateSyntheticDemand } from '@tutorpulse/server/src/cli/forecast/synthetic-demand';
import { forecastTimedSeries } from '@tutorpulse/server/src/modules/operations/forecasting/time-series';
import { printFigure, section } from './util';

export function benchForecast() {
  section('Forecasting engine (20 subjects × 168 h, 90 days of hourly history, one thread)');
  const demand = generateSyntheticDemand({ seed: 11, days: 90, subjects: 20 });
  const H = 3_600_000;
  // Warm-up: loads and compiles the WebAssembly once, as a long-running worker would have.
  const first = demand.series[0]!;
  forecastTimedSeries(
    first.values.slice(0, 24 * 21).map((value, i) => ({ timestamp: first.start + i * H, value })),
    { horizon: 24 },
  );
  const perSeries: number[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const s of demand.series) {
    const t = performance.now();
    forecastTimedSeries(
      s.values.map((value, i) => ({ timestamp: s.start + i * H, value })),
      {
        horizon: 168,
        seasons: [24, 168],
        level: 95,
        holidays: { dates: demand.holidays, timeZone: demand.timeZone },
      },
    );
    perSeries.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  printFigure('20 subjects × 168 h: wall time', wall / 1000, 's');
  printFigure('20 subjects × 168 h: CPU time', (cpu.user + cpu.system) / 1e6, 's');
  printFigure(
    'per subject: mean / max wall time',
    `${(wall / 20 / 1000).toFixed(2)} / ${(Math.max(...perSeries) / 1000).toFixed(2)}`,
    's',
  );
  console.log('  target: seconds, not minutes (runs daily at 02:00 and on demand)');
}
