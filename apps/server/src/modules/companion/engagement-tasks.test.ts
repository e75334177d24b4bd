/**
 * Each engagement AI task through the port, against a local server speaking Chat Completions: the model's
 * answer when it is valid, the local answer when it is not (or when no provider is configured).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/helpers/fake-openai';
import { createAiPort } from '../../platform/ai/ai';
import { createOpenAiProvider } from '../../platform/ai/openai-provider';
import type { AiPort } from '../../platform/ai/port';
import { chatSummaryTask } from './chat/summary.task';
import { subjectSuggestionsTask } from './goals/suggestions.task';
import { engagementNudgeTask } from './nudges/nudge.task';
import { decideRouting } from './routing/routing.rules';
import { tutorRoutingTask } from './routing/routing.task';

let fake: FakeOpenAi;
let ai: AiPort;
const offline = createAiPort({ provider: null });

beforeAll(async () => {
  fake = await startFakeOpenAi();
  ai = createAiPort({
    provider: createOpenAiProvider({
      apiKey: 'sk-test',
      baseUrl: fake.url,
      model: 'gpt-test',
      attemptTimeoutMs: 2_000,
    }),
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.setMode('good');
});

const lastBody = () =>
  fake.requests.at(-1)!.body as { temperature: number; messages: Array<{ content: string }> };

describe('companion.chat_summary', () => {
  const input = {
    previous: null,
    messages: [
      { role: 'user' as const, content: 'Why do we flip the inequality sign?' },
      { role: 'assistant' as const, content: 'Because multiplying by a negative reverses order.' },
    ],
  };
  it('asks the model at 0.3 and returns its summary', async () => {
    fake.setAnalysis({ summary: 'Inequalities: sign flips when multiplying by negatives.' });
    const r = await ai.run(chatSummaryTask, input);
    expect(r).toMatchObject({
      provider: 'openai',
      data: { summary: 'Inequalities: sign flips when multiplying by negatives.' },
    });
    expect(lastBody().temperature).toBe(0.3);
  });
  it('falls back to the extractive summary on bad JSON, and offline', async () => {
    fake.setMode('bad_json');
    const r = await ai.run(chatSummaryTask, input);
    expect(r.provider).toBe('local');
    expect(r.data.summary).toMatch(/inequality/);
    expect((await offline.run(chatSummaryTask, input)).data).toEqual(r.data);
  });
});

describe('companion.subject_suggestions', () => {
  const history = {
    completedSubjectId: 'algebra-1',
    completedTitle: 'Finish Algebra 1',
    sessionSubjects: ['algebra-1'],
    exclude: [],
    mastery: [],
  };
  it('takes the model’s catalogue picks (temperature 0.7) and tops them up to five', async () => {
    fake.setAnalysis({
      suggestions: [
        {
          subject_id: 'physics',
          subject: 'Physics',
          description: 'Forces.',
          relevance_score: 0.9,
          value_proposition: 'Use your algebra.',
          related_concepts: ['Linear equations'],
        },
      ],
    });
    const r = await ai.run(subjectSuggestionsTask, history);
    expect(r.provider).toBe('openai');
    expect(r.data).toHaveLength(5);
    expect(r.data[0]).toMatchObject({
      subjectId: 'physics',
      relevance: 0.9,
      valueProposition: 'Use your algebra.',
    });
    expect(lastBody().temperature).toBe(0.7);
    expect(lastBody().messages.at(-1)!.content).toMatch(/algebra-2: Algebra 2/);
  });
  it('a subject outside the catalogue fails the schema: the curated graph answers', async () => {
    fake.setAnalysis({
      suggestions: [
        {
          subject_id: 'astrology',
          subject: 'Astrology',
          description: '',
          relevance_score: 1,
          value_proposition: '',
          related_concepts: [],
        },
      ],
    });
    const r = await ai.run(subjectSuggestionsTask, history);
    expect(r.provider).toBe('local');
    expect(r.fallbackReason).toMatch(/^schema_mismatch/);
    expect(r.data.map((s) => s.subjectId)).toContain('algebra-2');
  });
});

describe('companion.tutor_routing', () => {
  const signals = { userMessages: ['I give up, can I talk to a real tutor?'], attempts: [], mastery: [] };
  const rules = decideRouting(signals);
  it('takes the model’s decision and keeps the rules’ triggers', async () => {
    fake.setAnalysis({
      shouldRoute: true,
      reason: 'Asked for a person and is frustrated.',
      urgency: 'high',
      recommendedTopic: 'Fractions',
      estimatedDuration: 45,
    });
    const r = await ai.run(tutorRoutingTask, { signals, rules });
    expect(r.provider).toBe('openai');
    expect(r.data).toMatchObject({
      shouldRoute: true,
      urgency: 'high',
      recommendedTopic: 'Fractions',
      estimatedDuration: 45,
    });
    expect(r.data.triggers.sort()).toEqual(['explicit_request', 'frustration']);
    expect(lastBody().temperature).toBe(0.3);
    // The student's words go to the model as fenced data.
    expect(lastBody().messages.at(-1)!.content).toContain(
      '<material>I give up, can I talk to a real tutor?</material>',
    );
  });
  it('on a provider error, the rules decide', async () => {
    fake.setMode('http_500');
    const r = await ai.run({ ...tutorRoutingTask, retries: 0 }, { signals, rules });
    expect(r.provider).toBe('local');
    expect(r.data).toEqual(rules);
  });
});

describe('companion.engagement_nudge', () => {
  const input = {
    firstName: 'Ada',
    reason: 'inactive' as const,
    daysInactive: 8,
    sessionsSoFar: 3,
    lastSubject: 'algebra-1',
    weakestConcept: { name: 'Slope', mastery: 35 },
    closestGoal: null,
  };
  it('returns the model’s message (temperature 0.7)', async () => {
    fake.setAnalysis({
      message: 'Slope misses you!',
      subject: 'Back to slope',
      call_to_action: 'Practise slope',
      urgency: 'medium',
    });
    const r = await ai.run(engagementNudgeTask, input);
    expect(r).toMatchObject({ provider: 'openai', data: { call_to_action: 'Practise slope' } });
    expect(lastBody().temperature).toBe(0.7);
  });
  it('offline, composes it from the activity', async () => {
    const r = await offline.run(engagementNudgeTask, input);
    expect(r.provider).toBe('local');
    expect(r.data.message).toMatch(/Slope is at 35\/100/);
  });
});
