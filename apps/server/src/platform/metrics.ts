/**
 * Prometheus metrics served at /metrics: HTTP latency, job outcomes and durations, queue depth, open SSE
 * streams and the process defaults. Each call builds its own Registry (never prom-client's global one), so
 * tests can build several apps in one process without "metric already registered" errors.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue, QueueCounts } from './queue/port';

/** Only what metrics needs, so a queue typed with any job registry fits. */
export type ObservableQueue = Pick<JobQueue, 'onEvent' | 'counts'>;

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const satisfies ReadonlyArray<
  keyof QueueCounts
>;

// Seconds, as Prometheus expects: from a cached read (5 ms) to a slow report or LLM-backed call (10 s).
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Jobs range from rule checks (milliseconds) to AI analysis and nightly rollups (minutes).
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });

  const jobsTotal = new Counter({
    name: 'tutorpulse_jobs_total',
    // Per attempt: a job that fails twice then succeeds counts failed=2, completed=1, so retries are visible.
    help: 'Job attempts finished, by job name and outcome (completed or failed)',
    labelNames: ['name', 'outcome'] as const,
    registers: [registry],
  });

  const jobDuration = new Histogram({
    name: 'tutorpulse_job_duration_seconds',
    help: 'Job attempt duration in seconds, by job name',
    labelNames: ['name'] as const,
    buckets: JOB_BUCKETS,
    registers: [registry],
  });

  const observed = new Set<ObservableQueue>();

  const queueDepth = new Gauge({
    name: 'tutorpulse_queue_jobs',
    help: 'Jobs in the queue by state, read from the observed queue at scrape time',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      if (observed.size === 0) {
        this.reset(); // no stale depth from a queue that is no longer observed
        return;
      }
      const totals: QueueCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
      try {
        for (const queue of observed) {
          const counts = await queue.counts();
          for (const state of QUEUE_STATES) totals[state] += counts[state];
        }
      } catch {
        // Redis being down must not turn the whole scrape into a 500 (health and the other metrics still
        // matter then); the gauge keeps its last values and /health reports the outage.
        return;
      }
      for (const state of QUEUE_STATES) this.set({ state }, totals[state]);
    },
  });

  const sseConnections = new Gauge({
    name: 'tutorpulse_sse_connections',
    help: 'Server-Sent Events streams currently open in this process',
    registers: [registry],
  });

  /** Counts the queue's job events and reports its depth; returns a function that stops both. */
  function observeQueue(queue: ObservableQueue): () => void {
    observed.add(queue);
    const stopListening = queue.onEvent((event) => {
      jobsTotal.inc({ name: event.name, outcome: event.type });
      jobDuration.observe({ name: event.name }, event.durationMs / 1000);
    });
    return () => {
      stopListening();
      observed.delete(queue);
    };
  }

  return { registry, httpDuration, jobsTotal, jobDuration, queueDepth, sseConnections, observeQueue };
}

export type Metrics = ReturnType<typeof createMetrics>;
