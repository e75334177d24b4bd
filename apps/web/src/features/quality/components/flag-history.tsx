import type { TFlagEvent } from '@tutorpulse/contracts/quality';
import { formatDateTime } from '@/lib/format';
import { humanize } from './flag-badges';

/** What happened to the flag, oldest first. */
export function FlagHistory({ events }: { events: TFlagEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-500">No history yet.</p>;
  return (
    <ol className="space-y-3 border-l border-slate-200 pl-4">
      {events.map((event) => (
        <li key={event.id} className="relative">
          <span
            aria-hidden="true"
            className="absolute top-1.5 -left-[21px] size-2.5 rounded-full bg-indigo-500"
          />
          <p className="text-sm font-medium text-slate-900">
            {humanize(event.action)}
            {event.actor_label && <span className="font-normal text-slate-600"> by {event.actor_label}</span>}
          </p>
          <time dateTime={event.at} className="text-xs text-slate-500">
            {formatDateTime(event.at)}
          </time>
          {event.details && typeof event.details.notes === 'string' && (
            <p className="mt-0.5 text-sm text-slate-700">{event.details.notes}</p>
          )}
        </li>
      ))}
    </ol>
  );
}
