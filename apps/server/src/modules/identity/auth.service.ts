/**
 * Authentication: password login with lockout, server-side sessions behind JWTs (30 minutes idle, 12 hours
 * absolute), logout, and API keys. Authorization by role happens in access.plugin.ts; per-object checks in
 * each module's service.
 */
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { TUser } from '@tutorpulse/contracts/identity';
import type { Db } from '../../db/client';
import { apiKeys, authSessions, loginAttempts, users } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { AuditService } from './audit.service';
import { dummyPasswordHash, verifyPassword } from './passwords';
import type { Principal, RequestContext } from '../../platform/auth/principal';
import { hashApiKey, type TokenService } from './tokens';
import { toUserDto } from './users.mapper';

type UserRow = typeof users.$inferSelect;

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
export const LOCKOUT = { failures: 5, windowMs: 15 * 60_000 } as const;
/** last_seen_at is written at most this often, so reads don't each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export type LoginResult = {
  user: TUser;
  token: string;
  expiresAt: Date;
  csrfToken: string;
  sessionId: string;
};

export function createAuthService(deps: { db: Db; clock: Clock; tokens: TokenService; audit: AuditService }) {
  const { db, clock, tokens, audit } = deps;

  async function recentFailures(email: string, now: Date): Promise<{ n: number; lockedUntil: Date | null }> {
    const since = new Date(now.getTime() - LOCKOUT.windowMs);
    // Failures since the last success inside the window: a correct login resets the count.
    const rows = await db
      .select({ success: loginAttempts.success, at: loginAttempts.createdAt })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, email), gt(loginAttempts.createdAt, since)))
      .orderBy(sql`${loginAttempts.id} desc`)
      .limit(LOCKOUT.failures * 4);
    const failures: Date[] = [];
    for (const r of rows) {
      if (r.success) break;
      failures.push(r.at);
    }
    if (failures.length < LOCKOUT.failures) return { n: failures.length, lockedUntil: null };
    // Locked until the window has passed since the failure that completed the run of five.
    const fifth = failures[LOCKOUT.failures - 1]!;
    return { n: failures.length, lockedUntil: new Date(fifth.getTime() + LOCKOUT.windowMs) };
  }

  async function login(emailRaw: string, password: string, ctx: RequestContext): Promise<LoginResult> {
    const email = emailRaw.trim().toLowerCase();
    const now = clock.now();
    const lock = await recentFailures(email, now);
    if (lock.lockedUntil && lock.lockedUntil > now) {
      await audit.record({
        actor: { type: 'anonymous', id: null, label: email },
        action: 'auth.login',
        outcome: 'denied',
        details: { reason: 'locked' },
        ctx,
      });
      const retryAfterS = Math.ceil((lock.lockedUntil.getTime() - now.getTime()) / 1000);
      throw new AppError('ACCOUNT_LOCKED', 'Too many failed logins. Try again later.', {
        retry_after_s: retryAfterS,
      });
    }

    const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
    // Verify against a dummy hash for unknown emails so timing does not reveal which accounts exist.
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    const success = Boolean(user && ok && !user.disabled);
    await db.insert(loginAttempts).values({ email, ip: ctx.ip, success, createdAt: now });
    if (!success || !user) {
      await audit.record({
        actor: user
          ? { type: 'user', id: user.id, label: email }
          : { type: 'anonymous', id: null, label: email },
        action: 'auth.login',
        outcome: 'failure',
        details: { reason: !user ? 'unknown_email' : user.disabled ? 'disabled' : 'bad_password' },
        ctx,
      });
      throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
    }

    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
    const [session] = await db
      .insert(authSessions)
      .values({
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        ip: ctx.ip,
        userAgent: ctx.userAgent?.slice(0, 300) ?? null,
      })
      .returning({ id: authSessions.id });
    const [updated] = await db
      .update(users)
      .set({ lastLoginAt: now })
      .where(eq(users.id, user.id))
      .returning();
    await audit.record({
      actor: { type: 'user', id: user.id, label: email },
      action: 'auth.login',
      outcome: 'success',
      ctx,
    });
    const sessionId = session!.id;
    return {
      user: toUserDto(updated!),
      token: await tokens.sign(user.id, sessionId, now, expiresAt),
      expiresAt,
      csrfToken: tokens.csrfFor(sessionId),
      sessionId,
    };
  }

  /** Resolves a session JWT to its principal, enforcing revocation, disabling and both timeouts. */
  // Every signed-in request runs this lookup: prepared once (the SQL is built once, and Postgres plans it once
  // per connection).
  const sessionLookup = db
    .select({ s: authSessions, u: users })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(eq(authSessions.id, sql.placeholder('sid')))
    .limit(1)
    .prepare('auth_session_lookup');
  /** The user row each principal was authenticated with, for `currentUser` in the same request. */
  const userOf = new WeakMap<Principal, UserRow>();

  async function authenticateToken(token: string, via: 'cookie' | 'bearer'): Promise<Principal | null> {
    const now = clock.now();
    const claims = await tokens.verify(token, now);
    if (!claims) return null;
    const [row] = await sessionLookup.execute({ sid: claims.sid });
    if (!row || row.u.id !== claims.sub) return null;
    const { s, u } = row;
    if (s.revokedAt || u.disabled || s.expiresAt <= now) return null;
    if (now.getTime() - s.lastSeenAt.getTime() > SESSION_IDLE_MS) return null;
    if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, s.id));
    }
    const principal: Principal = {
      kind: 'user',
      id: u.id,
      role: u.role,
      label: u.email,
      sessionId: s.id,
      via,
      tutorId: u.tutorId,
      studentId: u.studentId,
    };
    userOf.set(principal, u);
    return principal;
  }
  async function authenticateApiKey(key: string): Promise<Principal | null> {
    if (!key.startsWith('tp_') || key.length > 200) return null;
    const now = clock.now();
    const [k] = await db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.keyHash, hashApiKey(key)))
      .limit(1);
    if (!k || k.revokedAt || (k.expiresAt && k.expiresAt <= now)) return null;
    if (!k.lastUsedAt || now.getTime() - k.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, k.id));
    }
    return {
      kind: 'api_key',
      id: k.id,
      role: k.role,
      label: `api-key:${k.name}`,
      sessionId: null,
      via: 'api_key',
      tutorId: null,
      studentId: null,
    };
  }

  async function logout(principal: Principal, ctx: RequestContext): Promise<void> {
    if (principal.sessionId) {
      await db
        .update(authSessions)
        .set({ revokedAt: clock.now() })
        .where(and(eq(authSessions.id, principal.sessionId), isNull(authSessions.revokedAt)));
    }
    await audit.record({
      actor: { type: principal.kind, id: principal.id, label: principal.label },
      action: 'auth.logout',
      outcome: 'success',
      ctx,
    });
  }

  /**
   * Token refresh (seed 004 `POST /api/auth/refresh`): rotates the login session. A new session (new id, new
   * token, new CSRF token) replaces the caller's, which is revoked at once; the absolute limit of the original
   * login is kept, so refreshing never extends a session past 12 hours from the password.
   */
  async function refresh(principal: Principal, ctx: RequestContext): Promise<Omit<LoginResult, 'user'>> {
    if (principal.kind !== 'user' || !principal.sessionId) {
      throw new AppError('UNPROCESSABLE', 'Only a login session can be refreshed (API keys cannot)');
    }
    const now = clock.now();
    const [old] = await db
      .update(authSessions)
      .set({ revokedAt: now })
      .where(and(eq(authSessions.id, principal.sessionId), isNull(authSessions.revokedAt)))
      .returning();
    // Two refreshes racing with one token: only the first wins, the second is told to log in again.
    if (!old) throw new AppError('UNAUTHENTICATED', 'This session was already refreshed or ended');
    const [session] = await db
      .insert(authSessions)
      .values({
        userId: old.userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: old.expiresAt,
        ip: ctx.ip,
        userAgent: ctx.userAgent?.slice(0, 300) ?? null,
      })
      .returning({ id: authSessions.id });
    await audit.record({
      actor: { type: 'user', id: principal.id, label: principal.label },
      action: 'auth.refresh',
      outcome: 'success',
      ctx,
    });
    const sessionId = session!.id;
    return {
      token: await tokens.sign(old.userId, sessionId, now, old.expiresAt),
      expiresAt: old.expiresAt,
      csrfToken: tokens.csrfFor(sessionId),
      sessionId,
    };
  }

  /** Ends every session of a user (disabling, role change). */
  async function revokeAllSessions(userId: string): Promise<void> {
    await db
      .update(authSessions)
      .set({ revokedAt: clock.now() })
      .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)));
  }

  async function currentUser(principal: Principal): Promise<TUser | null> {
    if (principal.kind !== 'user') return null;
    // Read at authentication, moments ago in this request; otherwise from the database.
    const known = userOf.get(principal);
    if (known) return toUserDto(known);
    const [u] = await db.select().from(users).where(eq(users.id, principal.id)).limit(1);
    return u ? toUserDto(u) : null;
  }

  async function countFailures(email: string): Promise<number> {
    const [r] = await db
      .select({ n: count() })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, email.toLowerCase()), eq(loginAttempts.success, false)));
    return r?.n ?? 0;
  }

  return {
    login,
    authenticateToken,
    authenticateApiKey,
    logout,
    refresh,
    revokeAllSessions,
    currentUser,
    countFailures,
    csrfFor: (sessionId: string) => tokens.csrfFor(sessionId),
    checkCsrf: (sessionId: string, presented: string | undefined) => tokens.checkCsrf(sessionId, presented),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
