/**
 * In-process event bus (embedded mode): an EventEmitter fan-out to this process's subscribers. Also exports
 * the listener fan-out both adapters share, so a throwing listener is isolated the same way everywhere.
 */
import { EventEmitter } from 'node:events';
import type { BusEvent, EventBus } from './port';

export type BusErrorContext =
  'listener' | 'malformed-message' | 'publisher-connection' | 'subscriber-connection';
export type BusErrorHandler = (error: unknown, context: BusErrorContext) => void;

/** Without a handler, problems still surface (stderr) instead of vanishing. */
export const warnOnBusError: BusErrorHandler = (error, context) => {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`event bus ${context}: ${message}`, { code: 'TUTORPULSE_EVENT_BUS' });
};

const EVENT = 'event';

/** Delivers an event to every local listener; one listener throwing never reaches the others or the caller. */
export function createFanout(onError: BusErrorHandler) {
  const emitter = new EventEmitter();
  // Every open SSE connection is a listener; the default cap of 10 would print leak warnings.
  emitter.setMaxListeners(0);
  return {
    emit(event: BusEvent): void {
      emitter.emit(EVENT, event);
    },
    add(listener: (event: BusEvent) => void): () => void {
      const guarded = (event: BusEvent) => {
        try {
          listener(event);
        } catch (error) {
          onError(error, 'listener');
        }
      };
      emitter.on(EVENT, guarded);
      let active = true;
      return () => {
        // Idempotent: a second call must not remove another subscription of the same function.
        if (!active) return;
        active = false;
        emitter.off(EVENT, guarded);
      };
    },
    clear(): void {
      emitter.removeAllListeners(EVENT);
    },
  };
}

export function createMemoryBus(opts: { onError?: BusErrorHandler } = {}): EventBus {
  const fanout = createFanout(opts.onError ?? warnOnBusError);
  let closed = false;
  return {
    kind: 'memory',
    async publish(...events) {
      if (closed) throw new Error('event bus is closed');
      // A JSON round trip gives listeners exactly what the Redis bus would (no Dates, no shared references),
      // so code that works embedded also works scaled.
      for (const event of events) fanout.emit(JSON.parse(JSON.stringify(event)) as BusEvent);
    },
    subscribe(listener) {
      return fanout.add(listener);
    },
    async ping() {
      if (closed) throw new Error('event bus is closed');
    },
    async close() {
      closed = true;
      fanout.clear();
    },
  };
}
