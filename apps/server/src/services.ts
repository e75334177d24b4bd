/**
 * Builds every module's services from the runtime's adapters. Shared by the API (routes), the worker (job
 * handlers) and the CLI, so all three run the same use cases.
 */
import { createApiKeyService } from './modules/identity/api-keys.service';
import { createAuditService } from './modules/identity/audit.service';
import { createAuthService } from './modules/identity/auth.service';
import { createTokenService } from './modules/identity/tokens';
import { createUserService } from './modules/identity/users.service';
import { createEventService } from './platform/events/events.service';
import type { Runtime } from './runtime';

export function createServices(rt: Runtime) {
  const { db } = rt.database;
  const { clock } = rt;
  const audit = createAuditService({ db, clock });
  const tokens = createTokenService(rt.config.jwtSecret);
  const auth = createAuthService({ db, clock, tokens, audit });
  const users = createUserService({ db, clock, audit, auth });
  const apiKeys = createApiKeyService({ db, clock, audit });
  const events = createEventService({ db, bus: rt.bus, clock });
  return { audit, tokens, auth, users, apiKeys, events };
}

export type Services = ReturnType<typeof createServices>;
