/**
 * The record of AI calls and the admin usage report: calls made through the AI port (model, fallback, local,
 * chat) land in ai_calls, and GET /api/admin/ai-usage sums them by task, user, day and model, with the cost
 * estimated from AI_PRICES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZAiUsageReport } from '@tutorpulse/contracts/ai';
import { aiCalls } from '../src/db/schema/index';
import { createAiPort, textDeltas } from '../src/platform/ai/ai';
import { createOpenAiProvider } from '../src/platform/ai/openai-provider';
import { defineAiTask } from '../src/platform/ai/port';
import { createAiCallRecorder } from '../src/platform/ai/recorder';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { FAKE_STREAM_USAGE, FAKE_USAGE, startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai';

const PRICES = { 'gpt-test': { input: 0.5, output: 2 } };

const task = defineAiTask({
  name: 'test.grade',
  system: 'Grade the answer.',
  render: (input: { answer: string }) => input.answer,
  output: z.object({ score: z.int().min(0).max(10), feedback: z.string() }),
  temperature: 0.3,
  timeoutMs: 5_000,
  retries: 0,
  maxOutputTokens: 200,
  local: () => ({ score: 0, feedback: 'offline' }),
  localModel: 'test-local-v1',
});

describe('GET /api/admin/ai-usage', () => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let admin: Session;
  let coach: Session;
  let studentId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { AI_PRICES: JSON.stringify(PRICES) } });
    fake = await startFakeOpenAi();
    fake.setAnalysis({ score: 7, feedback: 'Good.' });
    await createUser(t, { email: 'admin@usage.test', role: 'admin' });
    await createUser(t, { email: 'coach@usage.test', role: 'coach' });
    studentId = await createUser(t, { email: 'student@usage.test', role: 'student' });

    const recorder = createAiCallRecorder({ db: t.rt.database.db, clock: t.clock });
    const model = createAiPort({
      provider: createOpenAiProvider({ apiKey: 'sk-test', baseUrl: fake.url, model: 'gpt-test' }),
      recorder,
    });
    const local = createAiPort({ provider: null, recorder });
    // 2026-11-20: two model answers for the student, one fallback (bad JSON, still paid) and one local run
    // for system work, one streamed chat for the student.
    await model.run(task, { answer: 'a' }, { userId: studentId });
    await model.run(task, { answer: 'b' }, { userId: studentId });
    fake.setMode('bad_json');
    await model.run(task, { answer: 'c' });
    fake.setMode('good');
    await local.run(task, { answer: 'd' });
    for await (const _e of model.chat({
      task: 'test.chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.5,
      userId: studentId,
      local: () => textDeltas('offline'),
    }));
    // 2026-11-21: one more model answer.
    t.clock.advance(86_400_000);
    await model.run(task, { answer: 'e' }, { userId: studentId });
    // Logged in now: sessions end 12 hours after login.
    admin = await login(t, 'admin@usage.test');
    coach = await login(t, 'coach@usage.test');
  });
  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });

  const report = async (query: string, who: Session = admin) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/admin/ai-usage?${query}`,
      headers: bearer(who),
    });
    return res;
  };
  const cost = (prompt: number, completion: number) => (prompt * 0.5 + completion * 2) / 1_000_000;

  it('records every call: model, fallback, local and chat, with tokens and outcome', async () => {
    const rows = await t.rt.database.db.select().from(aiCalls);
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => `${r.task}:${r.provider}:${r.outcome}`).sort()).toEqual([
      'test.chat:openai:ok',
      'test.grade:local:ok',
      'test.grade:openai:fallback',
      'test.grade:openai:ok',
      'test.grade:openai:ok',
      'test.grade:openai:ok',
    ]);
    expect(rows.find((r) => r.outcome === 'fallback')).toMatchObject({
      errorCode: 'bad_json',
      userId: null,
      promptTokens: FAKE_USAGE.prompt_tokens,
    });
  });

  it('by task: calls, outcomes, token sums and the estimated cost from the configured prices', async () => {
    const res = await report('group_by=task&from=2026-11-01&to=2026-11-30');
    expect(res.statusCode).toBe(200);
    const body = ZAiUsageReport.parse(res.json());
    const grade = body.rows.find((r) => r.key === 'test.grade')!;
    // 3 model answers + 1 fallback answered with tokens; the local run has none.
    expect(grade).toMatchObject({
      calls: 5,
      ok: 4,
      fallback: 1,
      error: 0,
      local: 1,
      prompt_tokens: 4 * FAKE_USAGE.prompt_tokens,
      completion_tokens: 4 * FAKE_USAGE.completion_tokens,
      unpriced_tokens: 0,
    });
    expect(grade.estimated_cost_usd).toBeCloseTo(
      cost(4 * FAKE_USAGE.prompt_tokens, 4 * FAKE_USAGE.completion_tokens),
      6,
    );
    const chat = body.rows.find((r) => r.key === 'test.chat')!;
    expect(chat).toMatchObject({
      calls: 1,
      prompt_tokens: FAKE_STREAM_USAGE.prompt_tokens,
      completion_tokens: FAKE_STREAM_USAGE.completion_tokens,
    });
    expect(body.totals.calls).toBe(6);
    expect(body.totals.estimated_cost_usd).toBeCloseTo(grade.estimated_cost_usd + chat.estimated_cost_usd, 6);
    expect(body.prices).toEqual(PRICES);
  });

  it('by user: the student’s calls apart from system work (null user)', async () => {
    const body = ZAiUsageReport.parse((await report('group_by=user&from=2026-11-01&to=2026-11-30')).json());
    const byKey = Object.fromEntries(body.rows.map((r) => [String(r.key), r.calls]));
    expect(byKey).toEqual({ [studentId]: 4, null: 2 });
  });

  it('by day (UTC), in date order, and `from`/`to` bound the period', async () => {
    const body = ZAiUsageReport.parse((await report('group_by=day&from=2026-11-01&to=2026-11-30')).json());
    expect(body.rows.map((r) => [r.key, r.calls])).toEqual([
      ['2026-11-20', 5],
      ['2026-11-21', 1],
    ]);
    const oneDay = ZAiUsageReport.parse((await report('group_by=day&from=2026-11-21&to=2026-11-21')).json());
    expect(oneDay.totals.calls).toBe(1);
  });

  it('by model: tokens of a model without a price are reported as unpriced, not guessed', async () => {
    await t.rt.database.db.insert(aiCalls).values({
      task: 'test.grade',
      kind: 'json',
      provider: 'openai',
      model: 'other-model',
      promptTokens: 100,
      completionTokens: 50,
      latencyMs: 10,
      outcome: 'ok',
      createdAt: new Date('2026-11-21T08:00:00Z'),
    });
    const body = ZAiUsageReport.parse((await report('group_by=model&from=2026-11-01&to=2026-11-30')).json());
    expect(body.rows.find((r) => r.key === 'other-model')).toMatchObject({
      unpriced_tokens: 150,
      estimated_cost_usd: 0,
    });
    expect(body.rows.find((r) => r.key === 'test-local-v1')).toMatchObject({
      local: 1,
      estimated_cost_usd: 0,
    });
    expect(body.totals.unpriced_tokens).toBe(150);
  });

  it('filters by task and defaults to the last 30 days', async () => {
    const body = ZAiUsageReport.parse((await report('task=test.chat')).json());
    expect(body).toMatchObject({ from: '2026-10-23', to: '2026-11-21', group_by: 'task' });
    expect(body.rows.map((r) => r.key)).toEqual(['test.chat']);
  });

  it.each([
    { query: 'from=2026-11-30&to=2026-11-01', why: 'from after to' },
    { query: 'from=2025-01-01&to=2026-11-30', why: 'more than 366 days' },
    { query: 'group_by=tutor', why: 'unknown grouping' },
    { query: 'from=yesterday', why: 'not a date' },
    { query: 'limit=0', why: 'limit below 1' },
  ])('answers 400 when $why', async ({ query }) => {
    const res = await report(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('is for admins only', async () => {
    expect((await report('', coach)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/ai-usage' })).statusCode).toBe(401);
  });
});
