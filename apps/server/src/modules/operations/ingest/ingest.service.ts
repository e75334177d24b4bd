/**
 * The three doors of operations ingestion share this service: the signed webhook (one event), the REST batch
 * import and the CSV import (batches). A batch is validated record by record (a bad record is reported with
 * its index and field, and never stops the good ones), the valid records are applied by their kind's handler
 * in one transaction, and every record gets an outcome in order.
 *
 * Webhook replays: a delivery is remembered by its `webhook-id` (operations_webhook_deliveries, 8 days, as the
 * session webhook) in the same transaction as its data, so a replay answers the first answer and changes
 * nothing, and two concurrent deliveries of one id apply once. Only accepted deliveries are remembered: an
 * event refused for an unknown id can be sent again once the id exists.
 */
import { eq, lt } from 'drizzle-orm';
import type { z } from 'zod';
import type { TImportResponse, TOperationsWebhookAccepted } from '@tutorpulse/contracts/operations-customers';
import { ZOperationsEvent } from '@tutorpulse/contracts/operations-customers';
import type { Db, DbOrTx } from '../../../db/client';
import { operationsWebhookDeliveries } from '../../../db/schema/index';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import type { IngestRecordError, IngestResult } from './handler';
import type { AnyIngestHandler, IngestRegistry } from './registry';

export type ItemResult = TImportResponse['results'][number];

const DELIVERY_RETENTION_DAYS = 8;

function zodError(err: z.ZodError): IngestRecordError {
  const issue = err.issues[0];
  const field = issue?.path.join('.') || undefined;
  return {
    code: 'VALIDATION_FAILED',
    message: err.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || 'record'}: ${i.message}`)
      .join('; '),
    ...(field ? { field } : {}),
  };
}

/** Thrown inside the webhook's transaction to roll it back when the record was refused. */
class Refused extends Error {
  constructor(readonly error: IngestRecordError) {
    super(error.message);
  }
}

export function createIngestService(deps: {
  db: Db;
  clock: Clock;
  registry: IngestRegistry;
  /** Called after a commit that changed records (the customer side re-scores on its own schedule). */
  onApplied?: (kind: string, changed: number) => void;
}) {
  const { db, registry } = deps;

  function handlerForKind(kind: string): AnyIngestHandler {
    const h = registry.byKind(kind);
    if (!h)
      throw new AppError('NOT_FOUND', `Unknown import kind ${kind.slice(0, 60)}`, {
        kinds: registry.handlers.map((x) => x.kind),
      });
    return h;
  }

  /** Validates and applies records of one handler in one transaction (the caller's, when given). */
  async function applyWith(
    handler: AnyIngestHandler,
    records: unknown[],
    tx?: DbOrTx,
  ): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array(records.length);
    const valid: unknown[] = [];
    const validIndex: number[] = [];
    records.forEach((raw, index) => {
      const parsed = handler.schema.safeParse(raw);
      if (parsed.success) {
        valid.push(parsed.data);
        validIndex.push(index);
      } else results[index] = { index, outcome: 'failed', error: zodError(parsed.error) };
    });
    if (valid.length > 0) {
      const run = async (t: DbOrTx) => handler.apply(t, valid);
      const applied: IngestResult[] = tx ? await run(tx) : await db.transaction(run);
      if (applied.length !== valid.length)
        throw new Error(
          `ingest handler ${handler.kind} returned ${applied.length} results for ${valid.length} records`,
        );
      applied.forEach((r, i) => {
        const index = validIndex[i]!;
        results[index] =
          'error' in r
            ? { index, outcome: 'failed', error: r.error }
            : { index, outcome: r.outcome, id: r.id };
      });
    }
    const changed = results.filter((r) => r.outcome === 'created' || r.outcome === 'updated').length;
    if (changed > 0 && !tx) deps.onApplied?.(handler.kind, changed);
    return results;
  }

  function summarise(kind: string, results: ItemResult[]): TImportResponse {
    const count = (o: ItemResult['outcome']) => results.filter((r) => r.outcome === o).length;
    return {
      kind,
      received: results.length,
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      failed: count('failed'),
      results,
    };
  }

  return {
    kinds: () => registry.handlers.map((h) => h.kind),

    /** REST batch import and CSV import: one outcome per record, in order. */
    async importBatch(kind: string, records: unknown[]): Promise<TImportResponse> {
      const handler = handlerForKind(kind);
      return summarise(kind, await applyWith(handler, records));
    },

    /** Maps CSV rows (header → cell) to records of `kind` and imports them. */
    async importCsvRows(kind: string, rows: Record<string, string>[]): Promise<TImportResponse> {
      const handler = handlerForKind(kind);
      return summarise(
        kind,
        await applyWith(
          handler,
          rows.map((r) => handler.fromCsvRow(r)),
        ),
      );
    },

    csvColumnsOf(kind: string): AnyIngestHandler {
      return handlerForKind(kind);
    },

    /**
     * One webhook event (already signature-checked). Throws 400/422 AppErrors the sender can read; answers a
     * replay of an accepted delivery from the ledger.
     */
    async ingestEvent(webhookId: string, body: unknown): Promise<TOperationsWebhookAccepted> {
      const envelope = ZOperationsEvent.safeParse(body);
      if (!envelope.success) {
        const e = zodError(envelope.error);
        throw new AppError('VALIDATION_FAILED', `Invalid event: ${e.message}`, [
          { path: `body.${e.field ?? ''}`, message: e.message },
        ]);
      }
      const handler = registry.byEventType(envelope.data.type);
      if (!handler)
        throw new AppError(
          'UNKNOWN_EVENT_TYPE',
          `Unknown event type ${envelope.data.type.slice(0, 100)}`,
          { types: registry.handlers.map((h) => h.eventType) },
          422,
        );
      const now = deps.clock.now();
      try {
        const answer = await db.transaction(async (tx) => {
          // Claim the id first: a concurrent delivery of the same id waits here, then sees it taken.
          const claimed = await tx
            .insert(operationsWebhookDeliveries)
            .values({ webhookId, eventType: handler.eventType, response: {}, status: 202, receivedAt: now })
            .onConflictDoNothing()
            .returning({ webhookId: operationsWebhookDeliveries.webhookId });
          if (claimed.length === 0) {
            const [seen] = await tx
              .select()
              .from(operationsWebhookDeliveries)
              .where(eq(operationsWebhookDeliveries.webhookId, webhookId));
            return { ...(seen!.response as TOperationsWebhookAccepted), replayed: true };
          }
          const [result] = await applyWith(handler, [envelope.data.data], tx);
          if (!result || result.outcome === 'failed') throw new Refused(result!.error!);
          const accepted: TOperationsWebhookAccepted = {
            success: true,
            type: handler.eventType,
            outcome: result.outcome,
            id: result.id!,
            replayed: false,
          };
          await tx
            .update(operationsWebhookDeliveries)
            .set({ response: accepted })
            .where(eq(operationsWebhookDeliveries.webhookId, webhookId));
          return accepted;
        });
        if (!answer.replayed && answer.outcome !== 'unchanged') deps.onApplied?.(handler.kind, 1);
        return answer;
      } catch (err) {
        if (err instanceof Refused) {
          const field = `body.data${err.error.field ? `.${err.error.field}` : ''}`;
          throw new AppError(
            err.error.code,
            err.error.message,
            [{ path: field, message: err.error.message }],
            err.error.code === 'VALIDATION_FAILED' ? 400 : 422,
          );
        }
        throw err;
      }
    },

    /** Forgets deliveries past retention (Standard Webhooks asks for ≥ 7 days). */
    async pruneDeliveries(): Promise<number> {
      const before = new Date(deps.clock.now().getTime() - DELIVERY_RETENTION_DAYS * 86_400_000);
      const rows = await db
        .delete(operationsWebhookDeliveries)
        .where(lt(operationsWebhookDeliveries.receivedAt, before))
        .returning({ id: operationsWebhookDeliveries.webhookId });
      return rows.length;
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
