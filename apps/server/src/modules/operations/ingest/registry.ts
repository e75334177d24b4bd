/**
 * Every kind of record the operations module takes in, one IngestHandler each (see handler.ts): the webhook
 * dispatches on `eventType`, the REST batch import and the CSV import on `kind`. Adding a kind is one line in
 * `createIngestRegistry`.
 */
import type { DbOrTx } from '../../../db/client';
import type { Clock } from '../../../platform/clock';
import {
  createCustomerUpsertHandler,
  createGoalUpsertHandler,
  createSupportCallHandler,
} from '../customers/customers.ingest';
import {
  availabilityIngestHandler,
  bookingIngestHandler,
  cancellationIngestHandler,
} from '../supply/supply.ingest';
import type { IngestHandler } from './handler';

export type IngestDeps = { clock: Clock };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler has its own record type
export type AnyIngestHandler = IngestHandler<any, DbOrTx>;

export type IngestRegistry = {
  handlers: readonly AnyIngestHandler[];
  byEventType(type: string): AnyIngestHandler | undefined;
  byKind(kind: string): AnyIngestHandler | undefined;
};

export function createIngestRegistry(deps: IngestDeps): IngestRegistry {
  return buildRegistry([
    createCustomerUpsertHandler(deps),
    createSupportCallHandler(deps),
    createGoalUpsertHandler(deps),
    availabilityIngestHandler,
    bookingIngestHandler,
    cancellationIngestHandler,
  ]);
}

export function buildRegistry(handlers: readonly AnyIngestHandler[]): IngestRegistry {
  const types = new Map<string, AnyIngestHandler>();
  const kinds = new Map<string, AnyIngestHandler>();
  for (const h of handlers) {
    if (types.has(h.eventType)) throw new Error(`two ingest handlers for event ${h.eventType}`);
    if (kinds.has(h.kind)) throw new Error(`two ingest handlers for kind ${h.kind}`);
    types.set(h.eventType, h);
    kinds.set(h.kind, h);
  }
  return { handlers, byEventType: (t) => types.get(t), byKind: (k) => kinds.get(k) };
}
