import type { FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/field';
import { withParams } from '@/lib/search-params';
import { TUTOR_FILTER_KEYS, type TutorsParams } from '../api/get-tutors';

const RISK_OPTIONS = [
  { value: '', label: 'Any risk' },
  { value: 'high_risk', label: 'High risk' },
  { value: 'low_risk', label: 'Low risk' },
];
const FLAG_OPTIONS = [
  { value: '', label: 'Any' },
  { value: 'true', label: 'With open flags' },
  { value: 'false', label: 'Without open flags' },
];
const WINDOW_OPTIONS = [
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
];

/** Filter keys only (sorting is kept when filters change or clear). */
const FILTER_ONLY = [
  'window',
  'min_score',
  'max_score',
  'has_flags',
  'risk_status',
  'subject',
  'search',
] as const;

export function hasTutorFilters(params: TutorsParams): boolean {
  return FILTER_ONLY.some((key) => key !== 'window' && params[key] !== undefined);
}

/**
 * The filters are the URL: applying them writes them to the search params and goes back to the first page,
 * so a filtered, sorted, paged view can be bookmarked and shared.
 */
export function TutorsFilters({ params }: { params: TutorsParams }) {
  const [searchParams, setSearchParams] = useSearchParams();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const window = value('window');
    setSearchParams(
      withParams(searchParams, {
        search: value('search'),
        subject: value('subject'),
        risk_status: value('risk_status'),
        has_flags: value('has_flags'),
        window: window === '30' ? null : window,
        min_score: value('min_score'),
        max_score: value('max_score'),
        offset: null,
      }),
    );
  };

  const clear = () =>
    setSearchParams(
      withParams(searchParams, Object.fromEntries([...FILTER_ONLY, 'offset'].map((k) => [k, null]))),
    );

  const key = TUTOR_FILTER_KEYS.map((k) => String(params[k] ?? '')).join('|');
  const applyNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();

  return (
    <form
      key={key}
      role="search"
      aria-label="Filter tutors"
      onSubmit={onSubmit}
      className="grid grid-cols-2 gap-3 border-b border-slate-200 px-4 py-4 sm:px-5 lg:grid-cols-4"
    >
      <Input
        label="Search"
        name="search"
        type="search"
        defaultValue={params.search ?? ''}
        placeholder="Name or tutor id"
        maxLength={100}
        containerClassName="col-span-2"
      />
      <Input
        label="Subject"
        name="subject"
        defaultValue={params.subject ?? ''}
        placeholder="e.g. algebra"
        maxLength={100}
      />
      <Select
        label="Risk"
        name="risk_status"
        defaultValue={params.risk_status ?? ''}
        options={RISK_OPTIONS}
        onChange={applyNow}
      />
      <Select
        label="Open flags"
        name="has_flags"
        defaultValue={params.has_flags ?? ''}
        options={FLAG_OPTIONS}
        onChange={applyNow}
      />
      <Select
        label="Score window"
        name="window"
        defaultValue={String(params.window ?? 30)}
        options={WINDOW_OPTIONS}
        onChange={applyNow}
      />
      <Input
        label="Min score"
        name="min_score"
        type="number"
        min={0}
        max={100}
        inputMode="numeric"
        defaultValue={params.min_score ?? ''}
      />
      <Input
        label="Max score"
        name="max_score"
        type="number"
        min={0}
        max={100}
        inputMode="numeric"
        defaultValue={params.max_score ?? ''}
      />
      <div className="col-span-2 flex gap-2 lg:col-span-4">
        <Button type="submit">Apply filters</Button>
        {hasTutorFilters(params) && (
          <Button variant="ghost" onClick={clear}>
            Clear
          </Button>
        )}
      </div>
    </form>
  );
}
