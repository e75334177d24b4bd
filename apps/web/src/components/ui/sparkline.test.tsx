import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { describeSparkline, Sparkline } from './sparkline';

const ms = (v: number) => `${v} ms`;

describe('Sparkline', () => {
  it('is an image named by what it shows and its latest, lowest and highest values', () => {
    const { container } = render(<Sparkline label="Database latency" values={[4, 2, 9, 3]} format={ms} />);
    expect(
      screen.getByRole('img', {
        name: 'Database latency: latest 3 ms, lowest 2 ms, highest 9 ms over 4 values',
      }),
    ).toBeInTheDocument();
    // One line through the four points, and a dot on the latest.
    const [line] = container.querySelectorAll('path[fill="none"]');
    expect(line!.getAttribute('d')!.match(/[ML]/g)).toHaveLength(4);
    expect(screen.getByTestId('sparkline-latest')).toBeInTheDocument();
  });

  it('draws the highest value at the top and the lowest at the bottom of its own range', () => {
    const { container } = render(<Sparkline label="Score" values={[10, 30, 20]} height={40} />);
    const points = container
      .querySelector('path[fill="none"]')!
      .getAttribute('d')!
      .split(/[ML]/)
      .filter(Boolean)
      .map((p) => p.split(' ').map(Number));
    const ys = points.map(([, py]) => py!);
    expect(ys[1]).toBeLessThan(ys[2]!); // 30 is higher up than 20
    expect(ys[2]).toBeLessThan(ys[0]!); // 20 higher than 10
    expect(points[0]![0]).toBe(0);
    expect(points[2]![0]).toBe(100);
  });

  it('leaves a gap where a value is missing', () => {
    const { container } = render(<Sparkline label="Rate" values={[1, 2, null, 3, 4]} />);
    expect(container.querySelectorAll('path[fill="none"]')).toHaveLength(2);
    expect(screen.getByRole('img')).toHaveAccessibleName('Rate: latest 4, lowest 1, highest 4 over 4 values');
  });

  it('shades the area under the line when asked', () => {
    const { container } = render(<Sparkline label="Rate" values={[1, 2, 3]} area color="#0d9488" />);
    const shaded = container.querySelector('path[fill-opacity]');
    expect(shaded).toHaveAttribute('fill', '#0d9488');
  });

  it('says there is no data rather than drawing nothing silently', () => {
    const { container } = render(<Sparkline label="Queue latency" values={[]} />);
    expect(screen.getByRole('img')).toHaveAccessibleName('Queue latency: no data yet');
    expect(container.querySelectorAll('path')).toHaveLength(0);
  });

  it.each([
    { values: [5], expected: 'L: 5' },
    { values: [null, 5, null], expected: 'L: 5' },
    { values: [1.25, 1.5], expected: 'L: latest 1.5, lowest 1.3, highest 1.5 over 2 values' },
    { values: [null, null], expected: 'L: no data yet' },
  ])('describes $values as "$expected"', ({ values, expected }) => {
    expect(describeSparkline('L', values)).toBe(expected);
  });
});
