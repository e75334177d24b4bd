/** Metrics against a fake JobQueue: job events and queue depth must show up in the Prometheus text output. */
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';
import type { JobEvent, JobQueue, QueueCounts } from './queue/port';

/** A plain object satisfying the port: only onEvent and counts do anything. */
function createFakeQueue(initial: QueueCounts) {
  const listeners = new Set<(event: JobEvent) => void>();
  let counts: QueueCounts | Error = initial;
  const unused = () => Promise.reject(new Error('not used by metrics'));
  const queue: JobQueue = {
    kind: 'memory',
    add: unused,
    addBulk: unused,
    work: unused,
    schedule: unused,
    unschedule: unused,
    listFailed: unused,
    retryFailed: unused,
    counts: async () => {
      if (counts instanceof Error) throw counts;
      return counts;
    },
    ping: async () => undefined,
    onReady: () => () => undefined,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenIdle: async () => undefined,
    close: async () => undefined,
  };
  return {
    queue,
    emit: (event: JobEvent) => listeners.forEach((listener) => listener(event)),
    setCounts: (next: QueueCounts | Error) => {
      counts = next;
    },
    listenerCount: () => listeners.size,
  };
}

const someCounts: QueueCounts = { waiting: 4, active: 2, delayed: 1, failed: 3, completed: 40 };

describe('createMetrics', () => {
  it('counts job outcomes and durations from the observed queue', async () => {
    const metrics = createMetrics();
    const fake = createFakeQueue(someCounts);
    metrics.observeQueue(fake.queue);

    fake.emit({ type: 'completed', id: '1', name: 'quality.tier1', durationMs: 120, attempt: 1 });
    fake.emit({ type: 'completed', id: '2', name: 'quality.tier1', durationMs: 80, attempt: 1 });
    fake.emit({
      type: 'failed',
      id: '3',
      name: 'quality.tier2',
      durationMs: 2_000,
      attempt: 1,
      error: 'timeout',
      final: false,
    });

    const text = await metrics.registry.metrics();
    expect(text).toContain('tutorpulse_jobs_total{name="quality.tier1",outcome="completed"} 2');
    expect(text).toContain('tutorpulse_jobs_total{name="quality.tier2",outcome="failed"} 1');
    expect(text).toContain('tutorpulse_job_duration_seconds_count{name="quality.tier1"} 2');
    expect(text).toMatch(/tutorpulse_job_duration_seconds_sum\{name="quality.tier1"\} 0\.2\b/);
    expect(text).toContain('tutorpulse_job_duration_seconds_bucket{le="2.5",name="quality.tier2"} 1');
  });

  it('reads queue depth by state at scrape time', async () => {
    const metrics = createMetrics();
    const fake = createFakeQueue(someCounts);
    metrics.observeQueue(fake.queue);

    let text = await metrics.registry.metrics();
    expect(text).toContain('tutorpulse_queue_jobs{state="waiting"} 4');
    expect(text).toContain('tutorpulse_queue_jobs{state="active"} 2');
    expect(text).toContain('tutorpulse_queue_jobs{state="delayed"} 1');
    expect(text).toContain('tutorpulse_queue_jobs{state="failed"} 3');
    expect(text).toContain('tutorpulse_queue_jobs{state="completed"} 40');

    fake.setCounts({ ...someCounts, waiting: 9 });
    text = await metrics.registry.metrics();
    expect(text).toContain('tutorpulse_queue_jobs{state="waiting"} 9');
  });

  it('still answers a scrape when the queue cannot be counted, keeping the last depth', async () => {
    const metrics = createMetrics();
    const fake = createFakeQueue(someCounts);
    metrics.observeQueue(fake.queue);
    await metrics.registry.metrics();

    fake.setCounts(new Error('redis down'));
    const text = await metrics.registry.metrics();
    expect(text).toContain('tutorpulse_queue_jobs{state="waiting"} 4');
  });

  it('stops counting and reporting depth after unsubscribe', async () => {
    const metrics = createMetrics();
    const fake = createFakeQueue(someCounts);
    const stop = metrics.observeQueue(fake.queue);
    await metrics.registry.metrics();

    stop();
    expect(fake.listenerCount()).toBe(0);
    fake.emit({ type: 'completed', id: '1', name: 'quality.tier1', durationMs: 5, attempt: 1 });
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('tutorpulse_jobs_total{name="quality.tier1"');
    expect(text).not.toMatch(/tutorpulse_queue_jobs\{state=/);
  });

  it('exposes HTTP, SSE and default process metrics, one registry per call', async () => {
    const a = createMetrics();
    const b = createMetrics(); // a second app in the same process must not collide with the first
    a.httpDuration.observe({ method: 'GET', route: '/api/tutors/:id', status_code: '200' }, 0.042);
    a.sseConnections.inc();
    a.sseConnections.inc();
    a.sseConnections.dec();

    const text = await a.registry.metrics();
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.05",method="GET",route="/api/tutors/:id",status_code="200"} 1',
    );
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.005"');
    expect(text).toContain('http_request_duration_seconds_bucket{le="10"');
    expect(text).toContain('tutorpulse_sse_connections 1');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(await b.registry.metrics()).not.toContain('route="/api/tutors/:id"');
  });
});
