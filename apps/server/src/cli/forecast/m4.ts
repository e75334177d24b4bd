/** Reads the M4 competition's hourly set (Hourly-train.csv / Hourly-test.csv: one row per series, id then values). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

export type M4Series = { id: string; train: number[]; test: number[] };

export class M4DataMissingError extends Error {
  override readonly name = 'M4DataMissingError';
}

function readWide(file: string): Map<string, number[]> {
  const rows = parse(readFileSync(file), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const out = new Map<string, number[]>();
  for (const row of rows.slice(1)) {
    const [id, ...cells] = row;
    if (!id) continue;
    out.set(id, cells.filter((c) => c.trim() !== '' && c !== 'NA').map(Number));
  }
  return out;
}

export function loadM4Hourly(dir: string): M4Series[] {
  const trainFile = path.join(dir, 'Hourly-train.csv');
  const testFile = path.join(dir, 'Hourly-test.csv');
  for (const f of [trainFile, testFile]) {
    if (!existsSync(f))
      throw new M4DataMissingError(
        `M4 hourly data not found: ${f} is missing. Put Hourly-train.csv and Hourly-test.csv (from the M4 competition's repository, Dataset/Train and Dataset/Test) in ${dir}, or pass --m4 <dir>.`,
      );
  }
  const train = readWide(trainFile);
  const test = readWide(testFile);
  const series: M4Series[] = [];
  for (const [id, values] of train) {
    const t = test.get(id);
    if (!t) throw new Error(`series ${id} has no test values in ${testFile}`);
    if (values.some((v) => !Number.isFinite(v)) || t.some((v) => !Number.isFinite(v)))
      throw new Error(`series ${id} has a value that is not a number`);
    series.push({ id, train: values, test: t });
  }
  // H1, H2, …, H414 in numeric order.
  return series.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
}
