import type { FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/field';
import { withParams } from '@/lib/search-params';
import type { AuditLogParams } from '../api/get-audit-log';

const OUTCOME_OPTIONS = [
  { value: '', label: 'Any outcome' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
  { value: 'denied', label: 'Denied' },
];

/**
 * The filters are the URL: applying them writes `action`, `outcome` and `actor_id` to the search params
 * (and goes back to the first page), so a filtered view can be bookmarked, shared and navigated with Back.
 */
export function AuditLogFilters({ params }: { params: AuditLogParams }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const hasFilters = Boolean(params.action || params.outcome || params.actor_id);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    setSearchParams(
      withParams(searchParams, {
        action: value('action'),
        outcome: value('outcome'),
        actor_id: value('actor_id'),
        offset: null,
      }),
    );
  };

  const clear = () =>
    setSearchParams(withParams(searchParams, { action: null, outcome: null, actor_id: null, offset: null }));

  return (
    // Keyed by the applied filters so the inputs follow the URL when it changes (Back, Clear, a shared link).
    <form
      key={`${params.action ?? ''}|${params.outcome ?? ''}|${params.actor_id ?? ''}`}
      role="search"
      aria-label="Filter the audit log"
      onSubmit={onSubmit}
      className="grid gap-3 border-b border-slate-200 px-4 py-4 sm:grid-cols-2 sm:px-5 lg:grid-cols-[1fr_12rem_1fr_auto]"
    >
      <Input
        label="Action"
        name="action"
        defaultValue={params.action ?? ''}
        placeholder="e.g. auth.login"
        maxLength={100}
      />
      <Select
        label="Outcome"
        name="outcome"
        defaultValue={params.outcome ?? ''}
        options={OUTCOME_OPTIONS}
        // A choice in a list is a decision already: apply it at once.
        onChange={(event) => event.currentTarget.form?.requestSubmit()}
      />
      <Input
        label="Actor ID"
        name="actor_id"
        defaultValue={params.actor_id ?? ''}
        placeholder="User or API key id"
        maxLength={100}
      />
      <div className="flex items-end gap-2">
        <Button type="submit">Apply filters</Button>
        {hasFilters && (
          <Button variant="ghost" onClick={clear}>
            Clear
          </Button>
        )}
      </div>
    </form>
  );
}
