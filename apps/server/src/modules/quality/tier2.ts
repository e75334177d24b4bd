/**
 * Tier 2, per session with a transcript or summary: the session-analysis task runs on the AI port (the model
 * when one is configured; the local analyzer takes over on any provider error or timeout, and the reason is
 * kept), the analysis is upserted into
 * `session_analyses` (one row per session) with each tutor turn's move (JSONB) and the move shares (columns,
 * for the tutor's weekly trend), and a low score or a critical red flag raises
 * `low_session_quality` in the same transaction. Events are stored in that transaction too and announced
 * after commit. Safe to run twice: the upsert overwrites the same version, and the flag evidence is keyed by
 * session and version, so a re-run neither adds a flag nor counts the session again.
 */
import { desc, eq, sql } from 'drizzle-orm';
import type { TSessionAnalysis } from '@tutorpulse/contracts/quality';
import type { Db } from '../../db/client';
import { sessionAnalyses, type sessions } from '../../db/schema/index';
import type { AiPort } from '../../platform/ai/port';
import type { Clock } from '../../platform/clock';
import type { EventService, PublishInput } from '../../platform/events/events.service';
import type { Logger } from '../../platform/logger';
import { clipQuote, type AnalysisResult, type AnalyzeSessionInput } from './analysis/analysis.schema';
import {
  createSessionAnalyzer,
  DEFAULT_ANALYSIS_DEADLINE_MS,
  type SessionAnalysisTask,
} from './analysis/analysis.task';
import { flagEvent, QUALITY_AUDIENCE, raiseFlag, type FlagRow, type RaiseOutcome } from './flags.core';
import type { FlagDecision } from './rules';
import { QUALITY_THRESHOLDS, type QualityThresholds } from './thresholds';

type SessionRow = typeof sessions.$inferSelect;
/** What tier 2 reads of a session (the sessions service returns the full row). */
export type Tier2Session = Pick<
  SessionRow,
  | 'id'
  | 'sessionId'
  | 'tutorId'
  | 'version'
  | 'transcript'
  | 'aiSummary'
  | 'subjectsCovered'
  | 'isFirstSession'
  | 'sessionStartTime'
>;
export type SessionAnalysisRow = typeof sessionAnalyses.$inferSelect;

/** Below this quality score a low-quality flag is high severity rather than medium. */
export const LOW_QUALITY_HIGH_SEVERITY_SCORE = 30;
/**
 * When a low score raises the flag. `session` (default, as specified): any one session below
 * `lowQualityScore`. `rolling_mean`: the mean of the tutor's last `window` analyses (at least `minSessions`)
 * below it; one off-day no longer flags a good tutor. Critical red flags always flag on the session itself.
 */
export type LowQualityPolicy =
  { kind: 'session' } | { kind: 'rolling_mean'; window: number; minSessions: number };
export const ROLLING_MEAN_POLICY: LowQualityPolicy = { kind: 'rolling_mean', window: 10, minSessions: 5 };

/** Overall limit on one provider call, retries included, before the local analyzer takes over. */
export const DEFAULT_PROVIDER_DEADLINE_MS = DEFAULT_ANALYSIS_DEADLINE_MS;

export type Tier2Deps = {
  db: Db;
  clock: Clock;
  events: Pick<EventService, 'store' | 'announce'>;
  /** The AI port: the model when OPENAI_API_KEY is set (the local analyzer on failure), else the local analyzer. */
  ai: AiPort;
  /** The session-analysis task; default `createSessionAnalysisTask()`. */
  analysisTask?: SessionAnalysisTask;
  sessions: { getSessionForProcessing(id: string): Promise<Tier2Session | null> };
  logger: Logger;
  thresholds?: QualityThresholds;
  providerDeadlineMs?: number;
  lowQualityPolicy?: LowQualityPolicy;
  /** Immediate alert to coaches for critical flags (idempotent per flag and session, like tier 1's). */
  reports?: { queueCriticalAlert(input: { flagId: string; sessionRowId?: string }): Promise<unknown> };
};

export type Tier2Outcome =
  | { status: 'skipped'; reason: 'missing' | 'superseded' | 'no_text' }
  | {
      status: 'stored';
      provider: 'openai' | 'local';
      fallbackReason: string | null;
      qualityScore: number;
      flag: { id: string; severity: FlagRow['severity']; outcome: RaiseOutcome } | null;
    };

const quoteOf = (q: string, speaker?: string) => `"${clipQuote(q, 140)}"${speaker ? ` (${speaker})` : ''}`;
const asNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const CRITICAL_ACTIONS: Record<string, string> = {
  personal_contact:
    'Review the transcript today. Remind the tutor that contact details are never exchanged with students; follow the safeguarding procedure if the student is a minor.',
  off_platform_payment:
    'Review the transcript today and follow the payment-circumvention policy: tutors may not take payments or bookings outside the platform.',
  inappropriate_language:
    'Review the transcript today and escalate to trust & safety; consider pausing new sessions for this tutor until reviewed, and contact the family.',
  harassment:
    'Escalate to trust & safety now and follow the safeguarding procedure; pause the tutor’s sessions until the review is done.',
};

/**
 * Whether an analysis calls for a `low_session_quality` flag, and with which words. Pure: thresholds in,
 * decision out. Severity: critical for a critical red flag, high below 30, medium below `lowQualityScore`.
 */
export function decideQualityFlag(
  a: AnalysisResult,
  session: { sessionId: string },
  provider: 'openai' | 'local',
  t: QualityThresholds = QUALITY_THRESHOLDS,
  /** Under the rolling-mean policy: the tutor's recent analyses, this one included. */
  recent?: { mean: number; count: number; minSessions: number },
): FlagDecision | null {
  const critical = a.redFlags.filter((f) => t.criticalRedFlags.includes(f.type));
  const judged = recent ? recent.mean : a.qualityScore;
  const low = recent
    ? recent.count >= recent.minSessions && recent.mean < t.lowQualityScore
    : a.qualityScore < t.lowQualityScore;
  if (critical.length === 0 && !low) return null;

  const severity =
    critical.length > 0 ? 'critical' : judged < LOW_QUALITY_HIGH_SEVERITY_SCORE ? 'high' : 'medium';
  const kinds = [...new Set(critical.map((f) => f.type.replace(/_/g, ' ')))];
  const m = a.metrics;
  const findings: string[] = [];
  const giveaways = asNumber(m.answer_giveaways);
  if (giveaways) findings.push(`gave the answer away ${giveaways} time${giveaways === 1 ? '' : 's'}`);
  const open = asNumber(m.open_questions);
  if (open === 0) findings.push('asked no open questions');
  const unanswered = asNumber(m.unanswered_requests);
  if (unanswered)
    findings.push(`left ${unanswered} request${unanswered === 1 ? '' : 's'} for an explanation unanswered`);
  const harsh = (asNumber(m.dismissive) ?? 0) + (asNumber(m.curt_replies) ?? 0);
  if (harsh) findings.push(`gave ${harsh} dismissive or curt repl${harsh === 1 ? 'y' : 'ies'}`);
  const telling = a.moves?.shares.telling;
  const movesLine =
    a.moves && telling !== undefined && a.moves.tutorTurns > 0
      ? `About ${Math.round(telling * 100)}% of the tutor's turns told the student the answer (tutor moves), ${Math.round((a.moves.shares.focus + a.moves.shares.probing) * 100)}% guided with a question.`
      : null;

  const description = [
    recent && low
      ? `The tutor's last ${recent.count} analysed sessions average ${Math.round(recent.mean)}/100 (below ${t.lowQualityScore}).`
      : null,
    `Session ${session.sessionId} scored ${a.qualityScore}/100 on ${a.source} analysis (${provider === 'openai' ? 'AI model' : 'local analyzer'}): empathy ${a.empathyScore}, clarity ${a.clarityScore}, engagement ${a.engagement}.`,
    findings.length ? `The tutor ${findings.join(', ')}.` : null,
    movesLine,
    ...critical.map(
      (f) =>
        `Red flag (${f.type.replace(/_/g, ' ')}): ${f.description}${f.quote ? ` ${quoteOf(f.quote)}` : ''}`,
    ),
  ]
    .filter(Boolean)
    .join(' ');

  const recommendedAction =
    critical.length > 0
      ? [
          ...new Set(
            critical.map(
              (f) =>
                CRITICAL_ACTIONS[f.type] ?? 'Review the transcript today and escalate to trust & safety.',
            ),
          ),
        ].join(' ')
      : 'Read the transcript with the tutor. Coach them to answer with open questions instead of giving answers away, to check understanding, and to explain the "why" when asked; review their next session.';

  // Short quotes for the coach: red flags first, then what weighs against the session, then the rest.
  const negative = /give|gave|dismiss|curt|unanswered|not explain|red flag|monologue|distract/i;
  const quotes = [
    ...critical.filter((f) => f.quote).map((f) => quoteOf(f.quote as string)),
    ...a.evidence.filter((e) => negative.test(e.label)).map((e) => quoteOf(e.quote, e.speaker)),
    ...a.evidence.filter((e) => !negative.test(e.label)).map((e) => quoteOf(e.quote, e.speaker)),
  ].filter((q, i, all) => all.indexOf(q) === i);

  return {
    type: 'low_session_quality',
    severity,
    title:
      critical.length > 0 ? `Critical red flag in a session: ${kinds.join(', ')}` : 'Low session quality',
    description,
    recommendedAction,
    // Always the same keys, so a later session's numbers replace (never mix with) an earlier one's.
    metrics: {
      quality_score: a.qualityScore,
      recent_mean_quality: recent ? Math.round(recent.mean) : null,
      recent_sessions: recent ? recent.count : null,
      empathy_score: a.empathyScore,
      clarity_score: a.clarityScore,
      engagement: a.engagement,
      source: a.source,
      provider,
      red_flags: a.redFlags.map((f) => f.type).join(', ') || null,
      answer_giveaways: giveaways,
      open_questions: open,
      telling_share: telling ?? null,
      guidance_score: a.moves?.guidance ?? null,
      quote_1: quotes[0] ?? null,
      quote_2: quotes[1] ?? null,
      quote_3: quotes[2] ?? null,
    },
  };
}

/** The tier 2 job with its outcome (for tests, the CLI and evaluations); `createTier2Handler` wraps it. */
export function createTier2Runner(deps: Tier2Deps) {
  const { db, clock, events, logger } = deps;
  const thresholds = deps.thresholds ?? QUALITY_THRESHOLDS;
  const deadlineMs = deps.providerDeadlineMs ?? DEFAULT_PROVIDER_DEADLINE_MS;
  const policy = deps.lowQualityPolicy ?? { kind: 'session' };
  const analyzer = createSessionAnalyzer({ ai: deps.ai, task: deps.analysisTask });

  async function analyze(input: AnalyzeSessionInput, sessionId: string) {
    // With no model configured the local analyzer answers directly, and its errors fail the job (retried).
    const { result, provider, fallbackReason } = await analyzer.analyzeSession(input, {
      timeoutMs: deadlineMs,
    });
    if (fallbackReason)
      logger.warn({ sessionId, reason: fallbackReason }, 'tier2: provider failed, used the local analyzer');
    return { result, used: provider, fallbackReason };
  }

  return async function analyzeSessionJob(payload: {
    sessionId: string;
    version: number;
  }): Promise<Tier2Outcome> {
    const row = await deps.sessions.getSessionForProcessing(payload.sessionId);
    if (!row) {
      logger.warn({ sessionId: payload.sessionId }, 'tier2: session no longer exists');
      return { status: 'skipped', reason: 'missing' };
    }
    // A correction arrived since this job was queued: its own job (newer version) does the work.
    if (row.version !== payload.version) return { status: 'skipped', reason: 'superseded' };
    const transcript = row.transcript?.trim() || null;
    const summary = row.aiSummary?.trim() || null;
    if (!transcript && !summary) return { status: 'skipped', reason: 'no_text' };

    const input: AnalyzeSessionInput = {
      transcript,
      summary,
      subjects: row.subjectsCovered,
      isFirstSession: row.isFirstSession,
    };
    const { result, used, fallbackReason } = await analyze(input, row.id);
    const now = clock.now();

    const values = {
      sessionId: row.id,
      tutorId: row.tutorId,
      sessionVersion: row.version,
      provider: used,
      model: result.model,
      source: result.source,
      qualityScore: result.qualityScore,
      empathyScore: result.empathyScore,
      clarityScore: result.clarityScore,
      engagement: result.engagement,
      engagementScore: result.engagementScore,
      sentiment: result.sentiment,
      redFlags: result.redFlags,
      metrics: result.metrics,
      evidence: result.evidence,
      summary: result.summary,
      fallbackReason,
      promptTokens: result.promptTokens,
      completionTokens: result.completionTokens,
      latencyMs: result.latencyMs,
      createdAt: now,
      sessionStartedAt: row.sessionStartTime,
      moves: result.moves,
      focusShare: result.moves?.shares.focus ?? null,
      probingShare: result.moves?.shares.probing ?? null,
      tellingShare: result.moves?.shares.telling ?? null,
      genericShare: result.moves?.shares.generic ?? null,
      guidanceScore: result.moves?.guidance ?? null,
    } satisfies typeof sessionAnalyses.$inferInsert;
    const { sessionId: _key, ...update } = values;

    const outcome = await db.transaction(async (tx) => {
      const [stored] = await tx
        .insert(sessionAnalyses)
        .values(values)
        .onConflictDoUpdate({
          target: sessionAnalyses.sessionId,
          set: update,
          // Never let a slow job for an older version overwrite a newer version's analysis.
          setWhere: sql`${sessionAnalyses.sessionVersion} <= excluded.session_version`,
        })
        .returning({ sessionId: sessionAnalyses.sessionId });
      if (!stored) return null;
      let recent: { mean: number; count: number; minSessions: number } | undefined;
      if (policy.kind === 'rolling_mean') {
        const scores = await tx
          .select({ q: sessionAnalyses.qualityScore })
          .from(sessionAnalyses)
          .where(eq(sessionAnalyses.tutorId, row.tutorId))
          .orderBy(desc(sessionAnalyses.createdAt))
          .limit(policy.window);
        recent = {
          mean: scores.reduce((n, r) => n + r.q, 0) / Math.max(1, scores.length),
          count: scores.length,
          minSessions: policy.minSessions,
        };
      }
      const decision = decideQualityFlag(result, row, used, thresholds, recent);
      const raised = decision
        ? await raiseFlag(tx, {
            tutorId: row.tutorId,
            decision,
            sessionId: row.sessionId,
            evidenceKey: `analysis:${row.id}:v${row.version}`,
            at: now,
          })
        : null;
      const toPublish: PublishInput[] = [
        {
          type: 'analysis.completed',
          payload: {
            id: row.id,
            session_id: row.sessionId,
            tutor_id: row.tutorId,
            version: row.version,
            provider: used,
            fallback: fallbackReason !== null,
            quality_score: result.qualityScore,
            guidance_score: result.moves?.guidance ?? null,
            engagement: result.engagement,
            red_flags: result.redFlags.map((f) => f.type),
          },
          audience: QUALITY_AUDIENCE,
        },
      ];
      if (raised && raised.outcome !== 'unchanged') toPublish.push(flagEvent(raised));
      const stored_events = await events.store(toPublish, tx);
      return { raised, stored_events };
    });
    if (!outcome) return { status: 'skipped', reason: 'superseded' };

    await events.announce(outcome.stored_events).catch((err: unknown) => {
      // Stored with the analysis: SSE clients catch up from the events table on reconnect.
      logger.warn({ err, sessionId: row.id }, 'tier2: announcing events failed');
    });
    const { raised } = outcome;
    if (raised && raised.flag.severity === 'critical' && deps.reports) {
      await deps.reports.queueCriticalAlert({ flagId: raised.flag.id, sessionRowId: row.id });
    }
    logger.info(
      {
        sessionId: row.id,
        provider: used,
        fallbackReason,
        quality: result.qualityScore,
        flag: raised?.outcome ?? null,
      },
      'tier2: analysis stored',
    );
    return {
      status: 'stored',
      provider: used,
      fallbackReason,
      qualityScore: result.qualityScore,
      flag: raised ? { id: raised.flag.id, severity: raised.flag.severity, outcome: raised.outcome } : null,
    };
  };
}

/** The `quality.tier2` job handler: `'quality.tier2': createTier2Handler({ … })` in the worker's handlers. */
export function createTier2Handler(
  deps: Tier2Deps,
): (payload: { sessionId: string; version: number }) => Promise<void> {
  const run = createTier2Runner(deps);
  return async (payload) => {
    await run(payload);
  };
}

/** The API shape of a stored analysis. */
export function analysisToDto(row: SessionAnalysisRow): TSessionAnalysis {
  return {
    provider: row.provider,
    model: row.model,
    source: row.source,
    quality_score: row.qualityScore,
    empathy_score: row.empathyScore,
    clarity_score: row.clarityScore,
    engagement: row.engagement,
    engagement_score: row.engagementScore,
    sentiment: row.sentiment,
    red_flags: row.redFlags,
    metrics: row.metrics,
    evidence: row.evidence,
    summary: row.summary,
    fallback_reason: row.fallbackReason,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    latency_ms: row.latencyMs,
    created_at: row.createdAt.toISOString(),
    moves: row.moves ? movesToDto(row.moves) : null,
  };
}

/** A session's move profile as the API shows it: shares, guidance, example quotes and every tutor turn's label. */
export function movesToDto(
  m: NonNullable<SessionAnalysisRow['moves']>,
): NonNullable<TSessionAnalysis['moves']> {
  return {
    model: m.model,
    tutor_turns: m.tutorTurns,
    guidance_score: m.guidance,
    shares: m.shares,
    examples: m.examples,
    turns: m.turns,
  };
}
