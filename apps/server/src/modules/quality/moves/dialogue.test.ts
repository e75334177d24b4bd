import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDialogueLine, readMathDialLine } from './dialogue';

const sample = readFileSync(
  new URL('../../../../test/fixtures/moves/mathdial-sample.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter(Boolean);

describe('readMathDialLine', () => {
  it('splits turns, strips the teacher labels from the text and keeps them apart', () => {
    const d = readMathDialLine(JSON.parse(sample[0]!), 1);
    expect(d.id).toBe('6000025/1');
    expect(d.qid).toBe('6000025');
    expect(d.outcome).toBe('Yes');
    expect(d.turns[0]).toEqual({
      speaker: 'tutor',
      text: 'Hi Mariana, please talk me through your solution',
    });
    // The student is named after the profile ("Mariana: …"), not "Student:".
    expect(d.turns[1]!.speaker).toBe('student');
    expect(d.turns[1]!.text.startsWith('Sure. I started')).toBe(true);
    expect(d.labels).toEqual(['generic', 'focus', 'telling', 'generic']);
    expect(d.turns.filter((t) => t.speaker === 'tutor')).toHaveLength(d.labels.length);
    for (const t of d.turns) expect(t.text).not.toMatch(/^\((focus|probing|telling|generic)\)/);
    expect(d.context?.question).toMatch(/^Julia was preparing/);
    expect(d.context?.solution.trim().split('\n').pop()?.trim()).toBe('10');
  });

  it('refuses a conversation without a teacher turn', () => {
    const line = { qid: 1, question: 'q', ground_truth: 'a', conversation: 'Student: hello' };
    expect(() => readMathDialLine(line, 1)).toThrow(/no teacher turn/);
  });

  it('keeps an unlabelled teacher turn, with a null label', () => {
    const line = { qid: 1, question: 'q', ground_truth: 'a', conversation: 'Teacher: hello|EOM|Sam: hi' };
    const d = readMathDialLine(line, 3);
    expect(d.labels).toEqual([null]);
    expect(d.turns[0]).toEqual({ speaker: 'tutor', text: 'hello' });
  });
});

describe('readDialogueLine', () => {
  it('reads turns and takes the problem only when both question and solution are given', () => {
    const turns = [{ speaker: 'tutor', text: 'What is 3 + 4?' }];
    expect(readDialogueLine({ id: 'a', turns }).context).toBeUndefined();
    expect(readDialogueLine({ id: 'a', turns, question: 'Add 3 and 4.' }).context).toBeUndefined();
    expect(
      readDialogueLine({ id: 'a', turns, question: 'Add 3 and 4.', solution: '3 + 4 = 7\n 7' }).context,
    ).toEqual({
      question: 'Add 3 and 4.',
      solution: '3 + 4 = 7\n 7',
    });
  });

  it.each([
    { line: { turns: [{ speaker: 'tutor', text: 'x' }] }, why: 'no id' },
    { line: { id: 'a', turns: [] }, why: 'no turns' },
    { line: { id: 'a', turns: [{ speaker: 'teacher', text: 'x' }] }, why: 'an unknown speaker' },
    { line: { id: 'a', turns: [{ speaker: 'tutor' }] }, why: 'a turn without text' },
  ])('refuses a line with $why', ({ line }) => {
    expect(() => readDialogueLine(line)).toThrow();
  });
});
