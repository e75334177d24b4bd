import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMathDialLine } from '../modules/quality/moves/dialogue';
import { runCli } from './main';
import type { MovesOutputLine } from './moves';

const dir = mkdtempSync(path.join(tmpdir(), 'tp-moves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = new URL('../../test/fixtures/moves/mathdial-sample.jsonl', import.meta.url);

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'tutorpulse', 'moves', ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const readLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as MovesOutputLine);

function expectWellFormed(line: MovesOutputLine, tutorTurns: number) {
  expect(line.moves).toHaveLength(tutorTurns);
  expect(line.confidence).toHaveLength(tutorTurns);
  for (const m of line.moves) expect(['focus', 'probing', 'telling', 'generic']).toContain(m);
  for (const c of line.confidence) expect(c).toBeGreaterThanOrEqual(0.25);
  for (const s of [line.guidance, line.quality]) {
    expect(Number.isInteger(s)).toBe(true);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThanOrEqual(100);
  }
}

describe('tutorpulse moves', () => {
  it('labels Tutorpulse transcripts: one move per tutor turn, in order, with guidance and quality', async () => {
    const input = path.join(dir, 'in.jsonl');
    const output = path.join(dir, 'out.jsonl');
    const guiding = {
      id: 'guiding',
      turns: [
        { speaker: 'tutor', text: 'Hi Sam, can you walk me through your solution?' },
        { speaker: 'student', text: 'I added 4 to both sides and got 3x = 23.' },
        { speaker: 'tutor', text: 'Why did you add 4 to both sides?' },
        { speaker: 'student', text: 'To get rid of the 4.' },
        { speaker: 'tutor', text: 'What is being done to x first, and what is done after?' },
      ],
    };
    const telling = {
      id: 'telling',
      turns: [
        { speaker: 'student', text: 'I got 3x = 23.' },
        { speaker: 'tutor', text: 'No. You subtract 4: 3x = 15, so x = 5. The answer is 5.' },
        { speaker: 'student', text: 'Oh okay.' },
        { speaker: 'tutor', text: 'Then divide 15 by 3 = 5. That is the answer.' },
      ],
    };
    writeFileSync(input, `${JSON.stringify(guiding)}\n\n${JSON.stringify(telling)}\n`);
    const result = await run('--input', input, '--output', output);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/labelled 2 dialogues \(5 tutor turns, model moves-v\d+-\w+\)/);
    const [a, b] = readLines(output);
    expect(a!.id).toBe('guiding');
    expectWellFormed(a!, 3);
    expect(a!.moves[0]).toBe('generic');
    expect(a!.moves.slice(1).every((m) => m === 'focus' || m === 'probing')).toBe(true);
    expect(b!.id).toBe('telling');
    expectWellFormed(b!, 2);
    expect(b!.moves).toEqual(['telling', 'telling']);
    expect(a!.guidance).toBeGreaterThan(b!.guidance);
    expect(a!.quality).toBeGreaterThan(b!.quality);
  });

  it('reads MathDial’s format, with as many moves as the teacher labelled', async () => {
    const output = path.join(dir, 'mathdial.jsonl');
    const result = await run('--input', SAMPLE.pathname, '--format', 'mathdial', '--output', output);
    expect(result.code).toBe(0);
    const source = readFileSync(SAMPLE, 'utf8').split('\n').filter(Boolean);
    const lines = readLines(output);
    expect(lines).toHaveLength(source.length);
    lines.forEach((line, i) => {
      const d = readMathDialLine(JSON.parse(source[i]!), i + 1);
      expect(line.id).toBe(d.id);
      expectWellFormed(line, d.labels.length);
    });
  });

  it('rejects a malformed line with its line number, labels the rest and exits 1', async () => {
    const input = path.join(dir, 'bad.jsonl');
    const output = path.join(dir, 'bad-out.jsonl');
    const ok = (id: string) => JSON.stringify({ id, turns: [{ speaker: 'tutor', text: 'What is 2 + 2?' }] });
    writeFileSync(
      input,
      [
        ok('first'),
        '{"id": "broken", "turns": [',
        JSON.stringify({ id: 'who', turns: [{ speaker: 'teacher', text: 'hi' }] }),
        ok('last'),
      ].join('\n'),
    );
    const result = await run('--input', input, '--output', output);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^line 2: not JSON/m);
    expect(result.err).toMatch(/^line 3: turns\.0\.speaker: /m);
    expect(result.out).toMatch(/labelled 2 dialogues .*; skipped 2 malformed lines/);
    expect(readLines(output).map((l) => l.id)).toEqual(['first', 'last']);
  });

  it('rejects a MathDial line without a teacher turn, by line number', async () => {
    const input = path.join(dir, 'bad-mathdial.jsonl');
    const first = readFileSync(SAMPLE, 'utf8').split('\n')[0]!;
    const noTeacher = { qid: 1, question: 'q', ground_truth: 'a', conversation: 'Student: hello' };
    writeFileSync(input, `${first}\n${JSON.stringify(noTeacher)}\n`);
    const result = await run('--input', input, '--format', 'mathdial', '--output', path.join(dir, 'x.jsonl'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^line 2: the conversation has no teacher turn/m);
  });

  it.each([
    {
      args: ['--input', '/nonexistent/in.jsonl', '--output', '-'],
      code: 1,
      message: /\/nonexistent\/in\.jsonl: no such file/,
    },
    { args: ['--output', 'x.jsonl'], code: 2, message: /required option '--input <path>'/ },
    {
      args: ['--input', 'in.jsonl', '--format', 'csv'],
      code: 2,
      message: /--format.*tutorpulse or mathdial/,
    },
  ])('fails cleanly on $args', async ({ args, code, message }) => {
    const result = await run(...args);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
  });
});
