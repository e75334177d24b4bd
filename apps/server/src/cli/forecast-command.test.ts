import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './main';
import { createRng } from './seed/random';

const dir = mkdtempSync(path.join(tmpdir(), 'tp-forecast-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H = 3_600_000;
const T0 = Date.parse('2025-03-03T00:00:00Z');

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'tutorpulse', ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Three weeks of hourly values with a daily shape and noise; series b (counts) misses a few hours. */
function hourlyCsv(): string {
  const rng = createRng('forecast-cli');
  const lines = ['id,timestamp,value'];
  for (let i = 0; i < 24 * 21; i++) {
    const t = new Date(T0 + i * H).toISOString();
    lines.push(`a,${t},${(20 + 10 * Math.sin((2 * Math.PI * i) / 24) + rng.normal(0, 1)).toFixed(3)}`);
    if (i % 50 !== 7) lines.push(`b,${t},${rng.poisson(i % 24 >= 18 ? 6 : 1)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('tutorpulse forecast', () => {
  it('writes id,timestamp,mean,lo,hi for every series and step, after the last timestamp', async () => {
    const input = write('series.csv', hourlyCsv());
    const output = path.join(dir, 'out.csv');
    const r = await run(
      'forecast',
      '--input',
      input,
      '--horizon',
      '48',
      '--seasons',
      '24,168',
      '--level',
      '95',
      '--output',
      output,
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^a: \S+ \(validation MAE/m);
    expect(r.err).toMatch(/^b: .*10 missing values filled before fitting/m);
    expect(r.err).toMatch(/forecast 2 series × 48 steps/);
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,timestamp,mean,lo,hi');
    expect(lines).toHaveLength(1 + 2 * 48);
    const rows = lines.slice(1).map((l) => l.split(','));
    const a = rows.filter((row) => row[0] === 'a');
    expect(a[0]![1]).toBe(new Date(T0 + 24 * 21 * H).toISOString());
    expect(a[47]![1]).toBe(new Date(T0 + (24 * 21 + 47) * H).toISOString());
    for (const [, , mean, lo, hi] of rows) {
      expect(Number(lo)).toBeLessThanOrEqual(Number(mean));
      expect(Number(mean)).toBeLessThanOrEqual(Number(hi));
      expect(Number(lo)).toBeGreaterThanOrEqual(0);
    }
    // The daily shape comes through: 6 h after midnight (sin peak) above 18 h (trough).
    expect(Number(a[6]![2])).toBeGreaterThan(Number(a[18]![2]) + 10);
  });

  it('prints to standard output without --output, and forecasts a daily series with dates', async () => {
    const lines = ['id,timestamp,value'];
    for (let d = 0; d < 120; d++) {
      const date = new Date(Date.parse('2025-01-01T00:00:00Z') + d * 86_400_000).toISOString().slice(0, 10);
      lines.push(`shop,${date},${d % 7 === 5 ? 50 : 20}`);
    }
    const input = write('daily.csv', `${lines.join('\n')}\n`);
    const r = await run('forecast', '--input', input, '--horizon', '3', '--seasons', '7', '--quiet');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const out = r.out.split('\n');
    expect(out[0]).toBe('id,timestamp,mean,lo,hi');
    expect(out.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      'shop,2025-05-01',
      'shop,2025-05-02',
      'shop,2025-05-03',
    ]);
  });

  it('rejects a bad file with the line numbers, and writes nothing', async () => {
    const input = write(
      'bad.csv',
      'id,timestamp,value\na,2025-01-01T00:00:00Z,1\na,soon,2\na,2025-01-01T02:00:00Z,many\n',
    );
    const output = path.join(dir, 'never.csv');
    const r = await run('forecast', '--input', input, '--output', output);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/line 3: timestamp "soon"/);
    expect(r.err).toMatch(/line 4: value "many" is not a number/);
    expect(existsSync(output)).toBe(false);
  });

  it('names the series whose timestamps are off its grid', async () => {
    const input = write(
      'irregular.csv',
      'id,timestamp,value\nx,2025-01-01T00:00:00Z,1\nx,2025-01-01T01:00:00Z,2\nx,2025-01-01T02:00:00Z,2\nx,2025-01-01T02:30:00Z,3\n',
    );
    const r = await run('forecast', '--input', input);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/series "x": 2025-01-01T02:30:00.000Z is not on the series' grid/);
  });

  it.each([
    { args: ['--horizon', '0'], message: /--horizon.*1 to 10000/ },
    { args: ['--horizon', '4.5'], message: /--horizon.*whole number/ },
    { args: ['--seasons', '24,x'], message: /--seasons.*whole numbers ≥ 2/ },
    { args: ['--level', '100'], message: /--level.*50 to 99.9/ },
    { args: ['--holidays', '2025-13-01'], message: /--holidays.*not a date/ },
    { args: ['--holiday-effect', '-1'], message: /--holiday-effect.*0 to 10/ },
  ])('refuses $args with exit code 2', async ({ args, message }) => {
    const r = await run('forecast', '--input', 'whatever.csv', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('says when the input file cannot be read or --input is missing', async () => {
    const missing = await run('forecast', '--input', path.join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope.csv: ENOENT/);
    const none = await run('forecast');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--input/);
  });
});
