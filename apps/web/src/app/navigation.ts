/**
 * The ONE table of areas: who sees which item in the navigation, and who may open which page (the layout
 * refuses a URL that the current role's navigation does not contain). Later modules add their rows here.
 */
import type { TRole } from '@tutorpulse/contracts/identity';
import { paths } from '@/config/paths';

export type NavItem = {
  id: string;
  label: string;
  to: string;
  /** 'everyone' rather than the ROLES list: importing a value from the contracts would pull zod into the first load. */
  roles: readonly TRole[] | 'everyone';
  /** Match the path exactly (Home) instead of as a prefix. */
  end?: boolean;
  /** An area with no navigation entry of its own: it only guards the pages under it. */
  hidden?: boolean;
};

export const NAV_ITEMS: readonly NavItem[] = [
  { id: 'home', label: 'Home', to: paths.home.getHref(), roles: 'everyone', end: true },
  // Module areas go here, in this order, as their pages land:
  // { id: 'quality', label: 'Quality', to: '/quality', roles: ['coach', 'admin', 'viewer'] },
  // { id: 'operations', label: 'Operations', to: '/operations', roles: ['operator', 'admin', 'viewer'] },
  // { id: 'companion', label: 'Companion', to: '/companion', roles: ['student', 'tutor', 'admin'] },
  // Overview matches exactly, so it is not highlighted on every /quality page.
  {
    id: 'quality-overview',
    label: 'Overview',
    to: '/quality',
    roles: ['coach', 'admin', 'viewer'],
    end: true,
  },
  { id: 'quality-tutors', label: 'Tutors', to: '/quality/tutors', roles: ['coach', 'admin', 'viewer'] },
  { id: 'quality-flags', label: 'Flags', to: '/quality/flags', roles: ['coach', 'admin', 'viewer'] },
  {
    id: 'quality-analytics',
    label: 'Analytics',
    to: '/quality/analytics',
    roles: ['coach', 'admin', 'viewer'],
  },
  {
    id: 'quality-interventions',
    label: 'Interventions',
    to: '/quality/interventions',
    roles: ['coach', 'admin', 'viewer'],
  },
  // Every other page under /quality (a session's detail, reached from tutors and flags) is the quality area's.
  { id: 'quality', label: 'Quality', to: '/quality', roles: ['coach', 'admin', 'viewer'], hidden: true },
  { id: 'users', label: 'Users', to: paths.admin.users.getHref(), roles: ['admin'] },
  { id: 'api-keys', label: 'API keys', to: paths.admin.apiKeys.getHref(), roles: ['admin'] },
  { id: 'audit-log', label: 'Audit log', to: paths.admin.auditLog.getHref(), roles: ['admin'] },
  { id: 'failed-jobs', label: 'Failed jobs', to: paths.admin.deadLetters.getHref(), roles: ['admin'] },
];

function isAllowed(item: NavItem, role: TRole): boolean {
  return item.roles === 'everyone' || item.roles.includes(role);
}

export function getNavItems(role: TRole): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.hidden && isAllowed(item, role));
}

function matches(item: NavItem, pathname: string): boolean {
  if (item.end) return pathname === item.to;
  return pathname === item.to || pathname.startsWith(`${item.to}/`);
}

/**
 * Whether `role` may open `pathname`. Paths that belong to no area (a 404) are allowed so the user sees
 * "not found"; a path inside an area is allowed only to that area's roles.
 */
export function canVisit(role: TRole, pathname: string): boolean {
  const area = NAV_ITEMS.filter((item) => matches(item, pathname)).sort(
    (a, b) => b.to.length - a.to.length,
  )[0];
  return !area || isAllowed(area, role);
}
