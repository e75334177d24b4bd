/**
 * Each demo account signs in through the real login page of the built app, served by the real server, and
 * sees exactly its role's navigation. Screenshots go to artifacts/screenshots/; any CSP violation fails.
 */
import path from 'node:path';
import { type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  hasChromium,
  requireServices,
  SCREENSHOTS,
  startBrowserStack,
  type RunningServer,
} from './server';

const PASSWORD = 'tutorpulse-demo';

/** The navigation every role must see, in order (app/navigation.ts is the table under test). */
const EXPECTED_NAV = {
  admin: [
    'Home',
    'Overview',
    'Tutors',
    'Flags',
    'Analytics',
    'Interventions',
    'Users',
    'API keys',
    'Audit log',
    'Failed jobs',
  ],
  coach: ['Home', 'Overview', 'Tutors', 'Flags', 'Analytics', 'Interventions'],
  operator: ['Home'],
  viewer: ['Home', 'Overview', 'Tutors', 'Flags', 'Analytics', 'Interventions'],
  student: ['Home'],
  tutor: ['Home'],
} as const;
type Role = keyof typeof EXPECTED_NAV;

if (!hasChromium && !requireServices) {
  console.warn(
    `[e2e] SKIPPED roles.e2e.test.ts: ${CHROMIUM} is missing (apt-get install -y chromium). ` +
      'Set REQUIRE_SERVICES=1 to make a missing browser a failure.',
  );
}

type Problem = { role: string; kind: string; text: string };

/** Everything the page says that would mean the CSP (or the app) broke something. */
function watchPage(page: Page, role: string, problems: Problem[]) {
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const text = message.text();
    const url = message.location().url;
    // The session check on the login page answers 401 by design; Chromium logs every 4xx resource.
    if (/status of 401/.test(text) && /\/api\/auth\/me/.test(url)) return;
    problems.push({
      role,
      kind: /Content Security Policy|Refused to/i.test(text) ? 'csp-console' : `console-${message.type()}`,
      text: `${text} (${url})`,
    });
  });
  page.on('pageerror', (error) => problems.push({ role, kind: 'pageerror', text: error.message }));
}

async function collectCspViolations(page: Page, role: string, problems: Problem[]) {
  const violations = await page.evaluate(
    () =>
      (
        window as unknown as {
          __cspViolations?: Array<{ directive: string; blocked: string; sample: string; source: string }>;
        }
      ).__cspViolations ?? [],
  );
  for (const v of violations)
    problems.push({
      role,
      kind: 'csp-violation',
      text: `${v.directive} blocked ${v.blocked} ${v.sample} at ${v.source}`,
    });
}

async function signIn(page: Page, baseUrl: string, role: Role) {
  const response = await page.goto(`${baseUrl}/`);
  expect(response?.status()).toBe(200);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Email').fill(`${role}@demo.tutorpulse.dev`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Welcome, / }).waitFor();
}

describe.skipIf(!hasChromium && !requireServices)('roles in the browser', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const problems: Problem[] = [];

  beforeAll(async () => {
    ({ server, browser } = await startBrowserStack());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(role: string, viewport = { width: 1280, height: 900 }) {
    const context = await browser!.newContext({ viewport });
    // Injected by the browser itself, so the page's CSP does not apply to it.
    await context.addInitScript(() => {
      const store: unknown[] = [];
      (window as unknown as { __cspViolations: unknown[] }).__cspViolations = store;
      document.addEventListener('securitypolicyviolation', (e) =>
        store.push({
          directive: e.violatedDirective,
          blocked: e.blockedURI,
          sample: e.sample,
          source: `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
        }),
      );
    });
    const page = await context.newPage();
    watchPage(page, role, problems);
    return { context, page };
  }

  it('the server sends the strict CSP with the app', async () => {
    const response = await fetch(`${server!.baseUrl}/login`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    console.log(`[e2e] CSP: ${csp}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await response.text()).toContain('<div id="root"></div>');
  });

  it.each(Object.keys(EXPECTED_NAV) as Role[])(
    '%s signs in and sees exactly its navigation',
    async (role) => {
      const { context, page } = await newPage(role);
      try {
        await signIn(page, server!.baseUrl, role);
        const nav = page.getByRole('navigation', { name: 'Main' });
        expect(await nav.getByRole('link').allTextContents()).toEqual(EXPECTED_NAV[role]);
        await expect
          .poll(() => page.getByRole('banner').textContent())
          .toContain(`Demo ${role[0]!.toUpperCase()}${role.slice(1)}`);

        // Real data on the home page: the user's email and the server's health report.
        await page.getByText(`${role}@demo.tutorpulse.dev`).waitFor();
        await page
          .getByRole('region', { name: 'System health' })
          .getByText(/All systems OK|Degraded/)
          .waitFor();
        if (role === 'admin' || role === 'operator')
          await page.getByRole('img', { name: /^Database check latency/ }).waitFor();
        // The one SSE connection comes up with the session cookie.
        await page.getByRole('banner').getByText('Live', { exact: true }).waitFor({ timeout: 15_000 });
        await page.screenshot({
          path: path.join(SCREENSHOTS, `${role}-home.png`),
          fullPage: true,
          animations: 'disabled',
        });

        // A page outside the role's navigation is refused.
        if (role !== 'admin') {
          await page.goto(`${server!.baseUrl}/admin/users`);
          await page.getByRole('heading', { name: "You don't have access to this page" }).waitFor();
        }
        await collectCspViolations(page, role, problems);
      } finally {
        await context.close();
      }
    },
  );

  it('admin works through Users, API keys (create, copy once, revoke) and the audit log', async () => {
    const { context, page } = await newPage('admin');
    try {
      await signIn(page, server!.baseUrl, 'admin');
      const nav = page.getByRole('navigation', { name: 'Main' });

      await nav.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('table', { name: 'Users' }).waitFor();
      await page.getByRole('cell', { name: /coach@demo\.tutorpulse\.dev/ }).waitFor();
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'admin-users.png'),
        fullPage: true,
        animations: 'disabled',
      });
      await page.getByRole('button', { name: 'Create user' }).first().click();
      await page.getByRole('dialog', { name: 'Create user' }).waitFor();
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'admin-users-create-dialog.png'),
        animations: 'disabled',
      });
      await page.keyboard.press('Escape');

      await nav.getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Create API key' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Create API key' });
      await dialog.getByLabel('Name').fill('E2E reporting script');
      await dialog.getByLabel('Role').selectOption('viewer');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByRole('dialog', { name: 'Copy your new API key' });
      await shown.waitFor();
      expect(await shown.getByLabel(/Key for/).inputValue()).not.toHaveLength(0);
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'admin-api-key-created.png'),
        animations: 'disabled',
      });
      await shown.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('button', { name: 'Revoke E2E reporting script' }).click();
      await page
        .getByRole('dialog', { name: /Revoke/ })
        .getByRole('button', { name: 'Revoke key' })
        .click();
      await page.getByText(/Revoked “E2E reporting script”/).waitFor();
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'admin-api-keys.png'),
        fullPage: true,
        animations: 'disabled',
      });

      await nav.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('table', { name: /Audit log entries/ }).waitFor();
      await page.getByLabel('Outcome').selectOption('success');
      await page.waitForURL(/outcome=success/);
      await page.getByRole('table', { name: /Audit log entries/ }).waitFor();
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'admin-audit-log.png'),
        fullPage: true,
        animations: 'disabled',
      });
      await collectCspViolations(page, 'admin', problems);
    } finally {
      await context.close();
    }
  });

  it('works on a 390 px phone, and signing out lands on the login page', async () => {
    const { context, page } = await newPage('student', { width: 390, height: 844 });
    try {
      await signIn(page, server!.baseUrl, 'student');
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'student-phone-home.png'),
        fullPage: true,
        animations: 'disabled',
      });
      await page.getByRole('button', { name: 'Open menu' }).click();
      expect(
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
      ).toEqual(['Home']);
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'student-phone-menu.png'),
        animations: 'disabled',
      });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login\?signed_out=1/);
      await page.getByText('You have signed out.').waitFor();
      // The session is really over: the app sends us back to login.
      await page.goto(`${server!.baseUrl}/`);
      await page.waitForURL(/\/login/);
      await collectCspViolations(page, 'student', problems);
    } finally {
      await context.close();
    }
  });

  it('no page produced a CSP violation or a console error', () => {
    if (problems.length > 0)
      console.error('[e2e] problems:\n' + problems.map((p) => `  ${p.role} ${p.kind}: ${p.text}`).join('\n'));
    expect(problems).toEqual([]);
  });
});
