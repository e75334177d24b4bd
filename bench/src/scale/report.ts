/** The table `npm run bench:scale` prints per scale, with the issue 10 targets beside each route. */
import type { LoadResult } from './measure';

export type Row = { label: string; role: string; result: LoadResult };

/**
 * Issue 10's targets: at scale 1 (and below) a route's p95 must be ≤ 50 ms or ≤ 3× the floor (the health
 * check's p95 in the same run); above scale 1, ≤ 200 ms (the issue names 3.7, a year of a growing marketplace).
 */
export function targetFor(scale: number, floorP95: number): { limitMs: number; text: string } {
  if (scale <= 1) {
    const limitMs = Math.max(50, 3 * floorP95);
    return { limitMs, text: `p95 ≤ 50 ms or ≤ 3× floor (${Math.round(3 * floorP95)} ms)` };
  }
  return { limitMs: 200, text: 'p95 ≤ 200 ms' };
}

export function meets(r: LoadResult, limitMs: number): boolean {
  return r.requests > 0 && r.non2xx === 0 && r.errors === 0 && r.p95 <= limitMs;
}

const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(1) : String(Math.round(x))) : '–');

export function formatTable(rows: Row[], floorRows: Row[], limitMs: number): string {
  const header = ['route', 'as', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', 'meets target'];
  const line = (r: Row, isFloor: boolean) => [
    `GET ${r.label}`,
    r.role,
    r.result.reqPerSec.toFixed(1),
    ms(r.result.p50),
    ms(r.result.p95),
    ms(r.result.p99),
    String(r.result.non2xx),
    String(r.result.errors),
    isFloor ? '(floor)' : meets(r.result, limitMs) ? 'yes' : 'NO',
  ];
  const body = [...floorRows.map((r) => line(r, true)), ...rows.map((r) => line(r, false))];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const fmtRow = (cells: string[]) =>
    `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const sep = `| ${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [fmtRow(header), sep, ...body.map(fmtRow)].join('\n');
}
