/**
 * The event bus port: fan-out of already-stored events to every API process (in-process EventEmitter in
 * embedded mode, Redis pub/sub in scaled mode). Durability and replay come from the `events` table, not the bus.
 */
export type BusEvent = {
  id: number;
  type: string;
  /** Roles that may see it; admins always may. */
  audience: string[];
  /** When set, only this user (and admins) may see it. */
  userId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
};

export interface EventBus {
  readonly kind: 'memory' | 'redis';
  /** Fans out events in order; several at once travel as one message (one Redis PUBLISH). */
  publish(...events: BusEvent[]): Promise<void>;
  subscribe(listener: (event: BusEvent) => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}
