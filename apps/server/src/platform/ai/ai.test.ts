import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DEFAULT_REPLY,
  FAKE_STREAM_USAGE,
  FAKE_USAGE,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../../../test/helpers/fake-openai';
import { createAiPort, textDeltas } from './ai';
import { createOpenAiProvider, retryAfterMs } from './openai-provider';
import { AiProviderError, defineAiTask, type AiCallRecord, type AiChatEvent, type AiPort } from './port';

const USER = '6f1c2d3e-4b5a-4c6d-8e7f-901234567890';

/** A task of the kind the companion module will define: grade a student's answer. */
const gradeTask = defineAiTask({
  name: 'test.grade',
  system: 'Grade the student answer from 0 to 10 and explain briefly.',
  render: (input: { question: string; answer: string }) =>
    `Question: ${input.question}\nStudent answer: ${input.answer}`,
  output: z.object({
    score: z.int().min(0).max(10).describe('0-10'),
    feedback: z.string(),
  }),
  temperature: 0.3,
  timeoutMs: 2_000,
  retries: 0,
  maxOutputTokens: 300,
  local: (input) => ({ score: input.answer.trim() === '3/4' ? 10 : 0, feedback: 'Checked offline.' }),
  localModel: 'test-local-v1',
});
const INPUT = { question: 'What is 1/4 + 2/4?', answer: '3/4' };

async function failure(p: Promise<unknown>): Promise<AiProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AiProviderError);
  return err as AiProviderError;
}

async function collect(stream: AsyncIterable<AiChatEvent>) {
  const deltas: string[] = [];
  let end: Extract<AiChatEvent, { type: 'end' }> | undefined;
  for await (const e of stream) {
    if (e.type === 'delta') deltas.push(e.text);
    else end = e;
  }
  return { text: deltas.join(''), deltas, end };
}

describe('AI port on an OpenAI-compatible provider (against a local Chat Completions server)', () => {
  let fake: FakeOpenAi;
  const calls: AiCallRecord[] = [];
  const port = (opts: { attemptTimeoutMs?: number } = {}): AiPort =>
    createAiPort({
      provider: createOpenAiProvider({
        apiKey: 'sk-test',
        baseUrl: fake.url,
        model: 'gpt-test',
        attemptTimeoutMs: opts.attemptTimeoutMs ?? 2_000,
      }),
      recorder: { record: async (c) => void calls.push(c) },
    });

  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.setMode('good');
    fake.setAnalysis({ score: 8, feedback: 'Right, and well explained.' });
    fake.setRetryAfter('1');
    calls.length = 0;
  });

  describe('ai.run (structured tasks)', () => {
    it('with valid JSON, returns the validated data with provider, model, usage and latency, and records the call', async () => {
      const r = await port().run(gradeTask, INPUT, { userId: USER });
      expect(r).toMatchObject({
        data: { score: 8, feedback: 'Right, and well explained.' },
        provider: 'openai',
        model: 'gpt-test',
        usage: { promptTokens: FAKE_USAGE.prompt_tokens, completionTokens: FAKE_USAGE.completion_tokens },
        fallbackReason: null,
        format: 'json_schema',
      });
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);

      const body = fake.requests[0]!.body;
      expect(body.temperature).toBe(0.3);
      expect(body.max_completion_tokens).toBe(300);
      expect(body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'test_grade', strict: true },
      });
      expect(body.messages).toEqual([
        { role: 'system', content: gradeTask.system },
        { role: 'user', content: 'Question: What is 1/4 + 2/4?\nStudent answer: 3/4' },
      ]);
      expect(calls).toEqual([
        {
          task: 'test.grade',
          kind: 'json',
          provider: 'openai',
          model: 'gpt-test',
          userId: USER,
          promptTokens: FAKE_USAGE.prompt_tokens,
          completionTokens: FAKE_USAGE.completion_tokens,
          latencyMs: expect.any(Number),
          outcome: 'ok',
          errorCode: null,
        },
      ]);
    });

    it('with invalid JSON, answers with the local function, keeps the reason and records a fallback with the paid tokens', async () => {
      fake.setMode('bad_json');
      const r = await port().run(gradeTask, INPUT, { userId: USER });
      expect(r).toMatchObject({
        data: { score: 10, feedback: 'Checked offline.' },
        provider: 'local',
        model: 'test-local-v1',
        usage: null,
        format: null,
      });
      expect(r.fallbackReason).toMatch(/^bad_json: The model's answer is not valid JSON/);
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

    it('with invalid JSON and no local function, throws bad_json and records an error', async () => {
      fake.setMode('bad_json');
      const { local: _none, ...noLocal } = gradeTask;
      const err = await failure(port().run(noLocal, INPUT));
      expect(err.code).toBe('bad_json');
      expect(calls).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'bad_json' })]);
    });

    it('with JSON that breaks the schema, falls back with a schema_mismatch reason naming the field', async () => {
      fake.setAnalysis({ score: 'eight', feedback: 'Fine.' });
      const r = await port().run(gradeTask, INPUT);
      expect(r.provider).toBe('local');
      expect(r.fallbackReason).toMatch(/^schema_mismatch: .*test\.grade.*score/);
      expect(calls).toEqual([expect.objectContaining({ outcome: 'fallback', errorCode: 'schema_mismatch' })]);
    });

    it('when the server hangs past the task deadline, gives up at the deadline (timeout) and falls back', async () => {
      fake.setMode('hang');
      const started = Date.now();
      const r = await port().run({ ...gradeTask, timeoutMs: 300 }, INPUT);
      expect(r.fallbackReason).toMatch(/^timeout: No answer within the 300 ms deadline/);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(calls).toEqual([
        expect.objectContaining({ outcome: 'fallback', errorCode: 'timeout', promptTokens: null }),
      ]);
    });

    it('on 429 with retry-after, waits what the server asks, then succeeds', async () => {
      fake.queue('rate_limited');
      const r = await port().run({ ...gradeTask, retries: 2, timeoutMs: 5_000 }, INPUT);
      expect(r.provider).toBe('openai');
      expect(r.data.score).toBe(8);
      expect(fake.requests).toHaveLength(2);
      // `retry-after: 1` (seconds): the retry came no sooner than asked.
      expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(950);
      expect(calls).toEqual([expect.objectContaining({ outcome: 'ok' })]);
    });

    it('on 429 asking for a wait longer than the time left, stops at once (rate_limited) instead of waiting past the deadline', async () => {
      fake.setMode('rate_limited');
      fake.setRetryAfter('30');
      const { local: _none, ...noLocal } = gradeTask;
      const started = Date.now();
      const err = await failure(port().run({ ...noLocal, retries: 3, timeoutMs: 2_000 }, INPUT));
      expect(err.code).toBe('rate_limited');
      expect(err.details.status).toBe(429);
      expect(err.message).toMatch(/asked to retry after 30000 ms/);
      expect(fake.requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('when the caller aborts, stops at once with an aborted error and does not fall back', async () => {
      fake.setMode('hang');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const err = await failure(
        port().run({ ...gradeTask, timeoutMs: 10_000 }, INPUT, { signal: controller.signal }),
      );
      expect(err.code).toBe('aborted');
      expect(calls).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'aborted' })]);
    });

    it('a recorder that fails does not fail the call', async () => {
      const ai = createAiPort({
        provider: createOpenAiProvider({ apiKey: 'sk-test', baseUrl: fake.url, model: 'gpt-test' }),
        recorder: { record: () => Promise.reject(new Error('database down')) },
        logger: { warn: () => {} },
      });
      expect((await ai.run(gradeTask, INPUT)).data.score).toBe(8);
    });
  });

  describe('ai.chat (streamed)', () => {
    const chatRequest = (extra: Partial<Parameters<AiPort['chat']>[0]> = {}) => ({
      task: 'test.chat',
      system: 'You are a patient maths tutor.',
      messages: [{ role: 'user' as const, content: 'How do I add 1/4 and 2/8?' }],
      temperature: 0.5,
      userId: USER,
      local: () => textDeltas('I am offline; try making the denominators equal first.'),
      ...extra,
    });

    it('streams the text delta by delta and ends with the usage; the call is recorded with its tokens', async () => {
      const { text, deltas, end } = await collect(port().chat(chatRequest()));
      expect(text).toBe(DEFAULT_REPLY);
      expect(deltas.length).toBeGreaterThan(5);
      expect(end).toMatchObject({
        provider: 'openai',
        model: 'gpt-test',
        usage: {
          promptTokens: FAKE_STREAM_USAGE.prompt_tokens,
          completionTokens: FAKE_STREAM_USAGE.completion_tokens,
        },
        fallbackReason: null,
      });
      const body = fake.requests[0]!.body;
      expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true }, temperature: 0.5 });
      expect(body.messages![0]).toEqual({ role: 'system', content: 'You are a patient maths tutor.' });
      expect(calls).toEqual([
        expect.objectContaining({
          task: 'test.chat',
          kind: 'chat',
          userId: USER,
          outcome: 'ok',
          promptTokens: FAKE_STREAM_USAGE.prompt_tokens,
          completionTokens: FAKE_STREAM_USAGE.completion_tokens,
        }),
      ]);
    });

    it('stop button: aborting mid-stream ends the iteration with aborted, closes the upstream request and records it', async () => {
      fake.setMode('slow_stream');
      const controller = new AbortController();
      const received: string[] = [];
      const err = await failure(
        (async () => {
          for await (const e of port().chat(chatRequest({ signal: controller.signal }))) {
            if (e.type === 'delta') received.push(e.text);
            if (received.length === 3) controller.abort();
          }
        })(),
      );
      expect(err.code).toBe('aborted');
      expect(received.join('').length).toBeLessThan(DEFAULT_REPLY.length);
      await expect.poll(() => fake.droppedStreams).toBeGreaterThanOrEqual(1);
      expect(calls).toEqual([
        expect.objectContaining({ kind: 'chat', outcome: 'error', errorCode: 'aborted' }),
      ]);
    });

    it('a reader that stops iterating early (a closed connection) closes the upstream request; recorded as aborted', async () => {
      fake.setMode('slow_stream');
      const dropped = fake.droppedStreams;
      for await (const e of port().chat(chatRequest())) {
        if (e.type === 'delta') break;
      }
      await expect.poll(() => fake.droppedStreams).toBe(dropped + 1);
      expect(calls).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'aborted' })]);
    });

    it('when the stream cannot be opened, the local streamer answers, with the reason in the end event', async () => {
      fake.setMode('http_500');
      const { text, end } = await collect(port().chat(chatRequest({ retries: 0 })));
      expect(text).toBe('I am offline; try making the denominators equal first.');
      expect(end).toMatchObject({ provider: 'local', usage: null });
      expect(end!.fallbackReason).toMatch(/^http: The AI endpoint answered 500/);
      expect(calls).toEqual([expect.objectContaining({ outcome: 'fallback', errorCode: 'http' })]);
    });
  });
});

describe('AI port with no provider configured', () => {
  const calls: AiCallRecord[] = [];
  const ai = createAiPort({ provider: null, recorder: { record: async (c) => void calls.push(c) } });
  beforeEach(() => {
    calls.length = 0;
  });

  it('runs the local function directly and records it as a local call', async () => {
    const r = await ai.run(gradeTask, INPUT, { userId: USER });
    expect(ai.mode).toBe('local');
    expect(r).toMatchObject({
      data: { score: 10 },
      provider: 'local',
      model: 'test-local-v1',
      fallbackReason: null,
    });
    expect(calls).toEqual([
      expect.objectContaining({ provider: 'local', model: 'test-local-v1', userId: USER, outcome: 'ok' }),
    ]);
  });

  it('without a local function, throws unavailable', async () => {
    const { local: _none, ...noLocal } = gradeTask;
    expect((await failure(ai.run(noLocal, INPUT))).code).toBe('unavailable');
    const chat = ai.chat({
      task: 'test.chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.5,
    });
    expect((await failure(collect(chat))).code).toBe('unavailable');
  });

  it('streams the local answer for chat', async () => {
    const { text, end } = await collect(
      ai.chat({
        task: 'test.chat',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 0.5,
        local: () => textDeltas('Hello there, shall we start?'),
      }),
    );
    expect(text).toBe('Hello there, shall we start?');
    expect(end).toMatchObject({ provider: 'local', model: 'local', fallbackReason: null });
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  it.each<{ headers: Record<string, string>; expected: number | null }>([
    { headers: { 'retry-after-ms': '250' }, expected: 250 },
    { headers: { 'retry-after': '2' }, expected: 2_000 },
    { headers: { 'retry-after': 'Tue, 01 Dec 2026 10:00:05 GMT' }, expected: 5_000 },
    { headers: { 'retry-after': 'soon' }, expected: null },
    { headers: {}, expected: null },
  ])('$headers → $expected', ({ headers, expected }) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});
