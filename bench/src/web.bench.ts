/**
 * What the web app sends to a browser, measured from the network (issue 9, "The web app sends what it claims"):
 * the real server (`apps/server/src/main.ts`, embedded mode, a fresh DATA_DIR, demo data) driven by Debian's
 * Chromium. For each visit it sums, from the DevTools protocol's Network events, the bytes of every response
 * that finished: the body as it crossed the wire (compressed or not), the whole response with its headers,
 * and the body once decoded (what the old on-disk figures described). Responses served from the browser's
 * cache count 0 bytes sent; a 304 counts its headers. The SSE stream never finishes and is left out.
 *
 * Visits: `/login` with an empty cache (cold) and reloaded (warm); signing in on that page and landing on the
 * coach's overview (`/quality`, the framework already cached); and `/quality` opened with an empty cache by a
 * signed-in coach (cold) and reloaded (warm). Targets (issue 9): ≤ 150 KB of JS as sent per visit, a warm
 * reload ≤ 5 KB in all. Prints figures; never asserts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { ensureWebBuild } from '../../scripts/web-build.mjs';
import { startServerProcess } from './quality.bench';
import { section } from './util';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'tutorpulse-demo';
const COACH = 'coach@demo.tutorpulse.dev';
/** The network is considered settled after this long with no request in flight (the SSE stream aside). */
const QUIET_MS = 1_000;

type Response = {
  url: string;
  type: string;
  status?: number;
  encoding?: string;
  /** Header bytes, as the response was received. */
  headerBytes: number;
  /** Whole response on the wire (headers + encoded body); 0 when the cache answered. */
  wireBytes?: number;
  decodedBytes: number;
  fromCache: boolean;
};

type Visit = {
  label: string;
  requests: number;
  fromCache: number;
  revalidated: number;
  jsSent: number;
  jsDecoded: number;
  allBodySent: number;
  allWire: number;
  allDecoded: number;
  jsEncodings: Map<string, number>;
};

/** Records every request of one page through the DevTools protocol; `take()` returns and clears them. */
async function recordNetwork(page: Page) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const responses = new Map<string, Response>();
  const inflight = new Set<string>();
  const statusOnWire = new Map<string, number>();
  let lastActivity = performance.now();
  const get = (id: string): Response => {
    let r = responses.get(id);
    if (!r) {
      r = { url: '', type: '', headerBytes: 0, decodedBytes: 0, fromCache: false };
      responses.set(id, r);
    }
    return r;
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    lastActivity = performance.now();
    // An EventSource stays open for good: it is live updates, not page weight.
    if (e.type !== 'EventSource') inflight.add(e.requestId);
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    get(e.requestId).fromCache = true;
  });
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    statusOnWire.set(e.requestId, e.statusCode);
  });
  cdp.on('Network.responseReceived', (e) => {
    lastActivity = performance.now();
    const r = get(e.requestId);
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    Object.assign(r, {
      url: e.response.url,
      type: e.type,
      status: e.response.status,
      encoding: headers['content-encoding'],
      headerBytes: e.response.encodedDataLength,
      fromCache: r.fromCache || e.response.fromDiskCache === true || e.response.fromPrefetchCache === true,
    });
  });
  cdp.on('Network.dataReceived', (e) => {
    lastActivity = performance.now();
    get(e.requestId).decodedBytes += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    lastActivity = performance.now();
    inflight.delete(e.requestId);
    get(e.requestId).wireBytes = e.encodedDataLength;
  });
  cdp.on('Network.loadingFailed', (e) => {
    lastActivity = performance.now();
    inflight.delete(e.requestId);
  });

  return {
    /** Waits until nothing but the SSE stream has been in flight for QUIET_MS. */
    async settle(timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if (inflight.size === 0 && performance.now() - lastActivity >= QUIET_MS) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    take(label: string): Visit {
      const v: Visit = {
        label,
        requests: 0,
        fromCache: 0,
        revalidated: 0,
        jsSent: 0,
        jsDecoded: 0,
        allBodySent: 0,
        allWire: 0,
        allDecoded: 0,
        jsEncodings: new Map(),
      };
      for (const [id, r] of responses) {
        if (r.wireBytes === undefined) continue; // never finished (the SSE stream) or failed
        const sentBody = Math.max(0, r.wireBytes - r.headerBytes);
        const revalidated = statusOnWire.get(id) === 304;
        v.requests++;
        if (r.fromCache || r.wireBytes === 0) v.fromCache++;
        if (revalidated) v.revalidated++;
        v.allWire += r.wireBytes;
        v.allBodySent += sentBody;
        v.allDecoded += r.decodedBytes;
        const isJs = r.type === 'Script' || /\.m?js$/.test(new URL(r.url).pathname);
        if (isJs) {
          v.jsSent += sentBody;
          v.jsDecoded += r.decodedBytes;
          if (r.wireBytes > 0 && !revalidated) {
            const enc = r.encoding ?? 'none';
            v.jsEncodings.set(enc, (v.jsEncodings.get(enc) ?? 0) + 1);
          }
        }
      }
      responses.clear();
      statusOnWire.clear();
      return v;
    },
  };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

function printVisits(visits: Visit[]) {
  const header = [
    'visit'.padEnd(44),
    'JS sent'.padStart(10),
    'JS decoded'.padStart(11),
    'all sent'.padStart(10),
    'with headers'.padStart(13),
    'all decoded'.padStart(12),
    '  requests (cached, 304)',
    '  JS encoding',
  ];
  console.log(`  ${header.join('')}`);
  for (const v of visits) {
    const encodings = [...v.jsEncodings].map(([enc, n]) => `${enc}×${n}`).join(' ') || '–';
    console.log(
      `  ${[
        v.label.padEnd(44),
        kb(v.jsSent).padStart(10),
        kb(v.jsDecoded).padStart(11),
        kb(v.allBodySent).padStart(10),
        kb(v.allWire).padStart(13),
        kb(v.allDecoded).padStart(12),
        `  ${v.requests} (${v.fromCache}, ${v.revalidated})`.padEnd(24),
        `  ${encodings}`,
      ].join('')}`,
    );
  }
  console.log(
    '  (KB = 1,000 bytes. "sent": response bodies as they crossed the wire; "with headers": whole responses;\n' +
      '   "decoded": bodies uncompressed. Targets: JS sent ≤ 150 KB per visit; a warm reload ≤ 5 KB with headers.)',
  );
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

async function overviewShown(page: Page) {
  await page.getByRole('heading', { name: 'Quality overview' }).waitFor();
  // The stats replace their skeleton once /api/analytics/overview has answered.
  await page.getByText('Sessions processed today').waitFor();
}

async function loginShown(page: Page) {
  await page.getByLabel('Email').waitFor();
}

/** One browser context = one empty HTTP cache. */
async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return { context, page: await context.newPage() };
}

async function measureVisits(browser: Browser, baseUrl: string): Promise<Visit[]> {
  const visits: Visit[] = [];
  {
    const { context, page } = await freshPage(browser);
    const net = await recordNetwork(page);
    await page.goto(`${baseUrl}/login?next=%2Fquality`);
    await loginShown(page);
    await net.settle();
    visits.push(net.take('/login, cold cache'));

    await page.reload();
    await loginShown(page);
    await net.settle();
    visits.push(net.take('/login, warm (reload)'));

    await page.getByLabel('Email').fill(COACH);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/quality$/);
    await overviewShown(page);
    await net.settle();
    visits.push(net.take('sign in on /login → /quality (coach)'));
    await context.close();
  }
  {
    const { context, page } = await freshPage(browser);
    // Signed in through the API (the cookie lands in this context's jar), so the page load is all there is.
    const login = await context.request.post(`${baseUrl}/api/auth/login`, {
      data: { email: COACH, password: PASSWORD },
    });
    if (!login.ok()) throw new Error(`the coach could not sign in: ${login.status()}`);
    const net = await recordNetwork(page);
    await page.goto(`${baseUrl}/quality`);
    await overviewShown(page);
    await net.settle();
    visits.push(net.take('/quality as the coach, cold cache'));

    await page.reload();
    await overviewShown(page);
    await net.settle();
    visits.push(net.take('/quality as the coach, warm (reload)'));
    await context.close();
  }
  return visits;
}

export async function benchWeb(): Promise<void> {
  section('Web app as sent to Chromium (real server, embedded, demo data; from the network)');
  if (!existsSync(CHROMIUM)) {
    console.log(`  skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return;
  }
  const rebuilt = ensureWebBuild({ quiet: true });
  if (rebuilt) console.log(`  (built apps/web first: ${rebuilt})`);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'tutorpulse-bench-web-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    DEMO_SEED: 'auto',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  // A first embedded start seeds the demo marketplace before it listens (a minute or two on 2 busy cores).
  const server = await startServerProcess(env, 300_000);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    printVisits(await measureVisits(browser, server.baseUrl));
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
