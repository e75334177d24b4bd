/**
 * `tutorpulse import <kind> <file.csv>`: back-fills operations records (customers, support_calls, goals, and
 * the supply side's kinds) through the same handlers as the webhook and the REST batch. The header row names
 * the fields; rows go in batches of `--batch` (one transaction each); a bad row (invalid, unknown id,
 * unparseable CSV) is reported with its line number and never stops the good ones. Progress on standard error.
 * Exit code 0 when every row was taken, 1 when some were refused (the report says which), 2 for bad usage.
 */
import { createReadStream, readFileSync, existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { parse } from 'csv-parse';
import type { IngestService } from '../modules/operations/index';

export type ImportCommandOptions = { batch: number; quiet: boolean; maxErrors: number };

export type ImportSummary = {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: Array<{ line: number; code: string; message: string; field?: string }>;
};

export class ImportFileError extends Error {}

export async function runImport(
  ingest: IngestService,
  kind: string,
  file: string,
  opts: ImportCommandOptions,
  io: { err: (line: string) => void },
): Promise<ImportSummary> {
  if (!ingest.kinds().includes(kind))
    throw new ImportFileError(`unknown kind ${kind}; one of: ${ingest.kinds().join(', ')}`);
  if (!existsSync(file)) throw new ImportFileError(`no such file: ${file}`);
  // Lines, for the bar's total (a quoted cell may span lines: then the bar ends early, nothing else).
  const text = readFileSync(file, 'utf8');
  const totalRows = Math.max(0, text.split('\n').filter((l) => l.trim() !== '').length - 1);
  const bar = opts.quiet
    ? null
    : new cliProgress.SingleBar(
        {
          format: `import ${kind} [{bar}] {percentage}% | {value}/{total} rows | {failed} refused`,
          noTTYOutput: true,
          stream: process.stderr,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(totalRows, 0, { failed: 0 });
  const summary: ImportSummary = { rows: 0, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };
  const note = (e: ImportSummary['errors'][number]) => {
    summary.failed++;
    summary.errors.push(e);
  };

  const parser = createReadStream(file).pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      bom: true,
      info: true,
      trim: false,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (err: Error & { lines?: number }) => {
    summary.rows++;
    note({ line: err.lines ?? 0, code: 'CSV_ERROR', message: err.message });
  });

  let batch: Array<{ line: number; row: Record<string, string> }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await ingest.importCsvRows(
      kind,
      batch.map((b) => b.row),
    );
    for (const r of result.results) {
      if (r.outcome === 'failed') note({ line: batch[r.index]!.line, ...r.error! });
      else summary[r.outcome]++;
    }
    summary.rows += batch.length;
    bar?.update(summary.rows, { failed: summary.failed });
    batch = [];
  };
  for await (const rec of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    batch.push({ line: rec.info.lines, row: rec.record });
    if (batch.length >= opts.batch) await flush();
  }
  await flush();
  bar?.update(summary.rows, { failed: summary.failed });
  bar?.stop();
  summary.errors.sort((a, b) => a.line - b.line);
  for (const e of summary.errors.slice(0, opts.maxErrors))
    io.err(`line ${e.line}: ${e.code}${e.field ? ` (${e.field})` : ''}: ${e.message}`);
  if (summary.errors.length > opts.maxErrors)
    io.err(`… and ${summary.errors.length - opts.maxErrors} more refused rows`);
  return summary;
}
