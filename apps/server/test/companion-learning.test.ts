/**
 * Companion, learning side, through HTTP and the real workers: transcript uploads in each format → analysis
 * (local) → concepts and mastery with evidence → progress; corrections; practice generate / read (no answers)
 * / submit (graded, mastery change); a webhook transcript analysed for the student too (beside tier 2); and
 * each route × role, including another student's ids.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { masteryEvidence, practiceItems, sessionAnalyses, transcriptUploads } from '../src/db/schema/index';
import {
  createCompanionLearning,
  masteryReaderOf,
  withUploadedTranscripts,
} from '../src/modules/companion/index';
import { startWorkers } from '../src/workers';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_WEBHOOK_SECRET,
  type Session,
  type TestApp,
} from './helpers/build-app';
import { insertSessions, insertStudents, insertSubjects, insertTutors } from './helpers/quality-fixtures';
import { signWebhook } from './helpers/webhooks';

let t: TestApp;
const NOW = new Date('2026-11-20T12:00:00Z');
const as: Record<string, Session> = {};

const TRANSCRIPT = [
  'Tutor: Today we work on linear equations. Remember, whatever you do to one side you do to both sides.',
  'Student: ok',
  'Tutor: Solve for x: 3x + 5 = 20. What is the first step?',
  'Student: subtract 5 from both sides so 3x = 15',
  'Tutor: Exactly. And then?',
  'Student: x = 5 because 15 divided by 3 is 5',
  'Tutor: Correct! Now the linear equation 2x - 4 = 10.',
  'Student: x = 3',
  'Tutor: Not quite. Think about what happens when you add 4 to both sides.',
  'Student: I am stuck, I don’t get it',
  'Tutor: Hint: 2x = 14. Now divide.',
  'Student: x = 7',
  'Tutor: Yes, well done.',
].join('\n');

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  const db = t.rt.database.db;
  await insertSubjects(db, [
    { id: 'algebra-1', name: 'Algebra 1' },
    { id: 'biology', name: 'Biology' },
  ]);
  await insertTutors(db, [
    { id: 'tut_a', name: 'Tutor A' },
    { id: 'tut_b', name: 'Tutor B' },
  ]);
  await insertStudents(db, ['stu_1', 'stu_2', 'stu_3']);
  await insertSessions(db, [
    {
      id: 'ses_a1',
      tutorId: 'tut_a',
      studentId: 'stu_1',
      start: new Date('2026-11-18T15:00:00Z'),
      subjects: ['algebra-1'],
    },
    {
      id: 'ses_b2',
      tutorId: 'tut_b',
      studentId: 'stu_2',
      start: new Date('2026-11-18T15:00:00Z'),
      subjects: ['biology'],
    },
  ]);
  const users: Array<[string, Parameters<typeof createUser>[1]]> = [
    ['admin', { email: 'admin@co.test', role: 'admin' }],
    ['coach', { email: 'coach@co.test', role: 'coach' }],
    ['student1', { email: 's1@co.test', role: 'student', studentId: 'stu_1' }],
    ['student2', { email: 's2@co.test', role: 'student', studentId: 'stu_2' }],
    ['tutorA', { email: 'ta@co.test', role: 'tutor', tutorId: 'tut_a' }],
    ['tutorB', { email: 'tb@co.test', role: 'tutor', tutorId: 'tut_b' }],
  ];
  for (const [name, u] of users) {
    await createUser(t, u);
    as[name] = await login(t, u.email);
  }
  await startWorkers(t.rt, t.app.services);
});
afterAll(() => t?.close());

const db = () => t.rt.database.db;
async function call(who: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await t.app.inject({
    method,
    url,
    headers: who ? bearer(as[who]!) : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return res;
}
const idle = () => t.rt.queue.whenIdle({ timeoutMs: 30_000 });

let uploadId = '';
let practiceId = '';

describe('POST /api/sessions/upload', () => {
  it('a student uploads their transcript: 202 pending, then completed with a local analysis', async () => {
    const res = await call('student1', 'POST', '/api/sessions/upload', {
      content: TRANSCRIPT,
      session_id: 'ses_a1',
    });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'pending',
      student_id: 'stu_1',
      subject_id: 'algebra-1',
      format: 'text',
    });
    uploadId = body.id;
    await idle();
    const got = (await call('student1', 'GET', `/api/sessions/upload/${uploadId}`)).json();
    expect(got.status).toBe('completed');
    expect(got.analysis.analyzer).toBe('local');
    const c = got.analysis.concepts.find(
      (x: { concept_key: string }) => x.concept_key === 'algebra-1:linear-equations',
    );
    expect(c.signals.correct).toBe(2);
    expect(c.signals.incorrect).toBe(1);
  });

  it('the concept shows its mastery and the evidence that moved it', async () => {
    const res = await call('student1', 'GET', '/api/students/stu_1/concepts');
    expect(res.statusCode).toBe(200);
    const c = res
      .json()
      .data.find((x: { concept_key: string }) => x.concept_key === 'algebra-1:linear-equations');
    expect(c.mastery).toBeGreaterThan(30);
    expect(c.evidence.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining([
        'transcript_covered',
        'transcript_correct',
        'transcript_incorrect',
        'transcript_hint',
      ]),
    );
    expect(c.evidence[0].explanation).toMatch(/session/);
  });

  it('re-running the job counts its evidence once', async () => {
    const before = await db().select().from(masteryEvidence).where(eq(masteryEvidence.studentId, 'stu_1'));
    await db().update(transcriptUploads).set({ status: 'pending' }).where(eq(transcriptUploads.id, uploadId));
    await t.app.services.companion.transcripts.process(uploadId);
    const after = await db().select().from(masteryEvidence).where(eq(masteryEvidence.studentId, 'stu_1'));
    expect(after).toHaveLength(before.length);
  });

  it.each([
    [
      'vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Tutor>What is the slope, rise over run?\n\n00:00:04.000 --> 00:00:06.000\n<v Student>The slope is 2 because rise is 4 and run is 2\n\n00:00:07.000 --> 00:00:09.000\n<v Tutor>Correct, slope 2.',
    ],
    [
      'srt',
      '1\n00:00:01,000 --> 00:00:03,000\nTutor: What is the slope, rise over run?\n\n2\n00:00:04,000 --> 00:00:06,000\nStudent: The slope is 2\n',
    ],
    [
      'json',
      JSON.stringify({
        turns: [
          { speaker: 'Tutor', text: 'Slope is rise over run.' },
          { speaker: 'Student', text: 'So the slope is 2' },
        ],
      }),
    ],
  ])('accepts %s', async (format, content) => {
    const res = await call('tutorA', 'POST', '/api/sessions/upload', {
      content,
      student_id: 'stu_1',
      subject_id: 'algebra-1',
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().format).toBe(format);
  });

  it('a tutor can create the session the transcript belongs to; a student cannot, nor a tutor for another', async () => {
    const newSession = { tutor_id: 'tut_a', started_at: '2026-11-19T15:00:00Z', minutes: 45 };
    const res = await call('tutorA', 'POST', '/api/sessions/upload', {
      content: TRANSCRIPT,
      student_id: 'stu_1',
      subject_id: 'algebra-1',
      new_session: newSession,
    });
    expect(res.statusCode, res.body).toBe(202);
    const sessionId = res.json().session_id;
    expect(sessionId).toBeTruthy();
    const session = await t.app.services.sessions.getSessionDto(sessionId);
    expect(session).toMatchObject({ tutor_id: 'tut_a', student_id: 'stu_1' });
    expect(
      (
        await call('student1', 'POST', '/api/sessions/upload', {
          content: TRANSCRIPT,
          new_session: newSession,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call('tutorA', 'POST', '/api/sessions/upload', {
          content: TRANSCRIPT,
          student_id: 'stu_1',
          new_session: { ...newSession, tutor_id: 'tut_b' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call('tutorA', 'POST', '/api/sessions/upload', {
          content: TRANSCRIPT,
          session_id: 'ses_a1',
          new_session: newSession,
        })
      ).statusCode,
    ).toBe(400);
  });

  it('answers 422 for text without speaker turns and 413 past the size limit, storing nothing', async () => {
    const count = async () => (await db().select().from(transcriptUploads)).length;
    const n = await count();
    const bad = await call('student1', 'POST', '/api/sessions/upload', {
      content: '{"turns": 5}',
      format: 'json',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('UNPROCESSABLE');
    const big = await call('student1', 'POST', '/api/sessions/upload', {
      content: `Tutor: ${'a'.repeat(450_000)}`,
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await count()).toBe(n);
  });

  it('a failed transcript can be retried', async () => {
    await idle();
    await db()
      .update(transcriptUploads)
      .set({ status: 'failed', error: 'Analysis failed: test' })
      .where(eq(transcriptUploads.id, uploadId));
    const res = await call('student1', 'POST', `/api/sessions/upload/${uploadId}/retry`);
    expect(res.statusCode, res.body).toBe(202);
    await idle();
    expect((await call('student1', 'GET', `/api/sessions/upload/${uploadId}`)).json().status).toBe(
      'completed',
    );
    expect((await call('student1', 'POST', `/api/sessions/upload/${uploadId}/retry`)).statusCode).toBe(409);
  });
});

describe('hooks for the engagement side', () => {
  it('transcriptAnalysed and practiceSubmitted are called after the commit', async () => {
    const heard: string[] = [];
    const learning = createCompanionLearning({
      db: db(),
      clock: t.clock,
      queue: { add: async () => ({ id: 'none', added: false }) },
      ai: t.rt.ai,
      logger: t.rt.logger,
      sessions: t.app.services.sessions,
      hooks: {
        transcriptAnalysed: async (e) =>
          void heard.push(`analysed ${e.studentId} ${e.conceptKeys.join(',')}`),
        practiceSubmitted: async (e) => void heard.push(`submitted ${e.studentId} ${e.changes.length}`),
      },
    });
    const admin = {
      kind: 'user' as const,
      id: as.admin!.userId,
      role: 'admin' as const,
      label: 'a',
      sessionId: null,
      via: 'bearer' as const,
      tutorId: null,
      studentId: null,
    };
    const u = await learning.transcripts.upload(
      { content: TRANSCRIPT, student_id: 'stu_2', subject_id: 'algebra-1' },
      admin,
    );
    await learning.transcripts.process(u.id);
    const set = await learning.practice.generate(
      { student_id: 'stu_2', concept_keys: ['algebra-1:slope'], difficulty: 'easy', count: 2 },
      admin,
    );
    await learning.practice.submit(
      set.id,
      { answers: set.items.map((i) => ({ item_id: i.id, answer: '0' })) },
      admin,
    );
    expect(heard).toEqual([
      expect.stringMatching(/^analysed stu_2 .*algebra-1:linear-equations/),
      'submitted stu_2 1',
    ]);
  });
});

describe('corrections and progress', () => {
  it('"I still don\'t get this" lowers the mastery and is kept as evidence', async () => {
    const res = await call('student1', 'POST', '/api/students/stu_1/concepts/correction', {
      concept_key: 'algebra-1:linear-equations',
      correction: 'struggling',
      note: 'two-step ones confuse me',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().after).toBeLessThan(res.json().before);
    const unknown = await call('student1', 'POST', '/api/students/stu_1/concepts/correction', {
      concept_key: 'algebra-1:no-such-thing',
      correction: 'known',
    });
    expect(unknown.statusCode).toBe(422);
  });

  it('progress: per subject and concept over time, practice accuracy, streaks', async () => {
    const res = await call('student1', 'GET', '/api/progress/student/stu_1');
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    const alg = p.subjects.find((s: { subject_id: string }) => s.subject_id === 'algebra-1');
    expect(alg.concepts.length).toBeGreaterThan(0);
    expect(alg.history.length).toBeGreaterThan(0);
    expect(p.streaks.current_days).toBeGreaterThanOrEqual(1);
    expect(p.practice.accuracy).toBeNull();
  });
});

describe('practice', () => {
  it('generates a set without answers; GET never shows them before submission', async () => {
    const res = await call('student1', 'POST', '/api/practice/generate', {
      concept_keys: ['algebra-1:linear-equations', 'algebra-1:expressions'],
      difficulty: 'medium',
      count: 6,
    });
    expect(res.statusCode, res.body).toBe(201);
    const set = res.json();
    practiceId = set.id;
    expect(set.generator).toBe('local');
    expect(set.items).toHaveLength(6);
    for (const i of set.items) {
      expect(i.answer).toBeNull();
      expect(i.explanation).toBeNull();
    }
    const got = (await call('student1', 'GET', `/api/practice/${practiceId}`)).json();
    expect(got.items.every((i: { answer: null }) => i.answer === null)).toBe(true);
  });

  it('submit grades each answer, reveals answer and explanation, and moves mastery', async () => {
    const items = await db().select().from(practiceItems).where(eq(practiceItems.setId, practiceId));
    const answers = items.map((i, n) => ({
      item_id: i.id,
      // Right for the first four (by option letter when there are options), wrong for the rest.
      answer: n < 4 ? (i.options ? 'ABCD'[i.options.indexOf(i.answer)]! : i.answer) : 'I do not know',
    }));
    const res = await call('student1', 'POST', `/api/practice/${practiceId}/submit`, { answers });
    expect(res.statusCode, res.body).toBe(200);
    const set = res.json();
    const byId = new Map(set.items.map((i: { id: string }) => [i.id, i]));
    for (const [n, a] of answers.entries()) {
      const i = byId.get(a.item_id) as { is_correct: boolean; answer: string; explanation: string };
      expect(i.is_correct).toBe(n < 4);
      expect(i.answer).toBeTruthy();
      expect(i.explanation).toBeTruthy();
    }
    expect(set.score).toBeCloseTo(4 / 6, 2);
    expect(set.mastery_changes.length).toBeGreaterThan(0);
    expect(
      (await call('student1', 'POST', `/api/practice/${practiceId}/submit`, { answers })).statusCode,
    ).toBe(409);
    const progress = (await call('student1', 'GET', '/api/progress/student/stu_1')).json();
    expect(progress.practice).toMatchObject({ sets_submitted: 1, items_answered: 6, items_correct: 4 });
  });

  it('the engagement side reads mastery, notes and recent attempts through masteryReaderOf', async () => {
    const reader = masteryReaderOf(t.app.services.companion);
    const m = await reader.getMastery('stu_1', ['algebra-1:linear-equations']);
    expect(m).toHaveLength(1);
    expect(m[0]!.keyPoints!.join(' ')).toMatch(/both sides/);
    const attempts = await reader.recentAttempts('stu_1', { limit: 50 });
    expect(attempts.some((a) => a.source === 'practice' && !a.correct)).toBe(true);
    expect(attempts.some((a) => a.source === 'transcript' && a.correct)).toBe(true);
    expect(attempts[0]!.at.getTime()).toBeGreaterThanOrEqual(attempts.at(-1)!.at.getTime());
  });

  it('the chat’s material includes uploaded transcripts, and a new upload changes its fingerprint', async () => {
    const base = {
      listRecentForStudent: async (_studentId: string, _limit: number) =>
        [] as Array<{
          sessionId: string;
          tutorId: string;
          subjects: string[];
          start: Date;
          transcript: string | null;
          summary: string | null;
        }>,
      materialFingerprint: async (_studentId: string) => 'base',
    };
    const reader = withUploadedTranscripts(base, t.app.services.companion);
    const material = await reader.listRecentForStudent('stu_1', 20);
    expect(material.some((m) => m.transcript?.includes('Solve for x: 3x + 5 = 20'))).toBe(true);
    const before = await reader.materialFingerprint('stu_1');
    await call('student1', 'POST', '/api/sessions/upload', {
      content: 'Tutor: Slope is rise over run.\nStudent: ok',
    });
    expect(await reader.materialFingerprint('stu_1')).not.toBe(before);
  });

  it('a new set repeats no question of the last sets', async () => {
    const first = await db().select().from(practiceItems).where(eq(practiceItems.setId, practiceId));
    const res = await call('student1', 'POST', '/api/practice/generate', {
      concept_keys: ['algebra-1:linear-equations', 'algebra-1:expressions'],
      difficulty: 'medium',
      count: 6,
    });
    const again = res.json().items.map((i: { question: string }) => i.question);
    expect(again.some((q: string) => first.some((f) => f.question === q))).toBe(false);
  });
});

describe('a webhook transcript is analysed for the student too', () => {
  it('one stored transcript, two consumers: tier 2 and the companion (no copy of the text)', async () => {
    const payload: TWebhookPayload = {
      session_id: 'ses_hook_1',
      tutor_id: 'tut_a',
      student_id: 'stu_3',
      session_start_time: '2026-11-20T09:00:00Z',
      session_end_time: '2026-11-20T10:00:00Z',
      tutor_join_time: '2026-11-20T09:00:00Z',
      student_join_time: '2026-11-20T09:00:00Z',
      tutor_leave_time: '2026-11-20T10:00:00Z',
      student_leave_time: '2026-11-20T10:00:00Z',
      subjects_covered: ['algebra-1'],
      is_first_session: false,
      was_rescheduled: false,
      transcript: TRANSCRIPT,
    };
    const body = JSON.stringify(payload);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/webhooks/session-completed',
      headers: signWebhook(body, TEST_WEBHOOK_SECRET, { timestamp: t.clock.now() }),
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    await idle();
    await idle();
    const rows = await db().select().from(transcriptUploads).where(eq(transcriptUploads.studentId, 'stu_3'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'session', text: null, status: 'completed' });
    expect(
      await db().select().from(sessionAnalyses).where(eq(sessionAnalyses.sessionId, rows[0]!.sessionRowId!)),
    ).toHaveLength(1);
    const m = await t.app.services.companion.mastery.getMastery('stu_3', ['algebra-1:linear-equations']);
    expect(m).toHaveLength(1);
    expect(m[0]!.mastery).toBeGreaterThan(0);
  });
});

describe('access: each route × role, including another student’s ids', () => {
  type Case = { method: 'GET' | 'POST'; url: () => string; body?: () => unknown };
  const routes: Record<string, Case> = {
    upload: {
      method: 'POST',
      url: () => '/api/sessions/upload',
      body: () => ({ content: TRANSCRIPT, student_id: 'stu_1' }),
    },
    getUpload: { method: 'GET', url: () => `/api/sessions/upload/${uploadId}` },
    retry: { method: 'POST', url: () => `/api/sessions/upload/${uploadId}/retry` },
    concepts: { method: 'GET', url: () => '/api/students/stu_1/concepts' },
    correction: {
      method: 'POST',
      url: () => '/api/students/stu_1/concepts/correction',
      body: () => ({ concept_key: 'algebra-1:linear-equations', correction: 'known' }),
    },
    progress: { method: 'GET', url: () => '/api/progress/student/stu_1' },
    generate: {
      method: 'POST',
      url: () => '/api/practice/generate',
      body: () => ({ student_id: 'stu_1', concept_keys: ['algebra-1:slope'], count: 2 }),
    },
    getPractice: { method: 'GET', url: () => `/api/practice/${practiceId}` },
    submit: {
      method: 'POST',
      url: () => `/api/practice/${practiceId}/submit`,
      body: () => ({ answers: [{ item_id: '00000000-0000-4000-8000-000000000000', answer: '1' }] }),
    },
  };
  // Expected status per role for stu_1's records: 403 is the route refusing the role, 404 a record the caller
  // may not see (answered like one that does not exist). retry 409: allowed, not failed; submit 409: allowed,
  // already submitted.
  const expected: Record<string, Record<string, number>> = {
    anonymous: Object.fromEntries(Object.keys(routes).map((r) => [r, 401])),
    coach: Object.fromEntries(Object.keys(routes).map((r) => [r, 403])),
    student2: {
      upload: 404,
      getUpload: 404,
      retry: 404,
      concepts: 404,
      correction: 404,
      progress: 404,
      generate: 404,
      getPractice: 404,
      submit: 404,
    },
    tutorB: {
      upload: 404,
      getUpload: 404,
      retry: 404,
      concepts: 404,
      correction: 403,
      progress: 404,
      generate: 404,
      getPractice: 404,
      submit: 403,
    },
    tutorA: {
      upload: 202,
      getUpload: 200,
      retry: 409,
      concepts: 200,
      correction: 403,
      progress: 200,
      generate: 201,
      getPractice: 200,
      submit: 403,
    },
    student1: {
      upload: 202,
      getUpload: 200,
      retry: 409,
      concepts: 200,
      correction: 200,
      progress: 200,
      generate: 201,
      getPractice: 200,
      submit: 409,
    },
    admin: {
      upload: 202,
      getUpload: 200,
      retry: 409,
      concepts: 200,
      correction: 200,
      progress: 200,
      generate: 201,
      getPractice: 200,
      submit: 409,
    },
  };
  for (const [role, statuses] of Object.entries(expected)) {
    it(`${role}`, async () => {
      const got: Record<string, number> = {};
      for (const [name, r] of Object.entries(routes)) {
        const res = await call(role === 'anonymous' ? null : role, r.method, r.url(), r.body?.());
        got[name] = res.statusCode;
      }
      expect(got).toEqual(statuses);
    });
  }
  it('a tutor sees the students they teach, not others', async () => {
    expect((await call('tutorB', 'GET', '/api/progress/student/stu_2')).statusCode).toBe(200);
    expect((await call('tutorA', 'GET', '/api/progress/student/stu_2')).statusCode).toBe(404);
    expect((await call('student2', 'GET', '/api/students/stu_2/concepts')).statusCode).toBe(200);
  });
  it('the refused requests (anonymous, coach, the other student, the other tutor) wrote nothing', async () => {
    const count = async () =>
      [
        (await db().select().from(transcriptUploads)).length,
        (await db().select().from(masteryEvidence)).length,
        (await db().select().from(practiceItems)).length,
      ].join(',');
    const before = await count();
    for (const role of ['anonymous', 'coach', 'student2', 'tutorB'])
      for (const r of Object.values(routes))
        await call(role === 'anonymous' ? null : role, r.method, r.url(), r.body?.());
    expect(await count()).toBe(before);
  });
});
