/**
 * Events: stored first in the `events` table (monotonic id = SSE id), then fanned out on the bus to every
 * API process. Replay after a reconnect reads the table, so nothing is lost while a client is away.
 */
import { and, asc, gt, type SQL, sql } from 'drizzle-orm';
import { bulkInsert, rowsOf } from '../../db/bulk';
import type { Db, DbOrTx } from '../../db/client';
import { events } from '../../db/schema/index';
import type { Clock } from '../clock';
import type { BusEvent, EventBus } from './port';

export type Viewer = { id: string; role: string };

export type PublishInput = {
  type: string;
  payload: Record<string, unknown>;
  /** Roles that may see it (admins always may). */
  audience: readonly string[];
  /** Restrict to one user (plus admins). */
  userId?: string | null;
};

export function canSee(viewer: Viewer, e: Pick<BusEvent, 'audience' | 'userId'>): boolean {
  if (viewer.role === 'admin') return true;
  if (!e.audience.includes(viewer.role)) return false;
  return e.userId === null || e.userId === viewer.id;
}

type EventRow = typeof events.$inferSelect;

function toBusEvent(r: EventRow): BusEvent {
  return {
    id: r.id,
    type: r.type,
    audience: r.audience,
    userId: r.userId,
    payload: r.payload,
    createdAt: r.createdAt.toISOString(),
  };
}

export function createEventService(deps: {
  db: Db;
  bus: EventBus;
  clock: Clock;
  /**
   * Called with the types of events just announced, i.e. after their transaction committed: the composition
   * root invalidates cached aggregates here. Its failure never fails the publisher.
   */
  onAnnounced?: (types: string[]) => Promise<void>;
}) {
  const { db, bus, clock } = deps;

  /** Stores events (inside the caller's transaction when given) and returns a function that announces them. */
  async function store(inputs: PublishInput[], tx: DbOrTx = db): Promise<BusEvent[]> {
    if (inputs.length === 0) return [];
    const now = clock.now();
    const values = inputs.map((i) => ({
      type: i.type,
      payload: i.payload,
      audience: [...i.audience],
      userId: i.userId ?? null,
      createdAt: now,
    }));
    const rows = rowsOf<EventRow>(
      await tx.execute(sql`
        insert into ${bulkInsert(events, values).sql}
        returning id, type, audience, user_id as "userId", payload, created_at as "createdAt"`),
    ).map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt) }));
    return rows.map(toBusEvent);
  }

  async function announce(stored: BusEvent[]): Promise<void> {
    if (stored.length === 0) return;
    if (deps.onAnnounced) await deps.onAnnounced([...new Set(stored.map((e) => e.type))]).catch(() => {});
    await bus.publish(...stored);
  }

  return {
    /** Stores and announces in one go (outside any transaction). */
    async publish(...inputs: PublishInput[]): Promise<BusEvent[]> {
      const stored = await store(inputs);
      await announce(stored);
      return stored;
    },
    store,
    announce,

    /** Events after `afterId` that the viewer may see, oldest first. */
    async replay(viewer: Viewer, afterId: number, limit = 500): Promise<BusEvent[]> {
      const where: SQL[] = [gt(events.id, afterId)];
      if (viewer.role !== 'admin') {
        where.push(sql`${viewer.role} = any(${events.audience})`);
        where.push(sql`(${events.userId} is null or ${events.userId} = ${viewer.id})`);
      }
      const rows = await db
        .select()
        .from(events)
        .where(and(...where))
        .orderBy(asc(events.id))
        .limit(limit);
      return rows.map(toBusEvent);
    },

    async latestId(): Promise<number> {
      const [r] = await db
        .select({ id: sql<number>`coalesce(max(${events.id}), 0)`.mapWith(Number) })
        .from(events);
      return r?.id ?? 0;
    },

    subscribe: (listener: (e: BusEvent) => void) => bus.subscribe(listener),
  };
}

export type EventService = ReturnType<typeof createEventService>;
