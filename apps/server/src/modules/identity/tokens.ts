/**
 * Session tokens: HS256 JWTs (jose) naming a server-side session, with audience, issuer and token type
 * checked and an algorithm allowlist. CSRF tokens are an HMAC of the session id (synchronizer pattern with no
 * extra storage): only a page that read it from the API can send it back.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'tutorpulse';
const AUDIENCE = 'tutorpulse-api';
const TOKEN_TYPE = 'session';

export type SessionClaims = { sub: string; sid: string; exp: number };

export function createTokenService(jwtSecret: string) {
  const raw = new TextEncoder().encode(jwtSecret);
  // Imported once: jose imports a raw secret again on every call (WebCrypto), which costs more than the HMAC.
  const key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  const csrfKey = createHash('sha256').update(`csrf:${jwtSecret}`).digest();

  return {
    async sign(userId: string, sessionId: string, now: Date, expiresAt: Date): Promise<string> {
      return new SignJWT({ sid: sessionId, typ: TOKEN_TYPE })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(await key);
    },

    /** Returns the claims, or null for any invalid, expired or foreign token. */
    async verify(token: string, now: Date): Promise<SessionClaims | null> {
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: now,
          requiredClaims: ['sub', 'exp', 'sid'],
        });
        if (
          payload.typ !== TOKEN_TYPE ||
          typeof payload.sid !== 'string' ||
          typeof payload.sub !== 'string'
        ) {
          return null;
        }
        return { sub: payload.sub, sid: payload.sid, exp: payload.exp as number };
      } catch {
        return null;
      }
    },

    csrfFor(sessionId: string): string {
      return createHmac('sha256', csrfKey).update(sessionId).digest('base64url');
    },

    checkCsrf(sessionId: string, presented: string | undefined): boolean {
      if (!presented) return false;
      const expected = Buffer.from(this.csrfFor(sessionId));
      const got = Buffer.from(presented);
      return expected.length === got.length && timingSafeEqual(expected, got);
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

/** API keys: `tp_<8 prefix chars>_<secret>`; only a SHA-256 of the whole key is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
