/** Signs in as the seed's demo coach, operator and admin (the seed creates them with the demo password). */
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '@tutorpulse/server/src/cli/seed/demo-accounts';

export type Role = 'coach' | 'operator' | 'admin';
/** The order routes are tried in: the dashboard's main user first. */
export const BENCH_ROLES: readonly Role[] = ['coach', 'operator', 'admin'];

export async function signIn(baseUrl: string): Promise<Array<{ role: Role; token: string }>> {
  const out: Array<{ role: Role; token: string }> = [];
  for (const role of BENCH_ROLES) {
    const account = DEMO_ACCOUNTS.find((a) => a.role === role);
    if (!account) throw new Error(`the seed has no demo ${role} account`);
    const r = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: DEMO_PASSWORD }),
    });
    if (r.status !== 200)
      throw new Error(`sign-in as ${account.email} answered ${r.status}: ${await r.text()}`);
    const body = (await r.json()) as { token?: unknown };
    if (typeof body.token !== 'string') throw new Error(`sign-in as ${account.email} returned no token`);
    out.push({ role, token: body.token });
  }
  return out;
}
