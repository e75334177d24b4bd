import { describe, expect, it } from 'vitest';
import { clipTranscript, parseTranscript } from './transcript';

const speakers = (text: string) => parseTranscript(text).turns.map((t) => `${t.speaker}:${t.text}`);

describe('parseTranscript', () => {
  it.each([
    {
      name: 'plain role labels',
      text: 'Tutor: Hi!\nStudent: Hello.',
      expect: ['tutor:Hi!', 'student:Hello.'],
    },
    {
      name: 'timestamps',
      text: '[00:01:02] Tutor: Hi!\n(00:01:09) Student: Hello.\n12:03 - Tutor: Ready?',
      expect: ['tutor:Hi!', 'student:Hello.', 'tutor:Ready?'],
    },
    {
      name: 'markdown bold labels',
      text: '**Tutor:** Hi!\n**Student:** Hello.',
      expect: ['tutor:Hi!', 'student:Hello.'],
    },
    {
      name: 'names with roles',
      text: 'Ana (tutor): Hi Ben!\nBen (student): Hi.',
      expect: ['tutor:Hi Ben!', 'student:Hi.'],
    },
    { name: 'one-letter labels', text: 'T: Why?\nS: Because.', expect: ['tutor:Why?', 'student:Because.'] },
    {
      name: 'wrapped utterances join the previous turn',
      text: 'Tutor: First line\ncontinues here.\nStudent: Ok.',
      expect: ['tutor:First line continues here.', 'student:Ok.'],
    },
    {
      name: 'a colon inside an utterance stays text',
      text: 'Tutor: Remember: the ratio is 2:3.\nStudent: Got it.',
      expect: ['tutor:Remember: the ratio is 2:3.', 'student:Got it.'],
    },
    {
      name: 'a one-off "Step 1:" line is text, not a speaker',
      text: 'Tutor: Let us plan.\nStep 1: subtract five.\nStudent: Ok.',
      expect: ['tutor:Let us plan. Step 1: subtract five.', 'student:Ok.'],
    },
    {
      name: 'parents are other speakers',
      text: 'Tutor: Hi.\nParent: She is ready.\nStudent: Hi.',
      expect: ['tutor:Hi.', 'other:She is ready.', 'student:Hi.'],
    },
    { name: 'empty turns are dropped', text: 'Tutor:\nStudent: Hi.', expect: ['student:Hi.'] },
  ])('$name', ({ text, expect: turns }) => {
    expect(speakers(text)).toEqual(turns);
  });

  it('with two unnamed speakers, takes the first to speak as the tutor and says so', () => {
    const p = parseTranscript('Maria: What did you try?\nJake: I divided.\nMaria: Why?\nJake: Because.');
    expect(p.speakerMapping).toBe('inferred');
    expect(p.turns.map((t) => t.speaker)).toEqual(['tutor', 'student', 'tutor', 'student']);
  });

  it('with a tutor label and one unnamed speaker, the other is the student', () => {
    const p = parseTranscript('Tutor: Hi Jake.\nJake: Hi.\nTutor: Ready?\nJake: Yes.');
    expect(p.turns.map((t) => t.speaker)).toEqual(['tutor', 'student', 'tutor', 'student']);
  });

  it('counts header lines before the first turn, and reports no mapping when nothing is labelled', () => {
    expect(parseTranscript('Session 42 transcript\nDate: today\nTutor: Hi.').unlabelledLines).toBe(2);
    const none = parseTranscript('We worked on fractions.\nIt went well.');
    expect(none).toEqual({ turns: [], speakerMapping: 'none', unlabelledLines: 2 });
  });

  it('handles Windows line endings and indices turns from 0', () => {
    const p = parseTranscript('Tutor: A\r\nStudent: B\r\n');
    expect(p.turns.map((t) => t.index)).toEqual([0, 1]);
    expect(p.speakerMapping).toBe('labels');
  });
});

describe('clipTranscript', () => {
  const lines = Array.from({ length: 100 }, (_, i) => `Tutor: line number ${i} of the session`);
  const text = lines.join('\n');

  it('leaves a short text alone', () => {
    expect(clipTranscript(text, text.length)).toEqual({
      text,
      truncated: false,
      omittedChars: 0,
      omittedLines: 0,
    });
  });

  it('keeps the start and the end at line boundaries, within the budget, with a marker', () => {
    const clipped = clipTranscript(text, 1_000);
    expect(clipped.truncated).toBe(true);
    expect(clipped.text.length).toBeLessThanOrEqual(1_000);
    expect(clipped.text.startsWith('Tutor: line number 0 ')).toBe(true);
    expect(clipped.text.endsWith('Tutor: line number 99 of the session')).toBe(true);
    expect(clipped.text).toMatch(
      new RegExp(`\\[… ${clipped.omittedLines} lines \\(\\d+ characters\\) omitted …\\]`),
    );
    const kept = clipped.text.split('\n').filter((l) => l.startsWith('Tutor:')).length;
    expect(kept + clipped.omittedLines).toBe(100);
  });

  it('cuts one enormous line by characters', () => {
    const clipped = clipTranscript('x'.repeat(10_000), 1_000);
    expect(clipped.truncated).toBe(true);
    expect(clipped.text.length).toBeLessThan(1_100);
    expect(clipped.text).toMatch(/characters omitted/);
  });
});
