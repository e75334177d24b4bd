import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZSessionAnalysis } from '@tutorpulse/contracts/quality';
import {
  events as eventsTable,
  flagEvents,
  flags,
  sessionAnalyses,
  sessions,
  students,
  tutors,
} from '../src/db/schema/index';
import { createSessionAnalysisTask } from '../src/modules/quality/analysis/analysis.task';
import { QUALITY_THRESHOLDS } from '../src/modules/quality/thresholds';
import {
  analysisToDto,
  createTier2Handler,
  createTier2Runner,
  ROLLING_MEAN_POLICY,
  type LowQualityPolicy,
  type Tier2Deps,
} from '../src/modules/quality/tier2';
import { createAiPort } from '../src/platform/ai/ai';
import { createOpenAiProvider } from '../src/platform/ai/openai-provider';
import type { AiPort } from '../src/platform/ai/port';
import { createEventService } from '../src/platform/events/events.service';
import { createTestApp, type TestApp } from './helpers/build-app';
import { FAKE_USAGE, goodAnalysis, startFakeOpenAi, type FakeOpenAi } from './helpers/fake-openai';

const GUIDING = `Tutor: Hi Ben! How did the homework go?
Student: Not great, I got stuck on a couple.
Tutor: Okay, we'll look at the ones that were tricky. Try this: Solve 3x + 4 = 19. Where would you start?
Student: I added 4 to both sides and got 3x = 23.
Tutor: Interesting, walk me through how you got that. What's being done to x, and in what order?
Student: x is multiplied by 3 and then 4 is added, so I subtract 4 first: 3x = 15.
Tutor: Nice. Why does that work?
Student: Because you undo the operations in reverse order, so x = 5.
Tutor: Great thinking. How could you check your answer?
Student: 3 times 5 plus 4 is 19, so it checks out.`;

const CURT = `Tutor: Open the worksheet. What is 7 times 8?
Student: 54? I added 7 eight times but lost count.
Tutor: No.
Student: Could you explain what I did wrong?
Tutor: 56. Next.
Student: I still don't get it.
Tutor: What is 9 times 6?
Student: 56?
Tutor: Wrong.
Student: Why is that wrong?
Tutor: It's 54. It's in your notes.
Student: ok
Tutor: Done for today.
Student: Okay. Thanks, I guess.`;

describe('tier 2 analysis job (quality.tier2)', () => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let db: TestApp['rt']['database']['db'];
  /** No provider configured: the task's local answer (the local analyzer) runs directly. */
  const local = createAiPort({ provider: null });
  let openai: AiPort;
  const alerts: Array<{ flagId: string; sessionRowId?: string }> = [];

  beforeAll(async () => {
    t = await createTestApp();
    db = t.rt.database.db;
    fake = await startFakeOpenAi();
    openai = createAiPort({
      provider: createOpenAiProvider({
        apiKey: 'sk-test',
        baseUrl: fake.url,
        model: 'gpt-test',
      }),
    });
  });
  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });
  beforeEach(() => {
    fake.setMode('good');
    fake.setAnalysis(goodAnalysis());
    alerts.length = 0;
  });

  const depsWith = (ai: AiPort, lowQualityPolicy?: LowQualityPolicy): Tier2Deps => ({
    lowQualityPolicy,
    db,
    clock: t.clock,
    events: createEventService({ db, bus: t.rt.bus, clock: t.clock }),
    ai,
    analysisTask: createSessionAnalysisTask({ retries: 0, timeoutMs: 1_500 }),
    sessions: {
      async getSessionForProcessing(id) {
        const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
        return row ?? null;
      },
    },
    logger: t.rt.logger,
    reports: {
      async queueCriticalAlert(input) {
        alerts.push(input);
      },
    },
  });
  const handlerWith = (ai: AiPort, lowQualityPolicy?: LowQualityPolicy) =>
    createTier2Runner(depsWith(ai, lowQualityPolicy));

  /** A tutor of its own per test (flags are one open per tutor and type), a student and one session. */
  async function insertSession(text: {
    transcript?: string | null;
    aiSummary?: string | null;
    version?: number;
  }) {
    const tutorId = `tut_${randomUUID().slice(0, 8)}`;
    const studentId = `stu_${randomUUID().slice(0, 8)}`;
    await db.insert(tutors).values({ id: tutorId, name: 'Ana Tutor' });
    await db.insert(students).values({ id: studentId, name: 'Ben Student' });
    const [row] = await db
      .insert(sessions)
      .values({
        sessionId: `sess_${randomUUID().slice(0, 8)}`,
        tutorId,
        studentId,
        sessionStartTime: new Date('2026-11-20T10:00:00Z'),
        sessionEndTime: new Date('2026-11-20T11:00:00Z'),
        tutorJoinTime: new Date('2026-11-20T10:00:00Z'),
        studentJoinTime: new Date('2026-11-20T10:01:00Z'),
        subjectsCovered: ['algebra-1'],
        contentHash: randomUUID(),
        transcript: text.transcript ?? null,
        aiSummary: text.aiSummary ?? null,
        version: text.version ?? 1,
      })
      .returning();
    return row!;
  }

  const analysisOf = async (id: string) =>
    db.select().from(sessionAnalyses).where(eq(sessionAnalyses.sessionId, id));
  const qualityFlags = (tutorId: string) =>
    db
      .select()
      .from(flags)
      .where(and(eq(flags.tutorId, tutorId), eq(flags.flagType, 'low_session_quality')));
  const eventsAbout = async (s: { id: string; sessionId: string }) =>
    (await db.select().from(eventsTable).orderBy(asc(eventsTable.id))).filter(
      (e) => e.payload.id === s.id || e.payload.session_id === s.sessionId,
    );

  it('with the OpenAI provider answering, stores its analysis with provider, model, tokens and no fallback', async () => {
    // GUIDING's tutor turns are 0, 2, 4, 6 and 8; the model labels four of them (turn 1 is the student's).
    fake.setAnalysis(
      goodAnalysis({
        tutor_moves: [
          { turn: 0, move: 'generic', confidence: 0.9 },
          { turn: 1, move: 'telling', confidence: 0.9 },
          { turn: 2, move: 'focus', confidence: 0.9 },
          { turn: 4, move: 'probing', confidence: 0.9 },
          { turn: 6, move: 'probing', confidence: 0.9 },
        ],
      }),
    );
    const s = await insertSession({ transcript: GUIDING, aiSummary: 'A guided session.' });
    const out = await handlerWith(openai)({ sessionId: s.id, version: 1 });
    expect(out).toMatchObject({ status: 'stored', provider: 'openai', fallbackReason: null, flag: null });
    const [stored] = await analysisOf(s.id);
    // Both providers' quality: 0.60·move guidance + 0.40·(engagement 81, clarity 79, empathy 88 as 25:20:20).
    const moves = stored!.moves!;
    expect(moves.turns.map((m) => [m.turn, m.move, m.by])).toEqual([
      [0, 'generic', 'llm'],
      [2, 'focus', 'llm'],
      [4, 'probing', 'llm'],
      [6, 'probing', 'llm'],
      [8, expect.any(String), 'classifier'], // not labelled by the model: the classifier's
    ]);
    expect(moves.model).toMatch(/^gpt-test \+ moves-v/);
    const expected = Math.round(0.6 * moves.guidance + (0.4 / 0.65) * (0.25 * 81 + 0.2 * 79 + 0.2 * 88));
    expect(out).toMatchObject({ qualityScore: expected });
    expect(stored!.metrics).toMatchObject({ model_quality_score: 84, model_labelled_turns: 4 });

    const [row] = await analysisOf(s.id);
    expect(row).toMatchObject({
      tutorId: s.tutorId,
      sessionVersion: 1,
      provider: 'openai',
      model: 'gpt-test',
      source: 'transcript',
      qualityScore: expected,
      engagement: 'high',
      fallbackReason: null,
      promptTokens: FAKE_USAGE.prompt_tokens,
      completionTokens: FAKE_USAGE.completion_tokens,
    });
    expect(row!.createdAt.toISOString()).toBe('2026-11-20T12:00:00.000Z');
    const dto = analysisToDto(row!);
    expect(ZSessionAnalysis.parse(dto)).toEqual(dto);
    expect(dto).toMatchObject({
      provider: 'openai',
      quality_score: expected,
      prompt_tokens: FAKE_USAGE.prompt_tokens,
      fallback_reason: null,
    });

    const published = (await db.select().from(eventsTable)).filter(
      (e) => e.type === 'analysis.completed' && e.payload.id === s.id,
    );
    expect(published).toHaveLength(1);
    expect(published[0]!.payload).toMatchObject({
      session_id: s.sessionId,
      provider: 'openai',
      fallback: false,
      quality_score: expected,
    });
    expect(published[0]!.audience).toEqual(['admin', 'coach', 'viewer']);
    expect(await qualityFlags(s.tutorId)).toHaveLength(0);
  });

  it.each([
    { mode: 'bad_json' as const, reason: /^bad_json: / },
    { mode: 'invalid_schema' as const, reason: /^schema_mismatch: / },
    { mode: 'hang' as const, reason: /^timeout: / },
    { mode: 'http_500' as const, reason: /^http: .*500/ },
  ])(
    'when the provider fails ($mode), stores the local analysis with the fallback reason',
    async ({ mode, reason }) => {
      fake.setMode(mode);
      const s = await insertSession({ transcript: GUIDING });
      const out = await handlerWith(openai)({ sessionId: s.id, version: 1 });
      expect(out).toMatchObject({ status: 'stored', provider: 'local' });

      const [row] = await analysisOf(s.id);
      expect(row!.provider).toBe('local');
      expect(row!.model).toBe('tutorpulse-local-v1');
      expect(row!.fallbackReason).toMatch(reason);
      expect(row!.promptTokens).toBeNull();
      expect(row!.qualityScore).toBeGreaterThanOrEqual(70);
      const [event] = (await db.select().from(eventsTable)).filter(
        (e) => e.type === 'analysis.completed' && e.payload.id === s.id,
      );
      expect(event!.payload.fallback).toBe(true);
    },
  );

  it('with the local analyzer configured, stores provider local and no fallback reason', async () => {
    const s = await insertSession({ transcript: GUIDING });
    await handlerWith(local)({ sessionId: s.id, version: 1 });
    const [row] = await analysisOf(s.id);
    expect(row).toMatchObject({ provider: 'local', fallbackReason: null, source: 'transcript' });
    expect(row!.metrics).toMatchObject({
      open_questions: expect.any(Number),
      tutor_talk_share: expect.any(Number),
    });
    expect(row!.evidence.length).toBeGreaterThan(0);
  });

  it('with the local analyzer, stores each tutor turn’s move with its confidence, the shares and quotes', async () => {
    const s = await insertSession({ transcript: GUIDING });
    await handlerWith(local)({ sessionId: s.id, version: 1 });
    const [row] = await analysisOf(s.id);
    const moves = row!.moves!;
    expect(moves.model).toMatch(/^moves-v\d+-[0-9a-f]{8}$/);
    expect(moves.tutorTurns).toBe(5);
    expect(moves.turns.map((m) => m.turn)).toEqual([0, 2, 4, 6, 8]);
    for (const m of moves.turns) {
      expect(['focus', 'probing', 'telling', 'generic']).toContain(m.move);
      expect(m.confidence).toBeGreaterThan(0.25);
      expect(m.confidence).toBeLessThanOrEqual(1);
      expect(m.by).toBe('classifier');
    }
    const { focus, probing, telling, generic } = moves.shares;
    expect(focus + probing + telling + generic).toBeCloseTo(1, 2);
    // A guiding session: mostly focus and probing, little telling.
    expect(focus + probing).toBeGreaterThan(0.5);
    expect(telling).toBeLessThan(0.2);
    expect(row!.tellingShare).toBeCloseTo(telling, 5);
    expect(row!.focusShare).toBeCloseTo(focus, 5);
    expect(row!.guidanceScore).toBe(moves.guidance);
    expect(moves.guidance).toBe(Math.round(100 * (1 - telling)));
    expect(row!.metrics).toMatchObject({ guidance_score: moves.guidance });
    expect(row!.sessionStartedAt!.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    // Example quotes are the tutor's own words, at the turn they point to.
    const lines = GUIDING.split('\n');
    const examples = Object.values(moves.examples).flat();
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(lines[e.turn]).toBe(`Tutor: ${e.quote}`);
    const dto = analysisToDto(row!);
    expect(ZSessionAnalysis.parse(dto).moves).toMatchObject({
      tutor_turns: 5,
      guidance_score: moves.guidance,
      shares: moves.shares,
    });
  });

  it('a poor transcript raises exactly one low_session_quality flag, and a re-run adds nothing', async () => {
    const s = await insertSession({ transcript: CURT });
    const run = handlerWith(local);
    const first = await run({ sessionId: s.id, version: 1 });
    expect(first).toMatchObject({ status: 'stored', flag: { outcome: 'raised' } });

    const [flag] = await qualityFlags(s.tutorId);
    const [row] = await analysisOf(s.id);
    expect(row!.qualityScore).toBeLessThan(QUALITY_THRESHOLDS.lowQualityScore);
    // Most of the curt tutor's turns give the answer away.
    expect(row!.tellingShare).toBeGreaterThan(0.4);
    expect(flag).toMatchObject({
      severity: row!.qualityScore < 30 ? 'high' : 'medium',
      status: 'open',
      title: 'Low session quality',
      sessionId: s.sessionId,
      occurrences: 1,
    });
    expect(flag!.description).toContain(`Session ${s.sessionId} scored ${row!.qualityScore}/100`);
    expect(flag!.description).toMatch(/gave the answer away/);
    expect(flag!.description).toMatch(
      /About \d+% of the tutor's turns told the student the answer \(tutor moves\)/,
    );
    expect(flag!.recommendedAction).toMatch(/open questions/);
    expect(flag!.supportingData.sessions).toEqual([s.sessionId]);
    expect(flag!.supportingData.metrics).toMatchObject({
      quality_score: row!.qualityScore,
      provider: 'local',
    });
    expect(String(flag!.supportingData.metrics.quote_1)).toMatch(/^".+" \(tutor\)$/);
    for (const k of ['quote_1', 'quote_2', 'quote_3']) {
      expect(String(flag!.supportingData.metrics[k] ?? '').length).toBeLessThanOrEqual(160);
    }

    t.clock.advance(60_000);
    const again = await run({ sessionId: s.id, version: 1 });
    expect(again).toMatchObject({ status: 'stored', flag: { id: flag!.id, outcome: 'unchanged' } });
    const flagsAfter = await qualityFlags(s.tutorId);
    expect(flagsAfter).toHaveLength(1);
    expect(flagsAfter[0]!.occurrences).toBe(1);
    expect(await db.select().from(flagEvents).where(eq(flagEvents.flagId, flag!.id))).toHaveLength(1);
    const rows = await analysisOf(s.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.createdAt.toISOString()).toBe(new Date(t.clock.now()).toISOString());

    const flagEventsPublished = (await db.select().from(eventsTable)).filter(
      (e) => e.type.startsWith('flag.') && e.payload.flag_id === flag!.id,
    );
    expect(flagEventsPublished.map((e) => e.type)).toEqual(['flag.raised']);
    expect(alerts).toEqual([]);
  });

  it('a second poor session of the same tutor adds evidence to the open flag instead of a new one', async () => {
    const s1 = await insertSession({ transcript: CURT });
    const run = handlerWith(local);
    await run({ sessionId: s1.id, version: 1 });
    // Same tutor, another session.
    const [s2] = await db
      .insert(sessions)
      .values({ ...s1, id: undefined, sessionId: `${s1.sessionId}_b`, contentHash: randomUUID() })
      .returning();
    const out = await run({ sessionId: s2!.id, version: 1 });
    expect(out).toMatchObject({ flag: { outcome: 'evidence_added' } });
    const [flag] = await qualityFlags(s1.tutorId);
    expect(flag!.occurrences).toBe(2);
    expect(flag!.supportingData.sessions).toEqual([s2!.sessionId, s1.sessionId]);
    const published = (await db.select().from(eventsTable))
      .filter((e) => e.payload.flag_id === flag!.id)
      .map((e) => e.type);
    expect(published).toEqual(['flag.raised', 'flag.updated']);
  });

  it('a critical red flag raises a critical flag and queues the coaches’ alert, whatever the score', async () => {
    fake.setAnalysis(
      goodAnalysis({
        quality_score: 78,
        red_flags: [
          {
            type: 'personal_contact',
            description: 'The tutor gave the student a personal phone number.',
            quote: 'Text me at 555-867-5309 if you get stuck.',
          },
        ],
      }),
    );
    const s = await insertSession({
      transcript: `${GUIDING}\nTutor: Text me at 555-867-5309 if you get stuck.`,
    });
    const out = await handlerWith(openai)({ sessionId: s.id, version: 1 });
    expect(out).toMatchObject({ provider: 'openai', flag: { severity: 'critical', outcome: 'raised' } });
    const [flag] = await qualityFlags(s.tutorId);
    expect(flag!.title).toBe('Critical red flag in a session: personal contact');
    expect(flag!.description).toContain('"Text me at 555-867-5309 if you get stuck."');
    expect(flag!.recommendedAction).toMatch(/contact details/);
    expect(flag!.supportingData.metrics.red_flags).toBe('personal_contact');
    expect(alerts).toEqual([{ flagId: flag!.id, sessionRowId: s.id }]);
  });

  it('under the rolling-mean policy, one poor session of a good tutor raises nothing; a poor average does', async () => {
    const run = handlerWith(local, ROLLING_MEAN_POLICY);
    const first = await insertSession({ transcript: GUIDING });
    const addSession = async (transcript: string) => {
      const [s] = await db
        .insert(sessions)
        .values({
          ...first,
          id: undefined,
          sessionId: `${first.sessionId}_${randomUUID().slice(0, 6)}`,
          contentHash: randomUUID(),
          transcript,
        })
        .returning();
      t.clock.advance(60_000);
      return run({ sessionId: s!.id, version: 1 });
    };
    await run({ sessionId: first.id, version: 1 });
    for (let i = 0; i < 4; i++) await addSession(GUIDING);
    const offDay = await addSession(CURT);
    expect(offDay).toMatchObject({ status: 'stored', flag: null });
    expect(await qualityFlags(first.tutorId)).toHaveLength(0);

    let last: Awaited<ReturnType<typeof run>> | undefined;
    for (let i = 0; i < 8; i++) last = await addSession(CURT);
    expect(last).toMatchObject({
      flag: { outcome: expect.stringMatching(/raised|evidence_added|escalated/) },
    });
    const [flag] = await qualityFlags(first.tutorId);
    expect(flag!.description).toMatch(/last 10 analysed sessions average \d+\/100/);
    expect(flag!.supportingData.metrics.recent_sessions).toBe(10);
  });

  it('with only an AI summary, analyses the summary', async () => {
    const s = await insertSession({
      aiSummary:
        'The tutor supplied answers directly. The student asked for explanations that were not given. Engagement was low.',
    });
    await handlerWith(local)({ sessionId: s.id, version: 1 });
    const [row] = await analysisOf(s.id);
    expect(row).toMatchObject({ source: 'summary', provider: 'local' });
    expect(row!.metrics.confidence).toBeLessThan(0.5);
  });

  it.each([
    {
      name: 'no transcript or summary',
      text: { transcript: null, aiSummary: '   ' },
      version: 1,
      reason: 'no_text',
    },
    {
      name: 'the session moved on to a newer version',
      text: { transcript: GUIDING, version: 2 },
      version: 1,
      reason: 'superseded',
    },
  ])('when $name, stores nothing', async ({ text, version, reason }) => {
    const s = await insertSession(text);
    const out = await handlerWith(openai)({ sessionId: s.id, version });
    expect(out).toEqual({ status: 'skipped', reason });
    expect(await analysisOf(s.id)).toHaveLength(0);
    expect(await eventsAbout(s)).toEqual([]);
  });

  it('createTier2Handler is the job handler itself: (payload) => Promise<void>, doing the same work', async () => {
    const s = await insertSession({ transcript: CURT });
    const handler: (p: { sessionId: string; version: number }) => Promise<void> = createTier2Handler(
      depsWith(local),
    );
    await expect(handler({ sessionId: s.id, version: 1 })).resolves.toBeUndefined();
    expect(await analysisOf(s.id)).toHaveLength(1);
    expect(await qualityFlags(s.tutorId)).toHaveLength(1);
  });

  it('when the session no longer exists, skips', async () => {
    expect(await handlerWith(local)({ sessionId: randomUUID(), version: 1 })).toEqual({
      status: 'skipped',
      reason: 'missing',
    });
  });
});
