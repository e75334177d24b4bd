import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FAKE_USAGE,
  goodAnalysis,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../../../../test/helpers/fake-openai';
import { createAiPort } from '../../../platform/ai/ai';
import { createOpenAiProvider } from '../../../platform/ai/openai-provider';
import { AiProviderError, type AiCallRecord } from '../../../platform/ai/port';
import { ZAnalysisResult, type AnalyzeSessionInput } from './analysis.schema';
import {
  ANALYSIS_JSON_SCHEMA,
  CHARS_PER_TOKEN,
  createSessionAnalysisTask,
  createSessionAnalyzer,
  parseModelContent,
  type SessionAnalysisTaskOptions,
} from './analysis.task';

const TRANSCRIPT = [
  'Tutor: Hi Ben! What felt hardest since last time?',
  'Student: Fractions. I added the tops and the bottoms.',
  'Tutor: Interesting, walk me through how you got that. What has to be true about the denominators?',
  'Student: They have to be the same, so 1/4 becomes 2/8.',
].join('\n');
const INPUT: AnalyzeSessionInput = {
  transcript: TRANSCRIPT,
  summary: null,
  subjects: ['elementary-math'],
  isFirstSession: false,
};

async function expectAiError(p: Promise<unknown>, code: string): Promise<AiProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AiProviderError);
  expect((err as AiProviderError).code).toBe(code);
  return err as AiProviderError;
}

describe('session-analysis task on the AI port (against a local Chat Completions server)', () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.setMode('good');
    fake.setAnalysis(goodAnalysis());
    calls.length = 0;
  });
  const calls: AiCallRecord[] = [];
  /** The analyzer on a port with the OpenAI-compatible provider; task options as the old provider options. */
  const provider = (extra: { timeoutMs?: number; maxRetries?: number } & SessionAnalysisTaskOptions = {}) => {
    const { timeoutMs, maxRetries, ...task } = extra;
    const ai = createAiPort({
      provider: createOpenAiProvider({
        apiKey: 'sk-test',
        baseUrl: fake.url,
        model: 'gpt-test',
        attemptTimeoutMs: 2_000,
      }),
      recorder: { record: async (c) => void calls.push(c) },
    });
    const analyzer = createSessionAnalyzer({
      ai,
      task: createSessionAnalysisTask({
        timeoutMs: timeoutMs ?? 2_000,
        retries: maxRetries ?? 0,
        // No fallback here: these cases are about the provider's answers and failures.
        local: null,
        ...task,
      }),
    });
    return {
      analyzeSession: async (input: AnalyzeSessionInput, opts?: { signal?: AbortSignal }) =>
        (await analyzer.analyzeSession(input, opts)).result,
    };
  };

  it('when the model answers good JSON, returns the parsed analysis with token usage and latency', async () => {
    const result = await provider().analyzeSession(INPUT);
    expect(ZAnalysisResult.parse(result)).toEqual(result);
    // The quality is the same formula as the local analyzer's, over the model's dimensions and the move guidance.
    const guidance = result.moves!.guidance;
    expect(result.qualityScore).toBe(
      Math.round(0.6 * guidance + (0.4 / 0.65) * (0.25 * 81 + 0.2 * 79 + 0.2 * 88)),
    );
    expect(result).toMatchObject({
      empathyScore: 88,
      clarityScore: 79,
      engagement: 'high',
      engagementScore: 81,
      sentiment: 0.42,
      source: 'transcript',
      model: 'gpt-test',
      promptTokens: FAKE_USAGE.prompt_tokens,
      completionTokens: FAKE_USAGE.completion_tokens,
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.evidence[0]).toEqual({
      label: 'Open question',
      quote: 'Walk me through how you got that.',
      speaker: 'tutor',
    });
    expect(result.metrics).toMatchObject({
      model_quality_score: 84,
      open_questions: 7,
      transcript_truncated: false,
      response_format: 'json_schema',
    });

    expect(calls).toEqual([
      expect.objectContaining({
        task: 'quality.session_analysis',
        kind: 'json',
        provider: 'openai',
        model: 'gpt-test',
        userId: null,
        promptTokens: FAKE_USAGE.prompt_tokens,
        completionTokens: FAKE_USAGE.completion_tokens,
        outcome: 'ok',
        errorCode: null,
      }),
    ]);

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body.model).toBe('gpt-test');
    expect(req.body.temperature).toBeLessThanOrEqual(0.3);
    expect(req.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'session_analysis', strict: true, schema: ANALYSIS_JSON_SCHEMA },
    });
    const [system, user] = req.body.messages!;
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(/quality_score/);
    expect(user!.content).toContain('<transcript>\n[0] Tutor: Hi Ben!');
    expect(user!.content).toContain('Subjects: elementary-math.');
  });

  it('asks for a move per numbered tutor turn; returns the model’s labels, the classifier labelling the turns it left out', async () => {
    fake.setAnalysis(
      goodAnalysis({
        tutor_moves: [
          { turn: 2, move: 'probing', confidence: 0.8 },
          { turn: 3, move: 'telling', confidence: 0.9 }, // a student turn: ignored
          { turn: 9, move: 'telling', confidence: 0.9 }, // no such turn: ignored
        ],
      }),
    );
    const result = await provider().analyzeSession(INPUT);
    const [system, user] = fake.requests[0]!.body.messages!;
    expect(system!.content).toMatch(/tutor_moves/);
    expect(system!.content).toMatch(/focus .*probing .*telling .*generic/s);
    expect(user!.content).toContain('[2] Tutor: Interesting, walk me through how you got that.');
    expect(user!.content).toContain('[3] Student: They have to be the same');
    const schema = JSON.stringify(ANALYSIS_JSON_SCHEMA);
    expect(schema).toContain('"tutor_moves"');
    expect(schema).toContain('"enum":["focus","probing","telling","generic"]');

    const moves = result.moves!;
    expect(moves.turns).toEqual([
      {
        turn: 0,
        move: expect.stringMatching(/^(focus|probing|telling|generic)$/),
        confidence: expect.any(Number),
        by: 'classifier',
      },
      { turn: 2, move: 'probing', confidence: 0.8, by: 'llm' },
    ]);
    expect(moves.model).toMatch(/^gpt-test \+ moves-v/);
    expect(moves.tutorTurns).toBe(2);
    expect(moves.examples.probing).toEqual([
      {
        turn: 2,
        quote: 'Interesting, walk me through how you got that. What has to be true about the denominators?',
        confidence: 0.8,
      },
    ]);
    expect(result.metrics).toMatchObject({ model_labelled_turns: 1, guidance_score: moves.guidance });
  });

  it('with only a summary, reports no moves', async () => {
    const result = await provider().analyzeSession({
      ...INPUT,
      transcript: null,
      summary: 'A guided session.',
    });
    expect(result.moves).toBeNull();
    expect(result.qualityScore).toBe(84);
  });

  it('sends a strict-mode schema: every object closed and every property required', () => {
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object') {
        expect(n.additionalProperties).toBe(false);
        expect(new Set(n.required as string[])).toEqual(new Set(Object.keys(n.properties as object)));
      }
      for (const k of ['minimum', 'maximum', 'maxItems', 'minItems', 'maxLength', '$schema'])
        expect(n).not.toHaveProperty(k);
      for (const v of Object.values(n)) walk(v);
    };
    walk(ANALYSIS_JSON_SCHEMA);
  });

  it('with only a summary, sends the summary and marks the source', async () => {
    const result = await provider().analyzeSession({
      ...INPUT,
      transcript: null,
      summary: 'The tutor guided with questions.',
    });
    expect(result.source).toBe('summary');
    expect(fake.requests[0]!.body.messages![1]!.content).toContain(
      '<summary>\nThe tutor guided with questions.\n</summary>',
    );
  });

  it('never sends more than ~12k tokens of transcript: a long one is clipped with a note', async () => {
    const line = 'Tutor: Now let us look at the next step of this long worked example together, carefully.';
    const long = Array.from(
      { length: 2_000 },
      (_, i) => `${line} (${i})\nStudent: Okay, I see what you mean there (${i}).`,
    ).join('\n');
    const result = await provider().analyzeSession({ ...INPUT, transcript: long });
    const sent = fake.requests[0]!.body.messages![1]!.content;
    expect(long.length).toBeGreaterThan(12_000 * 4);
    expect(sent.length).toBeLessThan(12_000 * CHARS_PER_TOKEN + 1_000);
    expect(sent).toMatch(/lines from the middle were left out/);
    expect(sent).toMatch(/\[… \d+ lines \(\d+ characters\) omitted …\]/);
    expect(sent).toContain('(1999)'); // the end of the session is kept
    expect(result.metrics.transcript_truncated).toBe(true);
  });

  it('rounds a fractional score instead of rejecting the answer', async () => {
    fake.setAnalysis(goodAnalysis({ quality_score: 71.6 }));
    expect((await provider().analyzeSession(INPUT)).metrics.model_quality_score).toBe(72);
  });

  it('when the content is not JSON, throws a bad_json error', async () => {
    fake.setMode('bad_json');
    const err = await expectAiError(provider().analyzeSession(INPUT), 'bad_json');
    expect(err.message).toMatch(/not valid JSON/);
  });

  it('when the JSON does not match the schema, throws a schema_mismatch error naming the fields', async () => {
    fake.setMode('invalid_schema');
    const err = await expectAiError(provider().analyzeSession(INPUT), 'schema_mismatch');
    expect(err.message).toMatch(/quality_score/);
    expect(err.message).toMatch(/engagement/);
  });

  it('when the server hangs past the timeout, throws a timeout error', async () => {
    fake.setMode('hang');
    const started = Date.now();
    const err = await expectAiError(
      provider({ timeoutMs: 300, maxRetries: 0 }).analyzeSession(INPUT),
      'timeout',
    );
    expect(err.message).toMatch(/300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('when the caller aborts, stops at once with an aborted error', async () => {
    fake.setMode('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expectAiError(
      provider({ timeoutMs: 10_000 }).analyzeSession(INPUT, { signal: controller.signal }),
      'aborted',
    );
  });

  it('retries an HTTP 500, and succeeds when a retry does', async () => {
    fake.queue('http_500', 'http_500');
    const result = await provider({ maxRetries: 2 }).analyzeSession(INPUT);
    expect(result.metrics.model_quality_score).toBe(84);
    expect(fake.requests).toHaveLength(3);
  });

  it('retries an HTTP 500 maxRetries times, then throws an http error with the status', async () => {
    fake.setMode('http_500');
    const err = await expectAiError(provider({ maxRetries: 2 }).analyzeSession(INPUT), 'http');
    expect(err.details.status).toBe(500);
    expect(fake.requests).toHaveLength(3);
  });

  it('when the endpoint rejects json_schema, switches to json_object with the schema in the prompt', async () => {
    fake.setMode('reject_json_schema');
    const p = provider();
    const result = await p.analyzeSession(INPUT);
    expect(result.metrics.response_format).toBe('json_object');
    expect(fake.requests.map((r) => r.body.response_format?.type)).toEqual(['json_schema', 'json_object']);
    expect(fake.requests[1]!.body.messages![0]!.content).toMatch(/must follow this JSON schema/);
    // Remembered: the next call goes straight to json_object.
    await p.analyzeSession(INPUT);
    expect(fake.requests[2]!.body.response_format?.type).toBe('json_object');
  });

  it('when the model answers bad JSON, the local analyzer answers, with the reason kept and the paid tokens recorded', async () => {
    fake.setMode('bad_json');
    const ai = createAiPort({
      provider: createOpenAiProvider({ apiKey: 'sk-test', baseUrl: fake.url, model: 'gpt-test' }),
      recorder: { record: async (c) => void calls.push(c) },
    });
    const out = await createSessionAnalyzer({
      ai,
      task: createSessionAnalysisTask({ retries: 0 }),
    }).analyzeSession(INPUT);
    expect(out.provider).toBe('local');
    expect(out.fallbackReason).toMatch(/^bad_json: The model's answer is not valid JSON/);
    expect(out.result).toMatchObject({
      model: 'tutorpulse-local-v1',
      promptTokens: null,
      source: 'transcript',
    });
    expect(ZAnalysisResult.parse(out.result)).toEqual(out.result);
    expect(calls).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-test',
        outcome: 'fallback',
        errorCode: 'bad_json',
        promptTokens: FAKE_USAGE.prompt_tokens,
      }),
    ]);
  });

  it('with no provider configured, the local analyzer answers directly and the call is recorded as local', async () => {
    const ai = createAiPort({ provider: null, recorder: { record: async (c) => void calls.push(c) } });
    const out = await createSessionAnalyzer({ ai }).analyzeSession(INPUT);
    expect(out).toMatchObject({
      provider: 'local',
      fallbackReason: null,
      result: { model: 'tutorpulse-local-v1' },
    });
    expect(fake.requests).toHaveLength(0);
    expect(calls).toEqual([
      expect.objectContaining({
        provider: 'local',
        model: 'tutorpulse-local-v1',
        outcome: 'ok',
        promptTokens: null,
      }),
    ]);
  });

  it('refuses to call the model with nothing to analyse', async () => {
    await expectAiError(provider().analyzeSession({ ...INPUT, transcript: '  ', summary: null }), 'no_input');
    expect(fake.requests).toHaveLength(0);
    expect(calls).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'no_input' })]);
  });
});

describe('parseModelContent', () => {
  it.each([
    { content: JSON.stringify(goodAnalysis()), ok: true },
    { content: `\`\`\`json\n${JSON.stringify(goodAnalysis())}\n\`\`\``, ok: true },
    { content: 'Sure! Here is the analysis.', code: 'bad_json' },
    { content: JSON.stringify(goodAnalysis({ quality_score: 140 })), code: 'schema_mismatch' },
    {
      content: JSON.stringify(goodAnalysis({ red_flags: [{ type: 'rude', description: 'x', quote: null }] })),
      code: 'schema_mismatch',
    },
    { content: JSON.stringify({ ...goodAnalysis(), metrics: undefined }), code: 'schema_mismatch' },
  ])('$content.length chars → $code', ({ content, ok, code }) => {
    if (ok) expect(parseModelContent(content).quality_score).toBe(84);
    else expect(() => parseModelContent(content)).toThrow(expect.objectContaining({ code }));
  });
});
