import { FLAG_TYPES, SEVERITIES } from '@tutorpulse/contracts/quality-values';
import type { FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/field';
import { withParams } from '@/lib/search-params';
import { DEFAULT_FLAG_STATUS, type FlagsParams } from '../api/get-flags';
import { humanize } from './flag-badges';

const STATUS_OPTIONS = [
  { value: DEFAULT_FLAG_STATUS, label: 'Open & in progress' },
  { value: 'open', label: 'Open' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'dismissed', label: 'Dismissed' },
  { value: 'all', label: 'Any status' },
];
const SEVERITY_OPTIONS = [
  { value: '', label: 'Any severity' },
  ...[...SEVERITIES].reverse().map((s) => ({ value: s, label: humanize(s) })),
];
const TYPE_OPTIONS = [
  { value: '', label: 'Any type' },
  ...FLAG_TYPES.map((t) => ({ value: t, label: humanize(t) })),
];

const CLEARED = { status: null, severity: null, type: null, tutor_id: null, offset: null, cursor: null };

/** The filters are the URL (status, severity, type, tutor_id); changing one goes back to the first page. */
export function FlagsFilters({ params }: { params: FlagsParams }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const status = params.status ?? 'all';
  const hasFilters =
    status !== DEFAULT_FLAG_STATUS || Boolean(params.severity || params.type || params.tutor_id);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const nextStatus = value('status');
    setSearchParams(
      withParams(searchParams, {
        status: nextStatus === DEFAULT_FLAG_STATUS ? null : nextStatus,
        severity: value('severity'),
        type: value('type'),
        tutor_id: value('tutor_id'),
        offset: null,
        cursor: null,
      }),
    );
  };
  const applyNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();

  return (
    <form
      key={`${status}|${params.severity ?? ''}|${params.type ?? ''}|${params.tutor_id ?? ''}`}
      role="search"
      aria-label="Filter flags"
      onSubmit={onSubmit}
      className="grid gap-3 border-b border-slate-200 px-4 py-4 sm:grid-cols-2 sm:px-5 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto]"
    >
      <Select
        label="Status"
        name="status"
        defaultValue={status}
        options={STATUS_OPTIONS}
        onChange={applyNow}
      />
      <Select
        label="Severity"
        name="severity"
        defaultValue={params.severity ?? ''}
        options={SEVERITY_OPTIONS}
        onChange={applyNow}
      />
      <Select
        label="Type"
        name="type"
        defaultValue={params.type ?? ''}
        options={TYPE_OPTIONS}
        onChange={applyNow}
      />
      <Input
        label="Tutor ID"
        name="tutor_id"
        defaultValue={params.tutor_id ?? ''}
        placeholder="e.g. T-0001"
        maxLength={255}
      />
      <div className="flex items-end gap-2">
        <Button type="submit">Apply</Button>
        {hasFilters && (
          <Button variant="ghost" onClick={() => setSearchParams(withParams(searchParams, CLEARED))}>
            Clear
          </Button>
        )}
      </div>
    </form>
  );
}
