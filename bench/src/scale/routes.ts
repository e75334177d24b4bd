/**
 * Which routes the bench loads, found from the API's own `/api/openapi.json` so new read routes are measured
 * without a change here: every GET under /api except health (the floor), the docs and event streams, with
 * - routes without required parameters called as they are (`limit=25` when they page);
 * - one variant per value of a `sort_by`/`sort` enum, and per `metric` × 30 d / 90 d `period`;
 * - a deep page (`limit=100&offset=min(200000, total − 100)`) where the list pages by offset and is long;
 * - detail routes (`/x/{id}`, `/x/{id}/…`) with the first id of the `/x` list.
 * Each URL is read with the first bench account whose role may read it (coach, then operator, then admin).
 */
import type { Role } from './sign-in';

type OpenApiParam = {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: { enum?: unknown[]; type?: string; default?: unknown };
};
type OpenApi = { paths: Record<string, Record<string, { parameters?: OpenApiParam[] }>> };

export type RouteCase = { label: string; url: string; role: Role; token: string };
export type Skipped = { route: string; reason: string };

const EXCLUDED = new Set(['/api/health', '/api/openapi.json']);
const DEEP_OFFSET = 200_000;

type Probe = { status: number; json: unknown; stream: boolean };

async function probe(baseUrl: string, url: string, token: string): Promise<Probe> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 120_000);
  try {
    const r = await fetch(baseUrl + url, {
      headers: { authorization: `Bearer ${token}` },
      signal: ac.signal,
    });
    if ((r.headers.get('content-type') ?? '').includes('text/event-stream')) {
      ac.abort();
      return { status: r.status, json: undefined, stream: true };
    }
    const text = await r.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, json, stream: false };
  } finally {
    clearTimeout(timer);
  }
}

const enumOf = (p: OpenApiParam | undefined) =>
  (p?.schema?.enum ?? []).filter((v): v is string => typeof v === 'string');

function rowsOf(json: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(json)) return json as Array<Record<string, unknown>>;
  if (json && typeof json === 'object') {
    for (const key of ['data', 'items', 'rows', 'results']) {
      const v = (json as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v as Array<Record<string, unknown>>;
    }
  }
  return [];
}

function totalOf(json: unknown): number | undefined {
  const t = json && typeof json === 'object' ? (json as Record<string, unknown>).total : undefined;
  return typeof t === 'number' ? t : undefined;
}

/** The query variants of a list route (no path parameters). */
function listVariants(path: string, params: OpenApiParam[]): { urls: string[]; reason?: string } {
  const query = params.filter((p) => p.in === 'query');
  const byName = new Map(query.map((p) => [p.name, p]));
  const metric = byName.get('metric');
  const period = byName.get('period');
  const handled = new Set<string>();
  const base = new URLSearchParams();
  if (byName.has('limit')) base.set('limit', '25');

  let combos: URLSearchParams[] = [base];
  const metrics = enumOf(metric);
  if (metrics.length) {
    handled.add('metric');
    const periods = enumOf(period).filter((p) => p === '30d' || p === '90d');
    if (periods.length) handled.add('period');
    combos = metrics.flatMap((m) =>
      (periods.length ? periods : [undefined]).map((p) => {
        const q = new URLSearchParams(base);
        q.set('metric', m);
        if (p) q.set('period', p);
        return q;
      }),
    );
  }
  const sortParam = byName.get('sort_by') ?? byName.get('sort');
  const sorts = enumOf(sortParam);
  if (sortParam && sorts.length) {
    handled.add(sortParam.name);
    combos = [
      ...combos,
      ...combos.flatMap((c) =>
        sorts.map((s) => {
          const q = new URLSearchParams(c);
          q.set(sortParam.name, s);
          return q;
        }),
      ),
    ];
  }
  const missing = query.filter((p) => p.required && !handled.has(p.name)).map((p) => p.name);
  if (missing.length) return { urls: [], reason: `required query ${missing.join(', ')}` };
  return { urls: combos.map((q) => (q.size ? `${path}?${q.toString()}` : path)) };
}

export async function discoverRoutes(
  baseUrl: string,
  tokens: ReadonlyArray<{ role: Role; token: string }>,
  only: RegExp | undefined,
): Promise<{ cases: RouteCase[]; skipped: Skipped[] }> {
  const admin = tokens.find((t) => t.role === 'admin') ?? tokens[0]!;
  const spec = (await probe(baseUrl, '/api/openapi.json', admin.token)).json as OpenApi | undefined;
  if (!spec?.paths) throw new Error('GET /api/openapi.json did not answer an OpenAPI document');
  const cases: RouteCase[] = [];
  const skipped: Skipped[] = [];
  const firstRow = new Map<string, Record<string, unknown> | undefined>();

  /** Reads `url` with the first account allowed to; adds it (or says why not). Returns the probe. */
  const add = async (label: string, url: string, wanted: boolean): Promise<Probe | undefined> => {
    let last: Probe | undefined;
    for (const t of tokens) {
      last = await probe(baseUrl, url, t.token);
      if (last.stream) {
        skipped.push({ route: label, reason: 'event stream' });
        return undefined;
      }
      if (last.status === 401 || last.status === 403) continue;
      if (last.status >= 400 && last.status < 500) {
        skipped.push({ route: label, reason: `answers ${last.status} without parameters` });
        return last;
      }
      // 2xx, or a 5xx that is itself a finding: measured with this account.
      if (wanted) cases.push({ label, url, role: t.role, token: t.token });
      return last;
    }
    skipped.push({ route: label, reason: `no bench account may read it (${last?.status})` });
    return undefined;
  };

  const paths = Object.entries(spec.paths)
    .filter(([p, ops]) => ops.get && p.startsWith('/api/') && !EXCLUDED.has(p) && !p.startsWith('/api/docs'))
    .sort(([a], [b]) => a.localeCompare(b));
  const lists = paths.filter(([p]) => !p.includes('{'));
  const details = paths.filter(([p]) => p.includes('{'));

  for (const [p, ops] of lists) {
    const { urls, reason } = listVariants(p, ops.get!.parameters ?? []);
    if (reason) {
      skipped.push({ route: `GET ${p}`, reason });
      continue;
    }
    for (const url of urls) {
      const wanted = !only || only.test(url);
      // The plain list is always read (detail routes take their id from it).
      if (!wanted && url !== urls[0]) continue;
      const r = await add(url, url, wanted);
      if (url === urls[0]) firstRow.set(p, r && r.status < 300 ? rowsOf(r.json)[0] : undefined);
      const params = ops.get!.parameters ?? [];
      const total = r && r.status < 300 ? totalOf(r.json) : undefined;
      if (
        url === urls[0] &&
        params.some((x) => x.name === 'offset') &&
        total !== undefined &&
        total > 10_000
      ) {
        const deep = `${p}?limit=100&offset=${Math.min(DEEP_OFFSET, total - 100)}`;
        if (!only || only.test(deep)) await add(deep, deep, true);
      }
    }
  }

  for (const [p, ops] of details) {
    const names = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const label = `GET ${p}`;
    if (names.length !== 1) {
      skipped.push({ route: label, reason: 'more than one path parameter' });
      continue;
    }
    const parent = p.slice(0, p.indexOf('{')).replace(/\/$/, '');
    const row = firstRow.get(parent);
    // `id`, the parameter's own name, or `<singular>_id` (`tutor_id` in the /api/tutors list).
    const singular = parent.slice(parent.lastIndexOf('/') + 1).replace(/s$/, '');
    const id = row?.[names[0]!] ?? row?.id ?? row?.[`${singular}_id`];
    if (typeof id !== 'string' && typeof id !== 'number') {
      skipped.push({
        route: label,
        reason: firstRow.has(parent) ? `no row in ${parent} to pick an id from` : `no list ${parent}`,
      });
      continue;
    }
    const url = p.replace(`{${names[0]}}`, encodeURIComponent(String(id)));
    const { urls, reason } = listVariants(
      url,
      (ops.get!.parameters ?? []).filter((x) => x.in === 'query'),
    );
    if (reason) {
      skipped.push({ route: label, reason });
      continue;
    }
    const shown = p.replace(`{${names[0]}}`, ':id');
    for (const u of urls) {
      const l = u.replace(url, shown);
      if (only && !only.test(l)) continue;
      await add(l, u, true);
    }
  }
  return { cases, skipped };
}
