/**
 * Companion engagement contracts (seed 004): chat, goals, suggestions, notifications, nudges, routing to a human
 * tutor and student registration. Mastery, transcripts and practice live in the companion's mastery contracts.
 */
import { z } from 'zod';
import { ZCalendarDate, ZEmailAddress, ZText, ZUuid } from './common';
import { ZUser } from './identity';

/** A student's platform id (`stu-…`), as sessions carry it. */
export const ZStudentId = ZText.min(1).max(255);
export const ZStudentIdParams = z.object({ id: ZStudentId });
/** `<subject_id>:<concept-slug>`, e.g. `algebra-1:linear-equations`. */
export const ZConceptKey = ZText.min(3)
  .max(200)
  .regex(/^[a-z0-9-]+:[a-z0-9-]+$/, 'must be <subject_id>:<concept-slug>');
export const ZSubjectId = ZText.min(1)
  .max(100)
  .regex(/^[a-z0-9-]+$/, 'must be a subject id such as algebra-1');

export const URGENCIES = ['low', 'medium', 'high'] as const;
export const ZUrgency = z.enum(URGENCIES);

// ---------------------------------------------------------------------------------------------------------
// Chat

export const ZChatMessageRequest = z
  .strictObject({
    message: ZText.trim().min(1).max(4000),
    /** Continue a conversation; omitted: the student's latest conversation, or a new one. */
    conversation_id: ZUuid.optional(),
    /** Start a new conversation even if one exists. */
    new_conversation: z.boolean().optional(),
    /** Admins chat on behalf of a student (support); students always chat as themselves. */
    student_id: ZStudentId.optional(),
  })
  .meta({ id: 'ChatMessageRequest' });
export type TChatMessageRequest = z.infer<typeof ZChatMessageRequest>;

export const ZChatSource = z.object({
  kind: z.enum(['transcript', 'concept']),
  /** The session (platform id) or the concept key the passage comes from. */
  ref: z.string(),
  label: z.string(),
  quote: z.string(),
  score: z.number(),
});
export type TChatSource = z.infer<typeof ZChatSource>;

export const ZChatMessage = z
  .object({
    id: z.number().int(),
    conversation_id: z.uuid(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    /** `openai` or `local` for answers; null for the student's messages. */
    provider: z.string().nullable(),
    sources: z.array(ZChatSource),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'ChatMessage' });
export type TChatMessage = z.infer<typeof ZChatMessage>;

/**
 * The stream of `POST /api/chat/message` (text/event-stream): `meta` {conversation_id, user_message_id, mode},
 * then `delta` {text}… then `done` {message_id, provider, model, local, fallback_reason, sources}, or `error`
 * {error, code}.
 */
export const CHAT_STREAM_EVENTS = ['meta', 'delta', 'done', 'error'] as const;

export const ZConversationQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// ---------------------------------------------------------------------------------------------------------
// Goals and suggestions

export const GOAL_STATUSES = ['active', 'completed', 'abandoned'] as const;

export const ZGoal = z
  .object({
    id: z.uuid(),
    student_id: z.string(),
    subject_id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    concept_keys: z.array(z.string()),
    target_mastery: z.number().int(),
    /** 0–100, from the mastery of the goal's concepts (capped at the target). */
    progress: z.number().int(),
    concepts: z.array(
      z.object({ concept_key: z.string(), name: z.string().nullable(), mastery: z.number().nullable() }),
    ),
    status: z.enum(GOAL_STATUSES),
    target_date: z.string().nullable(),
    from_suggestion_id: z.uuid().nullable(),
    completed_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Goal' });
export type TGoal = z.infer<typeof ZGoal>;

export const ZCreateGoalRequest = z
  .strictObject({
    /** Required for tutors and admins; a student's own id otherwise. */
    student_id: ZStudentId.optional(),
    subject_id: ZSubjectId,
    title: ZText.trim().min(1).max(200),
    description: ZText.trim().max(2000).optional(),
    /** The concepts whose mastery measures progress; none: every concept of the subject the student has. */
    concept_keys: z.array(ZConceptKey).max(50).optional(),
    target_mastery: z.number().int().min(1).max(100).default(80),
    target_date: ZCalendarDate.optional(),
  })
  .meta({ id: 'CreateGoalRequest' });
export type TCreateGoalRequest = z.infer<typeof ZCreateGoalRequest>;

export const ZGoalList = z.object({ data: z.array(ZGoal) });

export const SUGGESTION_STATUSES = ['pending', 'accepted', 'dismissed'] as const;

export const ZSuggestion = z
  .object({
    id: z.uuid(),
    student_id: z.string(),
    goal_id: z.uuid().nullable(),
    subject_id: z.string(),
    subject: z.string(),
    description: z.string(),
    relevance_score: z.number(),
    value_proposition: z.string(),
    related_concepts: z.array(z.string()),
    status: z.enum(SUGGESTION_STATUSES),
    /** `openai` or `local` (the curated subject graph). */
    provider: z.string(),
    accepted_goal_id: z.uuid().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Suggestion' });
export type TSuggestion = z.infer<typeof ZSuggestion>;

export const ZSuggestionList = z.object({ data: z.array(ZSuggestion) });
export const ZSuggestionQuery = z.strictObject({
  status: z.enum(SUGGESTION_STATUSES).optional(),
});
export const ZAcceptSuggestionResponse = z.object({ suggestion: ZSuggestion, goal: ZGoal });

// ---------------------------------------------------------------------------------------------------------
// Notifications

export const NOTIFICATION_TYPES = [
  'practice_ready',
  'nudge',
  'suggestion',
  'tutor_handoff',
  'goal_progress',
] as const;
export type TNotificationType = (typeof NOTIFICATION_TYPES)[number];

export const ZNotification = z
  .object({
    id: z.uuid(),
    student_id: z.string(),
    type: z.enum(NOTIFICATION_TYPES),
    title: z.string(),
    message: z.string(),
    call_to_action: z.string().nullable(),
    action_url: z.string().nullable(),
    urgency: ZUrgency,
    data: z.record(z.string(), z.unknown()),
    read_at: z.iso.datetime().nullable(),
    acted_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Notification' });
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationQuery = z.strictObject({
  unread: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).default(0),
});
export const ZNotificationPage = z.object({
  data: z.array(ZNotification),
  total: z.number().int(),
  unread: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export const ZReadAllResponse = z.object({ updated: z.number().int() });

// ---------------------------------------------------------------------------------------------------------
// Routing to a human tutor

export const ROUTING_TRIGGERS = [
  'repeated_errors',
  'low_mastery_after_practice',
  'frustration',
  'explicit_request',
] as const;

export const ZRoutingAnalyzeRequest = z
  .strictObject({
    /** Required for tutors and admins; a student's own id otherwise. */
    student_id: ZStudentId.optional(),
    /** Focus the analysis on one concept. */
    concept_key: ZConceptKey.optional(),
    /** A message to weigh with the chat history (e.g. "can I talk to a real tutor?"). */
    message: ZText.trim().max(4000).optional(),
  })
  .meta({ id: 'RoutingAnalyzeRequest' });
export type TRoutingAnalyzeRequest = z.infer<typeof ZRoutingAnalyzeRequest>;

/** Seed 004's routing output, plus what triggered it and the hand-off it opened. */
export const ZRoutingDecision = z
  .object({
    shouldRoute: z.boolean(),
    reason: z.string(),
    urgency: ZUrgency,
    recommendedTopic: z.string(),
    estimatedDuration: z.number().int().describe('Minutes'),
    triggers: z.array(z.enum(ROUTING_TRIGGERS)),
    provider: z.string(),
    handoff_id: z.uuid().nullable(),
  })
  .meta({ id: 'RoutingDecision' });
export type TRoutingDecision = z.infer<typeof ZRoutingDecision>;

export const ZHandoff = z
  .object({
    id: z.uuid(),
    student_id: z.string(),
    tutor_id: z.string().nullable(),
    subject_id: z.string().nullable(),
    triggers: z.array(z.string()),
    reason: z.string(),
    urgency: ZUrgency,
    recommended_topic: z.string(),
    estimated_duration: z.number().int(),
    misconceptions: z.array(z.object({ concept_key: z.string().nullable(), text: z.string() })),
    recent_attempts: z.array(
      z.object({
        concept_key: z.string(),
        correct: z.boolean(),
        at: z.string(),
        question: z.string().nullable(),
        answer: z.string().nullable(),
      }),
    ),
    mastery: z.array(z.object({ concept_key: z.string(), name: z.string(), mastery: z.number() })),
    status: z.enum(['open', 'accepted', 'closed']),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Handoff' });
export type THandoff = z.infer<typeof ZHandoff>;

export const ZTutorListQuery = z.strictObject({
  subject_id: ZSubjectId.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export const ZAvailableTutor = z.object({
  tutor_id: z.string(),
  name: z.string(),
  main_subject: z.string().nullable(),
  overall_score: z.number().int().nullable(),
  confidence: z.number().nullable(),
  total_sessions: z.number().int(),
  /** Whether the student asking has had sessions with this tutor. */
  knows_student: z.boolean(),
});
export const ZAvailableTutorList = z.object({ data: z.array(ZAvailableTutor) });

export const ZStudentContext = z
  .object({
    student_id: z.string(),
    name: z.string().nullable(),
    mastery: z.array(
      z.object({
        concept_key: z.string(),
        subject_id: z.string(),
        name: z.string(),
        mastery: z.number(),
        updated_at: z.iso.datetime(),
      }),
    ),
    goals: z.array(ZGoal),
    handoffs: z.array(ZHandoff),
    recent_sessions: z.array(
      z.object({
        session_id: z.string(),
        tutor_id: z.string(),
        subjects: z.array(z.string()),
        start: z.iso.datetime(),
        summary: z.string().nullable(),
      }),
    ),
    recent_chat: z.array(ZChatMessage),
  })
  .meta({ id: 'StudentContext' });
export type TStudentContext = z.infer<typeof ZStudentContext>;

// ---------------------------------------------------------------------------------------------------------
// Registration and token refresh

export const ZRegisterRequest = z
  .strictObject({
    email: ZEmailAddress.max(254),
    name: ZText.trim().min(1).max(200),
    password: ZText.min(8).max(128),
    grade_level: ZText.trim().min(1).max(20).optional(),
    /** IANA time zone, e.g. `Europe/Paris`; nudges are never sent at night there. Default UTC. */
    timezone: ZText.min(1)
      .max(64)
      .refine((tz) => isTimeZone(tz), { message: 'must be an IANA time zone such as Europe/Paris' })
      .optional(),
  })
  .meta({ id: 'RegisterRequest' });
export type TRegisterRequest = z.infer<typeof ZRegisterRequest>;

export const ZRegisterResponse = z.object({ user: ZUser }).meta({ id: 'RegisterResponse' });

export const ZRefreshResponse = z
  .object({
    token: z.string(),
    token_type: z.literal('Bearer'),
    expires_at: z.iso.datetime(),
    csrf_token: z.string(),
  })
  .meta({ id: 'RefreshResponse' });

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
