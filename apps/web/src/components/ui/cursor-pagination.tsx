import { Link, useLocation, useSearchParams } from 'react-router';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';
import { withParams } from '@/lib/search-params';
import { buttonClasses } from './button';

/**
 * "First page" / "Next" links for a cursor-paginated list: `cursor` in the URL is the API's `next_cursor`, so a
 * page is a link and the browser's Back button returns to the previous one. Totals past the API's exact-count
 * limit are estimates and say so ("about …").
 */
export function CursorPagination({
  total,
  totalIsEstimate,
  shown,
  nextCursor,
  label = 'Pagination',
}: {
  total: number;
  totalIsEstimate: boolean;
  shown: number;
  nextCursor: string | null;
  label?: string;
}) {
  const [searchParams] = useSearchParams();
  const { pathname } = useLocation();
  const href = (cursor: string | null) => {
    const qs = withParams(searchParams, { cursor, offset: null }).toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };
  const onFirstPage = !searchParams.get('cursor');
  const disabled = 'pointer-events-none opacity-50';
  const of = `${totalIsEstimate ? 'about ' : ''}${formatNumber(total)}`;

  return (
    <nav
      aria-label={label}
      className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 sm:px-5"
    >
      <p className="text-sm text-slate-600" aria-live="polite">
        {total === 0 && shown === 0 ? 'No results' : `Showing ${formatNumber(shown)} of ${of}`}
      </p>
      <div className="flex gap-2">
        {onFirstPage ? (
          <span className={cn(buttonClasses('secondary', 'sm'), disabled)} aria-disabled="true">
            First page
          </span>
        ) : (
          <Link className={buttonClasses('secondary', 'sm')} to={href(null)}>
            First page
          </Link>
        )}
        {nextCursor ? (
          <Link className={buttonClasses('secondary', 'sm')} to={href(nextCursor)}>
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
