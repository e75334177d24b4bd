import type { StreamStatus } from '@/lib/sse';
import { cn } from '@/lib/cn';

const LABELS: Record<StreamStatus, { text: string; title: string; dot: string }> = {
  open: { text: 'Live', title: 'Live updates are on', dot: 'bg-emerald-500' },
  connecting: { text: 'Connecting', title: 'Connecting to live updates', dot: 'bg-slate-400' },
  down: { text: 'Offline', title: 'Live updates are down: refreshing every 30 seconds', dot: 'bg-amber-500' },
};

export function StreamStatusIndicator({ status }: { status: StreamStatus }) {
  const label = LABELS[status];
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs font-medium text-slate-600"
      title={label.title}
      role="status"
    >
      <span aria-hidden="true" className={cn('size-2 rounded-full', label.dot)} />
      <span className="hidden sm:inline">{label.text}</span>
      <span className="sr-only">{label.title}</span>
    </span>
  );
}
