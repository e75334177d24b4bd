/**
 * Raising flags: at most one open (or in-progress) flag per tutor and type, enforced by a partial unique
 * index. A new incident adds its evidence to the open flag (sessions, latest metrics, occurrences) and may
 * escalate its severity; the same evidence twice (a re-run job) changes nothing, thanks to the flag_events
 * dedupe key. Used by tier 1 (incidents and patterns) and tier 2 (low session quality).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { TFlag } from '@tutorpulse/contracts/quality';
import { anyOf, bulkInsert } from '../../db/bulk';
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

/**
 * `raiseFlag` for many pieces of per-session evidence at once (a tier 1 pass, a backfill page), with the same
 * outcome for each input as raising them one after the other in this order, in a handful of statements:
 * the open flags of every (tutor, type) locked in one select, the missing ones created in one insert, the
 * evidence already recorded read in one select, the new flag events written in one insert, then one update
 * per flag that changed. Every input must carry an `evidenceKey`. A flag another transaction creates between
 * the select and the insert is handled by `raiseFlag` for that (tutor, type). Results are in input order; an
 * input's `flag` is its flag as this call leaves it.
 */
export async function raiseFlags(
  tx: DbOrTx,
  inputs: RaiseFlagInput[],
): Promise<Array<{ flag: FlagRow; outcome: RaiseOutcome }>> {
  if (inputs.length === 0) return [];
  if (inputs.some((i) => !i.evidenceKey)) throw new Error('raiseFlags needs an evidenceKey on every input');
  const pairKey = (i: RaiseFlagInput) => `${i.tutorId}\u0000${i.decision.type}`;
  // (tutor, type) pairs in lock order, each with its inputs in the caller's order.
  const pairs = new Map<string, number[]>();
  const order = inputs
    .map((input, index) => ({ input, index }))
    .sort(
      (a, b) =>
        compareText(a.input.tutorId, b.input.tutorId) ||
        compareText(a.input.decision.type, b.input.decision.type) ||
        a.index - b.index,
    );
  for (const { input, index } of order) {
    const key = pairKey(input);
    const list = pairs.get(key);
    if (list) list.push(index);
    else pairs.set(key, [index]);
  }
  const first = (key: string) => inputs[pairs.get(key)![0]!]!;

  const openRows = await tx
    .select()
    .from(flags)
    .where(
      and(
        inArray(flags.status, [...OPEN]),
        sql`(${flags.tutorId}, ${flags.flagType}) in (select * from unnest(${sql.param(
          [...pairs.keys()].map((k) => first(k).tutorId),
        )}::text[], ${sql.param([...pairs.keys()].map((k) => first(k).decision.type))}::text[]))`,
      ),
    )
    .orderBy(flags.tutorId, flags.flagType)
    .for('update');
  const current = new Map(openRows.map((f) => [`${f.tutorId}\u0000${f.flagType}`, f]));

  // Flags to create: the first input of each pair without one opens it.
  const toCreate = [...pairs.keys()].filter((k) => !current.has(k));
  const created = new Set<string>();
  if (toCreate.length > 0) {
    const rows = await tx
      .insert(flags)
      .values(
        toCreate.map((k) => {
          const i = first(k);
          const d = i.decision;
          return {
            tutorId: i.tutorId,
            sessionId: i.sessionId,
            flagType: d.type,
            severity: d.severity,
            title: d.title,
            description: d.description,
            recommendedAction: d.recommendedAction,
            supportingData: { sessions: i.sessionId ? [i.sessionId] : [], metrics: d.metrics },
            occurrences: 1,
            firstSeenAt: i.at,
            lastSeenAt: i.at,
            createdAt: i.at,
            updatedAt: i.at,
          };
        }),
      )
      .onConflictDoNothing()
      .returning();
    for (const f of rows) {
      const key = `${f.tutorId}\u0000${f.flagType}`;
      current.set(key, f);
      created.add(key);
    }
  }

  // Evidence already recorded on the open flags (their rows are locked: nobody adds any meanwhile).
  const existingIds = openRows.map((f) => f.id);
  const recorded = new Set<string>();
  if (existingIds.length > 0) {
    const seen = await tx
      .select({ flagId: flagEvents.flagId, dedupeKey: flagEvents.dedupeKey })
      .from(flagEvents)
      .where(
        and(
          anyOf(flagEvents.flagId, existingIds),
          anyOf(
            flagEvents.dedupeKey,
            inputs.map((i) => i.evidenceKey!),
          ),
        ),
      );
    for (const e of seen) recorded.add(`${e.flagId}\u0000${e.dedupeKey}`);
  }

  const results: Array<{ flag: FlagRow; outcome: RaiseOutcome } | undefined> = new Array(inputs.length);
  const events: Array<typeof flagEvents.$inferInsert> = [];
  const changed = new Map<string, FlagRow>();
  const raced: string[] = [];
  for (const [key, indexes] of pairs) {
    let flag: FlagRow | undefined = current.get(key);
    if (!flag) {
      raced.push(key);
      continue;
    }
    let rest = indexes;
    if (created.has(key)) {
      const i = inputs[indexes[0]!]!;
      events.push({
        flagId: flag.id,
        at: i.at,
        action: 'raised',
        actorLabel: 'system',
        dedupeKey: i.evidenceKey,
        details: { severity: i.decision.severity, session_id: i.sessionId, metrics: i.decision.metrics },
      });
      recorded.add(`${flag.id}\u0000${i.evidenceKey}`);
      results[indexes[0]!] = { flag, outcome: 'raised' };
      rest = indexes.slice(1);
    }
    for (const index of rest) {
      const i = inputs[index]!;
      const d = i.decision;
      const dedupe = `${flag.id}\u0000${i.evidenceKey}`;
      if (recorded.has(dedupe)) {
        results[index] = { flag, outcome: 'unchanged' };
        continue;
      }
      recorded.add(dedupe);
      const escalated = SEVERITY_RANK[d.severity] > SEVERITY_RANK[flag.severity];
      events.push({
        flagId: flag.id,
        at: i.at,
        action: escalated ? 'escalated' : 'evidence_added',
        actorLabel: 'system',
        dedupeKey: i.evidenceKey,
        details: { severity: d.severity, session_id: i.sessionId, metrics: d.metrics },
      });
      const sessions: string[] = i.sessionId
        ? [i.sessionId, ...flag.supportingData.sessions.filter((x) => x !== i.sessionId)].slice(
            0,
            MAX_SUPPORTING_SESSIONS,
          )
        : flag.supportingData.sessions;
      flag = {
        ...flag,
        severity: maxSeverity(flag.severity, d.severity),
        description: d.description,
        title: d.title,
        sessionId: i.sessionId ?? flag.sessionId,
        supportingData: {
          ...flag.supportingData,
          sessions,
          metrics: { ...flag.supportingData.metrics, ...d.metrics },
        },
        occurrences: flag.occurrences + 1,
        lastSeenAt: i.at,
        updatedAt: i.at,
      };
      changed.set(key, flag);
      results[index] = { flag, outcome: escalated ? 'escalated' : 'evidence_added' };
    }
  }

  if (events.length > 0) await tx.execute(sql`insert into ${bulkInsert(flagEvents, events).sql}`);
  // One statement for every flag that changed; the rows written are exactly the `changed` values.
  if (changed.size > 0) {
    const list = [...changed.values()];
    await tx.execute(sql`
      update flags as f set
        severity = v.severity, description = v.description, title = v.title, session_id = v.session_id,
        supporting_data = v.supporting_data::jsonb, occurrences = v.occurrences::int,
        last_seen_at = v.last_seen_at::timestamptz, updated_at = v.updated_at::timestamptz
      from unnest(
        ${sql.param(list.map((f) => f.id))}::uuid[],
        ${sql.param(list.map((f) => f.severity))}::text[],
        ${sql.param(list.map((f) => f.description))}::text[],
        ${sql.param(list.map((f) => f.title))}::text[],
        ${sql.param(list.map((f) => f.sessionId))}::text[],
        ${sql.param(list.map((f) => JSON.stringify(f.supportingData)))}::text[],
        ${sql.param(list.map((f) => String(f.occurrences)))}::text[],
        ${sql.param(list.map((f) => f.lastSeenAt.toISOString()))}::text[],
        ${sql.param(list.map((f) => f.updatedAt.toISOString()))}::text[]
      ) as v(id, severity, description, title, session_id, supporting_data, occurrences, last_seen_at, updated_at)
      where f.id = v.id`);
  }
  const final = changed;
  // Every result of a pair shows the flag as this call leaves it.
  for (const [key, indexes] of pairs) {
    const row = final.get(key) ?? current.get(key);
    if (!row) continue;
    for (const index of indexes) results[index] = { flag: row, outcome: results[index]!.outcome };
  }
  // Lost a creation race to another transaction: go one by one for those pairs, as raiseFlag does.
  for (const key of raced) {
    for (const index of pairs.get(key)!) results[index] = await raiseFlag(tx, inputs[index]!);
  }
  return results as Array<{ flag: FlagRow; outcome: RaiseOutcome }>;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
    auto_resolution: f.autoResolution ?? null,
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
