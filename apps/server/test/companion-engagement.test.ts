/**
 * The companion's engagement side over HTTP, offline (no AI provider: every answer is local): chat streamed
 * from the student's own material, goals and suggestions, notifications (and their live events), routing to
 * a tutor, nudges, registration and token refresh, and per-object access for every route and role, with
 * another student's ids. Mastery comes from a MasteryReader over a table this test owns.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MasteryReader } from '../src/modules/companion/engagement';
import { LOCAL_LABEL } from '../src/modules/companion/chat/local-answer';
import type { BusEvent } from '../src/platform/events/port';
import { startWorkers } from '../src/workers';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { insertSessions, insertSubjects, insertTutors } from './helpers/quality-fixtures';

let t: TestApp;
const DAY = 86_400_000;
const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** A MasteryReader over `test_mastery` / `test_attempts`, tables this test creates and fills. */
const reader: MasteryReader = {
  async getMastery(studentId, keys) {
    const res = await t.rt.database.db.execute(sql`
      select concept_key, subject_id, name, mastery, updated_at, description from test_mastery
      where student_id = ${studentId}`);
    return rowsOf<{
      concept_key: string;
      subject_id: string;
      name: string;
      mastery: number;
      updated_at: string;
      description: string | null;
    }>(res)
      .filter((r) => !keys || keys.includes(r.concept_key))
      .map((r) => ({
        conceptKey: r.concept_key,
        subjectId: r.subject_id,
        name: r.name,
        mastery: Number(r.mastery),
        updatedAt: new Date(r.updated_at),
        description: r.description,
      }));
  },
  async recentAttempts(studentId, opts) {
    const res = await t.rt.database.db.execute(sql`
      select concept_key, correct, at, misconception from test_attempts
      where student_id = ${studentId} order by at desc limit ${opts.limit}`);
    return rowsOf<{ concept_key: string; correct: boolean; at: string; misconception: string | null }>(
      res,
    ).map((r) => ({
      conceptKey: r.concept_key,
      correct: r.correct,
      at: new Date(r.at),
      source: 'practice' as const,
      misconception: r.misconception,
    }));
  },
};

async function setMastery(
  studentId: string,
  key: string,
  name: string,
  mastery: number,
  description: string | null = null,
) {
  await t.rt.database.db.execute(sql`
    insert into test_mastery (student_id, concept_key, subject_id, name, mastery, updated_at, description)
    values (${studentId}, ${key}, ${key.split(':')[0]}, ${name}, ${mastery}, ${t.clock.now()}, ${description})
    on conflict (student_id, concept_key) do update set mastery = excluded.mastery`);
}

const ALGEBRA = [
  'Tutor: Today we solve linear equations like 2x + 3 = 11.',
  'Student: So I subtract 3 from both sides first?',
  'Tutor: Exactly. That gives 2x = 8. What next?',
  'Student: Divide both sides by 2, so x = 4.',
  'Tutor: Right. The slope of a line is rise over run.',
].join('\n');
const BIOLOGY = 'Tutor: Mitochondria produce ATP.\nStudent: And photosynthesis is in chloroplasts.';

const s = {} as Record<
  'admin' | 'coach' | 'operator' | 'viewer' | 'studentA' | 'studentB' | 'tutor1' | 'tutor3',
  Session
>;
const events: BusEvent[] = [];

function parseSse(body: string) {
  return body
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return { event, data: data ? (JSON.parse(data) as Record<string, unknown>) : null };
    });
}

async function chat(who: Session, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/chat/message', headers: bearer(who), payload });
  return { res, events: res.statusCode === 200 ? parseSse(res.body) : [] };
}

const api = (who: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: bearer(who),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

beforeAll(async () => {
  t = await createTestApp({ masteryReader: reader, env: { COMPANION_CHAT_MESSAGES_PER_HOUR: '8' } });
  const { db } = t.rt.database;
  await db.execute(sql`create table test_mastery (student_id text, concept_key text, subject_id text, name text,
    mastery real, updated_at timestamptz, description text, primary key (student_id, concept_key))`);
  await db.execute(
    sql`create table test_attempts (student_id text, concept_key text, correct boolean, at timestamptz, misconception text)`,
  );
  await insertSubjects(db, [
    { id: 'algebra-1', name: 'Algebra 1' },
    { id: 'biology', name: 'Biology' },
  ]);
  await insertTutors(db, [
    { id: 'tut-1', name: 'Tess One', mainSubjectId: 'algebra-1', subjectIds: ['algebra-1'] },
    { id: 'tut-2', name: 'Tom Two', mainSubjectId: 'algebra-1', subjectIds: ['algebra-1'] },
    { id: 'tut-3', name: 'Tia Three', mainSubjectId: 'biology', subjectIds: ['biology'] },
  ]);
  const now = t.clock.now().getTime();
  await insertSessions(db, [
    {
      id: 'sess-a1',
      tutorId: 'tut-1',
      studentId: 'stu-a',
      start: new Date(now - 2 * DAY),
      subjects: ['algebra-1'],
    },
    {
      id: 'sess-b1',
      tutorId: 'tut-3',
      studentId: 'stu-b',
      start: new Date(now - 3 * DAY),
      subjects: ['biology'],
    },
  ]);
  await db.execute(sql`update sessions set transcript = ${ALGEBRA} where session_id = 'sess-a1'`);
  await db.execute(sql`update sessions set transcript = ${BIOLOGY} where session_id = 'sess-b1'`);
  await setMastery(
    'stu-a',
    'algebra-1:linear-equations',
    'Linear equations',
    30,
    'Do the same to both sides to isolate x.',
  );
  await setMastery('stu-a', 'algebra-1:slope', 'Slope', 85);
  for (const [key, role, extra] of [
    ['admin', 'admin', {}],
    ['coach', 'coach', {}],
    ['operator', 'operator', {}],
    ['viewer', 'viewer', {}],
    ['studentA', 'student', { studentId: 'stu-a' }],
    ['studentB', 'student', { studentId: 'stu-b' }],
    ['tutor1', 'tutor', { tutorId: 'tut-1' }],
    ['tutor3', 'tutor', { tutorId: 'tut-3' }],
  ] as const) {
    await createUser(t, { email: `${key.toLowerCase()}@companion.test`, role, ...extra });
    s[key] = await login(t, `${key.toLowerCase()}@companion.test`);
  }
  t.app.services.events.subscribe((e) => events.push(e));
  await startWorkers(t.rt, t.app.services);
});
afterAll(() => t?.close());

describe('POST /api/chat/message (offline)', () => {
  it('streams a local answer quoting the student’s own transcript, labelled local, and stores both messages', async () => {
    const { res, events: ev } = await chat(s.studentA, { message: 'How do I solve linear equations?' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(ev[0]).toMatchObject({ event: 'meta', data: { mode: 'local' } });
    const deltas = ev.filter((e) => e.event === 'delta');
    expect(deltas.length).toBeGreaterThan(10);
    const text = deltas.map((d) => d.data!.text).join('');
    expect(text.startsWith(LOCAL_LABEL)).toBe(true);
    expect(text).toContain('Tutor: Today we solve linear equations like 2x + 3 = 11.');
    expect(text).toMatch(/Your mastery of Linear equations is 30\/100/);
    const done = ev.at(-1)!;
    expect(done).toMatchObject({ event: 'done', data: { provider: 'local', local: true } });
    expect((done.data!.sources as Array<{ ref: string }>).map((x) => x.ref)).toContain('sess-a1');
    // Nothing from the other student's transcript.
    expect(text).not.toMatch(/Mitochondria/);

    const stored = await api(s.studentA, 'GET', '/api/chat/messages/student/stu-a');
    expect(stored.statusCode).toBe(200);
    const msgs = stored.json().data as Array<{ role: string; content: string; provider: string | null }>;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(msgs[1]!.content).toBe(text);
    expect(msgs[1]!.provider).toBe('local');
  });

  it('continues the same conversation, and refuses someone else’s conversation id as unknown', async () => {
    const first = await chat(s.studentA, { message: 'And what is slope?' });
    const conv = first.events[0]!.data!.conversation_id as string;
    const again = await chat(s.studentA, { message: 'Rise over run?', conversation_id: conv });
    expect(again.events[0]!.data!.conversation_id).toBe(conv);
    const stolen = await chat(s.studentB, { message: 'hi', conversation_id: conv });
    expect(stolen.res.statusCode).toBe(404);
    const asOther = await chat(s.studentB, { message: 'hi', student_id: 'stu-a' });
    expect(asOther.res.statusCode).toBe(404);
  });

  it('limits a student’s messages per hour with a clear 429 and retry-after', async () => {
    for (let i = 0; i < 8; i++)
      expect((await chat(s.studentB, { message: `question ${i} about photosynthesis` })).res.statusCode).toBe(
        200,
      );
    const refused = await chat(s.studentB, { message: 'one more' });
    expect(refused.res.statusCode).toBe(429);
    expect(refused.res.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.res.json().error).toMatch(/8 chat messages in the last hour.*next one at \d\d:\d\d UTC/);
    expect(Number(refused.res.headers['retry-after'])).toBeGreaterThan(0);
    // Another student is not affected.
    expect((await chat(s.studentA, { message: 'slope again' })).res.statusCode).toBe(200);
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    // B's conversation outgrew the 10-message window: the older messages were folded into its summary.
    const [conv] = rowsOf<{ summary: string | null; summarized_through: number }>(
      await t.rt.database.db.execute(
        sql`select summary, summarized_through from companion_conversations where student_id = 'stu-b'`,
      ),
    );
    expect(conv!.summary).toMatch(/Earlier the student asked \d+ questions about .*photosynthesis/);
    expect(Number(conv!.summarized_through)).toBeGreaterThan(0);
  });
});

describe('goals and suggestions', () => {
  let goalA = '';
  it('creates a goal whose progress comes from the mastery of its concepts', async () => {
    const res = await api(s.studentA, 'POST', '/api/goals/create', {
      subject_id: 'algebra-1',
      title: 'Master Algebra 1 basics',
      concept_keys: ['algebra-1:linear-equations', 'algebra-1:slope'],
    });
    expect(res.statusCode).toBe(201);
    goalA = res.json().id;
    // (30/80 + min(1, 85/80)) / 2 = 69 %.
    expect(res.json()).toMatchObject({
      student_id: 'stu-a',
      progress: 69,
      status: 'active',
      target_mastery: 80,
    });
    const bad = await api(s.studentA, 'POST', '/api/goals/create', {
      subject_id: 'algebra-1',
      title: 'x',
      concept_keys: ['biology:cells'],
    });
    expect(bad.statusCode).toBe(400);
    const list = await api(s.studentA, 'GET', '/api/goals/student/stu-a');
    expect(list.json().data[0]).toMatchObject({ id: goalA, progress: 69 });
    expect((await api(s.tutor1, 'GET', '/api/goals/student/stu-a')).statusCode).toBe(200);
    expect((await api(s.tutor3, 'GET', '/api/goals/student/stu-a')).statusCode).toBe(404);
  });

  it('notifies goal progress after the next exchange (milestone 50 %), once', async () => {
    await chat(s.studentA, { message: 'one more on slope' });
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    await chat(s.studentA, { message: 'and again on slope' });
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    const res = await api(s.studentA, 'GET', '/api/notifications/student/stu-a');
    const progress = (res.json().data as Array<{ type: string; data: { goal_id?: string } }>).filter(
      (n) => n.type === 'goal_progress',
    );
    expect(progress).toHaveLength(1);
    expect(progress[0]!.data.goal_id).toBe(goalA);
  });

  it('completing the goal yields five suggestions and a notification; accept creates a goal, dismiss closes one', async () => {
    expect((await api(s.studentB, 'POST', `/api/goals/${goalA}/complete`)).statusCode).toBe(404);
    const done = await api(s.studentA, 'POST', `/api/goals/${goalA}/complete`);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', progress: 100 });
    expect((await api(s.studentA, 'POST', `/api/goals/${goalA}/complete`)).statusCode).toBe(200);
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    const sug = await api(s.studentA, 'GET', '/api/suggestions/student/stu-a');
    const list = sug.json().data as Array<{
      id: string;
      subject_id: string;
      provider: string;
      relevance_score: number;
    }>;
    expect(list).toHaveLength(5);
    expect(new Set(list.map((x) => x.subject_id)).size).toBe(5);
    expect(list.every((x) => x.provider === 'local' && x.subject_id !== 'algebra-1')).toBe(true);
    const notes = (await api(s.studentA, 'GET', '/api/notifications/student/stu-a')).json().data as Array<{
      type: string;
    }>;
    expect(notes.filter((n) => n.type === 'suggestion')).toHaveLength(1);

    const accepted = await api(s.studentA, 'POST', `/api/suggestions/${list[0]!.id}/accept`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().goal).toMatchObject({
      subject_id: list[0]!.subject_id,
      from_suggestion_id: list[0]!.id,
      status: 'active',
    });
    expect((await api(s.studentA, 'POST', `/api/suggestions/${list[0]!.id}/accept`)).json().goal.id).toBe(
      accepted.json().goal.id,
    );
    expect((await api(s.studentA, 'POST', `/api/suggestions/${list[1]!.id}/dismiss`)).json().status).toBe(
      'dismissed',
    );
    expect((await api(s.studentA, 'POST', `/api/suggestions/${list[1]!.id}/accept`)).statusCode).toBe(409);
    expect((await api(s.studentB, 'POST', `/api/suggestions/${list[2]!.id}/dismiss`)).statusCode).toBe(404);
  });
});

describe('notifications', () => {
  it('are published live to the student’s account only, read one by one or all at once', async () => {
    const live = events.filter((e) => e.type === 'companion.notification');
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((e) => e.userId === s.studentA.userId && e.audience.join() === 'student')).toBe(true);
    const page = (await api(s.studentA, 'GET', '/api/notifications/student/stu-a')).json();
    expect(page.unread).toBeGreaterThan(1);
    const first = page.data[0].id as string;
    expect((await api(s.studentB, 'POST', `/api/notifications/${first}/read`)).statusCode).toBe(404);
    expect((await api(s.studentB, 'GET', '/api/notifications/student/stu-a')).statusCode).toBe(404);
    const read = await api(s.studentA, 'POST', `/api/notifications/${first}/read`);
    expect(read.json().read_at).not.toBeNull();
    const all = await api(s.studentA, 'POST', '/api/notifications/student/stu-a/read-all');
    expect(all.json().updated).toBe(page.unread - 1);
    expect(
      (await api(s.studentA, 'GET', '/api/notifications/student/stu-a?unread=true')).json(),
    ).toMatchObject({ total: 0, unread: 0 });
  });
});

describe('routing to a human tutor', () => {
  it('after a chat exchange asking for a person, opens a hand-off to the student’s own tutor with context', async () => {
    await chat(s.studentA, { message: 'I give up on this, can I talk to a real tutor?' });
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    const ctx = await api(s.tutor1, 'GET', '/api/tutors/context/student/stu-a');
    expect(ctx.statusCode).toBe(200);
    const handoffs = ctx.json().handoffs as Array<{
      tutor_id: string;
      triggers: string[];
      mastery: unknown[];
      misconceptions: Array<{ text: string }>;
    }>;
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]).toMatchObject({ tutor_id: 'tut-1', status: 'open' });
    expect(handoffs[0]!.triggers.sort()).toEqual(['explicit_request', 'frustration']);
    expect(handoffs[0]!.mastery.length).toBe(2);
    expect(handoffs[0]!.misconceptions.some((m) => m.text.includes('I give up'))).toBe(true);
    expect(ctx.json().recent_chat.length).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'companion.handoff')).toBe(true);
    const notes = (await api(s.studentA, 'GET', '/api/notifications/student/stu-a')).json().data as Array<{
      type: string;
    }>;
    expect(notes.filter((n) => n.type === 'tutor_handoff')).toHaveLength(1);
  });

  it('POST /api/tutors/routing/analyze: repeated errors route (same open hand-off), a quiet student does not', async () => {
    for (const correct of [false, false, true, false]) {
      await t.rt.database.db.execute(
        sql`insert into test_attempts values ('stu-a', 'algebra-1:linear-equations', ${correct}, ${t.clock.now()}, ${correct ? null : 'forgets to divide both sides'})`,
      );
    }
    const res = await api(s.studentA, 'POST', '/api/tutors/routing/analyze', {
      concept_key: 'algebra-1:linear-equations',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      shouldRoute: true,
      recommendedTopic: 'Linear equations',
      provider: 'local',
    });
    expect(res.json().triggers).toContain('repeated_errors');
    const ctx = (await api(s.tutor1, 'GET', '/api/tutors/context/student/stu-a')).json();
    expect(ctx.handoffs).toHaveLength(1);
    expect(ctx.handoffs[0].id).toBe(res.json().handoff_id);
    expect(ctx.handoffs[0].misconceptions.map((m: { text: string }) => m.text)).toContain(
      'forgets to divide both sides',
    );

    const quiet = await api(s.tutor3, 'POST', '/api/tutors/routing/analyze', { student_id: 'stu-b' });
    // stu-b sent eight calm questions: no trigger.
    expect(quiet.json()).toMatchObject({ shouldRoute: false, handoff_id: null });
    expect((await api(s.admin, 'POST', '/api/tutors/routing/analyze', {})).statusCode).toBe(400);
  });

  it('GET /api/tutors/list: tutors of the subject through the quality module, marking the student’s own', async () => {
    const res = await api(s.studentA, 'GET', '/api/tutors/list?subject_id=algebra-1');
    expect(res.statusCode).toBe(200);
    const list = res.json().data as Array<{ tutor_id: string; knows_student: boolean }>;
    expect(list.map((x) => x.tutor_id).sort()).toEqual(['tut-1', 'tut-2']);
    expect(list.find((x) => x.tutor_id === 'tut-1')!.knows_student).toBe(true);
  });
});

describe('per-object access: every companion route × role, with another student’s ids', () => {
  it('walks the table', async () => {
    // B's records, made by an admin.
    const goalB = (
      await api(s.admin, 'POST', '/api/goals/create', {
        student_id: 'stu-b',
        subject_id: 'biology',
        title: 'Cells',
      })
    ).json().id as string;
    await api(s.admin, 'POST', `/api/goals/${goalB}/complete`);
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    const sugB = (await api(s.admin, 'GET', '/api/suggestions/student/stu-b')).json().data[0].id as string;
    const noteB = (await api(s.admin, 'GET', '/api/notifications/student/stu-b')).json().data[0].id as string;
    const goalB2 = (
      await api(s.admin, 'POST', '/api/goals/create', {
        student_id: 'stu-b',
        subject_id: 'biology',
        title: 'Cells 2',
      })
    ).json().id as string;

    type Case = {
      method: 'GET' | 'POST';
      url: string;
      route: string;
      body?: object;
      allow: Array<keyof typeof s>;
    };
    const cases: Case[] = [
      {
        method: 'POST',
        route: '/api/chat/message',
        url: '/api/chat/message',
        body: { message: 'hi', student_id: 'stu-b' },
        allow: ['admin', 'studentB'],
      },
      {
        method: 'GET',
        route: '/api/chat/messages/student/:id',
        url: '/api/chat/messages/student/stu-b',
        allow: ['admin', 'studentB'],
      },
      {
        method: 'GET',
        route: '/api/goals/student/:id',
        url: '/api/goals/student/stu-b',
        allow: ['admin', 'studentB', 'tutor3'],
      },
      {
        method: 'POST',
        route: '/api/goals/create',
        url: '/api/goals/create',
        body: { student_id: 'stu-b', subject_id: 'biology', title: 'x' },
        allow: ['admin', 'studentB', 'tutor3'],
      },
      {
        method: 'POST',
        route: '/api/goals/:id/complete',
        url: `/api/goals/${goalB2}/complete`,
        allow: ['admin', 'studentB'],
      },
      {
        method: 'GET',
        route: '/api/suggestions/student/:id',
        url: '/api/suggestions/student/stu-b',
        allow: ['admin', 'studentB'],
      },
      {
        method: 'POST',
        route: '/api/suggestions/:id/accept',
        url: `/api/suggestions/${sugB}/accept`,
        allow: ['admin', 'studentB'],
      },
      {
        method: 'POST',
        route: '/api/suggestions/:id/dismiss',
        url: `/api/suggestions/${sugB}/dismiss`,
        allow: ['admin', 'studentB'],
      },
      {
        method: 'GET',
        route: '/api/notifications/student/:id',
        url: '/api/notifications/student/stu-b',
        allow: ['admin', 'studentB'],
      },
      {
        method: 'POST',
        route: '/api/notifications/:id/read',
        url: `/api/notifications/${noteB}/read`,
        allow: ['admin', 'studentB'],
      },
      {
        method: 'POST',
        route: '/api/notifications/:id/act',
        url: `/api/notifications/${noteB}/act`,
        allow: ['admin', 'studentB'],
      },
      {
        method: 'POST',
        route: '/api/notifications/student/:id/read-all',
        url: '/api/notifications/student/stu-b/read-all',
        allow: ['admin', 'studentB'],
      },
      {
        method: 'POST',
        route: '/api/tutors/routing/analyze',
        url: '/api/tutors/routing/analyze',
        body: { student_id: 'stu-b' },
        allow: ['admin', 'studentB', 'tutor3'],
      },
      {
        method: 'GET',
        route: '/api/tutors/list',
        url: '/api/tutors/list',
        allow: ['admin', 'coach', 'studentA', 'studentB', 'tutor1', 'tutor3'],
      },
      {
        method: 'GET',
        route: '/api/tutors/context/student/:id',
        url: '/api/tutors/context/student/stu-b',
        allow: ['admin', 'tutor3'],
      },
      {
        method: 'GET',
        route: '/api/companion/nudges/stats',
        url: '/api/companion/nudges/stats',
        allow: ['admin'],
      },
    ];
    // Every companion route is in the table (a new one fails here until it is added).
    const companion = t.app.accessTable
      .filter((r) =>
        /^\/api\/(chat|goals|suggestions|notifications|tutors\/(list|routing|context)|companion)\b/.test(
          r.url,
        ),
      )
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(companion).toEqual(cases.map((c) => `${c.method} ${c.route}`).sort());

    const wrong: string[] = [];
    // studentB last: their writes (accept, complete) must not pre-empt the others' checks.
    const order: Array<keyof typeof s> = [
      'coach',
      'operator',
      'viewer',
      'studentA',
      'tutor1',
      'tutor3',
      'admin',
      'studentB',
    ];
    for (const c of cases) {
      for (const who of order) {
        const res = await api(s[who], c.method, c.url, c.body ?? (c.method === 'POST' ? {} : undefined));
        // Past the access checks, a business refusal (409, or 429 for B's spent chat limit) still means allowed.
        const ok = res.statusCode < 400 || ([409, 429].includes(res.statusCode) && c.allow.includes(who));
        if (ok !== c.allow.includes(who)) wrong.push(`${who} ${c.method} ${c.url} → ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('POST /api/auth/register and /api/auth/refresh', () => {
  it('registers a student (no role choice, password rules, one account per email), who can then log in', async () => {
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        email: 'New.Student@companion.test',
        name: 'Nia New',
        password: 'a long enough passphrase',
        timezone: 'Europe/Paris',
      },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().user).toMatchObject({ email: 'new.student@companion.test', role: 'student' });
    expect(ok.json().user.student_id).toMatch(/^stu-/);
    const asAdmin = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'x@companion.test', name: 'X', password: 'a long enough passphrase', role: 'admin' },
    });
    expect(asAdmin.statusCode).toBe(400);
    const common = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'y@companion.test', name: 'Y', password: 'password123' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().error).toMatch(/too common/);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'new.student@companion.test', name: 'Nia', password: 'another long passphrase' },
    });
    expect(again.statusCode).toBe(409);
    const session = await login(t, 'new.student@companion.test', 'a long enough passphrase');
    expect(
      (await api(session, 'GET', `/api/notifications/student/${ok.json().user.student_id}`)).statusCode,
    ).toBe(200);
  });

  it('refresh rotates the session: the new token works, the old one no longer does', async () => {
    const session = await login(t, 'studenta@companion.test');
    const res = await api(session, 'POST', '/api/auth/refresh');
    expect(res.statusCode).toBe(200);
    const fresh = { ...session, token: res.json().token as string };
    expect((await api(fresh, 'GET', '/api/auth/me')).statusCode).toBe(200);
    expect((await api(session, 'GET', '/api/auth/me')).statusCode).toBe(401);
  });
});

describe('engagement nudges', () => {
  it('nudges a registered student in their first week, in their daytime, once per 3 days; opened and acted-on are tracked', async () => {
    const nudges = t.app.services.engagement.nudges;
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        email: 'nudge.me@companion.test',
        name: 'Noa Nudge',
        password: 'a long enough passphrase',
        timezone: 'Asia/Tokyo',
      },
    });
    const studentId = reg.json().user.student_id as string;
    const countFor = async () =>
      Number(
        rowsOf<{ n: number }>(
          await t.rt.database.db.execute(
            sql`select count(*)::int as n from companion_nudges where student_id = ${studentId}`,
          ),
        )[0]!.n,
      );

    // Two days later, 12:00 UTC = 21:00 in Tokyo: night there, nothing.
    t.clock.advance(2 * DAY);
    await nudges.run();
    expect(await countFor()).toBe(0);
    // 03:00 UTC = 12:00 in Tokyo: a first-week nudge.
    t.clock.advance(15 * 3_600_000);
    await nudges.run();
    await nudges.run();
    expect(await countFor()).toBe(1);
    // The next day, still within 3 days: none.
    t.clock.advance(DAY);
    await nudges.run();
    expect(await countFor()).toBe(1);

    const session = await login(t, 'nudge.me@companion.test', 'a long enough passphrase');
    const inbox = (await api(session, 'GET', `/api/notifications/student/${studentId}`)).json()
      .data as Array<{ id: string; type: string; call_to_action: string; message: string }>;
    const nudge = inbox.find((n) => n.type === 'nudge')!;
    expect(nudge.message).toMatch(/Hi Noa!/);
    expect(nudge.call_to_action).toBe('Book your next session');
    await api(session, 'POST', `/api/notifications/${nudge.id}/read`);
    await api(session, 'POST', `/api/notifications/${nudge.id}/act`);
    const [row] = rowsOf<{ reason: string; opened_at: string | null; acted_at: string | null }>(
      await t.rt.database.db.execute(
        sql`select reason, opened_at, acted_at from companion_nudges where student_id = ${studentId}`,
      ),
    );
    expect(row).toMatchObject({
      reason: 'first_week',
      opened_at: expect.anything(),
      acted_at: expect.anything(),
    });
    const stats = (
      await api(await login(t, 'admin@companion.test'), 'GET', '/api/companion/nudges/stats')
    ).json().data;
    expect(stats).toContainEqual(expect.objectContaining({ reason: 'first_week', opened: 1, acted: 1 }));
  });
});
