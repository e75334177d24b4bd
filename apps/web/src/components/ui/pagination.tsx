import { Link, useLocation, useSearchParams } from 'react-router';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';
import { withParams } from '@/lib/search-params';
import { buttonClasses } from './button';

/** Previous / next links that rewrite `offset` in the URL, keeping every other filter as it is. */
export function Pagination({
  total,
  limit,
  offset,
  label = 'Pagination',
}: {
  total: number;
  limit: number;
  offset: number;
  label?: string;
}) {
  const [searchParams] = useSearchParams();
  const { pathname } = useLocation();
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  const hasPrevious = offset > 0;
  const hasNext = offset + limit < total;
  const href = (nextOffset: number) => {
    const qs = withParams(searchParams, { offset: nextOffset }).toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };
  const disabled = 'pointer-events-none opacity-50';

  return (
    <nav
      aria-label={label}
      className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 sm:px-5"
    >
      <p className="text-sm text-slate-600" aria-live="polite">
        {total === 0
          ? 'No results'
          : `Showing ${formatNumber(from)}–${formatNumber(to)} of ${formatNumber(total)}`}
      </p>
      <div className="flex gap-2">
        {hasPrevious ? (
          <Link className={buttonClasses('secondary', 'sm')} to={href(Math.max(0, offset - limit))}>
            Previous
          </Link>
        ) : (
          <span className={cn(buttonClasses('secondary', 'sm'), disabled)} aria-disabled="true">
            Previous
          </span>
        )}
        {hasNext ? (
          <Link className={buttonClasses('secondary', 'sm')} to={href(offset + limit)}>
            Next
          </Link>
        ) : (
          <span className={cn(buttonClasses('secondary', 'sm'), disabled)} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
