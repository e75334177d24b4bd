/**
 * `createAiPort`: structured tasks and streamed chat over one provider (or none), with the task's local
 * function as the fallback, and a record of every call. See port.ts for the contract.
 */
import { z } from 'zod';
import type { Logger } from '../logger';
import { createDeadline } from './deadline';
import {
  AiProviderError,
  describeAiFailure,
  type AiCallRecord,
  type AiCallRecorder,
  type AiChatEvent,
  type AiChatRequest,
  type AiMessage,
  type AiPort,
  type AiProvider,
  type AiRunResult,
  type AiTask,
  type AiUsage,
} from './port';

export const DEFAULT_CHAT_TIMEOUT_MS = 60_000;
const DEFAULT_LOCAL_MODEL = 'local';

const SIZE_KEYWORDS = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
]);

function stripToStrict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripToStrict);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === '$schema' || SIZE_KEYWORDS.has(k)) continue;
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, stripToStrict(s)]))
        : stripToStrict(v);
  }
  return out;
}

/**
 * The JSON schema sent to the model, in the strict-mode subset: keywords strict mode may reject (ranges,
 * lengths) are dropped; zod still checks them on the answer. State ranges in `.describe()` for the model.
 */
export function toStrictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return stripToStrict(z.toJSONSchema(schema)) as Record<string, unknown>;
}

const schemaCache = new WeakMap<object, Record<string, unknown>>();
function jsonSchemaOf(task: AiTask<unknown, unknown, unknown>) {
  let s = schemaCache.get(task.output);
  if (!s) {
    s = toStrictJsonSchema(task.output);
    schemaCache.set(task.output, s);
  }
  return s;
}

const schemaNameOf = (task: { name: string; schemaName?: string }) =>
  task.schemaName ?? task.name.replace(/[^A-Za-z0-9_-]/g, '_');

/** Validates a model's message content against the task's schema (throws bad_json / schema_mismatch). */
export function parseJsonAnswer<A>(
  task: Pick<AiTask<unknown, unknown, A>, 'name' | 'output' | 'normalize'>,
  content: string,
): A {
  let json: unknown;
  try {
    // Some compatible servers wrap JSON in a markdown fence even when asked not to.
    json = JSON.parse(content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1'));
  } catch (err) {
    const head = content.replace(/\s+/g, ' ').trim();
    throw new AiProviderError(
      'bad_json',
      `The model's answer is not valid JSON: ${head.length > 120 ? `${head.slice(0, 119)}…` : head}`,
      { cause: err },
    );
  }
  const parsed = task.output.safeParse(task.normalize ? task.normalize(json) : json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AiProviderError(
      'schema_mismatch',
      `The model's JSON does not match the ${task.name} schema: ${issues.join('; ')}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function buildMessages<I>(task: AiTask<I, unknown, unknown>, input: I): AiMessage[] {
  const rendered = task.render(input);
  const user: AiMessage[] = typeof rendered === 'string' ? [{ role: 'user', content: rendered }] : rendered;
  return [{ role: 'system', content: task.system }, ...user];
}

const asAiError = (err: unknown): AiProviderError =>
  err instanceof AiProviderError
    ? err
    : new AiProviderError('unexpected', err instanceof Error ? err.message : String(err), { cause: err });

/** Splits a text into word-sized deltas, for local chat fallbacks that compute a whole answer at once. */
export function* textDeltas(text: string): Generator<string> {
  for (const m of text.matchAll(/\S+\s*|\s+/g)) yield m[0];
}

export type AiPortDeps = {
  /** The model endpoint; null runs every task's local function (no OPENAI_API_KEY). */
  provider: AiProvider | null;
  recorder?: AiCallRecorder;
  logger?: Pick<Logger, 'warn'>;
};

export function createAiPort(deps: AiPortDeps): AiPort {
  const { provider, recorder, logger } = deps;

  async function record(call: AiCallRecord) {
    if (!recorder) return;
    try {
      await recorder.record(call);
    } catch (err) {
      // The answer matters more than its bookkeeping: a failed insert is logged, never thrown.
      logger?.warn({ err, task: call.task }, 'ai: recording the call failed');
    }
  }

  async function run<I, O, A>(
    task: AiTask<I, O, A>,
    input: I,
    opts: { userId?: string | null; signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<AiRunResult<O>> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const localModel = task.localModel ?? DEFAULT_LOCAL_MODEL;
    const base = { task: task.name, kind: 'json' as const, userId: opts.userId ?? null };
    const fail = async (
      err: unknown,
      at: { provider: 'openai' | 'local'; model: string; usage?: AiUsage | null },
    ) => {
      const e = asAiError(err);
      await record({
        ...base,
        provider: at.provider,
        model: at.model,
        promptTokens: at.usage?.promptTokens ?? null,
        completionTokens: at.usage?.completionTokens ?? null,
        latencyMs: elapsed(),
        outcome: 'error',
        errorCode: e.code,
      });
      return e;
    };
    const runLocal = async () => {
      if (!task.local)
        throw new AiProviderError(
          'unavailable',
          `No AI provider is configured and the task ${task.name} has no local answer`,
        );
      return task.local(input, { signal: opts.signal });
    };

    let messages: AiMessage[];
    try {
      messages = buildMessages(task as AiTask<I, unknown, unknown>, input);
    } catch (err) {
      throw await fail(err, {
        provider: provider ? 'openai' : 'local',
        model: provider?.model ?? localModel,
      });
    }

    if (!provider) {
      let data: O;
      try {
        data = await runLocal();
      } catch (err) {
        throw await fail(err, { provider: 'local', model: localModel });
      }
      const latencyMs = elapsed();
      await record({
        ...base,
        provider: 'local',
        model: localModel,
        promptTokens: null,
        completionTokens: null,
        latencyMs,
        outcome: 'ok',
        errorCode: null,
      });
      return {
        data,
        provider: 'local',
        model: localModel,
        usage: null,
        latencyMs,
        fallbackReason: null,
        format: null,
      };
    }

    const deadline = createDeadline(opts.timeoutMs ?? task.timeoutMs, opts.signal);
    let usage: AiUsage | null = null;
    let model = provider.model;
    try {
      const answer = await provider.completeJson({
        messages,
        schema: {
          name: schemaNameOf(task),
          jsonSchema: jsonSchemaOf(task as AiTask<unknown, unknown, unknown>),
        },
        temperature: task.temperature,
        maxOutputTokens: task.maxOutputTokens,
        deadline,
        retries: task.retries,
      });
      usage = answer.usage;
      model = answer.model;
      const parsed = parseJsonAnswer(task, answer.content);
      let data: O;
      try {
        data = task.finish
          ? task.finish(parsed, { input, model, format: answer.format })
          : (parsed as unknown as O);
      } catch (err) {
        throw new AiProviderError(
          'schema_mismatch',
          `The ${task.name} answer could not be used: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      const latencyMs = elapsed();
      await record({
        ...base,
        provider: 'openai',
        model,
        promptTokens: usage?.promptTokens ?? null,
        completionTokens: usage?.completionTokens ?? null,
        latencyMs,
        outcome: 'ok',
        errorCode: null,
      });
      return {
        data,
        provider: 'openai',
        model,
        usage,
        latencyMs,
        fallbackReason: null,
        format: answer.format,
      };
    } catch (err) {
      const e = asAiError(err);
      usage ??= e.details.usage ?? null;
      model = e.details.model ?? model;
      if (e.code === 'aborted' || !task.local) throw await fail(e, { provider: 'openai', model, usage });
      const fallbackReason = describeAiFailure(e);
      logger?.warn(
        { task: task.name, reason: fallbackReason },
        'ai: provider failed, using the local answer',
      );
      let data: O;
      try {
        data = await runLocal();
      } catch (localErr) {
        throw await fail(localErr, { provider: 'openai', model, usage });
      }
      const latencyMs = elapsed();
      await record({
        ...base,
        provider: 'openai',
        model,
        promptTokens: usage?.promptTokens ?? null,
        completionTokens: usage?.completionTokens ?? null,
        latencyMs,
        outcome: 'fallback',
        errorCode: e.code,
      });
      return {
        data,
        provider: 'local',
        model: localModel,
        usage: null,
        latencyMs,
        fallbackReason,
        format: null,
      };
    } finally {
      deadline.dispose();
    }
  }

  async function* chat(req: AiChatRequest): AsyncGenerator<AiChatEvent> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const localModel = req.localModel ?? DEFAULT_LOCAL_MODEL;
    const messages: AiMessage[] = req.system
      ? [{ role: 'system', content: req.system }, ...req.messages]
      : req.messages;
    const base = { task: req.task, kind: 'chat' as const, userId: req.userId ?? null };
    let recorded = false;
    const once = async (call: Omit<AiCallRecord, 'task' | 'kind' | 'userId' | 'latencyMs'>) => {
      if (recorded) return;
      recorded = true;
      await record({ ...base, ...call, latencyMs: elapsed() });
    };

    /** The local streamer; `failure` is the provider's, when it stands in for it. */
    async function* streamLocal(
      failure: AiProviderError | null,
      tried: { model: string; usage: AiUsage | null },
    ) {
      const asked = failure
        ? { provider: 'openai' as const, model: tried.model }
        : { provider: 'local' as const, model: localModel };
      const usage = tried.usage;
      const tokens = {
        promptTokens: usage?.promptTokens ?? null,
        completionTokens: usage?.completionTokens ?? null,
      };
      if (!req.local) {
        const e =
          failure ??
          new AiProviderError(
            'unavailable',
            `No AI provider is configured and ${req.task} has no local answer`,
          );
        await once({ ...asked, ...tokens, outcome: 'error', errorCode: e.code });
        throw e;
      }
      try {
        for await (const text of req.local(req.messages, { signal: req.signal })) {
          if (req.signal?.aborted) throw new AiProviderError('aborted', 'The AI call was cancelled');
          if (text) yield { type: 'delta' as const, text };
        }
      } catch (err) {
        const e = asAiError(err);
        await once({ ...asked, ...tokens, outcome: 'error', errorCode: e.code });
        throw e;
      }
      await once({
        ...asked,
        ...tokens,
        outcome: failure ? 'fallback' : 'ok',
        errorCode: failure?.code ?? null,
      });
      yield {
        type: 'end' as const,
        provider: 'local' as const,
        model: localModel,
        usage: null,
        latencyMs: elapsed(),
        fallbackReason: failure ? describeAiFailure(failure) : null,
      };
    }

    try {
      if (!provider) {
        yield* streamLocal(null, { model: localModel, usage: null });
        return;
      }
      const deadline = createDeadline(req.timeoutMs ?? DEFAULT_CHAT_TIMEOUT_MS, req.signal);
      let usage: AiUsage | null = null;
      let model = provider.model;
      let sent = 0;
      try {
        try {
          const stream = await provider.streamChat({
            messages,
            temperature: req.temperature,
            maxOutputTokens: req.maxOutputTokens,
            deadline,
            retries: req.retries ?? 1,
          });
          for await (const chunk of stream) {
            if ('delta' in chunk) {
              sent++;
              yield { type: 'delta', text: chunk.delta };
            } else {
              usage = chunk.usage;
              model = chunk.model;
            }
          }
          if (sent === 0) throw new AiProviderError('empty', 'The model streamed no text', { usage, model });
        } catch (err) {
          const e = asAiError(err);
          // Once text has reached the reader, a different answer cannot take over.
          if (sent === 0 && e.code !== 'aborted' && req.local) {
            logger?.warn(
              { task: req.task, reason: describeAiFailure(e) },
              'ai: chat provider failed, using the local answer',
            );
            yield* streamLocal(e, { model, usage });
            return;
          }
          await once({
            provider: 'openai',
            model,
            promptTokens: usage?.promptTokens ?? null,
            completionTokens: usage?.completionTokens ?? null,
            outcome: 'error',
            errorCode: e.code,
          });
          throw e;
        }
        await once({
          provider: 'openai',
          model,
          promptTokens: usage?.promptTokens ?? null,
          completionTokens: usage?.completionTokens ?? null,
          outcome: 'ok',
          errorCode: null,
        });
        yield { type: 'end', provider: 'openai', model, usage, latencyMs: elapsed(), fallbackReason: null };
      } finally {
        deadline.dispose();
      }
    } finally {
      // The reader stopped iterating early (a closed connection, a `break`): the stream was cut short.
      if (!recorded) {
        await once({
          provider: provider ? 'openai' : 'local',
          model: provider?.model ?? localModel,
          promptTokens: null,
          completionTokens: null,
          outcome: 'error',
          errorCode: 'aborted',
        });
      }
    }
  }

  return { mode: provider ? 'openai' : 'local', run, chat };
}
