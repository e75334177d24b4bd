/**
 * One contract suite over both EventBus adapters. The Redis half runs when REDIS_URL is set (each test on
 * its own channel); without it, it is skipped with a message, or fails when REQUIRE_SERVICES=1.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readTestEnv } from '../../config/env';
import { createMemoryBus, type BusErrorContext } from './memory-bus';
import type { BusEvent, EventBus } from './port';
import { createRedisBus } from './redis-bus';

const testEnv = readTestEnv();

/** What several processes share: memory has one bus per process; Redis gives each process its own bus. */
type Fabric = {
  /** Memory: the same bus every time; Redis: a new bus with its own connections, i.e. another process. */
  open(): EventBus;
  errors: Array<{ error: unknown; context: BusErrorContext }>;
  /** Puts raw text on the wire, bypassing publish (Redis only). */
  injectRaw?(message: string): Promise<void>;
  /** Kills this fabric's subscriber connections server-side (Redis only); returns how many. */
  dropSubscriberConnections?(): Promise<number>;
  dispose(): Promise<void>;
};

type Adapter = { name: 'memory' | 'redis'; available: boolean; createFabric(): Fabric };

function createMemoryFabric(): Fabric {
  const errors: Fabric['errors'] = [];
  const bus = createMemoryBus({ onError: (error, context) => errors.push({ error, context }) });
  return { open: () => bus, errors, dispose: () => bus.close() };
}

let admin: Redis | undefined;

function createRedisFabric(redisUrl: string): Fabric {
  const channel = `tutorpulse:test:${randomUUID()}`;
  const errors: Fabric['errors'] = [];
  const buses: EventBus[] = [];
  const client = () => (admin ??= new Redis(redisUrl, { maxRetriesPerRequest: 1 }));
  return {
    open() {
      const bus = createRedisBus({
        redisUrl,
        channel,
        onError: (error, context) => errors.push({ error, context }),
      });
      buses.push(bus);
      return bus;
    },
    errors,
    async injectRaw(message) {
      await client().publish(channel, message);
    },
    async dropSubscriberConnections() {
      const list = String(await client().client('LIST'));
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=bus-sub:${channel} `))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => Boolean(id));
      for (const id of ids) await client().client('KILL', 'ID', id);
      return ids.length;
    },
    async dispose() {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  };
}

const adapters: Adapter[] = [
  { name: 'memory', available: true, createFabric: createMemoryFabric },
  {
    name: 'redis',
    available: Boolean(testEnv.redisUrl),
    createFabric: () => createRedisFabric(testEnv.redisUrl ?? ''),
  },
];

let seq = 0;
function makeEvent(overrides: Partial<BusEvent> = {}): BusEvent {
  seq += 1;
  return {
    id: seq,
    type: 'flag.raised',
    audience: ['coach', 'admin'],
    userId: null,
    payload: { tutorId: 'tutor-1', severity: 'high', nested: { ok: true } },
    createdAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

function collect(bus: EventBus) {
  const received: BusEvent[] = [];
  const unsubscribe = bus.subscribe((event) => received.push(event));
  return { received, unsubscribe };
}

const waitOpts = { timeout: 5_000, interval: 10 };

describe.each(adapters)('EventBus ($name)', ({ name, available, createFabric }) => {
  const skip = !available && !testEnv.requireServices;
  if (skip) console.log(`[bus.test] skipping the ${name} event bus: REDIS_URL is not set`);

  describe.skipIf(skip)('contract', () => {
    const fabrics: Fabric[] = [];
    const fabric = () => {
      const f = createFabric();
      fabrics.push(f);
      return f;
    };

    beforeAll(() => {
      if (!available) {
        throw new Error(`REQUIRE_SERVICES=1 but REDIS_URL is not set: the ${name} bus cannot be tested`);
      }
    });

    afterEach(async () => {
      await Promise.all(fabrics.splice(0).map((f) => f.dispose()));
    });

    it('reports its kind and answers ping', async () => {
      const bus = fabric().open();
      expect(bus.kind).toBe(name);
      await expect(bus.ping()).resolves.toBeUndefined();
    });

    it('delivers a published event to every subscriber, whichever process they live in', async () => {
      const f = fabric();
      const [publisher, first, second] = [f.open(), f.open(), f.open()];
      const a = collect(first);
      const b = collect(second);
      await Promise.all([publisher.ping(), first.ping(), second.ping()]);

      const event = makeEvent({ userId: 'user-7' });
      await publisher.publish(event);

      await vi.waitFor(() => {
        expect(a.received).toEqual([event]);
        expect(b.received).toEqual([event]);
      }, waitOpts);
    });

    it('delivers events published together, in order, however many there are', async () => {
      const f = fabric();
      const [publisher, listener] = [f.open(), f.open()];
      const { received } = collect(listener);
      await Promise.all([publisher.ping(), listener.ping()]);

      // More than one Redis message's worth (200), so the split must keep the order too.
      const many = Array.from({ length: 450 }, (_, i) => makeEvent({ payload: { n: i } }));
      await publisher.publish(...many);
      await publisher.publish(); // nothing to send is not an error

      await vi.waitFor(() => expect(received).toHaveLength(450), waitOpts);
      expect(received).toEqual(many);
    });

    it('after unsubscribe, that listener gets nothing more while the others still do', async () => {
      const bus = fabric().open();
      const gone = collect(bus);
      const stays = collect(bus);
      await bus.ping();

      gone.unsubscribe();
      gone.unsubscribe(); // a second call is harmless
      await bus.publish(makeEvent());

      // Delivery to one bus is in order, so once `stays` has it, `gone` would have had it too.
      await vi.waitFor(() => expect(stays.received).toHaveLength(1), waitOpts);
      expect(gone.received).toEqual([]);
    });

    it('a throwing listener neither stops the others nor fails the publisher', async () => {
      const f = fabric();
      const bus = f.open();
      bus.subscribe(() => {
        throw new Error('listener bug');
      });
      const healthy = collect(bus);
      await bus.ping();

      await expect(bus.publish(makeEvent())).resolves.toBeUndefined();
      await bus.publish(makeEvent());

      await vi.waitFor(() => expect(healthy.received).toHaveLength(2), waitOpts);
      expect(f.errors.filter((e) => e.context === 'listener')).toHaveLength(2);
      expect(f.errors[0]?.error).toBeInstanceOf(Error);
    });

    it('after close, publish rejects and ping fails', async () => {
      const bus = fabric().open();
      await bus.ping();
      await bus.close();
      await expect(bus.publish(makeEvent())).rejects.toThrow(/closed/);
      await expect(bus.ping()).rejects.toThrow(/closed/);
      await expect(bus.close()).resolves.toBeUndefined();
    });

    it.runIf(name === 'redis')('ignores malformed messages on the channel and keeps delivering', async () => {
      const f = fabric();
      const bus = f.open();
      const { received } = collect(bus);
      await bus.ping();

      await f.injectRaw?.('this is not json');
      await f.injectRaw?.(JSON.stringify({ id: 'not-a-number', type: 42 }));
      await f.injectRaw?.('null');
      const valid = makeEvent();
      await bus.publish(valid);

      await vi.waitFor(() => expect(received).toEqual([valid]), waitOpts);
      expect(f.errors.filter((e) => e.context === 'malformed-message')).toHaveLength(3);
    });

    it.runIf(name === 'redis')(
      'resubscribes by itself after the subscriber connection is dropped',
      async () => {
        const f = fabric();
        const [publisher, listener] = [f.open(), f.open()];
        const { received } = collect(listener);
        await Promise.all([publisher.ping(), listener.ping()]);

        const dropped = await f.dropSubscriberConnections?.();
        expect(dropped).toBe(2); // each bus holds one subscriber connection

        const event = makeEvent();
        // Events published while the subscriber is away are lost (the events table covers that), so keep
        // publishing until one arrives through the re-established subscription.
        await vi.waitFor(
          async () => {
            await publisher.publish(event);
            expect(received.length).toBeGreaterThan(0);
          },
          { timeout: 10_000, interval: 100 },
        );
        expect(received[0]).toEqual(event);
        await expect(listener.ping()).resolves.toBeUndefined();
      },
    );
  });
});

// One admin connection serves every Redis fabric of the file.
afterAll(async () => {
  await admin?.quit();
});
