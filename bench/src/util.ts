/** Small helpers for benchmarks: timing, percentiles and a uniform way to print figures. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

export function printFigure(label: string, value: number | string, unit = '') {
  const v = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(1)) : value;
  console.log(`  ${label.padEnd(58)} ${v}${unit ? ` ${unit}` : ''}`);
}

export function section(title: string) {
  console.log(`\n${title}`);
}

/** Runs `task` with `concurrency` workers until `total` calls are done. */
export async function runConcurrent(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        await task(i);
      }
    }),
  );
}

function listSetting(name: string): Set<string> | undefined {
  const raw = process.env[name]?.trim();
  return raw
    ? new Set(
        raw
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
    : undefined;
}

/** BENCH_PHASES (comma-separated: bundle, web, platform, acceptance, burst, steady, day, drain, tier3, forecast, chat); unset = all. */
export function wantPhase(
  phase:
    | 'bundle'
    | 'web'
    | 'platform'
    | 'acceptance'
    | 'burst'
    | 'steady'
    | 'day'
    | 'drain'
    | 'tier3'
    | 'chat'
    | 'forecast'
    | 'companion',
): boolean {
  return listSetting('BENCH_PHASES')?.has(phase) ?? true;
}

/** BENCH_TARGETS (comma-separated: embedded, postgres); unset = both (postgres only when DATABASE_URL is set). */
export function wantTarget(target: 'embedded' | 'postgres'): boolean {
  return listSetting('BENCH_TARGETS')?.has(target) ?? true;
}
