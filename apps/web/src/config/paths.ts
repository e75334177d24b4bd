/** Every route path in one place, with builders for links that carry parameters. */
export const paths = {
  home: { path: '/', getHref: () => '/' },
  login: {
    path: '/login',
    getHref: (next?: string) => (next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'),
  },
  admin: {
    users: { path: '/admin/users', getHref: () => '/admin/users' },
    apiKeys: { path: '/admin/api-keys', getHref: () => '/admin/api-keys' },
    auditLog: { path: '/admin/audit-log', getHref: () => '/admin/audit-log' },
    deadLetters: { path: '/admin/failed-jobs', getHref: () => '/admin/failed-jobs' },
  },
} as const;

/**
 * Where to go after login. Only same-origin paths are accepted, so `?next=https://evil.example` or
 * `?next=//evil.example` cannot turn the login page into an open redirect.
 */
export function getSafeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return paths.home.getHref();
  if (next === paths.login.path || next.startsWith(`${paths.login.path}?`)) return paths.home.getHref();
  return next;
}
