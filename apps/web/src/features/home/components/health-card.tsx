import type { THealth } from '@tutorpulse/contracts/common';
import { useEffect, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { Sparkline } from '@/components/ui/sparkline';
import { formatDuration } from '@/lib/format';
import { useHealth } from '../api/get-health';

type Sample = { database: number; queue: number };
const MAX_SAMPLES = 20;
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const LATENCY_SERIES = [
  { key: 'database', label: 'Database', color: '#4f46e5' },
  { key: 'queue', label: 'Job queue', color: '#0d9488' },
] as const;
const formatMs = (ms: number) => `${ms} ms`;

function CheckRow({ name, check }: { name: string; check: THealth['checks']['database'] }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-slate-50 px-3 py-2.5 ring-1 ring-slate-200 ring-inset">
      <div className="min-w-0">
        <dt className="text-sm font-medium text-slate-900">{name}</dt>
        <dd className="text-xs text-slate-600">
          {check.kind} · {Math.round(check.latency_ms * 10) / 10} ms
          {check.error && <span className="block text-red-700">{check.error}</span>}
        </dd>
      </div>
      <dd>
        <Badge tone={check.ok ? 'success' : 'danger'}>{check.ok ? 'OK' : 'Down'}</Badge>
      </dd>
    </div>
  );
}

function HealthSkeleton() {
  return (
    <div role="status" aria-busy="true" className="space-y-3">
      <span className="sr-only">Loading system health…</span>
      <Skeleton className="h-12 w-full" />
      <Skeleton className="h-12 w-full" />
      <div className="grid grid-cols-3 gap-3">
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
      </div>
    </div>
  );
}

export function HealthCard({ showLatencyChart }: { showLatencyChart: boolean }) {
  const health = useHealth();
  const [samples, setSamples] = useState<Sample[]>([]);
  const { data, dataUpdatedAt } = health;

  // Every refresh adds a latency sample: a short, real history of this visit.
  useEffect(() => {
    if (!data || !showLatencyChart) return;
    const sample = {
      database: Math.round(data.checks.database.latency_ms * 10) / 10,
      queue: Math.round(data.checks.queue.latency_ms * 10) / 10,
    };
    setSamples((previous) => [...previous, sample].slice(-MAX_SAMPLES));
  }, [data, dataUpdatedAt, showLatencyChart]);

  return (
    <Card aria-labelledby="health-title" aria-busy={health.isPending}>
      <CardHeader
        title="System health"
        titleId="health-title"
        description={
          data
            ? `Refreshed ${timeFormat.format(dataUpdatedAt)} · every 30 seconds`
            : 'Database, job queue and server'
        }
        actions={
          data && (
            <Badge tone={data.status === 'ok' ? 'success' : 'warning'}>
              {data.status === 'ok' ? 'All systems OK' : 'Degraded'}
            </Badge>
          )
        }
      />
      <CardBody>
        {health.isPending ? (
          <HealthSkeleton />
        ) : health.isError && !data ? (
          <ErrorState
            title="Couldn't load system health"
            error={health.error}
            onRetry={() => void health.refetch()}
            isRetrying={health.isFetching}
          />
        ) : data ? (
          <div className="space-y-5">
            <dl className="grid gap-3 sm:grid-cols-2">
              <CheckRow name="Database" check={data.checks.database} />
              <CheckRow name="Job queue" check={data.checks.queue} />
            </dl>
            <dl className="grid grid-cols-3 gap-3 text-sm">
              <div>
                <dt className="text-slate-500">Version</dt>
                <dd className="font-medium break-all text-slate-900">{data.version}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Mode</dt>
                <dd className="font-medium text-slate-900">
                  {data.mode === 'embedded' ? 'Embedded' : 'Scaled'}
                </dd>
              </div>
              <div>
                <dt className="text-slate-500">Uptime</dt>
                <dd className="font-medium text-slate-900">{formatDuration(data.uptime_s)}</dd>
              </div>
            </dl>
            {showLatencyChart && (
              <div>
                <h3 className="mb-2 text-sm font-medium text-slate-800">Check latency during this visit</h3>
                <ul className="grid gap-3 sm:grid-cols-2">
                  {LATENCY_SERIES.map(({ key, label, color }) => (
                    <li key={key} className="rounded-md px-3 py-2.5 ring-1 ring-slate-200 ring-inset">
                      <p className="flex items-baseline justify-between gap-2 text-sm">
                        <span className="text-slate-600">{label}</span>
                        <span className="font-medium text-slate-900 tabular-nums">
                          {samples.length ? formatMs(samples.at(-1)![key]) : '—'}
                        </span>
                      </p>
                      <Sparkline
                        className="mt-2"
                        label={`${label} check latency, each refresh during this visit`}
                        values={samples.map((s) => s[key])}
                        format={formatMs}
                        min={0}
                        color={color}
                        area
                      />
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
