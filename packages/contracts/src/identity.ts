import { z } from 'zod';
import { ZEmailAddress, ZInstant, ZText } from './common';

export const ROLES = ['admin', 'coach', 'operator', 'viewer', 'student', 'tutor'] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const ZUser = z
  .object({
    id: z.uuid(),
    email: z.email(),
    name: z.string(),
    role: ZRole,
    disabled: z.boolean(),
    tutor_id: z.string().nullable(),
    student_id: z.string().nullable(),
    last_login_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'User' });
export type TUser = z.infer<typeof ZUser>;

export const ZLoginRequest = z
  .strictObject({
    email: ZEmailAddress.max(254),
    password: ZText.min(1).max(256),
  })
  .meta({ id: 'LoginRequest' });
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZLoginResponse = z
  .object({
    user: ZUser,
    /** Bearer token for non-browser clients (the browser uses the HttpOnly cookie). */
    token: z.string(),
    token_type: z.literal('Bearer'),
    expires_at: z.iso.datetime(),
    /** Send back in the `x-csrf-token` header on cookie-authenticated writes. */
    csrf_token: z.string(),
  })
  .meta({ id: 'LoginResponse' });
export type TLoginResponse = z.infer<typeof ZLoginResponse>;

export const ZMeResponse = z
  .object({ user: ZUser, csrf_token: z.string().nullable(), auth: z.enum(['cookie', 'bearer', 'api_key']) })
  .meta({ id: 'MeResponse' });
export type TMeResponse = z.infer<typeof ZMeResponse>;

export const ZCreateUserRequest = z
  .strictObject({
    email: ZEmailAddress.max(254),
    name: ZText.trim().min(1).max(200),
    password: ZText.min(8).max(128),
    role: ZRole,
    tutor_id: ZText.min(1).max(255).optional(),
    student_id: ZText.min(1).max(255).optional(),
  })
  .meta({ id: 'CreateUserRequest' });
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

export const ZUpdateUserRequest = z
  .strictObject({
    role: ZRole.optional(),
    disabled: z.boolean().optional(),
    name: ZText.trim().min(1).max(200).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to update' })
  .meta({ id: 'UpdateUserRequest' });
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

export const ZApiKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    role: ZRole,
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime().nullable(),
    expires_at: z.iso.datetime().nullable(),
    revoked_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZCreateApiKeyRequest = z
  .strictObject({
    name: ZText.trim().min(1).max(100),
    role: ZRole,
    expires_at: ZInstant.optional(),
  })
  .meta({ id: 'CreateApiKeyRequest' });
export type TCreateApiKeyRequest = z.infer<typeof ZCreateApiKeyRequest>;

/** The only time the key is shown. */
export const ZCreateApiKeyResponse = ZApiKey.extend({ key: z.string() }).meta({ id: 'CreateApiKeyResponse' });
export type TCreateApiKeyResponse = z.infer<typeof ZCreateApiKeyResponse>;

export const ZAuditEntry = z
  .object({
    id: z.number().int(),
    at: z.iso.datetime(),
    actor_type: z.enum(['user', 'api_key', 'system', 'anonymous']),
    actor_id: z.string().nullable(),
    actor_label: z.string().nullable(),
    action: z.string(),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    outcome: z.enum(['success', 'failure', 'denied']),
    ip: z.string().nullable(),
    request_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

export const ZAuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  action: ZText.max(100).optional(),
  actor_id: ZText.max(100).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
});
