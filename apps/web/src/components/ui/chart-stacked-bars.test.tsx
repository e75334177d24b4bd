import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ChartStackedBars, type ChartStackedBarsProps } from './chart-stacked-bars';

const SERIES = [
  { key: 'tutor_late', label: 'Tutor late', color: '#4f46e5' },
  { key: 'tutor_no_show', label: 'Tutor no show', color: '#dc2626' },
];

const DATA: ChartStackedBarsProps['data'] = [
  { label: 'Jan 1', values: { tutor_late: 2, tutor_no_show: 1 } },
  { label: 'Jan 2', values: {} },
  { label: 'Jan 3', values: { tutor_no_show: 4 } },
  { label: 'Jan 4', values: { tutor_late: 1, tutor_no_show: null } },
];

function renderChart(props: Partial<ChartStackedBarsProps> = {}) {
  return render(
    <ChartStackedBars
      title="Flags raised per day by type"
      xLabel="Day"
      unit={{ one: 'flag', other: 'flags' }}
      data={DATA}
      series={SERIES}
      {...props}
    />,
  );
}

describe('ChartStackedBars', () => {
  it('is an image named by its title and a summary of the numbers', () => {
    renderChart();
    expect(
      screen.getByRole('img', {
        name: 'Flags raised per day by type: 8 flags in total; the highest is Jan 3 with 4 flags.',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Flags raised per day by type' })).toBeInTheDocument();
  });

  it('stacks one segment per non-zero value, in the series colours, with axis labels and a legend', () => {
    const { container } = renderChart();
    const late = container.querySelectorAll('rect[data-series="tutor_late"]');
    const noShow = container.querySelectorAll('rect[data-series="tutor_no_show"]');
    expect(late).toHaveLength(2);
    expect(noShow).toHaveLength(2);
    expect(late[0]).toHaveAttribute('fill', '#4f46e5');
    expect(noShow[0]).toHaveAttribute('fill', '#dc2626');
    // On Jan 1 the no-show segment sits on top of the late one and is half as tall (1 vs 2).
    const [lateJan1, noShowJan1] = [late[0]!, noShow[0]!].map((r) => ({
      y: Number(r.getAttribute('y')),
      height: Number(r.getAttribute('height')),
    }));
    expect(noShowJan1!.y + noShowJan1!.height).toBeCloseTo(lateJan1!.y);
    expect(lateJan1!.height).toBeCloseTo(noShowJan1!.height * 2);

    const svg = screen.getByRole('img', { name: /^Flags raised per day/ });
    const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
    // y axis: whole numbers up to a round maximum; x axis: every day at this width.
    expect(texts).toEqual(
      expect.arrayContaining(['0', '1', '2', '3', '4', 'Jan 1', 'Jan 2', 'Jan 3', 'Jan 4']),
    );
    const legend = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(legend).toEqual(['Tutor late', 'Tutor no show']);
  });

  it('gives the same numbers as a table, with totals', () => {
    renderChart();
    const table = screen.getByRole('table', { name: 'Flags raised per day by type' });
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => [...row.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows).toEqual([
      ['Day', 'Tutor late', 'Tutor no show', 'Total'],
      ['Jan 1', '2', '1', '3'],
      ['Jan 2', '0', '0', '0'],
      ['Jan 3', '0', '4', '4'],
      ['Jan 4', '1', '0', '1'],
    ]);
  });

  it('lets the keyboard reach every column through one tab stop and shows its numbers', async () => {
    const user = userEvent.setup();
    renderChart();
    await user.tab();
    // The latest column takes the tab stop first.
    expect(document.activeElement).toHaveAccessibleName('Jan 4: 1 flag (Tutor late 1)');
    expect(screen.getByTestId('chart-tooltip')).toHaveTextContent('Jan 4Tutor late1Total 1 flag');

    await user.keyboard('{ArrowLeft}');
    expect(document.activeElement).toHaveAccessibleName('Jan 3: 4 flags (Tutor no show 4)');
    await user.keyboard('{Home}');
    expect(document.activeElement).toHaveAccessibleName('Jan 1: 3 flags (Tutor late 2, Tutor no show 1)');
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toHaveAccessibleName('Jan 2: 0 flags');
    expect(screen.getByTestId('chart-tooltip')).toHaveTextContent('No flags');

    // Escape hides the tooltip and keeps the focus; the columns are one tab stop, not four.
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('chart-tooltip')).not.toBeInTheDocument();
    expect(document.activeElement).toHaveAccessibleName('Jan 2: 0 flags');
    const columns = screen.getAllByRole('img', { name: /^Jan \d:/ });
    expect(columns.filter((c) => c.tabIndex === 0)).toHaveLength(1);
    await user.tab();
    expect(document.activeElement).toBe(document.body);
  });

  it('shows a column’s numbers on hover and hides them when the pointer leaves', async () => {
    const user = userEvent.setup();
    renderChart();
    const column = screen.getByRole('img', { name: /^Jan 3:/ });
    await user.hover(column);
    expect(screen.getByTestId('chart-tooltip')).toHaveTextContent('Jan 3Tutor no show4Total 4 flags');
    await user.unhover(column);
    expect(screen.queryByTestId('chart-tooltip')).not.toBeInTheDocument();
  });

  it('thins the x labels, never the data, when the chart is narrow', () => {
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(160);
    const days = Array.from({ length: 14 }, (_, i) => ({
      label: `Jan ${i + 10}`,
      values: { tutor_late: i % 3 },
    }));
    renderChart({ data: days });
    const svg = screen.getByRole('img', { name: /^Flags raised per day/ });
    const xLabels = [...svg.querySelectorAll('text')]
      .map((t) => t.textContent!)
      .filter((t) => t.startsWith('Jan'));
    expect(xLabels.length).toBeLessThan(days.length);
    expect(xLabels.at(-1)).toBe('Jan 23'); // the latest day keeps its label
    expect(screen.getAllByRole('img', { name: /^Jan \d+:/ })).toHaveLength(14);
  });

  it('says so instead of drawing an empty chart', () => {
    renderChart({ data: DATA.map((d) => ({ ...d, values: {} })), emptyMessage: 'No flags yet' });
    expect(screen.getByText('No flags yet')).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
