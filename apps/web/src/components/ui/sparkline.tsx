/**
 * A word-sized line chart for metric cards: the shape of a short series, no axes. Plain SVG that stretches to
 * its container's width (strokes keep their thickness), so it costs nothing in the first load. It is an image
 * whose accessible name states what a reader would take from it: the latest, lowest and highest values.
 * Missing values (null) leave a gap; the latest value gets a dot.
 */
import { cn } from '@/lib/cn';
import { linearScale } from './chart-scale';

export type SparklineProps = {
  /** What the line shows, e.g. "Database check latency": the start of the accessible name. */
  label: string;
  /** Oldest first. */
  values: ReadonlyArray<number | null>;
  /** How a value reads in the accessible name (e.g. `(v) => \`${v} ms\``). */
  format?: (value: number) => string;
  /** Fixed ends of the vertical scale (e.g. [0, 100] for scores); by default the data's own range. */
  min?: number;
  max?: number;
  /** A colour from the chart palette. */
  color?: string;
  /** Shade the area under the line. */
  area?: boolean;
  height?: number;
  className?: string;
};

/** Horizontal extent of the drawing in its own units; the SVG stretches it to the container. */
const VIEW_WIDTH = 100;
const STROKE = 1.5;
const DOT = 5;

const defaultFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format;

export function describeSparkline(
  label: string,
  values: ReadonlyArray<number | null>,
  format: (value: number) => string = defaultFormat,
): string {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length === 0) return `${label}: no data yet`;
  const latest = format(known.at(-1)!);
  if (known.length === 1) return `${label}: ${latest}`;
  return `${label}: latest ${latest}, lowest ${format(Math.min(...known))}, highest ${format(Math.max(...known))} over ${known.length} values`;
}

export function Sparkline({
  label,
  values,
  format,
  min,
  max,
  color = '#4f46e5',
  area = false,
  height = 32,
  className,
}: SparklineProps) {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = min ?? Math.min(...known);
  const hi = max ?? Math.max(...known);
  const pad = DOT / 2;
  const x = linearScale([0, Math.max(1, values.length - 1)], [0, VIEW_WIDTH]);
  const y = linearScale([lo, hi], [height - pad, pad]);

  // One path per run of known values; a null ends a run.
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push([x(values.length === 1 ? 1 : i), y(Math.min(hi, Math.max(lo, v)))]);
    }
  });
  if (run.length) runs.push(run);
  const toPath = (points: Array<[number, number]>) =>
    points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(2)} ${py.toFixed(2)}`).join('');
  const last = runs.at(-1)?.at(-1);

  return (
    <svg
      role="img"
      aria-label={describeSparkline(label, values, format)}
      viewBox={`0 0 ${VIEW_WIDTH} ${height}`}
      preserveAspectRatio="none"
      width="100%"
      height={height}
      className={cn('block overflow-visible', className)}
    >
      {area &&
        runs
          .filter((r) => r.length > 1)
          .map((r, i) => (
            <path
              key={`area-${i}`}
              d={`${toPath(r)}L${r.at(-1)![0].toFixed(2)} ${height}L${r[0]![0].toFixed(2)} ${height}Z`}
              fill={color}
              fillOpacity={0.12}
            />
          ))}
      {runs.map((r, i) => (
        <path
          key={i}
          d={toPath(r)}
          fill="none"
          stroke={color}
          strokeWidth={STROKE}
          strokeLinejoin="round"
          strokeLinecap="round"
          vectorEffect="non-scaling-stroke"
        />
      ))}
      {last && (
        // A zero-length line with round caps: a dot that stays round however the drawing is stretched.
        <path
          data-testid="sparkline-latest"
          d={`M${last[0].toFixed(2)} ${last[1].toFixed(2)}h0`}
          stroke={color}
          strokeWidth={DOT}
          strokeLinecap="round"
          vectorEffect="non-scaling-stroke"
        />
      )}
    </svg>
  );
}
