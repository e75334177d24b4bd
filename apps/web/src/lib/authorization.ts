/**
 * What each role may do inside a page (showing or hiding actions). Which pages a role can open is the
 * navigation table in app/navigation.ts. The server enforces both; this only keeps the UI honest.
 */
import type { TRole } from '@tutorpulse/contracts/identity';

const PERMISSIONS = {
  'users:manage': ['admin'],
  'api-keys:manage': ['admin'],
  /** Latency history on the home page: for the people who keep the system running. */
  'system:monitor': ['admin', 'operator'],
} as const satisfies Record<string, readonly TRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: TRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly TRole[]).includes(role);
}
