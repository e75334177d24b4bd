import type { TTutorListItem } from '@tutorpulse/contracts/quality-tutors';
import { Link, useSearchParams } from 'react-router';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';
import { withParams } from '@/lib/search-params';
import type { TutorSort, TutorsParams } from '../api/get-tutors';
import { DirectionBadge, formatPercent, RiskBadge, scoreTone, SeverityBadge } from './tutor-badges';

/** The API's default order per sort key (seed: weakest score first, busiest first, riskiest first). */
const DEFAULT_ORDER: Record<TutorSort, 'asc' | 'desc'> = {
  score: 'asc',
  name: 'asc',
  session_count: 'desc',
  risk: 'desc',
};

function SortHeader({
  label,
  sort,
  params,
  className,
}: {
  label: string;
  sort: TutorSort;
  params: TutorsParams;
  className?: string;
}) {
  const [searchParams, setSearchParams] = useSearchParams();
  const activeSort = params.sort_by ?? 'score';
  const isActive = activeSort === sort;
  const order = params.sort_order ?? DEFAULT_ORDER[activeSort];
  const nextOrder = isActive ? (order === 'asc' ? 'desc' : 'asc') : DEFAULT_ORDER[sort];
  return (
    <Th aria-sort={isActive ? (order === 'asc' ? 'ascending' : 'descending') : 'none'} className={className}>
      <button
        type="button"
        className="relative inline-flex items-center gap-1 uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
        onClick={() =>
          setSearchParams(
            withParams(searchParams, {
              sort_by: sort === 'score' ? null : sort,
              sort_order: nextOrder === DEFAULT_ORDER[sort] ? null : nextOrder,
              offset: null,
            }),
          )
        }
      >
        {label}
        <span aria-hidden="true" className={cn(!isActive && 'text-slate-300')}>
          {isActive ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
        <span className="sr-only">
          {isActive ? `, sorted ${order === 'asc' ? 'ascending' : 'descending'}` : ', sort'}
        </span>
      </button>
    </Th>
  );
}

export function TutorsTable({ tutors, params }: { tutors: TTutorListItem[]; params: TutorsParams }) {
  const windowDays = params.window ?? 30;
  return (
    <Table caption={`Tutors, ${windowDays}-day scores`}>
      <THead>
        <Tr>
          <SortHeader label="Tutor" sort="name" params={params} />
          <Th>Subject</Th>
          <SortHeader label="Score" sort="score" params={params} className="text-right" />
          <SortHeader label="Sessions" sort="session_count" params={params} className="text-right" />
          <Th className="text-right">Open flags</Th>
          <SortHeader label="Risk" sort="risk" params={params} />
          <Th>Direction</Th>
          <Th className="text-right">Churn 30d</Th>
        </Tr>
      </THead>
      <TBody>
        {tutors.map((tutor) => (
          <Tr key={tutor.tutor_id}>
            <Td className="whitespace-nowrap">
              <Link
                to={`/quality/tutors/${encodeURIComponent(tutor.tutor_id)}`}
                className="font-medium text-indigo-700 hover:underline"
              >
                {tutor.name}
              </Link>
              {!tutor.is_active && <span className="ml-2 text-xs text-slate-500">(inactive)</span>}
            </Td>
            <Td className="whitespace-nowrap">{tutor.main_subject?.name ?? '—'}</Td>
            <Td className={cn('text-right font-semibold tabular-nums', scoreTone(tutor.overall_score))}>
              {tutor.overall_score ?? '—'}
            </Td>
            <Td className="text-right tabular-nums">{formatNumber(tutor.total_sessions)}</Td>
            <Td className="text-right whitespace-nowrap tabular-nums">
              {tutor.open_flags > 0 ? (
                <span className="inline-flex items-center gap-2">
                  {tutor.max_open_severity && <SeverityBadge severity={tutor.max_open_severity} />}
                  {formatNumber(tutor.open_flags)}
                </span>
              ) : (
                <span className="text-slate-400">0</span>
              )}
            </Td>
            <Td>
              <RiskBadge isHighRisk={tutor.is_high_risk} />
            </Td>
            <Td>
              <DirectionBadge direction={tutor.direction} />
            </Td>
            <Td className="text-right tabular-nums">{formatPercent(tutor.churn_risk_30d)}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
