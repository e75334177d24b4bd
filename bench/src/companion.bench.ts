/**
 * Companion chat figures (phase `chat`, embedded PGlite): the local answer's first token over real HTTP for a
 * student with 30 one-hour transcripts (the per-request MiniSearch index included), and 500 chat streams held at
 * once by one API process against a model that streams slowly (a local Chat Completions server, 50 ms per token).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@tutorpulse/server/src/app';
import { loadConfig } from '@tutorpulse/server/src/config/env';
import { createDatabase } from '@tutorpulse/server/src/db/client';
import { sessions, students, subjects, tutors, users } from '@tutorpulse/server/src/db/schema/index';
import { hashPassword } from '@tutorpulse/server/src/modules/identity/passwords';
import { createLogger } from '@tutorpulse/server/src/platform/logger';
import { createRuntime, type Runtime } from '@tutorpulse/server/src/runtime';
import { startFakeOpenAi } from '@tutorpulse/server/test/helpers/fake-openai';
import { percentile, printFigure, section } from './util';

const PASSWORD = 'bench chat passphrase';
const SESSIONS = 30;
/** Turns in a one-hour session (about 8,000 words). */
const TURNS = 400;

const TOPICS = [
  'linear equations',
  'the slope of a line',
  'adding fractions',
  'the quadratic formula',
  'factoring trinomials',
  'systems of equations',
  'exponents',
  'the distributive property',
];

function oneHourTranscript(seed: number): string {
  const lines: string[] = [];
  for (let i = 0; i < TURNS; i++) {
    const topic = TOPICS[(seed + Math.floor(i / 50)) % TOPICS.length]!;
    lines.push(
      i % 2 === 0
        ? `Tutor: Let us look at ${topic} again: what do you do first with ${i % 7}x + ${i % 5} = ${i % 11}?`
        : `Student: I think I move the ${i % 5} to the other side for ${topic}, then divide by ${i % 7 || 1}.`,
    );
  }
  return lines.join('\n');
}

async function seed(rt: Runtime) {
  const { db } = rt.database;
  const now = rt.clock.now();
  await db
    .insert(subjects)
    .values({ id: 'algebra-1', name: 'Algebra 1', category: 'Math' })
    .onConflictDoNothing();
  await db.insert(tutors).values({ id: 'bench-tutor', name: 'Bench Tutor', mainSubjectId: 'algebra-1' });
  await db.insert(students).values({ id: 'bench-student', name: 'Bench Student', signedUpAt: now });
  await db.insert(sessions).values(
    Array.from({ length: SESSIONS }, (_, i) => {
      const start = new Date(now.getTime() - (i + 1) * 86_400_000);
      return {
        sessionId: `bench-chat-${i}`,
        tutorId: 'bench-tutor',
        studentId: 'bench-student',
        sessionStartTime: start,
        sessionEndTime: new Date(start.getTime() + 3_600_000),
        subjectsCovered: ['algebra-1'],
        transcript: oneHourTranscript(i),
        contentHash: `bench-chat-${i}`,
        processingStatus: 'processed' as const,
      };
    }),
  );
  await db.insert(users).values({
    email: 'bench-student@chat.bench',
    name: 'Bench Student',
    role: 'student',
    passwordHash: await hashPassword(PASSWORD),
    studentId: 'bench-student',
  });
}

async function tokenFor(app: FastifyInstance): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'bench-student@chat.bench', password: PASSWORD },
  });
  return (res.json() as { token: string }).token;
}

/** Sends one chat message over HTTP; resolves with the time to the first `delta` event and to the end. */
async function timedChat(base: string, token: string, message: string) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/chat/message`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  if (res.status !== 200 || !res.body) throw new Error(`chat answered ${res.status}: ${await res.text()}`);
  let first = Number.NaN;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (Number.isNaN(first) && text.includes('event: delta')) first = performance.now() - t0;
  }
  if (!text.includes('event: done')) throw new Error('chat stream ended without done');
  return { firstMs: first, totalMs: performance.now() - t0 };
}

export async function benchCompanion() {
  section('Companion chat — embedded (PGlite)');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-bench-chat-'));
  const fake = await startFakeOpenAi('slow_stream');
  const database = await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'db') });
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    RATE_LIMIT_PER_MINUTE: '10000000',
    COMPANION_CHAT_MESSAGES_PER_HOUR: '10000',
  };
  const silent = createLogger({ level: 'silent' });
  const local = await createRuntime(loadConfig(env, { persistSecrets: false }), { database, logger: silent });
  const withModel = await createRuntime(
    loadConfig({ ...env, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url }, { persistSecrets: false }),
    { database, logger: silent },
  );
  const apps: FastifyInstance[] = [];
  try {
    await seed(local);
    const chars = await database.db.execute(sql`select sum(length(transcript))::int as n from sessions`);
    const transcriptChars = Number((chars as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0);

    // Local answers, sequentially: the first token includes reading the context and indexing the material.
    const app = await buildApp(local, { webDist: false });
    apps.push(app);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const token = await tokenFor(app);
    await timedChat(base, token, 'warm up');
    const firsts: number[] = [];
    for (let i = 0; i < 30; i++) {
      firsts.push((await timedChat(base, token, `How do I solve ${TOPICS[i % TOPICS.length]}?`)).firstMs);
    }
    firsts.sort((a, b) => a - b);
    printFigure(
      `local chat first token, ${SESSIONS} one-hour transcripts (${Math.round(transcriptChars / 1000)} k chars)`,
      `p50 ${percentile(firsts, 50).toFixed(0)} ms, p95 ${percentile(firsts, 95).toFixed(0)} ms`,
    );

    // 500 streams at once against a model streaming a token every 50 ms.
    const streaming = await buildApp(withModel, { webDist: false });
    apps.push(streaming);
    const base2 = await streaming.listen({ port: 0, host: '127.0.0.1' });
    const token2 = await tokenFor(streaming);
    const n = 500;
    let open = 0;
    let peak = 0;
    let peakRss = 0;
    const rss = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const t0 = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: n }, async (_, i) => {
        open++;
        peak = Math.max(peak, open);
        try {
          return await timedChat(base2, token2, `stream ${i}: explain fractions`);
        } finally {
          open--;
        }
      }),
    );
    const wall = performance.now() - t0;
    clearInterval(rss);
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    const first = ok.map((r) => r.firstMs).sort((a, b) => a - b);
    const total = ok.map((r) => r.totalMs).sort((a, b) => a - b);
    printFigure(
      `${n} concurrent chat streams (model: a token / 50 ms), one process`,
      `${ok.length}/${n} completed in ${(wall / 1000).toFixed(1)} s, peak ${peak} open`,
    );
    printFigure(
      '  first token p50 / p95, whole answer p95',
      `${percentile(first, 50).toFixed(0)} / ${percentile(first, 95).toFixed(0)} ms, ${percentile(total, 95).toFixed(0)} ms`,
    );
    printFigure(
      '  peak RSS of the process (API, client and model stub)',
      Math.round(peakRss / 2 ** 20),
      'MiB',
    );
  } finally {
    for (const a of apps) await a.close().catch(() => {});
    await fake.close();
    await withModel.queue.close().catch(() => {});
    await local.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
