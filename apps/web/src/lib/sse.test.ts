import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  connectEventStream,
  getStreamStatus,
  INVALIDATIONS,
  POLL_INTERVAL_MS,
  pollWhileStreamDown,
} from './sse';

/** Just enough of EventSource to drive the connection from a test. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, Array<(event: MessageEvent) => void>>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  fail(permanently = false) {
    this.readyState = permanently ? 2 : 0;
    this.onerror?.();
  }
  emit(type: string, data: unknown, lastEventId = '') {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

const create = (url: string) => new FakeEventSource(url) as unknown as EventSource;

describe('event stream', () => {
  let queryClient: QueryClient;
  let release: () => void = () => {};

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('EventSource', { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
    FakeEventSource.instances = [];
    queryClient = new QueryClient();
  });
  afterEach(() => {
    release();
    vi.useRealTimers();
  });

  it('opens ONE connection however many times it is requested', () => {
    const a = connectEventStream(queryClient, { createEventSource: create });
    const b = connectEventStream(queryClient, { createEventSource: create });
    expect(FakeEventSource.instances).toHaveLength(1);
    a();
    expect(FakeEventSource.instances[0]!.closed).toBe(false);
    b();
    expect(FakeEventSource.instances[0]!.closed).toBe(true);
  });

  it('invalidates the query-key prefixes mapped to each event type', () => {
    release = connectEventStream(queryClient, { createEventSource: create });
    const source = FakeEventSource.instances[0]!;
    source.open();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');

    source.emit('flag.raised', {
      id: 7,
      type: 'flag.raised',
      payload: {},
      created_at: '2025-01-01T00:00:00.000Z',
    });

    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual(INVALIDATIONS['flag.raised']);
  });

  it('ignores event types it has no mapping for', () => {
    release = connectEventStream(queryClient, { createEventSource: create });
    const source = FakeEventSource.instances[0]!;
    source.open();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    source.emit('message', {
      id: 8,
      type: 'something.new',
      payload: {},
      created_at: '2025-01-01T00:00:00.000Z',
    });
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('switches queries to 30 s polling while the stream is down, and back off when it returns', () => {
    release = connectEventStream(queryClient, { createEventSource: create, downAfterMs: 3000 });
    const source = FakeEventSource.instances[0]!;
    source.open();
    expect(getStreamStatus()).toBe('open');
    expect(pollWhileStreamDown()).toBe(false);

    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    source.fail();
    vi.advanceTimersByTime(2999);
    expect(getStreamStatus()).toBe('open'); // a blip the browser recovers from is not "down"
    vi.advanceTimersByTime(1);
    expect(getStreamStatus()).toBe('down');
    expect(pollWhileStreamDown()).toBe(POLL_INTERVAL_MS);
    expect(invalidate).toHaveBeenCalledTimes(1); // catch up now, and re-arm every query's interval

    source.open();
    expect(getStreamStatus()).toBe('open');
    expect(pollWhileStreamDown()).toBe(false);
    expect(invalidate).toHaveBeenCalledTimes(2);
  });

  it('re-creates a stream the browser gave up on, with backoff, resuming after the last event', () => {
    release = connectEventStream(queryClient, { createEventSource: create, reconnectDelaysMs: [1000, 5000] });
    FakeEventSource.instances[0]!.open();
    FakeEventSource.instances[0]!.emit(
      'score.changed',
      { id: 41, type: 'score.changed', payload: {}, created_at: '2025-01-01T00:00:00.000Z' },
      '41',
    );
    FakeEventSource.instances[0]!.fail(true);
    expect(FakeEventSource.instances[0]!.closed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.instances[1]!.url).toBe('/api/events?last_event_id=41');
    FakeEventSource.instances[1]!.fail(true);
    vi.advanceTimersByTime(4999);
    expect(FakeEventSource.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.instances).toHaveLength(3);
    FakeEventSource.instances[2]!.open();
    expect(getStreamStatus()).toBe('open');
  });
});
