/**
 * A stacked bar chart (Recharts) with an accessible equivalent: the drawing is hidden from assistive
 * technology and the same numbers are given as a visually hidden table. Import it lazily, so Recharts stays
 * out of the first load: `lazy(() => import('@/components/ui/chart-bar'))`.
 */
import { useId } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartSeries } from './chart-line';

export type ChartBarProps = {
  /** Describes the chart for screen readers and as the hidden table's caption. */
  title: string;
  data: ReadonlyArray<Record<string, string | number | null>>;
  xKey: string;
  /** Header of the x column in the text alternative. */
  xLabel?: string;
  series: readonly ChartSeries[];
  stacked?: boolean;
  height?: number;
};

export function ChartBar({ title, data, xKey, xLabel, series, stacked = true, height = 240 }: ChartBarProps) {
  const captionId = useId();
  return (
    <figure aria-labelledby={captionId} className="m-0">
      <figcaption id={captionId} className="sr-only">
        {title}
      </figcaption>
      <div aria-hidden="true">
        <ResponsiveContainer width="100%" height={height}>
          <BarChart
            data={data as Array<Record<string, string | number | null>>}
            margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey={xKey}
              tick={{ fill: '#475569', fontSize: 12 }}
              tickLine={false}
              axisLine={{ stroke: '#cbd5e1' }}
              minTickGap={16}
            />
            <YAxis
              tick={{ fill: '#475569', fontSize: 12 }}
              tickLine={false}
              axisLine={false}
              width={40}
              allowDecimals={false}
            />
            <Tooltip cursor={{ fill: '#f1f5f9' }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {series.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.label}
                fill={s.color}
                stackId={stacked ? 'stack' : undefined}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="sr-only">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel ?? xKey}</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((row, i) => (
              <tr key={i}>
                <th scope="row">{String(row[xKey] ?? '')}</th>
                {series.map((s) => (
                  <td key={s.key}>
                    {row[s.key] === null || row[s.key] === undefined ? '0' : String(row[s.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export default ChartBar;
