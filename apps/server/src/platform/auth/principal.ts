/** Who is calling: the result of authentication, used by authorization in routes and services. */
import type { TRole } from '@tutorpulse/contracts/identity';

export type Principal = {
  kind: 'user' | 'api_key';
  /** User id, or API key id. */
  id: string;
  role: TRole;
  /** Email for users, key name for API keys: a label for logs and the audit log. */
  label: string;
  /** The login session (cookie or Bearer JWT); null for API keys. */
  sessionId: string | null;
  via: 'cookie' | 'bearer' | 'api_key';
  tutorId: string | null;
  studentId: string | null;
};

/** Who may call a route: everyone, or any of the listed roles. Declared on every route (deny by default). */
export type Access = { public: true } | { roles: readonly TRole[] };

export const access = {
  public: { public: true } as Access,
  roles: (...roles: TRole[]): Access => ({ roles }),
};

/** The actor recorded in the audit log. */
export type Actor =
  | { type: 'user' | 'api_key'; id: string; label: string }
  | { type: 'system'; id: null; label: string }
  | { type: 'anonymous'; id: null; label: string | null };

export function actorOf(p: Principal | null): Actor {
  if (!p) return { type: 'anonymous', id: null, label: null };
  return { type: p.kind, id: p.id, label: p.label };
}

export type RequestContext = { ip: string | null; requestId: string | null; userAgent?: string | null };
