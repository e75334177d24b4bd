/**
 * Redis pub/sub event bus (scaled mode): every API process publishes on one channel and hears every event,
 * so SSE clients connected to any process see events stored by any other. Fire-and-forget by design:
 * durability and replay come from the events table (Last-Event-ID), not from Redis.
 */
import { Redis } from 'ioredis';
import { z } from 'zod';
import { redisRetryStrategy, watchRedis, type DependencyHandle } from '../dependency-monitor';
import { createFanout, warnOnBusError, type BusErrorHandler } from './memory-bus';
import type { EventBus } from './port';

export const DEFAULT_EVENTS_CHANNEL = 'tutorpulse:events';
/** Events published together share a message, up to this many (keeps each message small). */
const MAX_EVENTS_PER_MESSAGE = 200;

const ZBusEvent = z.object({
  id: z.number(),
  type: z.string(),
  audience: z.array(z.string()),
  userId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

const READY_TIMEOUT_MS = 5_000;

export type RedisBusOptions = {
  redisUrl: string;
  channel?: string;
  onError?: BusErrorHandler;
  /** Where connection errors and recoveries go (logged once per outage) instead of onError. */
  dependency?: DependencyHandle;
};

export function createRedisBus(opts: RedisBusOptions): EventBus {
  const channel = opts.channel ?? DEFAULT_EVENTS_CHANNEL;
  const onError = opts.onError ?? warnOnBusError;
  const fanout = createFanout(onError);
  // Named connections make CLIENT LIST readable; Redis refuses names containing spaces.
  const connectionTag = channel.replace(/\s/g, '_');

  const publisher = new Redis(opts.redisUrl, {
    // A publish during an outage should fail within a couple of seconds rather than hang the caller: the
    // event is already stored and clients catch up from the table when they reconnect.
    maxRetriesPerRequest: 3,
    connectionName: `bus-pub:${connectionTag}`,
    retryStrategy: redisRetryStrategy,
  });
  const subscriber = new Redis(opts.redisUrl, {
    // The SUBSCRIBE sent at start-up must wait out a Redis that is not up yet instead of giving up after
    // a few retries, which would leave this process deaf for good. After a reconnect ioredis re-sends the
    // subscription itself (autoResubscribe, on by default; set explicitly because we rely on it).
    maxRetriesPerRequest: null,
    autoResubscribe: true,
    connectionName: `bus-sub:${connectionTag}`,
    retryStrategy: redisRetryStrategy,
  });
  // Without 'error' listeners ioredis prints every failed reconnect attempt to the console.
  if (opts.dependency) {
    watchRedis(publisher, opts.dependency, 'bus-publisher');
    watchRedis(subscriber, opts.dependency, 'bus-subscriber');
  } else {
    publisher.on('error', (error) => onError(error, 'publisher-connection'));
    subscriber.on('error', (error) => onError(error, 'subscriber-connection'));
  }

  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch (error) {
      onError(error, 'malformed-message');
      return;
    }
    // One event, or several published together (an array, in order).
    const result = z.union([ZBusEvent, z.array(ZBusEvent)]).safeParse(parsed);
    if (!result.success) {
      onError(
        new Error(`not a bus event: ${result.error.issues[0]?.message ?? 'invalid'}`),
        'malformed-message',
      );
      return;
    }
    for (const event of Array.isArray(result.data) ? result.data : [result.data]) fanout.emit(event);
  });

  let subscribedOk = false;
  const subscribed = subscriber.subscribe(channel).then(() => {
    subscribedOk = true;
  });
  // Kept as a promise for ping(); the handler stops a start-up failure from becoming an unhandled rejection.
  subscribed.catch(() => undefined);

  let closed = false;

  return {
    kind: 'redis',
    async publish(...events) {
      if (closed) throw new Error('event bus is closed');
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_MESSAGE) {
        const part = events.slice(i, i + MAX_EVENTS_PER_MESSAGE);
        await publisher.publish(channel, JSON.stringify(part.length === 1 ? part[0] : part));
      }
    },
    subscribe(listener) {
      return fanout.add(listener);
    },
    async ping() {
      if (closed) throw new Error('event bus is closed');
      // Both halves must work: a process that can publish but no longer hears anything is not healthy.
      if (!subscribedOk) {
        await withTimeout(subscribed, READY_TIMEOUT_MS, 'redis event bus is not subscribed yet');
      }
      if (subscriber.status !== 'ready') {
        throw new Error(`redis event bus subscriber is ${subscriber.status}`);
      }
      await Promise.all([
        publisher.ping(),
        withTimeout(subscriber.ping(), READY_TIMEOUT_MS, 'redis subscriber ping'),
      ]);
    },
    async close() {
      if (closed) return;
      closed = true;
      fanout.clear();
      await Promise.all([quit(publisher), quit(subscriber)]);
    },
  };
}

/** QUIT when connected (lets pending replies arrive); otherwise disconnect, since QUIT would queue behind the
 * offline queue and, with maxRetriesPerRequest null, wait for a Redis that may never come back. */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
