/** Filters and pagination live in the URL: these read them back with bounds, never trusting the address bar. */

export type PageParams = { limit: number; offset: number };

function readInt(value: string | null, fallback: number, min: number, max: number): number {
  if (value === null || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

/** The API caps `limit` at 100 (ZPagination). */
export function readPageParams(searchParams: URLSearchParams, defaultLimit = 25): PageParams {
  return {
    limit: readInt(searchParams.get('limit'), defaultLimit, 1, 100),
    offset: readInt(searchParams.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Returns a copy with `updates` applied: empty values remove the key, so URLs stay short and canonical. */
export function withParams(
  searchParams: URLSearchParams,
  updates: Record<string, string | number | null | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(searchParams);
  for (const [key, value] of Object.entries(updates)) {
    if (value === null || value === undefined || value === '' || (key === 'offset' && Number(value) === 0))
      next.delete(key);
    else next.set(key, String(value));
  }
  return next;
}
