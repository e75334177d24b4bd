import type { TAuditEntry, TMeResponse, TRole, TUser } from '@tutorpulse/contracts/identity';

export function makeUser(overrides: Partial<TUser> = {}): TUser {
  const role: TRole = overrides.role ?? 'admin';
  return {
    id: '7f3e2a10-3b4c-4d5e-8f60-718293a4b5c6',
    email: `${role}@demo.tutorpulse.dev`,
    name: `Demo ${role.charAt(0).toUpperCase()}${role.slice(1)}`,
    role,
    disabled: false,
    tutor_id: null,
    student_id: null,
    last_login_at: '2025-01-10T09:30:00.000Z',
    created_at: '2025-01-01T08:00:00.000Z',
    ...overrides,
  };
}

export function makeMe(role: TRole = 'admin'): TMeResponse {
  return { user: makeUser({ role }), csrf_token: 'csrf-test-token', auth: 'cookie' };
}

export function makeAuditEntry(overrides: Partial<TAuditEntry> = {}): TAuditEntry {
  return {
    id: 1,
    at: '2025-01-10T09:30:00.000Z',
    actor_type: 'user',
    actor_id: '7f3e2a10-3b4c-4d5e-8f60-718293a4b5c6',
    actor_label: 'admin@demo.tutorpulse.dev',
    action: 'auth.login',
    target_type: null,
    target_id: null,
    outcome: 'success',
    ip: '127.0.0.1',
    request_id: 'req-1',
    details: null,
    ...overrides,
  };
}
