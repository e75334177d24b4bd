/** API keys for machine clients (seed 002): created by admins, scoped to one role, hashed at rest. */
import { randomBytes } from 'node:crypto';
import { count, desc, eq } from 'drizzle-orm';
import type { TApiKey, TCreateApiKeyRequest, TCreateApiKeyResponse } from '@tutorpulse/contracts/identity';
import type { Db } from '../../db/client';
import { apiKeys } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { AuditService } from './audit.service';
import { actorOf, type Principal, type RequestContext } from '../../platform/auth/principal';
import { hashApiKey } from './tokens';

type ApiKeyRow = typeof apiKeys.$inferSelect;

function toDto(k: ApiKeyRow): TApiKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    expires_at: k.expiresAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

/** Makes a new key: `tp_<prefix>_<secret>`. Exported for the CLI and tests. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('base64url').slice(0, 8);
  return { key: `tp_${prefix}_${randomBytes(24).toString('base64url')}`, prefix };
}

export function createApiKeyService(deps: { db: Db; clock: Clock; audit: AuditService }) {
  const { db, clock, audit } = deps;
  return {
    async list(q: { limit: number; offset: number }) {
      const [rows, [total]] = await Promise.all([
        db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt)).limit(q.limit).offset(q.offset),
        db.select({ n: count() }).from(apiKeys),
      ]);
      return { data: rows.map(toDto), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
    },

    async create(
      input: TCreateApiKeyRequest,
      by: Principal,
      ctx: RequestContext,
    ): Promise<TCreateApiKeyResponse> {
      const now = clock.now();
      const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
      if (expiresAt && expiresAt <= now) {
        throw new AppError('VALIDATION_FAILED', 'expires_at must be in the future', [
          { path: 'expires_at', message: 'must be in the future' },
        ]);
      }
      const { key, prefix } = generateApiKey();
      const [row] = await db
        .insert(apiKeys)
        .values({
          name: input.name,
          prefix,
          keyHash: hashApiKey(key),
          role: input.role,
          createdBy: by.kind === 'user' ? by.id : null,
          createdAt: now,
          expiresAt,
        })
        .returning();
      await audit.record({
        actor: actorOf(by),
        action: 'api_key.create',
        outcome: 'success',
        target: { type: 'api_key', id: row!.id },
        details: { name: input.name, role: input.role },
        ctx,
      });
      return { ...toDto(row!), key };
    },

    async revoke(id: string, by: Principal, ctx: RequestContext): Promise<void> {
      const [row] = await db
        .update(apiKeys)
        .set({ revokedAt: clock.now() })
        .where(eq(apiKeys.id, id))
        .returning({ id: apiKeys.id });
      if (!row) throw new AppError('NOT_FOUND', 'API key not found');
      await audit.record({
        actor: actorOf(by),
        action: 'api_key.revoke',
        outcome: 'success',
        target: { type: 'api_key', id },
        ctx,
      });
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
