/** Small labels shared by the overview, tutors and tutor pages: flag types, severities, risk and direction. */
import { Badge, type BadgeTone } from '@/components/ui/badge';

export function formatFlagType(type: string): string {
  const text = type.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A 0–1 fraction as a percentage; `—` when there is no value. */
export function formatPercent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

const SEVERITY_TONES: Record<string, BadgeTone> = {
  low: 'neutral',
  medium: 'info',
  high: 'warning',
  critical: 'danger',
};

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <Badge tone={SEVERITY_TONES[severity] ?? 'neutral'}>
      {severity.charAt(0).toUpperCase() + severity.slice(1)}
    </Badge>
  );
}

export function RiskBadge({ isHighRisk }: { isHighRisk: boolean }) {
  return isHighRisk ? <Badge tone="danger">High risk</Badge> : <Badge tone="success">Low risk</Badge>;
}

const DIRECTION: Record<string, { tone: BadgeTone; label: string }> = {
  improving: { tone: 'success', label: '↑ Improving' },
  stable: { tone: 'neutral', label: '→ Stable' },
  declining: { tone: 'danger', label: '↓ Declining' },
};

export function DirectionBadge({ direction }: { direction: string | null | undefined }) {
  if (!direction) return <span className="text-slate-400">—</span>;
  const d = DIRECTION[direction] ?? { tone: 'neutral' as const, label: direction };
  return <Badge tone={d.tone}>{d.label}</Badge>;
}

const OUTCOME_TONES: Record<string, BadgeTone> = {
  improved: 'success',
  no_change: 'neutral',
  worsened: 'danger',
  pending: 'info',
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <Badge tone={OUTCOME_TONES[outcome] ?? 'neutral'}>{formatFlagType(outcome)}</Badge>;
}

export function StatusBadge({ status }: { status: string }) {
  const tone: BadgeTone = status === 'open' ? 'warning' : status === 'in_progress' ? 'info' : 'neutral';
  return <Badge tone={tone}>{formatFlagType(status)}</Badge>;
}

/** Score colour: the same thresholds everywhere a score is shown. */
export function scoreTone(score: number | null | undefined): string {
  if (score === null || score === undefined) return 'text-slate-400';
  if (score < 60) return 'text-red-700';
  if (score < 75) return 'text-amber-700';
  return 'text-emerald-700';
}
