import type { TFlag } from '@tutorpulse/contracts/quality';
import type { TRole } from '@tutorpulse/contracts/identity';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const SEVERITY_TONES: Record<TFlag['severity'], BadgeTone> = {
  critical: 'danger',
  high: 'warning',
  medium: 'info',
  low: 'neutral',
};

const STATUS_TONES: Record<TFlag['status'], BadgeTone> = {
  open: 'warning',
  in_progress: 'info',
  resolved: 'success',
  dismissed: 'neutral',
};

/** `tutor_no_show` → "Tutor no show". */
export function humanize(value: string): string {
  const text = value.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function SeverityBadge({ severity }: { severity: TFlag['severity'] }) {
  return <Badge tone={SEVERITY_TONES[severity]}>{humanize(severity)}</Badge>;
}

export function FlagStatusBadge({ status }: { status: TFlag['status'] }) {
  return <Badge tone={STATUS_TONES[status]}>{humanize(status)}</Badge>;
}

/** Coaches and admins act on flags and interventions; viewers only look (the API refuses them anyway). */
export function canActOnFlags(role: TRole): boolean {
  return role === 'coach' || role === 'admin';
}

export function isFlagOpen(flag: Pick<TFlag, 'status'>): boolean {
  return flag.status === 'open' || flag.status === 'in_progress';
}
