/**
 * The identity module's public API: users, roles, login, tokens, API keys and the audit log, and its
 * implementation of the platform's access ports. Other modules and the composition root import from here
 * only (the lint rule `boundaries/entry-point` enforces it).
 */
export { createAccessPorts } from './access.ports';
export { createApiKeyService, type ApiKeyService } from './api-keys.service';
export { createAuditService, type AuditRecord, type AuditService } from './audit.service';
export { createAuthService, type AuthService } from './auth.service';
export { identityRoutes } from './identity.routes';
export { hashPassword, verifyPassword } from './passwords';
export { createTokenService, type TokenService } from './tokens';
export { createUserService, type StudentRegistrationPort, type UserService } from './users.service';
