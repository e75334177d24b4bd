/**
 * The AI port: generic structured tasks and streamed chat, for any module. A module owns its tasks (prompt,
 * output schema, local fallback); the platform owns the calling: provider, retries, deadlines, validation,
 * fallback and the record of every call (`ai_calls`, for cost per task and per user).
 *
 * - `ai.run(task, input, { userId, signal })` renders the task's messages, asks the model for JSON following
 *   the task's zod schema, validates it, and returns `{ data, provider, model, usage, latencyMs,
 *   fallbackReason }`. On any provider failure the task's `local` function answers instead (the reason is
 *   kept); with no provider configured (no OPENAI_API_KEY) `local` answers directly.
 * - `ai.chat({ task, messages, temperature, userId, signal, local })` streams text deltas and ends with an
 *   `end` event carrying usage; a provider that fails before its first delta hands over to `local`.
 *
 * Adapters: `openai-provider.ts` (any OpenAI-compatible Chat Completions endpoint). The port itself is
 * `createAiPort` in ai.ts.
 */
import type { z } from 'zod';

export type AiMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type AiResponseFormat = 'json_schema' | 'json_object';

/** What the model's answer is turned into, with what the provider did. */
export type AiFinishContext<I> = { input: I; model: string; format: AiResponseFormat };

/**
 * A structured task. `A` is the model's answer (validated by `output`), `O` what the task returns: the same
 * unless `finish` maps the answer (e.g. snake_case JSON into a domain record). `local` must return `O` too.
 */
export type AiTask<I, O, A = O> = {
  /** Stable name, recorded with every call and used in the usage report, e.g. `quality.session_analysis`. */
  name: string;
  system: string;
  /** The user message(s) for one input. May throw `AiProviderError('no_input')` when there is nothing to ask. */
  render(input: I): string | AiMessage[];
  /** The model's answer. Sent as a strict JSON schema (every field required: use nullable, not optional). */
  output: z.ZodType<A>;
  /** Name of the JSON schema sent to the model ([A-Za-z0-9_-]); default: the task name with other chars as `_`. */
  schemaName?: string;
  /** Tidies the parsed JSON before validation (e.g. rounds 72.0 to 72). */
  normalize?(json: unknown): unknown;
  finish?(answer: A, ctx: AiFinishContext<I>): O;
  temperature: number;
  /** Deadline for the whole provider call: every attempt and every wait between attempts. */
  timeoutMs: number;
  /** Attempts after the first, for timeouts, connection errors, 408/409/429 and 5xx. */
  retries: number;
  maxOutputTokens: number;
  /** The offline answer: used when no provider is configured, and when the provider fails. */
  local?(input: I, ctx: { signal?: AbortSignal | undefined }): O | Promise<O>;
  /** What the report calls the local answer's model, e.g. `tutorpulse-local-v1`. Default `local`. */
  localModel?: string;
};

/** Declares a task with its types inferred (an identity function). */
export function defineAiTask<I, O, A = O>(task: AiTask<I, O, A>): AiTask<I, O, A> {
  return task;
}

export type AiCallOptions = {
  /** Whom the call is for (recorded, for the cost per user); null for system work. */
  userId?: string | null;
  /** Cancels the call (the caller's deadline, a client gone, a stop button). */
  signal?: AbortSignal;
  /** Overrides the task's deadline. */
  timeoutMs?: number;
};

export type AiUsage = { promptTokens: number | null; completionTokens: number | null };

export type AiProviderName = 'openai' | 'local';

export type AiRunResult<O> = {
  data: O;
  /** Who answered: the model, or the local function (configured so, or as a fallback). */
  provider: AiProviderName;
  model: string;
  /** Tokens the provider reported; null for local answers. */
  usage: AiUsage | null;
  latencyMs: number;
  /** `code: message` of the provider failure the local answer stands in for; null when none. */
  fallbackReason: string | null;
  /** How the JSON was asked for; null for local answers. */
  format: AiResponseFormat | null;
};

export type AiChatRequest = {
  /** Recorded as the call's task, e.g. `companion.chat`. */
  task: string;
  system?: string;
  messages: AiMessage[];
  temperature: number;
  maxOutputTokens?: number;
  /** Deadline for the whole stream; default 60 s. */
  timeoutMs?: number;
  /** Attempts to open the stream after the first (nothing is retried once text has flowed); default 1. */
  retries?: number;
  /** The offline answer, streamed: used when no provider is configured and when opening the stream fails. */
  local?(
    messages: AiMessage[],
    ctx: { signal?: AbortSignal | undefined },
  ): AsyncIterable<string> | Iterable<string>;
  localModel?: string;
  userId?: string | null;
  signal?: AbortSignal;
};

export type AiChatEvent =
  | { type: 'delta'; text: string }
  | {
      type: 'end';
      provider: AiProviderName;
      model: string;
      usage: AiUsage | null;
      latencyMs: number;
      fallbackReason: string | null;
    };

export type AiPort = {
  /** `openai` when a provider is configured, else `local`. */
  readonly mode: AiProviderName;
  run<I, O, A>(task: AiTask<I, O, A>, input: I, opts?: AiCallOptions): Promise<AiRunResult<O>>;
  /** Text deltas, then one `end` event. Throws `AiProviderError` (e.g. `aborted`) from the iteration. */
  chat(request: AiChatRequest): AsyncIterable<AiChatEvent>;
};

// ---------------------------------------------------------------------------------------------------------
// The provider adapter's side of the port.

export type ProviderJsonRequest = {
  messages: AiMessage[];
  schema: { name: string; jsonSchema: Record<string, unknown> };
  temperature: number;
  maxOutputTokens: number;
  deadline: Deadline;
  retries: number;
};

export type ProviderJsonAnswer = {
  content: string;
  model: string;
  usage: AiUsage | null;
  format: AiResponseFormat;
};

export type ProviderChatRequest = {
  messages: AiMessage[];
  temperature: number;
  maxOutputTokens: number | undefined;
  deadline: Deadline;
  retries: number;
};

export type ProviderChatChunk = { delta: string } | { usage: AiUsage; model: string };

/** A model endpoint. Throws `AiProviderError` with a code for every failure. */
export type AiProvider = {
  readonly name: 'openai';
  readonly model: string;
  /** One JSON answer (message content as text; the port parses and validates it). */
  completeJson(req: ProviderJsonRequest): Promise<ProviderJsonAnswer>;
  /** A streamed answer; iterating after the deadline or an abort throws `timeout` / `aborted`. */
  streamChat(req: ProviderChatRequest): Promise<AsyncIterable<ProviderChatChunk>>;
};

/**
 * One deadline shared by every attempt of a call: `signal` fires when the caller aborts or the time is up,
 * `remainingMs()` bounds each attempt and each wait, and `expired()` tells a timeout from a caller's abort.
 */
export type Deadline = {
  signal: AbortSignal;
  timeoutMs: number;
  remainingMs(): number;
  expired(): boolean;
  callerAborted(): boolean;
};

/** What the recorder stores for every call, local ones and failures included. */
export type AiCallRecord = {
  task: string;
  kind: 'json' | 'chat';
  /** Who was asked first: the model, or the local function when no provider is configured. */
  provider: AiProviderName;
  model: string;
  userId: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  /** ok: answered as asked; fallback: the provider failed (errorCode) and the local function answered. */
  outcome: 'ok' | 'fallback' | 'error';
  errorCode: AiErrorCode | null;
};

export type AiCallRecorder = { record(call: AiCallRecord): Promise<void> };

/**
 * Why a provider call failed. The port falls back to the task's local function on any of these (except
 * `no_input` and `aborted`) and keeps `code: message` as the fallback reason, so the codes are what operators
 * see and count.
 */
export type AiErrorCode =
  | 'timeout' // no answer within the deadline (retries included)
  | 'aborted' // the caller's signal fired
  | 'connection' // could not reach the endpoint
  | 'rate_limited' // 429 after the retries, or a retry-after longer than the time left
  | 'http' // the endpoint answered with an error status (after retries for 408/409/5xx)
  | 'empty' // no message content (refusal, content filter)
  | 'bad_json' // content is not JSON (or was cut off at the token limit)
  | 'schema_mismatch' // JSON that does not match the task's schema
  | 'no_input' // nothing to ask (the task's render refused the input)
  | 'unavailable' // no provider configured and no local function
  | 'unexpected'; // anything else (a bug, an SDK surprise)

export type AiErrorDetails = {
  status?: number;
  provider?: string;
  /** What the provider reported for a failed answer that was still paid for (bad JSON, a refusal…). */
  usage?: AiUsage | null;
  model?: string;
  cause?: unknown;
};

export class AiProviderError extends Error {
  constructor(
    readonly code: AiErrorCode,
    message: string,
    readonly details: AiErrorDetails = {},
  ) {
    super(message);
    this.name = 'AiProviderError';
  }
}

export const isAiProviderError = (e: unknown): e is AiProviderError => e instanceof AiProviderError;

/** `code: message`, as stored for a fallback reason. */
export function describeAiFailure(err: unknown, max = 500): string {
  const text =
    err instanceof AiProviderError
      ? `${err.code}: ${err.message}`
      : `unexpected: ${err instanceof Error ? err.message : String(err)}`;
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
