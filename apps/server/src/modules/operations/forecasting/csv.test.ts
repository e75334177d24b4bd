import { describe, expect, it } from 'vitest';
import { CsvInputError, formatForecastCsv, parseSeriesCsv, parseTimestamp } from './csv';

function problems(text: string): string[] {
  try {
    parseSeriesCsv(text);
  } catch (err) {
    if (err instanceof CsvInputError) return err.problems;
    throw err;
  }
  throw new Error('expected a CsvInputError');
}

describe('parseSeriesCsv', () => {
  it('reads series by id, in any column order, with missing values as NaN', () => {
    const out = parseSeriesCsv(
      '\uFEFFvalue,id,timestamp,note\n1,a,2025-01-01T00:00:00Z,x\n,a,2025-01-01T01:00:00Z,\n3,"b, c",2025-01-01,\nNA,a,2025-01-01T03:00:00+01:00,\n',
    );
    expect(out.map((s) => s.id)).toEqual(['a', 'b, c']);
    const a = out[0]!;
    expect(a.points.map((p) => p.value)).toEqual([1, NaN, NaN]);
    expect(a.points[2]!.timestamp).toBe(Date.parse('2025-01-01T02:00:00Z'));
    expect(a.dateOnly).toBe(false);
    expect(out[1]!.dateOnly).toBe(true);
  });

  it('reports every bad line with its number', () => {
    expect(
      problems(
        'id,timestamp,value\na,2025-01-01T00:00:00Z,1\na,yesterday,2\n,2025-01-01T02:00:00Z,3\na,2025-02-30T00:00:00Z,1\na,2025-01-01T00:00:00Z,7\nb,2025-01-01T00:00:00Z,abc\nc\n',
      ),
    ).toEqual([
      'line 3: timestamp "yesterday" is not an ISO 8601 date or time (e.g. 2025-03-01T14:00:00Z)',
      'line 4: id is empty',
      'line 5: timestamp "2025-02-30T00:00:00Z" is not an ISO 8601 date or time (e.g. 2025-03-01T14:00:00Z)',
      'line 6: series "a" already has a value at 2025-01-01T00:00:00Z (line 2)',
      'line 7: value "abc" is not a number (leave it empty or write NA if missing)',
      'line 8: expected at least 3 columns, found 1',
    ]);
  });

  it('explains a wrong header, an empty file and a broken quote', () => {
    expect(problems('series,time,y\n1,2,3\n')[0]).toMatch(
      /line 1: the header must name the columns id, timestamp and value \(missing: id, timestamp, value\)/,
    );
    expect(problems('')[0]).toMatch(/empty/);
    expect(problems('id,timestamp,value\n')[0]).toMatch(/no data rows/);
    expect(problems('id,timestamp,value\n"a,2025-01-01,1\n')[0]).toMatch(/^line 2: .*Quote Not Closed/);
  });

  it('stops listing after 20 problems', () => {
    const lines = Array.from({ length: 30 }, () => 'a,never,1').join('\n');
    const p = problems(`id,timestamp,value\n${lines}\n`);
    expect(p).toHaveLength(21);
    expect(p.at(-1)).toMatch(/more problems not shown/);
  });
});

describe('timestamps and output', () => {
  it('reads offsets, and a time without offset as UTC', () => {
    expect(parseTimestamp('2025-06-01T12:00:00+02:00')?.ms).toBe(Date.parse('2025-06-01T10:00:00Z'));
    expect(parseTimestamp('2025-06-01 12:00')?.ms).toBe(Date.parse('2025-06-01T12:00:00Z'));
    expect(parseTimestamp('2025-06-01T12:00:00-0500')?.ms).toBe(Date.parse('2025-06-01T17:00:00Z'));
    expect(parseTimestamp('2025-06-01')).toEqual({ ms: Date.parse('2025-06-01T00:00:00Z'), dateOnly: true });
    expect(parseTimestamp('1700000000')).toBeNull();
  });

  it('writes id,timestamp,mean,lo,hi, quoting ids when needed and dates for date-only series', () => {
    const t = Date.parse('2025-06-01T00:00:00Z');
    expect(
      formatForecastCsv(
        [
          { id: 'x, "y"', timestamp: t, mean: 1 / 3, lo: 0, hi: 2.5 },
          { id: 'd', timestamp: t, mean: 4, lo: 3, hi: 5 },
        ],
        new Set(['d']),
      ),
    ).toBe(
      'id,timestamp,mean,lo,hi\n"x, ""y""",2025-06-01T00:00:00.000Z,0.3333333333,0,2.5\nd,2025-06-01,4,3,5\n',
    );
  });
});
