/**
 * The little arithmetic the hand-drawn SVG charts share (`chart-stacked-bars.tsx`, `sparkline.tsx`): "nice"
 * axis ticks, a linear scale, and a hook that follows an element's width so a chart can draw at its real
 * size (text stays crisp and unstretched, unlike a scaled viewBox).
 */
import { useLayoutEffect, useState } from 'react';

/**
 * Ticks from 0 to a round value at or above `max`, about `count` steps of 1, 2, 2.5 or 5 × 10ⁿ (counts get whole
 * steps only). `max` ≤ 0 gives [0, 1] so an axis can still be drawn.
 */
export function niceTicks(max: number, { count = 4, integer = false } = {}): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const raw = max / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const multiples = integer ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = magnitude * multiples.find((m) => magnitude * m >= raw)!;
  if (integer) step = Math.max(1, Math.round(step));
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  // Rounded to the step's decimals, so 0.1 + 0.2 prints as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toFixed(decimals)));
  return ticks;
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to the middle of the range. */
export function linearScale(
  [d0, d1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): (value: number) => number {
  const span = d1 - d0;
  if (span === 0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/**
 * The content width of an element, kept current with a ResizeObserver: `const [ref, width] = useElementWidth(640)`,
 * then `<div ref={ref}>`. A callback ref, so an element that mounts later (after an empty state) is measured
 * too; measured in a layout effect, so the first paint already has the right width. `fallback` is used until
 * then and where layout gives 0 (a hidden tab, jsdom).
 */
export function useElementWidth(fallback: number): [(element: HTMLElement | null) => void, number] {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    if (!element) return;
    const measure = (w: number) => setWidth(w > 0 ? Math.floor(w) : fallback);
    measure(element.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) measure(entry.contentRect.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element, fallback]);
  return [setElement, width];
}
