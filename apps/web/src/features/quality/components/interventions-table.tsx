import type { TInterventionListItem } from '@tutorpulse/contracts/quality-flags';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const formatDay = (iso: string | null, fallback = '—') => (iso ? shortDate.format(new Date(iso)) : fallback);
import { humanize } from './flag-badges';
import { OutcomeBadge } from './interventions-list';
import { InterventionsOutcomeDialog } from './interventions-outcome-dialog';

function formatValue(metric: string, value: number | null): string {
  if (value === null) return '—';
  return /rate/.test(metric) && Math.abs(value) <= 1 ? `${(value * 100).toFixed(1)}%` : value.toFixed(2);
}

function BeforeAfter({ item }: { item: TInterventionListItem }) {
  const comparisons = item.suggestion_basis?.comparisons ?? [];
  if (comparisons.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="space-y-0.5 text-xs">
      {comparisons.slice(0, 3).map((c) => (
        <li key={c.metric}>
          <span className="text-slate-500">{humanize(c.metric)}:</span> {formatValue(c.metric, c.before)} →{' '}
          {formatValue(c.metric, c.after)}{' '}
          <span
            className={
              c.verdict === 'better'
                ? 'text-emerald-700'
                : c.verdict === 'worse'
                  ? 'text-red-700'
                  : 'text-slate-500'
            }
          >
            ({humanize(c.verdict)})
          </span>
        </li>
      ))}
    </ul>
  );
}

function isDue(item: TInterventionListItem): boolean {
  return (
    !item.closed_at &&
    item.outcome === 'pending' &&
    !!item.follow_up_date &&
    new Date(item.follow_up_date) <= new Date()
  );
}

export function InterventionsTable({ items, canAct }: { items: TInterventionListItem[]; canAct: boolean }) {
  const [editing, setEditing] = useState<TInterventionListItem | null>(null);
  return (
    <>
      <Table caption="Interventions" aria-label="Interventions">
        <THead>
          <Tr>
            <Th>Tutor</Th>
            <Th>Intervention</Th>
            <Th>Follow-up</Th>
            <Th>Outcome</Th>
            <Th>Before → after</Th>
            {canAct && <Th>Actions</Th>}
          </Tr>
        </THead>
        <TBody>
          {items.map((item) => (
            <Tr key={item.id}>
              <Td className="whitespace-nowrap">{item.tutor_name ?? item.tutor_id}</Td>
              <Td className="min-w-48">
                <span className="font-medium text-slate-900">{humanize(item.intervention_type)}</span>
                <span className="text-xs text-slate-500"> · {formatDay(item.intervention_date)}</span>
                <p className="line-clamp-2 text-xs text-slate-600">{item.description}</p>
                {item.flag_id && (
                  <Link
                    to={`/quality/flags/${item.flag_id}`}
                    className="text-xs text-indigo-700 hover:underline"
                  >
                    {item.flag_type ? humanize(item.flag_type) : 'Flag'}
                  </Link>
                )}
              </Td>
              <Td className="whitespace-nowrap">
                {formatDay(item.follow_up_date, 'None')}
                {isDue(item) && <span className="block text-xs font-medium text-amber-700">Due</span>}
              </Td>
              <Td>
                <OutcomeBadge outcome={item.outcome} />
                {item.closed_at && <span className="block text-xs text-slate-500">Closed</span>}
              </Td>
              <Td>
                <BeforeAfter item={item} />
              </Td>
              {canAct && (
                <Td>
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => setEditing(item)}
                    aria-label={`Set outcome for ${item.tutor_name ?? item.tutor_id}`}
                  >
                    Set outcome
                  </Button>
                </Td>
              )}
            </Tr>
          ))}
        </TBody>
      </Table>
      {editing && <InterventionsOutcomeDialog intervention={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
