import type { TScoreWindows } from '@tutorpulse/contracts/quality-tutors';
import { Card, CardHeader } from '@/components/ui/card';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatPercent } from './tutor-badges';

type Score = NonNullable<TScoreWindows['last_30d']>;
const ROWS: Array<{ label: string; value: (s: Score) => string }> = [
  { label: 'Score', value: (s) => (s.overall_score === null ? '—' : String(s.overall_score)) },
  { label: 'Confidence', value: (s) => formatPercent(s.confidence) },
  { label: 'Sessions', value: (s) => String(s.total_sessions) },
  { label: 'No-show rate', value: (s) => formatPercent(s.no_show_rate, 1) },
  { label: 'Late rate', value: (s) => formatPercent(s.late_rate, 1) },
  { label: 'Ended early rate', value: (s) => formatPercent(s.early_end_rate, 1) },
  { label: 'Tutor reschedule rate', value: (s) => formatPercent(s.tutor_reschedule_rate, 1) },
  {
    label: 'Average rating',
    value: (s) => (s.avg_student_rating === null ? '—' : s.avg_student_rating.toFixed(2)),
  },
  { label: 'Poor first sessions', value: (s) => `${s.poor_first_sessions} of ${s.first_sessions}` },
];

export function TutorWindowsTable({ windows }: { windows: TScoreWindows }) {
  const cols = [
    { label: '7 days', score: windows.last_7d },
    { label: '30 days', score: windows.last_30d },
    { label: '90 days', score: windows.last_90d },
  ];
  return (
    <Card aria-labelledby="windows-title">
      <CardHeader titleId="windows-title" title="Metrics by window" />
      <Table caption="Metrics over the last 7, 30 and 90 days">
        <THead>
          <Tr>
            <Th>Metric</Th>
            {cols.map((c) => (
              <Th key={c.label} className="text-right">
                {c.label}
              </Th>
            ))}
          </Tr>
        </THead>
        <TBody>
          {ROWS.map((row) => (
            <Tr key={row.label}>
              <Th scope="row" className="font-medium normal-case tracking-normal text-slate-700">
                {row.label}
              </Th>
              {cols.map((c) => (
                <Td key={c.label} className="text-right tabular-nums">
                  {c.score ? row.value(c.score) : '—'}
                </Td>
              ))}
            </Tr>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}
