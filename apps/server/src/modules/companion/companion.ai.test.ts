/**
 * The companion's AI tasks through the platform's AI port, against a local HTTP server speaking the Chat
 * Completions API: the model's answer used (temperatures 0.3 and 0.7, the catalogue in the prompt, answers
 * checked), and the local implementation taking over on bad JSON, schema mismatch and HTTP errors, and with
 * no provider at all.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/helpers/fake-openai';
import { createAiPort } from '../../platform/ai/ai';
import { createOpenAiProvider } from '../../platform/ai/openai-provider';
import type { AiPort } from '../../platform/ai/port';
import { CURATED_CONCEPTS } from './concepts/catalog';
import { createPracticeTask } from './practice/practice.task';
import { gradeAnswer } from './practice/grading';
import { createTranscriptAnalysisTask } from './transcripts/analysis.task';
import { normalizeTranscript } from './transcripts/formats';

const catalogue = CURATED_CONCEPTS['algebra-1']!.map((c) => ({
  key: `algebra-1:${c.slug}`,
  name: c.name,
  description: c.description,
  difficulty: c.difficulty,
  aliases: c.aliases,
}));
const turns = normalizeTranscript(
  [
    'Tutor: Let us solve linear equations today. Solve 2x + 3 = 11.',
    'Student: 2x = 8 so x = 4 because I subtract 3 first',
    'Tutor: Exactly right! Another linear equation: 5x - 5 = 20.',
    'Student: x = 3',
    'Tutor: Not quite, add 5 to both sides first.',
  ].join('\n'),
).parsed.turns;
const analysisInput = { subjectId: 'algebra-1', subjectName: 'Algebra 1', turns, catalogue };

const modelAnalysis = {
  concepts: [
    {
      catalogue_key: 'algebra-1:linear-equations',
      name: 'Solving linear equations',
      description: 'Isolating x.',
      mastery_level: 62,
      difficulty: 'intermediate',
      key_points: ['Do the same to both sides'],
      correct_attempts: 1,
      incorrect_attempts: 1,
      hints_needed: 1,
      self_explanations: 1,
      misconceptions: ['Divided before adding 5'],
    },
    {
      catalogue_key: null,
      name: 'Checking solutions by substitution',
      description: 'Putting x back in.',
      mastery_level: 40,
      difficulty: 'beginner',
      key_points: [],
      correct_attempts: 0,
      incorrect_attempts: 0,
      hints_needed: 0,
      self_explanations: 0,
      misconceptions: [],
    },
  ],
  topics: ['Linear equations'],
  summary: 'You solved one equation and slipped on the second.',
};

const practiceInput = {
  concepts: [
    {
      key: 'algebra-1:linear-equations',
      name: 'Solving linear equations',
      description: 'Isolating x.',
      generator: 'linear-equation',
      keyPoints: [],
    },
  ],
  difficulty: 'medium' as const,
  count: 3,
  avoid: [],
  seed: 42,
};
const modelPractice = {
  problems: [
    {
      question: 'Solve 3x + 1 = 10.',
      type: 'multiple_choice',
      options: ['2', '3', '4', '11/3'],
      correctAnswer: '3',
      explanation: 'Subtract 1, divide by 3.',
      difficulty: 'medium',
      conceptId: 'algebra-1:linear-equations',
    },
    {
      // Broken: the answer is not among the options — dropped, the local generators fill its place.
      question: 'Solve x - 4 = 1.',
      type: 'multiple_choice',
      options: ['3', '4', '6'],
      correctAnswer: '5',
      explanation: 'Add 4.',
      difficulty: 'medium',
      conceptId: 'algebra-1:linear-equations',
    },
    {
      question: 'Solve 2x = 14.',
      type: 'problem_solving',
      options: null,
      correctAnswer: '7',
      explanation: 'Divide by 2.',
      difficulty: 'medium',
      conceptId: 'algebra-1:linear-equations',
    },
  ],
};

describe('companion AI tasks on the port (local Chat Completions server)', () => {
  let fake: FakeOpenAi;
  let openai: AiPort;
  const local = createAiPort({ provider: null });
  const analysis = createTranscriptAnalysisTask();
  const practice = createPracticeTask();
  beforeAll(async () => {
    fake = await startFakeOpenAi();
    openai = createAiPort({
      provider: createOpenAiProvider({ apiKey: 'sk-test', baseUrl: fake.url, model: 'gpt-test' }),
    });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.setMode('good');
  });

  it('transcript analysis: the model answers at temperature 0.3 with the catalogue; keys kept, new concepts unkeyed', async () => {
    fake.setAnalysis(modelAnalysis);
    const r = await openai.run(analysis, analysisInput);
    expect(r.provider).toBe('openai');
    expect(fake.requests[0]!.body.temperature).toBe(0.3);
    const user = fake.requests[0]!.body.messages!.find((m) => m.role === 'user')!.content;
    expect(user).toContain('algebra-1:linear-equations: Solving linear equations');
    expect(user).toContain('<transcript>');
    expect(r.data.concepts[0]).toMatchObject({
      conceptKey: 'algebra-1:linear-equations',
      signals: { correct: 1, incorrect: 1, hints: 1, selfExplanations: 1 },
    });
    expect(r.data.concepts[1]!.conceptKey).toBeNull();
  });

  it.each(['bad_json', 'schema_mismatch', 'http_500'] as const)(
    'transcript analysis: %s → the local analysis answers, with the reason',
    async (mode) => {
      if (mode === 'schema_mismatch') {
        fake.setAnalysis({
          ...modelAnalysis,
          concepts: [{ ...modelAnalysis.concepts[0], mastery_level: 'high' }],
        });
      } else fake.setMode(mode);
      const r = await openai.run(analysis, analysisInput, { timeoutMs: 5_000 });
      expect(r.provider).toBe('local');
      expect(r.model).toBe('companion-local-v1');
      expect(r.fallbackReason).toMatch(mode === 'http_500' ? /^http/ : new RegExp(`^${mode}`));
      expect(r.data.concepts[0]!.conceptKey).toBe('algebra-1:linear-equations');
      expect(r.data.summary).toMatch(/^Local analysis/);
    },
  );

  it('transcript analysis with no provider: local, directly', async () => {
    const r = await local.run(analysis, analysisInput);
    expect(r).toMatchObject({ provider: 'local', fallbackReason: null });
    expect(r.data.concepts.map((c) => c.conceptKey)).toContain('algebra-1:linear-equations');
  });

  it('practice: the model answers at temperature 0.7; a broken item is dropped and filled locally', async () => {
    fake.setAnalysis(modelPractice);
    const r = await openai.run(practice, practiceInput);
    expect(r.provider).toBe('openai');
    expect(fake.requests[0]!.body.temperature).toBe(0.7);
    expect(r.data.fromModel).toBe(2);
    expect(r.data.items).toHaveLength(3);
    expect(r.data.items.map((i) => i.question)).not.toContain('Solve x - 4 = 1.');
    const mc = r.data.items[0]!;
    expect(gradeAnswer(mc, 'B').correct).toBe(true);
  });

  it.each(['bad_json', 'http_500'] as const)('practice: %s → local generators', async (mode) => {
    fake.setMode(mode);
    const r = await openai.run(practice, practiceInput, { timeoutMs: 5_000 });
    expect(r.provider).toBe('local');
    expect(r.data.fromModel).toBe(0);
    expect(r.data.items).toHaveLength(3);
  });

  it('practice with no provider: local generators, answers computed', async () => {
    const r = await local.run(practice, practiceInput);
    expect(r.provider).toBe('local');
    for (const i of r.data.items) expect(gradeAnswer(i, i.answer).correct).toBe(true);
  });
});
