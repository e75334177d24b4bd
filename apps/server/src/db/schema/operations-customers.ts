/**
 * Operations module, customers side: the paying accounts (a family or an adult learner) and the students they
 * pay for, their goals and support calls, the churn model's stored versions and the customers' health scores
 * over time, and the operations webhook's delivery ledger (replays). Owned by modules/operations.
 *
 * `customers` carries the latest health score beside the account (probability, an integer rank for keyset
 * sorting, tier, when) so the list sorts by risk from one index; `customer_health_scores` keeps the history.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { students } from './marketplace';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const CUSTOMER_STATUSES = ['active', 'paused', 'churned'] as const;
export const CUSTOMER_KINDS = ['family', 'adult_learner'] as const;
export const HEALTH_RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const;

export type CustomerRiskFactorJson = {
  factor: string;
  label: string;
  contribution: number;
  odds_multiplier: number;
  value: number | string;
  typical: number;
  words: string;
  intervention: string;
};

export const churnModels = pgTable(
  'churn_models',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    version: text('version').notNull().unique(),
    /** The whole artefact (coefficients, means, scales, C, threshold, tiers, training window, holdout metrics). */
    artefact: jsonb('artefact').$type<Record<string, unknown>>().notNull(),
    trainedAt: ts('trained_at').notNull(),
    trainingFrom: ts('training_from').notNull(),
    trainingTo: ts('training_to').notNull(),
    holdoutRocAuc: doublePrecision('holdout_roc_auc').notNull(),
    holdoutPrAuc: doublePrecision('holdout_pr_auc').notNull(),
    holdoutBrier: doublePrecision('holdout_brier').notNull(),
    /** The comparison with the model active when this one was trained (same holdout) and its verdict. */
    comparison: jsonb('comparison').$type<Record<string, unknown>>(),
    isActive: boolean('is_active').notNull().default(false),
    activatedAt: ts('activated_at'),
    activatedBy: uuid('activated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    // At most one active model.
    uniqueIndex('churn_models_one_active_idx')
      .on(t.isActive)
      .where(sql`${t.isActive}`),
    index('churn_models_trained_idx').on(t.trainedAt),
  ],
);

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The platform's customer id, as webhooks and imports send it. */
    customerId: text('customer_id').notNull().unique(),
    name: text('name').notNull(),
    email: text('email'),
    kind: text('kind', { enum: CUSTOMER_KINDS }).notNull().default('family'),
    signupDate: ts('signup_date').notNull(),
    acquisitionChannel: text('acquisition_channel').notNull(),
    plan: text('plan').notNull(),
    status: text('status', { enum: CUSTOMER_STATUSES }).notNull().default('active'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    deletedAt: ts('deleted_at'),
    /** Latest health score (history in customer_health_scores). */
    churnProbability: doublePrecision('churn_probability'),
    /** round(probability × 1e9): an integer key for sorting by risk with a cursor (-1: not scored). */
    riskRank: integer('risk_rank').notNull().default(-1),
    riskTier: text('risk_tier', { enum: HEALTH_RISK_TIERS }),
    healthScoredAt: ts('health_scored_at'),
    /** Bumped by anything that changes the customer's features (their record, a call, a goal): re-scoring picks it up. */
    dataChangedAt: ts('data_changed_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('customers_signup_date_idx').on(t.signupDate),
    index('customers_status_idx').on(t.status),
    index('customers_acquisition_channel_idx').on(t.acquisitionChannel),
    // The list's keysets: by risk (alone and after each equality filter), newest signup.
    index('customers_risk_id_idx')
      .on(t.riskRank, t.id)
      .where(sql`${t.deletedAt} is null`),
    index('customers_tier_risk_id_idx')
      .on(t.riskTier, t.riskRank, t.id)
      .where(sql`${t.deletedAt} is null`),
    index('customers_status_risk_id_idx')
      .on(t.status, t.riskRank, t.id)
      .where(sql`${t.deletedAt} is null`),
    index('customers_channel_risk_id_idx')
      .on(t.acquisitionChannel, t.riskRank, t.id)
      .where(sql`${t.deletedAt} is null`),
    index('customers_data_changed_idx').on(t.dataChangedAt),
    check('customers_risk_rank_check', sql`${t.riskRank} between -1 and 1000000000`),
  ],
);

/** The students a customer pays for (a family: 1–3 children; an adult learner: themself). One customer a student. */
export const customerStudents = pgTable(
  'customer_students',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    studentId: text('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.studentId] }),
    uniqueIndex('customer_students_student_idx').on(t.studentId),
  ],
);

export const customerGoals = pgTable(
  'customer_goals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The platform's goal id. */
    goalId: text('goal_id').notNull().unique(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    studentId: text('student_id').references(() => students.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    subjectId: text('subject_id'),
    setAt: ts('set_at').notNull(),
    targetDate: ts('target_date'),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('customer_goals_customer_idx').on(t.customerId, t.setAt)],
);

export const supportCalls = pgTable(
  'support_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The platform's (support system's) call id. */
    callId: text('call_id').notNull().unique(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    calledAt: ts('called_at').notNull(),
    reasonCode: text('reason_code').notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    resolved: boolean('resolved').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('support_calls_customer_time_idx').on(t.customerId, t.calledAt),
    index('support_calls_time_idx').on(t.calledAt),
    check('support_calls_duration_check', sql`${t.durationSeconds} >= 0`),
  ],
);

export const customerHealthScores = pgTable(
  'customer_health_scores',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    modelId: uuid('model_id')
      .notNull()
      .references(() => churnModels.id, { onDelete: 'cascade' }),
    probability: doublePrecision('probability').notNull(),
    riskTier: text('risk_tier', { enum: HEALTH_RISK_TIERS }).notNull(),
    /** The top 3 risk factors in words, with interventions. */
    factors: jsonb('factors').$type<CustomerRiskFactorJson[]>().notNull(),
    /** Feature values and every factor's contribution to the log-odds (with the intercept they sum to it). */
    components: jsonb('components').$type<Record<string, unknown>>().notNull(),
    calculatedAt: ts('calculated_at').notNull(),
  },
  (t) => [
    index('customer_health_scores_customer_time_idx').on(t.customerId, t.calculatedAt),
    index('customer_health_scores_time_idx').on(t.calculatedAt),
    index('customer_health_scores_tier_idx').on(t.riskTier),
  ],
);

/** `webhook-id`s seen on `POST /api/webhooks/operations` (kept ≥ 7 days): a replay is answered from here. */
export const operationsWebhookDeliveries = pgTable(
  'operations_webhook_deliveries',
  {
    webhookId: text('webhook_id').primaryKey(),
    eventType: text('event_type').notNull(),
    /** The first delivery's answer body. */
    response: jsonb('response').$type<Record<string, unknown>>().notNull(),
    status: integer('status').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('operations_webhook_deliveries_received_idx').on(t.receivedAt)],
);
