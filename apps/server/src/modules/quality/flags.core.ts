/**
 * Raising flags: at most one open (or in-progress) flag per tutor and type, enforced by a partial unique
 * index. A new incident adds its evidence to the open flag (sessions, latest metrics, occurrences) and may
 * escalate its severity; the same evidence twice (a re-run job) changes nothing, thanks to the flag_events
 * dedupe key. Used by tier 1 (incidents and patterns) and tier 2 (low session quality).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { TFlag } from '@tutorpulse/contracts/quality';
import type { DbOrTx } from '../../db/client';
import type { PublishInput } from '../../platform/events/events.service';
import { flagEvents, flags, tutors } from '../../db/schema/index';
import { maxSeverity, SEVERITY_RANK, type FlagDecision } from './rules';

export type FlagRow = typeof flags.$inferSelect;
export type RaiseOutcome = 'raised' | 'evidence_added' | 'escalated' | 'updated' | 'unchanged';

export type RaiseFlagInput = {
  tutorId: string;
  decision: FlagDecision;
  /** Platform session id behind a per-session flag; null for pattern flags. */
  sessionId: string | null;
  /**
   * Identifies this piece of evidence (e.g. `session:<uuid>:v2`). Per-session evidence counts once however
   * often the job runs. Null for pattern re-evaluations: metrics are refreshed without an event.
   */
  evidenceKey: string | null;
  at: Date;
};

/** Keep supporting data bounded: the newest sessions are the useful ones. */
const MAX_SUPPORTING_SESSIONS = 50;
const OPEN = ['open', 'in_progress'] as const;

export async function raiseFlag(
  tx: DbOrTx,
  input: RaiseFlagInput,
): Promise<{ flag: FlagRow; outcome: RaiseOutcome }> {
  const { decision: d, at } = input;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [open] = await tx
      .select()
      .from(flags)
      .where(
        and(eq(flags.tutorId, input.tutorId), eq(flags.flagType, d.type), inArray(flags.status, [...OPEN])),
      )
      .for('update')
      .limit(1);

    if (!open) {
      const [created] = await tx
        .insert(flags)
        .values({
          tutorId: input.tutorId,
          sessionId: input.sessionId,
          flagType: d.type,
          severity: d.severity,
          title: d.title,
          description: d.description,
          recommendedAction: d.recommendedAction,
          supportingData: { sessions: input.sessionId ? [input.sessionId] : [], metrics: d.metrics },
          occurrences: 1,
          firstSeenAt: at,
          lastSeenAt: at,
          createdAt: at,
          updatedAt: at,
        })
        .onConflictDoNothing()
        .returning();
      // Lost a race with a concurrent raise: go round again and add evidence to the winner's flag.
      if (!created) continue;
      await tx.insert(flagEvents).values({
        flagId: created.id,
        at,
        action: 'raised',
        actorLabel: 'system',
        dedupeKey: input.evidenceKey,
        details: { severity: d.severity, session_id: input.sessionId, metrics: d.metrics },
      });
      return { flag: created, outcome: 'raised' };
    }

    if (input.evidenceKey) {
      const [event] = await tx
        .insert(flagEvents)
        .values({
          flagId: open.id,
          at,
          action: SEVERITY_RANK[d.severity] > SEVERITY_RANK[open.severity] ? 'escalated' : 'evidence_added',
          actorLabel: 'system',
          dedupeKey: input.evidenceKey,
          details: { severity: d.severity, session_id: input.sessionId, metrics: d.metrics },
        })
        .onConflictDoNothing()
        .returning({ id: flagEvents.id });
      if (!event) return { flag: open, outcome: 'unchanged' };
    }

    const severity = maxSeverity(open.severity, d.severity);
    const escalated = severity !== open.severity;
    const sessions = input.sessionId
      ? [input.sessionId, ...open.supportingData.sessions.filter((s) => s !== input.sessionId)].slice(
          0,
          MAX_SUPPORTING_SESSIONS,
        )
      : open.supportingData.sessions;
    if (!input.evidenceKey && escalated) {
      await tx.insert(flagEvents).values({
        flagId: open.id,
        at,
        action: 'escalated',
        actorLabel: 'system',
        details: { from: open.severity, to: severity, metrics: d.metrics },
      });
    }
    const [updated] = await tx
      .update(flags)
      .set({
        severity,
        // A pattern flag's text carries the latest numbers; an incident flag describes its latest incident.
        description: d.description,
        title: d.title,
        sessionId: input.sessionId ?? open.sessionId,
        supportingData: {
          ...open.supportingData,
          sessions,
          metrics: { ...open.supportingData.metrics, ...d.metrics },
        },
        occurrences: input.evidenceKey ? sql`${flags.occurrences} + 1` : open.occurrences,
        lastSeenAt: at,
        updatedAt: at,
      })
      .where(eq(flags.id, open.id))
      .returning();
    return {
      flag: updated!,
      outcome: escalated ? 'escalated' : input.evidenceKey ? 'evidence_added' : 'updated',
    };
  }
  throw new Error(`Could not raise ${d.type} for ${input.tutorId}: concurrent updates kept conflicting`);
}

export function toFlagDto(f: FlagRow, tutorName: string | null): TFlag {
  return {
    id: f.id,
    tutor_id: f.tutorId,
    tutor_name: tutorName,
    session_id: f.sessionId,
    flag_type: f.flagType as TFlag['flag_type'],
    severity: f.severity,
    title: f.title,
    description: f.description,
    recommended_action: f.recommendedAction,
    supporting_data: f.supportingData,
    occurrences: f.occurrences,
    status: f.status,
    assigned_to: f.assignedTo,
    first_seen_at: f.firstSeenAt.toISOString(),
    last_seen_at: f.lastSeenAt.toISOString(),
    resolved_at: f.resolvedAt?.toISOString() ?? null,
    resolved_by: f.resolvedBy,
    resolution_notes: f.resolutionNotes,
    coach_agreed: f.coachAgreed,
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
}

/** Flags with their tutor's name, for lists. */
export async function loadTutorNames(tx: DbOrTx, tutorIds: string[]): Promise<Map<string, string>> {
  if (tutorIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: tutors.id, name: tutors.name })
    .from(tutors)
    .where(inArray(tutors.id, [...new Set(tutorIds)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Who sees quality events on the live stream. */
export const QUALITY_AUDIENCE = ['admin', 'coach', 'viewer'] as const;

/** The live-stream event announcing a raised or updated flag. */
export function flagEvent(f: { flag: FlagRow; outcome: RaiseOutcome }): PublishInput {
  return {
    type: f.outcome === 'raised' ? 'flag.raised' : 'flag.updated',
    payload: {
      flag_id: f.flag.id,
      tutor_id: f.flag.tutorId,
      flag_type: f.flag.flagType,
      severity: f.flag.severity,
      outcome: f.outcome,
      session_id: f.flag.sessionId,
    },
    audience: QUALITY_AUDIENCE,
  };
}
