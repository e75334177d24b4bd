/**
 * The coach's day in the browser, against the real server and its demo seed: the overview shows flagged
 * tutors and critical flags, the tutors table and a tutor's detail open from it, and a webhook delivered while
 * the overview is open shows up on it live (SSE invalidation), without a reload. Screenshots go to
 * artifacts/screenshots/.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
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

if (!hasChromium && !requireServices) {
  console.warn(
    `[e2e] SKIPPED quality-live.e2e.test.ts: ${CHROMIUM} is missing (apt-get install -y chromium). ` +
      'Set REQUIRE_SERVICES=1 to make a missing browser a failure.',
  );
}

async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/quality`);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/quality$/);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true, animations: 'disabled' });

/** A tutor no-show for a tutor the server has never seen, ended a few minutes ago, signed like the platform. */
async function deliverNoShow(server: RunningServer, tutorId: string) {
  const { webhookSecret } = JSON.parse(readFileSync(path.join(server.dataDir, 'secrets.json'), 'utf8')) as {
    webhookSecret: string;
  };
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const body = JSON.stringify({
    session_id: `ses_e2e_${randomUUID().slice(0, 8)}`,
    tutor_id: tutorId,
    student_id: 'stu_e2e_live',
    session_start_time: minutesAgo(65),
    session_end_time: minutesAgo(5),
    tutor_join_time: null,
    student_join_time: minutesAgo(65),
    tutor_leave_time: null,
    student_leave_time: minutesAgo(50),
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
    student_feedback: { rating: 1, description: 'My tutor never showed up.' },
  });
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  const response = await fetch(`${server.baseUrl}/api/webhooks/session-completed`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(webhookSecret).sign(id, at, body),
    },
    body,
  });
  expect(response.status, await response.clone().text()).toBe(202);
}

describe.skipIf(!hasChromium && !requireServices)('quality dashboard, live', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ server, browser } = await startBrowserStack());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(viewport = { width: 1280, height: 900 }) {
    const context = await browser!.newContext({ viewport });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page };
  }

  it('a coach sees flagged tutors on the overview, opens the tutors table and a tutor', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, server!.baseUrl, 'coach@demo.tutorpulse.dev');
      const nav = page.getByRole('navigation', { name: 'Main' });
      await page.getByRole('heading', { name: 'Quality overview' }).waitFor();
      const critical = page.getByRole('list', { name: 'Newest critical flags' });
      await critical.getByRole('link').first().waitFor();
      expect(await critical.getByRole('link').first().getAttribute('href')).toMatch(
        /^\/quality\/flags\/[0-9a-f-]{36}$/,
      );
      expect(Number(await page.getByTestId('stat-Tutors flagged today').textContent())).toBeGreaterThan(0);
      await page.getByRole('img', { name: /^Flags raised per day by type/ }).waitFor();
      await shot(page, 'coach-quality-overview.png');
      // The chart's columns are one tab stop; the focused day shows its numbers beside it.
      const chart = page.getByRole('region', { name: 'Flags by type' });
      const today = chart.getByRole('img', { name: /^\w{3} \d{1,2}: \d+ flags?/ }).last();
      await today.focus();
      await chart
        .getByTestId('chart-tooltip')
        .getByText(/^Total \d+ flags?$|^No flags$/)
        .waitFor();
      await page.keyboard.press('ArrowLeft');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
        /^\w{3} \d{1,2}: \d+ flags?/,
      );
      await chart.screenshot({ path: path.join(SCREENSHOTS, 'coach-quality-overview-chart-focus.png') });
      await page.keyboard.press('Escape');

      await nav.getByRole('link', { name: 'Tutors' }).click();
      const table = page.getByRole('table', { name: /Tutors/ });
      await table.waitFor();
      await page.getByLabel('Open flags').selectOption('true');
      await page.waitForURL(/has_flags=true/);
      await page.getByRole('button', { name: /^Risk/ }).click();
      await page.waitForURL(/sort_by=risk/);
      // The table keeps showing the previous order while the re-sorted page loads, and live events can
      // refetch it: wait until it has settled, then read one row's link and click exactly that link.
      await page.locator('[aria-label="Tutors"][aria-busy="false"]').waitFor();
      await table.getByRole('row').nth(1).waitFor();
      await shot(page, 'coach-quality-tutors.png');

      const { href, name } = await table
        .getByRole('row')
        .nth(1)
        .getByRole('link')
        .evaluate((a) => ({ href: a.getAttribute('href')!, name: a.textContent!.trim() }));
      expect(href).toMatch(/^\/quality\/tutors\/[^/]+$/);
      await table.locator(`a[href="${href}"]`).click();
      await page.waitForURL((url) => url.pathname === href);
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Score (30 days)' }).waitFor();
      await page.getByRole('list', { name: 'Open flags' }).getByRole('link').first().waitFor();
      await page.getByRole('table', { name: 'Recent sessions' }).waitFor();
      await page.getByRole('heading', { name: 'Reschedule history' }).waitFor();
      await page.locator('.recharts-surface').first().waitFor();
      await shot(page, 'coach-quality-tutor-detail.png');
    } finally {
      await context.close();
    }
  });

  it('is readable on a 390 px phone', async () => {
    const { context, page } = await newPage({ width: 390, height: 844 });
    try {
      await signIn(page, server!.baseUrl, 'coach@demo.tutorpulse.dev');
      await page.getByRole('list', { name: 'Newest critical flags' }).getByRole('link').first().waitFor();
      await page.getByRole('img', { name: /^Flags raised per day by type/ }).waitFor();
      await shot(page, 'coach-quality-overview-390.png');
      await page.goto(`${server!.baseUrl}/quality/tutors?has_flags=true`);
      await page.getByRole('table', { name: /Tutors/ }).waitFor();
      await shot(page, 'coach-quality-tutors-390.png');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  });

  it('a webhook delivered while the overview is open shows up on it without a reload', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, server!.baseUrl, 'coach@demo.tutorpulse.dev');
      await page.getByRole('list', { name: 'Newest critical flags' }).getByRole('link').first().waitFor();
      await page.getByRole('banner').getByText('Live', { exact: true }).waitFor({ timeout: 15_000 });
      const flagsRaised = page.getByTestId('stat-Flags raised today');
      const before = Number(await flagsRaised.textContent());
      // Survives only if the page is never reloaded.
      await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

      const tutorId = `tut_e2e_${randomUUID().slice(0, 8)}`;
      await deliverNoShow(server!, tutorId);

      await expect
        .poll(async () => Number(await flagsRaised.textContent()), { timeout: 30_000, interval: 250 })
        .toBeGreaterThan(before);
      await page
        .getByRole('list', { name: 'Newest critical flags' })
        .getByText(tutorId)
        .waitFor({ timeout: 15_000 });
      expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(
        true,
      );
      await shot(page, 'coach-quality-overview-live.png');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
