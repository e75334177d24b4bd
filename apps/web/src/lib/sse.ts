/**
 * Real time: ONE `EventSource('/api/events')` for the whole app. Each event invalidates the TanStack Query
 * caches listed for its type in INVALIDATIONS; while the stream is down, every query polls every 30 s
 * (the QueryClient's default `refetchInterval` reads the shared status through `pollWhileStreamDown`).
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { EVENT_TYPES, TEventMessage } from '@tutorpulse/contracts/events';
import { useEffect, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';

export type StreamStatus = 'connecting' | 'open' | 'down';
type KnownEventType = (typeof EVENT_TYPES)[number];

/**
 * Event type → query-key prefixes to invalidate. Query keys start with the resource name
 * (`['flags', 'list', params]`), so a prefix reaches every list and detail of that resource.
 * `satisfies` makes adding an event type to the contracts fail to compile until it is mapped here.
 */
export const INVALIDATIONS = {
  'session.received': [['sessions']],
  'session.processed': [['sessions'], ['tutors'], ['analytics'], ['dashboard']],
  'flag.raised': [['flags'], ['tutors'], ['analytics'], ['dashboard']],
  'flag.updated': [['flags'], ['sessions'], ['interventions'], ['tutors'], ['dashboard']],
  'score.changed': [['tutors'], ['dashboard']],
  'intervention.changed': [['interventions'], ['flags'], ['tutors'], ['dashboard']],
  'analytics.updated': [['analytics'], ['customers'], ['forecasts'], ['tutors'], ['dashboard']],
  forecast_updated: [['forecasts'], ['dashboard']],
  // Operations (the dashboard pages come with their own issue; the keys are the resources they will use).
  alert_created: [['alerts'], ['operations']],
  alert_updated: [['alerts'], ['operations']],
  recommendation_created: [['recommendations'], ['operations']],
  recommendation_updated: [['recommendations'], ['operations']],
  'system.test': [['health']],
  customer_health_updated: [['customers'], ['dashboard']],
} as const satisfies Record<KnownEventType, readonly QueryKey[]>;

export function getInvalidations(type: string): readonly QueryKey[] {
  return (INVALIDATIONS as Record<string, readonly QueryKey[]>)[type] ?? [];
}

export const POLL_INTERVAL_MS = 30_000;

// ---- shared status -------------------------------------------------------------------------------------
let status: StreamStatus = 'connecting';
const statusListeners = new Set<() => void>();

export function getStreamStatus(): StreamStatus {
  return status;
}
export function subscribeToStreamStatus(listener: () => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}
function setStatus(next: StreamStatus): void {
  if (next === status) return;
  status = next;
  for (const listener of statusListeners) listener();
}

/** The QueryClient's default `refetchInterval`: poll only when the live stream cannot tell us about changes. */
export function pollWhileStreamDown(): number | false {
  return status === 'down' ? POLL_INTERVAL_MS : false;
}

// ---- event subscribers (for toasts and the like, beyond cache invalidation) -----------------------------
type EventListener = (message: TEventMessage) => void;
const eventListeners = new Set<EventListener>();
export function subscribeToEvents(listener: EventListener): () => void {
  eventListeners.add(listener);
  return () => eventListeners.delete(listener);
}

// ---- the connection -------------------------------------------------------------------------------------
export type ConnectOptions = {
  url?: string;
  /**
   * How long an error may last before we call the stream down. The browser reconnects a dropped stream by
   * itself after the server's `retry:` (5 s), so a blip shorter than this never switches polling on.
   */
  downAfterMs?: number;
  /** Backoff for re-creating a stream the browser gave up on (non-200 answer, wrong content type). */
  reconnectDelaysMs?: readonly number[];
  createEventSource?: (url: string) => EventSource;
};

type Connection = { refs: number; close: () => void };
let connection: Connection | null = null;

function openStream(queryClient: QueryClient, options: ConnectOptions): () => void {
  const url = options.url ?? '/api/events';
  const downAfterMs = options.downAfterMs ?? 7_000;
  const delays = options.reconnectDelaysMs ?? [2_000, 5_000, 10_000, 30_000];
  const create = options.createEventSource ?? ((u: string) => new EventSource(u));

  let source: EventSource | null = null;
  let downTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let closed = false;
  // The browser resends Last-Event-ID on its own reconnects; a stream we re-create ourselves asks for the
  // same replay through the query string, so nothing is missed across the gap.
  let lastEventId = '';

  // Invalidating refetches what may have changed unseen, and makes every observer re-read its interval
  // (on with `down`, off with `open`), which is what switches polling on and off.
  const markDown = () => {
    if (status === 'down') return;
    setStatus('down');
    void queryClient.invalidateQueries();
  };

  const handleMessage = (event: MessageEvent<string>) => {
    if (event.lastEventId) lastEventId = event.lastEventId;
    let message: TEventMessage | null = null;
    try {
      message = JSON.parse(event.data) as TEventMessage;
    } catch {
      return;
    }
    const type = event.type !== 'message' ? event.type : message?.type;
    if (!type) return;
    for (const queryKey of getInvalidations(type)) void queryClient.invalidateQueries({ queryKey });
    if (message) for (const listener of eventListeners) listener({ ...message, type });
  };

  const connect = () => {
    if (closed) return;
    const es = create(
      lastEventId
        ? `${url}${url.includes('?') ? '&' : '?'}last_event_id=${encodeURIComponent(lastEventId)}`
        : url,
    );
    source = es;
    es.onopen = () => {
      clearTimeout(downTimer);
      attempts = 0;
      const wasDown = status === 'down';
      setStatus('open');
      if (wasDown) void queryClient.invalidateQueries();
    };
    es.onerror = () => {
      clearTimeout(downTimer);
      downTimer = setTimeout(markDown, downAfterMs);
      if (es.readyState === EventSource.CLOSED) {
        // The browser will not retry (e.g. a 401 or a 5xx page): try again ourselves with backoff.
        es.close();
        const delay = delays[Math.min(attempts, delays.length - 1)] ?? 30_000;
        attempts += 1;
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(connect, delay);
      }
    };
    es.addEventListener('message', handleMessage);
    for (const type of Object.keys(INVALIDATIONS))
      es.addEventListener(type, handleMessage as (e: Event) => void);
  };

  connect();
  return () => {
    closed = true;
    clearTimeout(downTimer);
    clearTimeout(reconnectTimer);
    source?.close();
    source = null;
    setStatus('connecting');
  };
}

/** Opens the stream unless it is already open; returns a release function (the last release closes it). */
export function connectEventStream(queryClient: QueryClient, options: ConnectOptions = {}): () => void {
  if (connection) {
    connection.refs += 1;
  } else {
    connection = { refs: 1, close: openStream(queryClient, options) };
  }
  let released = false;
  return () => {
    if (released || !connection) return;
    released = true;
    connection.refs -= 1;
    if (connection.refs === 0) {
      connection.close();
      connection = null;
    }
  };
}

export function useStreamStatus(): StreamStatus {
  return useSyncExternalStore(subscribeToStreamStatus, getStreamStatus, getStreamStatus);
}

/** Mount once, in the signed-in layout. */
export function useEventStream(options?: ConnectOptions): StreamStatus {
  const queryClient = useQueryClient();
  useEffect(() => connectEventStream(queryClient, options), [queryClient, options]);
  return useStreamStatus();
}
