/**
 * The study companion's chat: a per-student hourly limit, conversations stored message by message, the context
 * (last 10 messages, a running summary of older ones, the student's concepts, goals and recent sessions, and the
 * passages of their own material that match the question), the answer streamed through the AI port's chat
 * (temperature 0.5) with the local answer from the student's material as the offline path, then a follow-up job
 * (summary of what fell out of the window, and the routing check). No HTTP types here.
 */
import { and, asc, count, desc, eq, gt, gte, lte } from 'drizzle-orm';
import type { TChatMessage, TChatSource } from '@tutorpulse/contracts/companion-engagement';
import type { Db } from '../../../db/client';
import { companionChatMessages, companionConversations } from '../../../db/schema/index';
import type { AppJobs } from '../../../jobs';
import { textDeltas } from '../../../platform/ai/ai';
import type { AiPort } from '../../../platform/ai/port';
import type { Clock } from '../../../platform/clock';
import { AppError, notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { JobQueue } from '../../../platform/queue/port';
import type {
  MasteryReader,
  MasteryRecord,
  StudentSession,
  StudentSessionsReader,
} from '../engagement-ports';
import { buildChatPrompt, CHAT_TEMPERATURE, CONTEXT_MESSAGES } from './chat.prompt';
import {
  composeLocalAnswer,
  conceptPassages,
  indexPassages,
  searchIndex,
  toSources,
  transcriptPassages,
  type PassageIndex,
} from './local-answer';
import { chatSummaryTask } from './summary.task';

export const CHAT_TASK = 'companion.chat';
export const CHAT_LOCAL_MODEL = 'companion-local-v1';
/** Sessions whose transcripts the chat searches. */
const SESSIONS_SEARCHED = 30;
/** Students whose indexed material is kept in memory (least recently used out). */
const MATERIAL_CACHE_SIZE = 50;

export type ChatStreamEvent =
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      messageId: number;
      provider: string;
      model: string;
      local: boolean;
      fallbackReason: string | null;
      sources: TChatSource[];
    };

type MessageRow = typeof companionChatMessages.$inferSelect;

export function toChatMessageDto(r: MessageRow): TChatMessage {
  return {
    id: r.id,
    conversation_id: r.conversationId,
    role: r.role,
    content: r.content,
    provider: r.provider,
    sources: r.sources,
    created_at: r.createdAt.toISOString(),
  };
}

export type ChatGoalsPort = {
  listActiveBrief(studentId: string): Promise<Array<{ title: string; progress: number; subjectId: string }>>;
};

export function createChatService(deps: {
  db: Db;
  clock: Clock;
  ai: AiPort;
  queue: JobQueue<AppJobs>;
  mastery: MasteryReader;
  sessions: StudentSessionsReader;
  goals: ChatGoalsPort;
  logger?: Pick<Logger, 'warn'>;
  config: { messagesPerHour: number };
}) {
  const { db, clock, ai, mastery, sessions } = deps;

  /**
   * The student's recent sessions and their material indexed for search, kept per student while neither their
   * sessions (fingerprint) nor their concepts change: a one-hour transcript is read and indexed once, not on
   * every message.
   */
  type Material = { recent: StudentSession[]; index: PassageIndex };
  // Promises, so that messages arriving together for one student share one read and one indexing.
  const material = new Map<string, { key: string; value: Promise<Material> }>();
  function materialOf(studentId: string, fingerprint: string, concepts: MasteryRecord[]): Promise<Material> {
    const key = `${fingerprint}|${concepts.map((c) => `${c.conceptKey}@${c.updatedAt.getTime()}`).join(',')}`;
    const hit = material.get(studentId);
    material.delete(studentId);
    if (hit && hit.key === key) {
      material.set(studentId, hit);
      return hit.value;
    }
    const value = sessions.listRecentForStudent(studentId, SESSIONS_SEARCHED).then((recent) => ({
      recent,
      index: indexPassages([...recent.flatMap(transcriptPassages), ...conceptPassages(concepts)]),
    }));
    const entry = { key, value };
    material.set(studentId, entry);
    // A failed read is not kept.
    value.catch(() => {
      if (material.get(studentId) === entry) material.delete(studentId);
    });
    if (material.size > MATERIAL_CACHE_SIZE) material.delete(material.keys().next().value!);
    return value;
  }

  async function enforceLimit(studentId: string) {
    const now = clock.now();
    const since = new Date(now.getTime() - 3_600_000);
    const rows = await db
      .select({ at: companionChatMessages.createdAt })
      .from(companionChatMessages)
      .where(
        and(
          eq(companionChatMessages.studentId, studentId),
          eq(companionChatMessages.role, 'user'),
          gte(companionChatMessages.createdAt, since),
        ),
      )
      .orderBy(asc(companionChatMessages.createdAt))
      .limit(deps.config.messagesPerHour);
    if (rows.length < deps.config.messagesPerHour) return;
    const frees = new Date(rows[0]!.at.getTime() + 3_600_000);
    const retryAfterS = Math.max(1, Math.ceil((frees.getTime() - now.getTime()) / 1000));
    throw new AppError(
      'RATE_LIMITED',
      `You have sent ${deps.config.messagesPerHour} chat messages in the last hour, the hourly limit. ` +
        `You can send the next one at ${frees.toISOString().slice(11, 16)} UTC (in ${Math.ceil(retryAfterS / 60)} min).`,
      { retry_after_s: retryAfterS, limit: deps.config.messagesPerHour },
      429,
    );
  }

  async function resolveConversation(
    studentId: string,
    message: string,
    opts: { conversationId?: string | undefined; newConversation?: boolean | undefined },
  ) {
    if (opts.conversationId) {
      const [c] = await db
        .select()
        .from(companionConversations)
        .where(eq(companionConversations.id, opts.conversationId))
        .limit(1);
      // Another student's conversation is answered as unknown: its existence is not theirs to learn.
      if (!c || c.studentId !== studentId) throw notFound('Conversation');
      return c;
    }
    if (!opts.newConversation) {
      const [latest] = await db
        .select()
        .from(companionConversations)
        .where(eq(companionConversations.studentId, studentId))
        .orderBy(desc(companionConversations.updatedAt))
        .limit(1);
      if (latest) return latest;
    }
    const now = clock.now();
    const [created] = await db
      .insert(companionConversations)
      .values({ studentId, title: message.replace(/\s+/g, ' ').slice(0, 80), createdAt: now, updatedAt: now })
      .returning();
    return created!;
  }

  return {
    /**
     * Checks the limit, stores the student's message and gathers the context; the returned stream yields the
     * answer's deltas and ends with `done` once the answer is stored. Leaving the stream early (the client went
     * away) stores what was said so far.
     */
    async send(input: {
      studentId: string;
      userId: string | null;
      message: string;
      conversationId?: string | undefined;
      newConversation?: boolean | undefined;
      signal?: AbortSignal;
    }) {
      const { studentId } = input;
      if (!(await sessions.getStudent(studentId))) throw notFound('Student');
      await enforceLimit(studentId);
      const conversation = await resolveConversation(studentId, input.message, input);
      const history = await db
        .select()
        .from(companionChatMessages)
        .where(eq(companionChatMessages.conversationId, conversation.id))
        .orderBy(desc(companionChatMessages.id))
        .limit(CONTEXT_MESSAGES);
      history.reverse();
      const [student, concepts, fingerprint, goals] = await Promise.all([
        sessions.getStudent(studentId),
        mastery.getMastery(studentId),
        sessions.materialFingerprint(studentId),
        deps.goals.listActiveBrief(studentId),
      ]);
      const { recent, index } = await materialOf(studentId, fingerprint, concepts);
      const hits = searchIndex(index, input.message);
      const sources = toSources(hits);

      const [userRow] = await db
        .insert(companionChatMessages)
        .values({
          conversationId: conversation.id,
          studentId,
          role: 'user',
          content: input.message,
          createdAt: clock.now(),
        })
        .returning();

      const prompt = buildChatPrompt({
        studentName: student?.name ?? null,
        concepts,
        goals,
        sessions: recent,
        hits,
        summary: conversation.summary,
        history: history.map((m) => ({ role: m.role, content: m.content })),
        message: input.message,
      });
      const localText = () =>
        composeLocalAnswer({
          question: input.message,
          hits,
          concepts,
          sessionsSearched: recent.length,
          goals,
        });

      async function store(content: string, meta: { provider: string; model: string }) {
        const now = clock.now();
        const [row] = await db
          .insert(companionChatMessages)
          .values({
            conversationId: conversation.id,
            studentId,
            role: 'assistant',
            content,
            provider: meta.provider,
            model: meta.model,
            // The passages the answer was given (offline: the ones it quotes).
            sources,
            createdAt: now,
          })
          .returning();
        await db
          .update(companionConversations)
          .set({ updatedAt: now })
          .where(eq(companionConversations.id, conversation.id));
        await deps.queue
          .add(
            'companion.chat-followup',
            { studentId, conversationId: conversation.id, messageId: row!.id },
            { jobId: `chat-followup:${row!.id}` },
          )
          .catch((err: unknown) => deps.logger?.warn({ err }, 'chat follow-up not enqueued'));
        return row!;
      }

      async function* stream(): AsyncGenerator<ChatStreamEvent> {
        let text = '';
        let finished = false;
        try {
          for await (const e of ai.chat({
            task: CHAT_TASK,
            system: prompt.system,
            messages: prompt.messages,
            temperature: CHAT_TEMPERATURE,
            maxOutputTokens: 700,
            userId: input.userId,
            ...(input.signal ? { signal: input.signal } : {}),
            local: () => textDeltas(localText()),
            localModel: CHAT_LOCAL_MODEL,
          })) {
            if (e.type === 'delta') {
              text += e.text;
              yield e;
            } else {
              const row = await store(text, { provider: e.provider, model: e.model });
              finished = true;
              yield {
                type: 'done',
                messageId: row.id,
                provider: e.provider,
                model: e.model,
                local: e.provider === 'local',
                fallbackReason: e.fallbackReason,
                sources,
              };
            }
          }
        } finally {
          if (!finished && text.trim()) await store(`${text} […]`, { provider: 'interrupted', model: 'n/a' });
        }
      }

      return { conversationId: conversation.id, userMessageId: userRow!.id, mode: ai.mode, stream: stream() };
    },

    /** Stored messages of the student's conversation (latest conversation by default), oldest first. */
    async history(studentId: string, opts: { conversationId?: string; limit: number }) {
      let conversationId = opts.conversationId;
      if (!conversationId) {
        const [latest] = await db
          .select({ id: companionConversations.id })
          .from(companionConversations)
          .where(eq(companionConversations.studentId, studentId))
          .orderBy(desc(companionConversations.updatedAt))
          .limit(1);
        if (!latest) return [];
        conversationId = latest.id;
      }
      const rows = await db
        .select()
        .from(companionChatMessages)
        .where(
          and(
            eq(companionChatMessages.conversationId, conversationId),
            eq(companionChatMessages.studentId, studentId),
          ),
        )
        .orderBy(desc(companionChatMessages.id))
        .limit(opts.limit);
      return rows.reverse().map(toChatMessageDto);
    },

    /** The student's latest messages across conversations, newest last (routing, tutor context). */
    async recentMessages(studentId: string, limit: number) {
      const rows = await db
        .select()
        .from(companionChatMessages)
        .where(eq(companionChatMessages.studentId, studentId))
        .orderBy(desc(companionChatMessages.id))
        .limit(limit);
      return rows.reverse();
    },

    async lastActivity(studentId: string): Promise<Date | null> {
      const [r] = await db
        .select({ at: companionChatMessages.createdAt })
        .from(companionChatMessages)
        .where(and(eq(companionChatMessages.studentId, studentId), eq(companionChatMessages.role, 'user')))
        .orderBy(desc(companionChatMessages.id))
        .limit(1);
      return r?.at ?? null;
    },

    /**
     * Folds the messages older than the context window into the conversation's summary (AI task, local
     * fallback). Idempotent: only messages after `summarized_through` are folded.
     */
    async summarizeOlder(conversationId: string, userId: string | null) {
      const [c] = await db
        .select()
        .from(companionConversations)
        .where(eq(companionConversations.id, conversationId))
        .limit(1);
      if (!c) return;
      const [n] = await db
        .select({ n: count() })
        .from(companionChatMessages)
        .where(
          and(
            eq(companionChatMessages.conversationId, c.id),
            gt(companionChatMessages.id, c.summarizedThrough),
          ),
        );
      const unsummarized = Number(n?.n ?? 0);
      if (unsummarized <= CONTEXT_MESSAGES) return;
      const older = await db
        .select()
        .from(companionChatMessages)
        .where(
          and(
            eq(companionChatMessages.conversationId, c.id),
            gt(companionChatMessages.id, c.summarizedThrough),
          ),
        )
        .orderBy(asc(companionChatMessages.id))
        .limit(unsummarized - CONTEXT_MESSAGES);
      if (older.length === 0) return;
      // The local summary is recomputed from everything outside the window (the latest 200 messages of it).
      const allOlder = await db
        .select({ role: companionChatMessages.role, content: companionChatMessages.content })
        .from(companionChatMessages)
        .where(
          and(
            eq(companionChatMessages.conversationId, c.id),
            lte(companionChatMessages.id, older.at(-1)!.id),
          ),
        )
        .orderBy(desc(companionChatMessages.id))
        .limit(200);
      const r = await ai.run(
        chatSummaryTask,
        {
          previous: c.summary,
          messages: older.map((m) => ({ role: m.role, content: m.content })),
          allOlder: allOlder.reverse(),
        },
        { userId },
      );
      await db
        .update(companionConversations)
        .set({ summary: r.data.summary, summarizedThrough: older.at(-1)!.id })
        .where(
          and(
            eq(companionConversations.id, c.id),
            eq(companionConversations.summarizedThrough, c.summarizedThrough),
          ),
        );
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
