/**
 * The AI port used by tier 2: one call that turns a session's transcript (or, failing that, its AI summary)
 * into an analysis. Two adapters: the OpenAI-compatible provider (any Chat Completions endpoint) and the
 * offline local analyzer (wink-nlp + rules). Both return the same `AnalysisResult`, validated by the same
 * zod schema (modules/quality/analysis/analysis.schema.ts), so the handler stores either without knowing which.
 */
import type { AnalysisResult } from '../../modules/quality/analysis/analysis.schema';

export type { AnalysisResult } from '../../modules/quality/analysis/analysis.schema';

export type AnalyzeSessionInput = {
  /** Speaker-labelled transcript ("Tutor: …" / "Student: …" lines), when the platform sent one. */
  transcript: string | null;
  /** The platform's AI summary of the session; used when there is no transcript. */
  summary: string | null;
  subjects: string[];
  isFirstSession: boolean;
};

export interface AiProvider {
  readonly name: 'openai' | 'local';
  analyzeSession(input: AnalyzeSessionInput, opts?: { signal?: AbortSignal }): Promise<AnalysisResult>;
}

/**
 * Why a provider call failed. The tier 2 handler falls back to the local analyzer on any error and stores
 * `code: message` as the fallback reason, so the codes are what operators will see and count.
 */
export type AiErrorCode =
  | 'timeout' // no answer within the configured timeout (after retries)
  | 'aborted' // the caller's signal fired (e.g. the job's overall deadline)
  | 'connection' // could not reach the endpoint
  | 'http' // the endpoint answered with an error status (after retries for 408/409/429/5xx)
  | 'empty' // no message content (refusal, content filter, length cut-off)
  | 'bad_json' // content is not JSON
  | 'schema_mismatch' // JSON that does not match the analysis schema
  | 'no_input' // neither transcript nor summary given
  | 'unexpected'; // anything else (a bug, an SDK surprise)

export class AiProviderError extends Error {
  constructor(
    readonly code: AiErrorCode,
    message: string,
    readonly details: { status?: number; provider?: string; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'AiProviderError';
  }
}

export const isAiProviderError = (e: unknown): e is AiProviderError => e instanceof AiProviderError;
