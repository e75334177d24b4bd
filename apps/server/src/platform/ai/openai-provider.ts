/**
 * The OpenAI-compatible adapter of the AI port: Chat Completions against any endpoint that speaks the API
 * (OpenAI, Azure-style gateways, vLLM, Ollama, LiteLLM…; `OPENAI_BASE_URL`). Two calls: one JSON answer
 * following a JSON schema, and a streamed answer (SSE chunks, usage in the last one via
 * `stream_options.include_usage`). Every failure surfaces as an `AiProviderError` with a code.
 *
 * Retries are ours, not the SDK's: the SDK honours `retry-after-ms` / `retry-after` (seconds or an HTTP date)
 * but then sleeps as long as the server asks, and its sleep ignores the abort signal (openai 6.x,
 * `client.retryRequest`). Here every attempt and every wait is bounded by the call's deadline: a retry-after
 * longer than the time left ends the call at once (`rate_limited`) instead of waiting past it, and a stop
 * button ends a wait at once.
 *
 * Response format: `json_schema` with `strict: true` by default, because it makes the model's output follow
 * the schema instead of merely being JSON (`json_object` only promises valid JSON). Some compatible servers
 * reject `json_schema`; when one answers 400 about the response format, the provider switches to
 * `json_object` (the system prompt then carries the schema) for the rest of its life. Either way the port
 * validates the answer with zod: the schema is a request, the validation is the guarantee.
 */
import OpenAI from 'openai';
import { sleepUnlessAborted } from './deadline';
import {
  AiProviderError,
  type AiMessage,
  type AiProvider,
  type AiResponseFormat,
  type AiUsage,
  type Deadline,
  type ProviderChatChunk,
} from './port';

export type OpenAiProviderOptions = {
  apiKey: string;
  /** Any OpenAI-compatible endpoint, e.g. `http://localhost:11434/v1`; default: api.openai.com. */
  baseUrl?: string | undefined;
  model: string;
  /** Longest single request (each attempt is also bounded by the call's deadline); default 20 s. */
  attemptTimeoutMs?: number;
  responseFormat?: AiResponseFormat;
};

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 20_000;
/** Exponential backoff when the server names no delay: 0.5 s, 1 s, 2 s … at most 8 s, less up to 25 % jitter. */
const BACKOFF = { initialMs: 500, maxMs: 8_000 } as const;

const clip = (text: string, max: number) => {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
};

function usageOf(u: OpenAI.Completions.CompletionUsage | null | undefined): AiUsage | null {
  return u ? { promptTokens: u.prompt_tokens ?? null, completionTokens: u.completion_tokens ?? null } : null;
}

/** The wait a response asks for (retry-after-ms, then retry-after in seconds or as an HTTP date), if any. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number.parseFloat(ms))) return Math.max(0, Number.parseFloat(ms));
  const after = headers?.get('retry-after');
  if (!after) return null;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(after);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function isRetryable(err: unknown): boolean {
  if (err instanceof OpenAI.APIUserAbortError) return false;
  if (err instanceof OpenAI.APIConnectionError) return true; // includes connection timeouts
  if (err instanceof OpenAI.APIError) {
    const hint = err.headers?.get('x-should-retry');
    if (hint === 'true') return true;
    if (hint === 'false') return false;
    const s = err.status ?? 0;
    return s === 408 || s === 409 || s === 429 || s >= 500;
  }
  return false;
}

function toProviderError(err: unknown, deadline: Deadline, attemptMs: number): AiProviderError {
  if (err instanceof AiProviderError) return err;
  const aborted =
    err instanceof OpenAI.APIUserAbortError ||
    (err instanceof Error && err.name === 'AbortError') ||
    deadline.signal.aborted;
  if (aborted) {
    return deadline.callerAborted()
      ? new AiProviderError('aborted', 'The AI call was cancelled', { provider: 'openai', cause: err })
      : new AiProviderError('timeout', `No answer within the ${deadline.timeoutMs} ms deadline`, {
          provider: 'openai',
          cause: err,
        });
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return new AiProviderError('timeout', `No answer within ${attemptMs} ms`, {
      provider: 'openai',
      cause: err,
    });
  if (err instanceof OpenAI.APIConnectionError)
    return new AiProviderError('connection', `Could not reach the AI endpoint: ${err.message}`, {
      provider: 'openai',
      cause: err,
    });
  if (err instanceof OpenAI.APIError)
    return new AiProviderError(
      err.status === 429 ? 'rate_limited' : 'http',
      `The AI endpoint answered ${err.status ?? 'an error'}: ${clip(err.message, 200)}`,
      { status: err.status, provider: 'openai', cause: err },
    );
  return new AiProviderError('unexpected', err instanceof Error ? err.message : String(err), {
    provider: 'openai',
    cause: err,
  });
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error, `retries` retries, or the deadline. Waits what the
 * server asks (retry-after) or backs off exponentially; never past the deadline.
 */
async function withRetries<T>(
  deadline: Deadline,
  retries: number,
  attemptTimeoutMs: number,
  attempt: (signal: AbortSignal, timeoutMs: number) => Promise<T>,
): Promise<T> {
  for (let n = 0; ; n++) {
    // When the deadline comes first, it ends the attempt (and names itself in the error).
    const remaining = deadline.remainingMs();
    const attemptMs = attemptTimeoutMs < remaining ? attemptTimeoutMs : Math.ceil(remaining) + 1_000;
    try {
      if (deadline.signal.aborted) throw new OpenAI.APIUserAbortError();
      return await attempt(deadline.signal, attemptMs);
    } catch (err) {
      const failure = toProviderError(err, deadline, attemptMs);
      if (n >= retries || !isRetryable(err) || deadline.signal.aborted) throw failure;
      const asked = err instanceof OpenAI.APIError ? retryAfterMs(err.headers) : null;
      const wait = asked ?? Math.min(BACKOFF.initialMs * 2 ** n, BACKOFF.maxMs) * (1 - Math.random() * 0.25);
      const left = deadline.remainingMs();
      if (wait >= left) {
        if (asked === null) throw failure;
        throw new AiProviderError(
          failure.code,
          `${failure.message} (asked to retry after ${Math.round(asked)} ms; ${Math.round(left)} ms left before the deadline)`,
          failure.details,
        );
      }
      try {
        await sleepUnlessAborted(wait, deadline.signal);
      } catch (abort) {
        throw toProviderError(abort, deadline, attemptMs);
      }
    }
  }
}

const isResponseFormatRejection = (err: AiProviderError) =>
  err.code === 'http' &&
  err.details.status === 400 &&
  /response_format|json_schema|structured|schema/i.test(err.message);

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
const toChatMessages = (messages: AiMessage[]): ChatMessage[] =>
  messages.map((m) => ({ role: m.role, content: m.content }));

export function createOpenAiProvider(options: OpenAiProviderOptions): AiProvider {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  let responseFormat: AiResponseFormat = options.responseFormat ?? 'json_schema';
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? null,
    timeout: attemptTimeoutMs,
    maxRetries: 0,
  });

  return {
    name: 'openai',
    model: options.model,

    async completeJson(req) {
      const ask = (format: AiResponseFormat) => {
        const messages =
          format === 'json_schema'
            ? req.messages
            : req.messages.map((m, i) =>
                m.role === 'system' && i === 0
                  ? {
                      ...m,
                      content: `${m.content}\n\nThe JSON object must follow this JSON schema exactly (all keys required):\n${JSON.stringify(req.schema.jsonSchema)}`,
                    }
                  : m,
              );
        return withRetries(req.deadline, req.retries, attemptTimeoutMs, (signal, timeout) =>
          client.chat.completions.create(
            {
              model: options.model,
              temperature: req.temperature,
              max_completion_tokens: req.maxOutputTokens,
              response_format:
                format === 'json_schema'
                  ? {
                      type: 'json_schema',
                      json_schema: { name: req.schema.name, strict: true, schema: req.schema.jsonSchema },
                    }
                  : { type: 'json_object' },
              messages: toChatMessages(messages),
            },
            { signal, timeout, maxRetries: 0 },
          ),
        );
      };
      let format = responseFormat;
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await ask(format);
      } catch (err) {
        if (format !== 'json_schema' || !(err instanceof AiProviderError) || !isResponseFormatRejection(err))
          throw err;
        responseFormat = format = 'json_object';
        completion = await ask(format);
      }
      const model = completion.model || options.model;
      const usage = usageOf(completion.usage);
      const choice = completion.choices[0];
      const content = choice?.message?.content;
      const details = { provider: 'openai', usage, model };
      if (choice?.message?.refusal)
        throw new AiProviderError(
          'empty',
          `The model refused: ${clip(choice.message.refusal, 200)}`,
          details,
        );
      if (!content)
        throw new AiProviderError(
          'empty',
          `No content in the answer (finish reason: ${choice?.finish_reason ?? 'none'})`,
          details,
        );
      if (choice.finish_reason === 'length')
        throw new AiProviderError(
          'bad_json',
          'The answer was cut off at the token limit before the JSON was complete',
          details,
        );
      return { content, model, usage, format };
    },

    async streamChat(req) {
      let attemptMs = attemptTimeoutMs;
      const stream = await withRetries(req.deadline, req.retries, attemptTimeoutMs, (signal, timeout) => {
        attemptMs = timeout;
        return client.chat.completions.create(
          {
            model: options.model,
            temperature: req.temperature,
            ...(req.maxOutputTokens ? { max_completion_tokens: req.maxOutputTokens } : {}),
            messages: toChatMessages(req.messages),
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal, timeout, maxRetries: 0 },
        );
      });
      const { deadline } = req;
      return (async function* chunks(): AsyncGenerator<ProviderChatChunk> {
        try {
          for await (const chunk of stream) {
            const delta = chunk.choices[0]?.delta?.content;
            if (delta) yield { delta };
            const usage = usageOf(chunk.usage);
            if (usage) yield { usage, model: chunk.model || options.model };
          }
        } catch (err) {
          throw toProviderError(err, deadline, attemptMs);
        }
        // The SDK ends the iteration quietly when the request is aborted mid-stream.
        if (deadline.signal.aborted)
          throw toProviderError(new OpenAI.APIUserAbortError(), deadline, attemptMs);
      })();
    },
  };
}
