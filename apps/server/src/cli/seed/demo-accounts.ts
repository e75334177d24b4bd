/**
 * The demo logins, one per role, created only by the demo seed (never by migrations or start-up on their
 * own): a public, documented password is fine for a demo database and nowhere else. The student and tutor
 * accounts are linked to seeded records so those roles see real data.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users } from '../../db/schema/index';
import { hashPassword } from '../../modules/identity/index';

export const DEMO_PASSWORD = 'tutorpulse-demo';

export type DemoAccount = {
  email: string;
  role: 'admin' | 'coach' | 'operator' | 'viewer' | 'student' | 'tutor';
  name: string;
};

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'admin@demo.tutorpulse.dev', role: 'admin', name: 'Demo Admin' },
  { email: 'coach@demo.tutorpulse.dev', role: 'coach', name: 'Demo Coach' },
  { email: 'operator@demo.tutorpulse.dev', role: 'operator', name: 'Demo Operator' },
  { email: 'viewer@demo.tutorpulse.dev', role: 'viewer', name: 'Demo Viewer' },
  { email: 'student@demo.tutorpulse.dev', role: 'student', name: 'Demo Student' },
  { email: 'tutor@demo.tutorpulse.dev', role: 'tutor', name: 'Demo Tutor' },
];

export type DemoAccountLinks = { studentId: string | null; tutorId: string | null };

/**
 * Creates the demo accounts that do not exist yet; existing ones (same email) are left untouched, links and
 * password included, so re-seeding never undoes what someone changed. Returns how many were created.
 */
export async function createDemoAccounts(db: Db, links: DemoAccountLinks): Promise<number> {
  const existing = await db
    .select({ email: users.email })
    .from(users)
    .where(
      inArray(
        users.email,
        DEMO_ACCOUNTS.map((a) => a.email),
      ),
    );
  const taken = new Set(existing.map((u) => u.email));
  const missing = DEMO_ACCOUNTS.filter((a) => !taken.has(a.email));
  if (missing.length === 0) return 0;
  // One hash per account (each with its own salt); argon2 runs off the main thread, so in parallel.
  const rows = await Promise.all(
    missing.map(async (a) => ({
      email: a.email,
      name: a.name,
      role: a.role,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      tutorId: a.role === 'tutor' ? links.tutorId : null,
      studentId: a.role === 'student' ? links.studentId : null,
    })),
  );
  const created = await db
    .insert(users)
    .values(rows)
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  return created.length;
}
