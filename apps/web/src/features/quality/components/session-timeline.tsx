import type { TSession } from '@tutorpulse/contracts/quality';
import { formatDateTime } from '@/lib/format';

type Row = { label: string; start: string | null; end: string | null; color: string };

function minutesBetween(a: string, b: string): number {
  return Math.round((new Date(b).getTime() - new Date(a).getTime()) / 60_000);
}

/**
 * Scheduled time against when the tutor and the student were actually there. The bars are decorative; the
 * list below them says the same in words.
 */
export function SessionTimeline({ session }: { session: TSession }) {
  const rows: Row[] = [
    {
      label: 'Scheduled',
      start: session.session_start_time,
      end: session.session_end_time,
      color: 'bg-slate-400',
    },
    { label: 'Tutor', start: session.tutor_join_time, end: session.tutor_leave_time, color: 'bg-indigo-500' },
    {
      label: 'Student',
      start: session.student_join_time,
      end: session.student_leave_time,
      color: 'bg-emerald-500',
    },
  ];
  const times = rows
    .flatMap((r) => [r.start, r.end])
    .filter((t): t is string => Boolean(t))
    .map((t) => new Date(t).getTime());
  const min = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - min);
  const pct = (iso: string) => ((new Date(iso).getTime() - min) / span) * 100;
  const scheduled = session.session_start_time;

  return (
    <div className="space-y-4">
      <div aria-hidden="true" className="space-y-2">
        {rows.map((row) => (
          <div key={row.label} className="flex items-center gap-3">
            <span className="w-16 shrink-0 text-xs text-slate-600">{row.label}</span>
            <div className="relative h-3 flex-1 rounded bg-slate-100">
              {row.start && (
                <div
                  className={`absolute inset-y-0 rounded ${row.color}`}
                  style={{
                    left: `${pct(row.start)}%`,
                    width: `${Math.max(1, pct(row.end ?? row.start) - pct(row.start))}%`,
                  }}
                />
              )}
            </div>
          </div>
        ))}
      </div>
      <dl className="grid gap-2 text-sm sm:grid-cols-3">
        {rows.map((row) => (
          <div key={row.label}>
            <dt className="text-xs font-medium text-slate-500">{row.label}</dt>
            <dd className="text-slate-800">
              {row.start ? (
                <>
                  {formatDateTime(row.start)} → {row.end ? formatDateTime(row.end) : '—'}
                  {row.label !== 'Scheduled' && (
                    <span className="block text-xs text-slate-500">
                      {minutesBetween(scheduled, row.start) > 0
                        ? `joined ${minutesBetween(scheduled, row.start)} min late`
                        : 'joined on time'}
                      {row.end &&
                        minutesBetween(row.end, session.session_end_time) > 0 &&
                        ` · left ${minutesBetween(row.end, session.session_end_time)} min early`}
                    </span>
                  )}
                </>
              ) : (
                'Never joined'
              )}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
