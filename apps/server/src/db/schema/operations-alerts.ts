/**
 * Operations alerts and recommendations (owned by modules/operations/alerts):
 *
 * - `alerts`: what the 5-minute checker found (type, severity, evidence with ids, metrics and links). One
 *   active (open or acknowledged) alert per dedupe key, enforced by a partial unique index: new evidence is
 *   added to it instead of raising a second one. Lifecycle open → acknowledged → resolved | dismissed, with who,
 *   when and a note; soft delete (`deleted_at`) keeps history for analysis.
 * - `alert_events`: the alert's history (created, evidence added, escalated, acknowledged, resolved …). The
 *   unique (alert, evidence key) makes a re-run check add the same evidence once.
 * - `alert_notifications`: the mail ledger of critical alerts (one row per alert, escalation and recipient),
 *   the outbox the mail job sends from: a re-run check never mails twice.
 * - `recommendations`: what to do about it, with priority, expected effect and expiry; accept / dismiss with who
 *   and why; the measured effect recorded by a follow-up job after acceptance.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { users } from './identity';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export const RECOMMENDATION_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const RECOMMENDATION_STATUSES = ['open', 'accepted', 'dismissed', 'expired'] as const;

/** Evidence of an alert or recommendation: the records it rests on, its figures, and where to look. */
export type AlertEvidence = {
  /** Record ids by kind: `{ tutor: ['t1'], flag: ['…'], customer: ['c9'] }`. */
  ids: Record<string, string[]>;
  metrics: Record<string, number | string | boolean | null>;
  links: Array<{ label: string; href: string }>;
};

export type ExpectedEffect = {
  metric: string;
  /** Expected change of the metric (signed), in `unit`. */
  change: number;
  unit: string;
  text: string;
};

export type MeasuredEffect = {
  metric: string;
  before: number | null;
  after: number | null;
  change: number | null;
  verdict: 'achieved' | 'partly' | 'not_achieved' | 'insufficient_data';
  text: string;
  measured_at: string;
};

export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    severity: text('severity', { enum: ALERT_SEVERITIES }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    evidence: jsonb('evidence').$type<AlertEvidence>().notNull(),
    /** What the alert is about (`supply_shortage:chemistry:2026-11-22T18`): one active alert per key. */
    dedupeKey: text('dedupe_key').notNull(),
    /** The checker that raised it. */
    source: text('source').notNull(),
    /** Pieces of evidence that fed it while active. */
    occurrences: integer('occurrences').notNull().default(1),
    status: text('status', { enum: ALERT_STATUSES }).notNull().default('open'),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    acknowledgedAt: ts('acknowledged_at'),
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id, { onDelete: 'set null' }),
    acknowledgedByLabel: text('acknowledged_by_label'),
    acknowledgeNote: text('acknowledge_note'),
    /** Resolved or dismissed: when, by whom (null: the system), and why. */
    closedAt: ts('closed_at'),
    closedBy: uuid('closed_by').references(() => users.id, { onDelete: 'set null' }),
    closedByLabel: text('closed_by_label'),
    closeNote: text('close_note'),
    deletedAt: ts('deleted_at'),
    deletedBy: uuid('deleted_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    // One active alert per key; a closed or deleted one leaves room for the next.
    uniqueIndex('alerts_one_active_idx')
      .on(t.dedupeKey)
      .where(sql`${t.status} in ('open','acknowledged') and ${t.deletedAt} is null`),
    index('alerts_dedupe_idx').on(t.dedupeKey),
    index('alerts_status_severity_idx').on(t.status, t.severity),
    index('alerts_type_idx').on(t.type, t.status),
    // The list's keyset sorts (platform/list-paging.ts), each ending with the id.
    index('alerts_created_id_idx').on(t.createdAt, t.id),
    index('alerts_priority_idx').on(alertActiveRank(t), alertSeverityRank(t), t.firstSeenAt, t.id),
  ],
);

/** Triage ranks (lower first): active before closed, then critical … low. Shared by the index and the list. */
export function alertActiveRank(t: { status: AnyPgColumn }): SQL<number> {
  return sql<number>`(case when ${t.status} in ('open', 'acknowledged') then 0 else 1 end)`;
}
export function alertSeverityRank(t: { severity: AnyPgColumn }): SQL<number> {
  return sql<number>`(case ${t.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end)`;
}

export const alertEvents = pgTable(
  'alert_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    /** created, evidence_added, escalated, acknowledged, resolved, dismissed, auto_resolved, deleted */
    action: text('action').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorLabel: text('actor_label').notNull(),
    note: text('note'),
    /** The piece of evidence this event added (checker runs): the same evidence counts once. */
    evidenceKey: text('evidence_key'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('alert_events_alert_idx').on(t.alertId, t.at),
    uniqueIndex('alert_events_evidence_idx').on(t.alertId, t.evidenceKey),
  ],
);

export const alertNotifications = pgTable(
  'alert_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    /** `alert:<id>:critical:<recipient>`: one mail per alert, escalation and recipient. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    recipientEmail: text('recipient_email').notNull(),
    subject: text('subject').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    messageId: text('message_id'),
    sentAt: ts('sent_at'),
    errorMessage: text('error_message'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('alert_notifications_status_idx').on(t.status, t.updatedAt)],
);

export const recommendations = pgTable(
  'recommendations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    /** The generator that made it (its measureEffect hook measures it after acceptance). */
    generator: text('generator').notNull(),
    priority: text('priority', { enum: RECOMMENDATION_PRIORITIES }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    evidence: jsonb('evidence').$type<AlertEvidence>().notNull(),
    expectedEffect: jsonb('expected_effect').$type<ExpectedEffect>().notNull(),
    /** One open recommendation per key (what it is about). */
    dedupeKey: text('dedupe_key').notNull(),
    alertId: uuid('alert_id').references(() => alerts.id, { onDelete: 'set null' }),
    status: text('status', { enum: RECOMMENDATION_STATUSES }).notNull().default('open'),
    expiresAt: ts('expires_at').notNull(),
    decidedAt: ts('decided_at'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedByLabel: text('decided_by_label'),
    decisionReason: text('decision_reason'),
    /**
     * When the follow-up job measures the effect: before acceptance, the earliest instant the generator allows
     * (or null); at acceptance, the later of that and acceptance + `measure_delay_s`.
     */
    measureAfter: ts('measure_after'),
    measureDelayS: integer('measure_delay_s').notNull().default(0),
    measuredEffect: jsonb('measured_effect').$type<MeasuredEffect>(),
    measuredAt: ts('measured_at'),
    /** Generator-specific figures captured at acceptance (the "before" of the measurement). */
    baseline: jsonb('baseline').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('recommendations_one_open_idx')
      .on(t.dedupeKey)
      .where(sql`${t.status} = 'open'`),
    index('recommendations_status_priority_idx').on(t.status, t.priority, t.createdAt),
    index('recommendations_created_id_idx').on(t.createdAt, t.id),
    index('recommendations_expires_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'open'`),
    index('recommendations_measure_idx')
      .on(t.measureAfter)
      .where(sql`${t.status} = 'accepted' and ${t.measuredAt} is null`),
    index('recommendations_alert_idx').on(t.alertId),
  ],
);
