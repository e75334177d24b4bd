/**
 * Operations module, customers side: ingestion records (webhook events, REST batch items, CSV rows), the
 * customer list and detail, health scores with their risk factors, and the churn model versions.
 */
import { z } from 'zod';
import { ZCursorPage, ZCursorPagination, ZInstant, ZText, ZUuid } from './common';

const ZPlatformId = ZText.min(1)
  .max(255)
  .regex(/^\S(.*\S)?$/, 'must not start or end with whitespace');

export const CUSTOMER_STATUSES = ['active', 'paused', 'churned'] as const;
export const CUSTOMER_KINDS = ['family', 'adult_learner'] as const;
export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const;
export const ZRiskTier = z.enum(RISK_TIERS);
export type TRiskTier = z.infer<typeof ZRiskTier>;

/** A value of free-form attributes: text (checked like all text), a number, a boolean, null, or a list of them. */
const ZScalar = z.union([ZText.max(2000), z.number(), z.boolean(), z.null()]);
export const ZAttributeValue = z.union([ZScalar, z.array(ZScalar).max(100)]);
/** One field of a batch record as sent (the kind's own schema then checks it): a value or one level of nesting. */
const ZImportField = z.union([ZAttributeValue, z.record(ZText.max(100), ZAttributeValue)]);

// ---------------------------------------------------------------------------------------------------------
// Ingestion records (one per webhook event's `data`, REST batch item or CSV row)

export const ZCustomerRecord = z
  .object({
    customer_id: ZPlatformId,
    name: ZText.min(1).max(300),
    email: ZText.max(320).nullish(),
    kind: z.enum(CUSTOMER_KINDS).default('family'),
    signup_date: ZInstant,
    acquisition_channel: ZText.min(1).max(60),
    plan: ZText.min(1).max(60),
    status: z.enum(CUSTOMER_STATUSES).default('active'),
    /** The students this customer pays for: every one must already be known (sent with its sessions). */
    student_ids: z.array(ZPlatformId).min(1).max(20),
    attributes: z.record(ZText.max(100), ZAttributeValue).default({}),
    /** Set to soft-delete the customer; null restores it. */
    deleted_at: ZInstant.nullish(),
  })
  .strict()
  .meta({ id: 'CustomerRecord' });
export type TCustomerRecord = z.infer<typeof ZCustomerRecord>;

export const ZSupportCallRecord = z
  .object({
    call_id: ZPlatformId,
    customer_id: ZPlatformId,
    called_at: ZInstant,
    reason_code: ZText.min(1).max(60),
    duration_seconds: z.number().int().min(0).max(86_400),
    resolved: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'SupportCallRecord' });
export type TSupportCallRecord = z.infer<typeof ZSupportCallRecord>;

export const ZGoalRecord = z
  .object({
    goal_id: ZPlatformId,
    customer_id: ZPlatformId,
    student_id: ZPlatformId.nullish(),
    title: ZText.min(1).max(300),
    subject_id: ZText.max(100).nullish(),
    set_at: ZInstant,
    target_date: ZInstant.nullish(),
    completed_at: ZInstant.nullish(),
  })
  .strict()
  .meta({ id: 'GoalRecord' });
export type TGoalRecord = z.infer<typeof ZGoalRecord>;

/** The operations webhook's body: Standard Webhooks' `{type, timestamp, data}`. */
export const ZOperationsEvent = z
  .object({
    type: ZText.min(1).max(100),
    timestamp: ZInstant.optional(),
    data: z.unknown(),
  })
  .meta({ id: 'OperationsEvent' });

export const ZIngestError = z.object({ code: z.string(), message: z.string(), field: z.string().optional() });

export const ZIngestItemResult = z.object({
  index: z.number().int().describe('Position in the batch (0-based)'),
  outcome: z.enum(['created', 'updated', 'unchanged', 'failed']),
  id: z.string().optional().describe('The platform id of the record'),
  error: ZIngestError.optional(),
});

export const ZImportRequest = z
  .object({
    records: z
      .array(z.record(ZText.max(100), ZImportField))
      .min(1)
      .max(1000)
      .describe('Records of the kind; each is validated on its own (see `results`)'),
  })
  .meta({ id: 'ImportRequest' });

export const ZImportResponse = z
  .object({
    kind: z.string(),
    received: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int(),
    results: z.array(ZIngestItemResult),
  })
  .meta({ id: 'ImportResponse' });
export type TImportResponse = z.infer<typeof ZImportResponse>;

export const ZImportParams = z.object({ kind: ZText.min(1).max(60) });

export const ZOperationsWebhookAccepted = z
  .object({
    success: z.literal(true),
    type: z.string(),
    outcome: z.enum(['created', 'updated', 'unchanged']),
    id: z.string(),
    replayed: z.boolean(),
  })
  .meta({ id: 'OperationsWebhookAccepted' });
export type TOperationsWebhookAccepted = z.infer<typeof ZOperationsWebhookAccepted>;

// ---------------------------------------------------------------------------------------------------------
// Customers API

export const ZRiskFactor = z.object({
  factor: z.string(),
  label: z.string(),
  contribution: z.number().describe('Added log-odds of leaving'),
  odds_multiplier: z.number().describe('The odds of leaving are multiplied by this'),
  value: z.union([z.number(), z.string()]),
  typical: z.number(),
  words: z.string(),
  intervention: z.string(),
});

export const ZCustomerHealthSummary = z.object({
  churn_probability: z.number(),
  risk_tier: ZRiskTier,
  scored_at: z.iso.datetime(),
});

export const ZCustomer = z
  .object({
    id: z.string().describe('The platform customer id'),
    name: z.string(),
    email: z.string().nullable(),
    kind: z.enum(CUSTOMER_KINDS),
    signup_date: z.iso.datetime(),
    acquisition_channel: z.string(),
    plan: z.string(),
    status: z.enum(CUSTOMER_STATUSES),
    student_ids: z.array(z.string()),
    health: ZCustomerHealthSummary.nullable(),
  })
  .meta({ id: 'Customer' });
export type TCustomer = z.infer<typeof ZCustomer>;

export const CUSTOMER_SORTS = ['risk', 'newest'] as const;
export const ZCustomerListQuery = ZCursorPagination.extend({
  risk_tier: ZRiskTier.optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  channel: ZText.min(1).max(60).optional(),
  search: ZText.min(1).max(100).optional().describe('Part of the name, email or customer id'),
  sort: z.enum(CUSTOMER_SORTS).default('risk').describe('`risk` (highest first, default) or `newest` signup'),
});
export type TCustomerListQuery = z.infer<typeof ZCustomerListQuery>;
export const ZCustomerPage = ZCursorPage(ZCustomer).meta({ id: 'CustomerPage' });

export const ZCustomerParams = z.object({ id: ZPlatformId });

export const ZCustomerDetail = ZCustomer.extend({
  attributes: z.record(z.string(), z.unknown()),
  goals: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      student_id: z.string().nullable(),
      subject_id: z.string().nullable(),
      set_at: z.iso.datetime(),
      target_date: z.iso.datetime().nullable(),
      completed_at: z.iso.datetime().nullable(),
    }),
  ),
  support_calls: z.object({
    last_90_days: z.number().int(),
    last_14_days: z.number().int(),
    recent: z.array(
      z.object({
        id: z.string(),
        called_at: z.iso.datetime(),
        reason_code: z.string(),
        duration_seconds: z.number().int(),
        resolved: z.boolean(),
      }),
    ),
  }),
  top_risk_factors: z.array(ZRiskFactor),
}).meta({ id: 'CustomerDetail' });
export type TCustomerDetail = z.infer<typeof ZCustomerDetail>;

export const ZCustomerHealth = z
  .object({
    customer_id: z.string(),
    score: z
      .object({
        churn_probability: z.number(),
        health_score: z.number().describe('100 × (1 − churn probability), rounded'),
        risk_tier: ZRiskTier,
        model_version: z.string(),
        calculated_at: z.iso.datetime(),
      })
      .nullable(),
    components: z
      .object({
        intercept: z.number(),
        log_odds: z.number(),
        features: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
        contributions: z.array(z.object({ factor: z.string(), contribution: z.number() })),
      })
      .nullable(),
    top_risk_factors: z.array(ZRiskFactor),
    history: z.array(
      z.object({ calculated_at: z.iso.datetime(), churn_probability: z.number(), risk_tier: ZRiskTier }),
    ),
  })
  .meta({ id: 'CustomerHealth' });
export type TCustomerHealth = z.infer<typeof ZCustomerHealth>;

export const ZAtRiskQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  min_tier: z.enum(['medium', 'high', 'critical']).default('high'),
});
export const ZAtRiskCustomer = ZCustomer.extend({ top_risk_factors: z.array(ZRiskFactor) });
export const ZAtRiskList = z
  .object({ data: z.array(ZAtRiskCustomer), total: z.number().int() })
  .meta({ id: 'AtRiskCustomers' });

export const ZCustomerExportQuery = z.object({
  risk_tier: ZRiskTier.optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  channel: ZText.min(1).max(60).optional(),
});

// ---------------------------------------------------------------------------------------------------------
// Models

export const ZChurnModelSummary = z
  .object({
    id: z.uuid(),
    kind: z.literal('churn'),
    version: z.string(),
    is_active: z.boolean(),
    trained_at: z.iso.datetime(),
    activated_at: z.iso.datetime().nullable(),
    training_window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
    holdout: z.object({
      roc_auc: z.number(),
      pr_auc: z.number(),
      brier: z.number(),
      recall_at_threshold: z.number().nullable(),
      precision_at_threshold: z.number().nullable(),
      calibration: z.array(
        z.object({
          from: z.number(),
          to: z.number(),
          count: z.number(),
          mean_predicted: z.number(),
          observed_rate: z.number(),
        }),
      ),
    }),
    threshold: z.number(),
    comparison: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'ChurnModel' });
export type TChurnModelSummary = z.infer<typeof ZChurnModelSummary>;

export const ZModelList = z.object({ data: z.array(ZChurnModelSummary) }).meta({ id: 'ModelList' });

export const ZTrainResult = z
  .object({
    model: ZChurnModelSummary,
    activated: z.boolean(),
    reason: z.string(),
  })
  .meta({ id: 'TrainResult' });

export const ZModelParams = z.object({ id: ZUuid });
