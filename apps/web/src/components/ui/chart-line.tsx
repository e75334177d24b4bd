/**
 * A line chart (Recharts) with an accessible equivalent: the drawing is hidden from assistive technology and
 * the same numbers are given as a visually hidden table. Import it lazily, so Recharts stays out of the
 * first load: `lazy(() => import('@/components/ui/chart-line'))`.
 */
import { useId } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type ChartSeries = { key: string; label: string; color: string };

export type LineChartCardProps = {
  /** Describes the chart for screen readers and as the hidden table's caption. */
  title: string;
  data: ReadonlyArray<Record<string, string | number | null>>;
  xKey: string;
  series: readonly ChartSeries[];
  unit?: string;
  height?: number;
};

export function ChartLine({ title, data, xKey, series, unit = '', height = 220 }: LineChartCardProps) {
  const captionId = useId();
  return (
    <figure aria-labelledby={captionId} className="m-0">
      <figcaption id={captionId} className="sr-only">
        {title}
      </figcaption>
      <div aria-hidden="true">
        <ResponsiveContainer width="100%" height={height}>
          <LineChart
            data={data as Array<Record<string, string | number | null>>}
            margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis
              dataKey={xKey}
              tick={{ fill: '#475569', fontSize: 12 }}
              tickLine={false}
              axisLine={{ stroke: '#cbd5e1' }}
              minTickGap={24}
            />
            <YAxis
              tick={{ fill: '#475569', fontSize: 12 }}
              tickLine={false}
              axisLine={false}
              unit={unit}
              width={56}
              allowDecimals={false}
            />
            <Tooltip formatter={(value) => `${String(value)}${unit}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {series.map((s) => (
              <Line
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                strokeWidth={2}
                dot={data.length < 3}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      {/* sr-only on a wrapper: a table will not shrink to the 1 px that sr-only gives it, and overflows the page. */}
      <div className="sr-only">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{xKey}</th>
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
                    {row[s.key] === null || row[s.key] === undefined ? '—' : `${String(row[s.key])}${unit}`}
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

export default ChartLine;
