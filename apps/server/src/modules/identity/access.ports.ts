/**
 * The identity module's implementation of the platform's access ports: what a Bearer token, an API key or a
 * session cookie is worth (auth.service.ts), the CSRF check, and denials written to the audit log.
 */
import type { AccessPorts, Credentials } from '../../platform/auth/access.plugin';
import type { AuditService } from './audit.service';
import type { AuthService } from './auth.service';

export function createAccessPorts(deps: { auth: AuthService; audit: AuditService }): AccessPorts {
  const { auth, audit } = deps;
  return {
    authenticate(credentials: Credentials) {
      switch (credentials.kind) {
        case 'bearer':
          // API keys are also sent as `Authorization: Bearer tp_…`.
          return credentials.value.startsWith('tp_')
            ? auth.authenticateApiKey(credentials.value)
            : auth.authenticateToken(credentials.value, 'bearer');
        case 'api_key':
          return auth.authenticateApiKey(credentials.value);
        case 'cookie':
          return auth.authenticateToken(credentials.value, 'cookie');
      }
    },
    checkCsrf: (sessionId, presented) => auth.checkCsrf(sessionId, presented),
    async onDenied(d) {
      await audit.record({
        actor: d.actor,
        action: 'authz.denied',
        outcome: 'denied',
        target: { type: 'route', id: d.route },
        details: { reason: d.reason, role: d.role },
        ctx: d.ctx,
      });
    },
  };
}
