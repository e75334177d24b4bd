/**
 * Stacked bars per category (e.g. flags per day, stacked by type), drawn as plain SVG: a few KB instead of
 * Recharts' ~93 KB as sent, so a page that shows it at first sight (the quality overview) stays within the
 * first-load budget. Accessible: the drawing is an image named by its title and a one-line summary, every
 * column can be focused (one tab stop; arrow keys, Home and End move between columns) or hovered to show its
 * numbers, and the same numbers are a visually hidden table. It draws at its container's real width.
 */
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { cn } from '@/lib/cn';
import { linearScale, niceTicks, useElementWidth } from './chart-scale';

export type ChartSeries = { key: string; label: string; color: string };

export type StackedBarsDatum = {
  /** The category's label on the x axis, in tooltips and in the table (e.g. "Jan 5"). */
  label: string;
  /** Value per series key; missing and null count as 0. */
  values: Readonly<Record<string, number | null | undefined>>;
};

export type ChartStackedBarsProps = {
  /** Names the chart for assistive technology and captions its table. */
  title: string;
  data: readonly StackedBarsDatum[];
  /** Stacked bottom to top in this order; the legend lists them in the same order. */
  series: readonly ChartSeries[];
  /** What a category is (e.g. "Day"): the table's first column header. */
  xLabel: string;
  /** The counted thing, singular and plural (e.g. flag / flags), used in the summary and tooltips. */
  unit: { one: string; other: string };
  /** Height of the drawing in px (axes included; the legend comes below). */
  height?: number;
  /** Shown instead of the chart when there is nothing to draw. */
  emptyMessage?: string;
  className?: string;
};

const MARGIN = { top: 10, right: 8, bottom: 24 };
/** Average glyph width at 12 px in the system UI font, for sizing labels without measuring text. */
const CHAR_PX = 6.8;
const BAR_FILL = 0.68;
const MAX_BAR_PX = 56;
const FALLBACK_WIDTH = 640;

const numberFormat = new Intl.NumberFormat();
const valueOf = (datum: StackedBarsDatum, key: string) => {
  const v = datum.values[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
};

export function ChartStackedBars({
  title,
  data,
  series,
  xLabel,
  unit,
  height = 240,
  emptyMessage = 'Nothing to show',
  className,
}: ChartStackedBarsProps) {
  const captionId = useId();
  const [boxRef, width] = useElementWidth(FALLBACK_WIDTH);
  // The column that takes the tab stop (roving tabindex): the latest one until the user moves.
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  // The column whose tooltip shows (hover or focus); Escape hides it.
  const [shown, setShown] = useState<number | null>(null);
  const columnRefs = useRef<Array<HTMLDivElement | null>>([]);

  const count = (n: number) => `${numberFormat.format(n)} ${n === 1 ? unit.one : unit.other}`;
  const totals = data.map((d) => series.reduce((sum, s) => sum + valueOf(d, s.key), 0));
  const grandTotal = totals.reduce((a, b) => a + b, 0);

  if (data.length === 0 || grandTotal === 0) {
    return (
      <p
        className={cn(
          'flex items-center justify-center rounded-md text-sm text-slate-500 ring-1 ring-slate-200 ring-inset',
          className,
        )}
        style={{ minHeight: height / 2 }}
      >
        {emptyMessage}
      </p>
    );
  }

  const peakIndex = totals.indexOf(Math.max(...totals));
  const summary = `${title}: ${count(grandTotal)} in total; the highest is ${data[peakIndex]!.label} with ${count(totals[peakIndex]!)}.`;

  const isInteger = data.every((d) => series.every((s) => Number.isInteger(valueOf(d, s.key))));
  const ticks = niceTicks(Math.max(...totals), { count: height < 180 ? 3 : 4, integer: isInteger });
  const yMax = ticks.at(-1)!;
  const tickText = ticks.map((t) => numberFormat.format(t));
  const left = Math.ceil(Math.max(...tickText.map((t) => t.length)) * CHAR_PX) + 12;
  const plotWidth = Math.max(1, width - left - MARGIN.right);
  const plotHeight = Math.max(1, height - MARGIN.top - MARGIN.bottom);
  const y = linearScale([0, yMax], [MARGIN.top + plotHeight, MARGIN.top]);
  const band = plotWidth / data.length;
  const barWidth = Math.min(MAX_BAR_PX, Math.max(2, band * BAR_FILL));
  // Every n-th x label, counted back from the latest, so labels never overlap at any width.
  const labelChars = Math.max(...data.map((d) => d.label.length));
  const labelEvery = Math.max(1, Math.ceil((labelChars * CHAR_PX + 10) / band));
  // A live refresh can shorten the data under a focused or hovered column.
  const tabStop = focusIndex !== null && focusIndex < data.length ? focusIndex : data.length - 1;
  const shownIndex = shown !== null && shown < data.length ? shown : null;

  const focusColumn = (index: number) => {
    const next = Math.min(data.length - 1, Math.max(0, index));
    setFocusIndex(next);
    setShown(next);
    columnRefs.current[next]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    const moves: Record<string, number> = {
      ArrowLeft: index - 1,
      ArrowRight: index + 1,
      Home: 0,
      End: data.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      focusColumn(moves[event.key]!);
    } else if (event.key === 'Escape') {
      setShown(null);
    }
  };
  const describe = (d: StackedBarsDatum, i: number) => {
    const parts = series.filter((s) => valueOf(d, s.key) > 0).map((s) => `${s.label} ${valueOf(d, s.key)}`);
    return `${d.label}: ${count(totals[i]!)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  };

  return (
    <figure aria-labelledby={captionId} className={cn('m-0', className)}>
      <figcaption id={captionId} className="sr-only">
        {title}
      </figcaption>
      <div ref={boxRef} className="relative" style={{ height }}>
        {/* Absolute, so its pixel width never props its container open (a grid cell's min-content width). */}
        <svg role="img" aria-label={summary} width={width} height={height} className="absolute top-0 left-0">
          {shownIndex !== null && (
            <rect
              x={left + shownIndex * band}
              y={MARGIN.top}
              width={band}
              height={plotHeight}
              className="fill-slate-100"
            />
          )}
          {ticks.map((t, i) => (
            <g key={t}>
              <line
                x1={left}
                x2={left + plotWidth}
                y1={y(t)}
                y2={y(t)}
                className={i === 0 ? 'stroke-slate-300' : 'stroke-slate-200'}
                strokeDasharray={i === 0 ? undefined : '3 3'}
              />
              <text
                x={left - 8}
                y={y(t)}
                textAnchor="end"
                dominantBaseline="middle"
                className="fill-slate-500 text-xs"
              >
                {tickText[i]}
              </text>
            </g>
          ))}
          {data.map((d, i) => {
            const x = left + i * band + (band - barWidth) / 2;
            let base = 0;
            return (
              <g key={`${d.label}-${i}`} data-column={d.label}>
                {series.map((s) => {
                  const v = valueOf(d, s.key);
                  if (v === 0) return null;
                  const y0 = y(base);
                  base += v;
                  const y1 = y(base);
                  return (
                    <rect
                      key={s.key}
                      data-series={s.key}
                      x={x}
                      y={y1}
                      width={barWidth}
                      height={Math.max(0, y0 - y1)}
                      fill={s.color}
                      className="stroke-white"
                      strokeWidth={barWidth > 6 ? 1 : 0}
                    />
                  );
                })}
                {(data.length - 1 - i) % labelEvery === 0 && (
                  <text
                    x={left + (i + 0.5) * band}
                    y={MARGIN.top + plotHeight + 16}
                    textAnchor="middle"
                    className="fill-slate-500 text-xs"
                  >
                    {d.label}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
        {/* One focusable, hoverable column per category over the drawing: its name is the column's numbers. */}
        <div className="absolute" style={{ left, top: MARGIN.top, width: plotWidth, height: plotHeight }}>
          {data.map((d, i) => {
            const isShown = shownIndex === i;
            const onLeftHalf = i < data.length / 2;
            // The tooltip sits beside its column, on the side with more room, and wraps to fit that room.
            const room = onLeftHalf ? width - left - (i + 1) * band : left + i * band;
            return (
              <div
                key={`${d.label}-${i}`}
                ref={(el) => {
                  columnRefs.current[i] = el;
                }}
                role="img"
                aria-label={describe(d, i)}
                tabIndex={i === tabStop ? 0 : -1}
                className={cn(
                  'absolute top-0 h-full rounded-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-600',
                  isShown && 'z-10',
                )}
                style={{ left: i * band, width: band }}
                onMouseEnter={() => setShown(i)}
                onMouseLeave={() => setShown((current) => (current === i ? null : current))}
                onFocus={() => {
                  setFocusIndex(i);
                  setShown(i);
                }}
                onBlur={() => setShown((current) => (current === i ? null : current))}
                onKeyDown={(event) => onKeyDown(event, i)}
              >
                {isShown && (
                  // A child of the column, so moving the pointer onto it keeps it open; its text is the
                  // column's accessible name already, hence hidden from assistive technology.
                  <div
                    aria-hidden="true"
                    data-testid="chart-tooltip"
                    className={cn(
                      'absolute top-0 w-max rounded-md bg-white px-3 py-2 text-xs text-slate-700 shadow-lg ring-1 ring-slate-200',
                      onLeftHalf ? 'left-full ml-1' : 'right-full mr-1',
                    )}
                    style={{ maxWidth: Math.max(120, Math.min(240, room - 8)) }}
                  >
                    <p className="font-semibold text-slate-900">{d.label}</p>
                    <ul className="mt-1 space-y-0.5">
                      {series
                        .filter((s) => valueOf(d, s.key) > 0)
                        .map((s) => (
                          <li key={s.key} className="flex items-center gap-2">
                            <span
                              className="size-2.5 shrink-0 rounded-sm"
                              style={{ backgroundColor: s.color }}
                            />
                            <span className="min-w-0 flex-1">{s.label}</span>
                            <span className="font-medium text-slate-900 tabular-nums">
                              {numberFormat.format(valueOf(d, s.key))}
                            </span>
                          </li>
                        ))}
                    </ul>
                    <p className="mt-1 border-t border-slate-100 pt-1 font-medium text-slate-900">
                      {totals[i] === 0 ? `No ${unit.other}` : `Total ${count(totals[i]!)}`}
                    </p>
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <ul className="mt-3 flex flex-wrap justify-center gap-x-4 gap-y-1 text-xs text-slate-600">
        {series.map((s) => (
          <li key={s.key} className="flex items-center gap-1.5">
            <span aria-hidden="true" className="size-2.5 rounded-sm" style={{ backgroundColor: s.color }} />
            {s.label}
          </li>
        ))}
      </ul>
      {/* sr-only on a wrapper: a table will not shrink to the 1 px that sr-only gives it, and overflows the page. */}
      <div className="sr-only">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel}</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d, i) => (
              <tr key={`${d.label}-${i}`}>
                <th scope="row">{d.label}</th>
                {series.map((s) => (
                  <td key={s.key}>{numberFormat.format(valueOf(d, s.key))}</td>
                ))}
                <td>{numberFormat.format(totals[i]!)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
