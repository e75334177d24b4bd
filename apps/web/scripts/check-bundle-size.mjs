#!/usr/bin/env node
/**
 * Prints the JavaScript a first page load needs (the entry script plus every <link rel="modulepreload"> in
 * dist/index.html) as the server sends it: the build's precompressed `.br` files, which @fastify/static sends
 * to every browser that accepts brotli (all current ones), with the `.gz` and uncompressed sizes beside them.
 * Fails above the budget (on the brotli bytes), when a file has no precompressed siblings (the server would
 * send it uncompressed), or when index.html has inline scripts or styles (the CSP forbids both). Lazy routes
 * are not counted: `npm run bench` (phase `web`) measures whole visits in Chromium, from the network.
 * Usage: node scripts/check-bundle-size.mjs [budget in KB (1,000 bytes), default 150]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const budgetKb = Number(process.argv[2] ?? 150);
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const files = [
  ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((m) => m[1]);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html) || /\sstyle=/.test(html)) {
  console.error('index.html has an inline script or style attribute: the CSP forbids both.');
  process.exit(1);
}

const kb = (bytes) => `${(bytes / 1000).toFixed(2).padStart(8)} KB`;
const total = { br: 0, gz: 0, raw: 0 };
const missing = [];
console.log(`${'br (sent)'.padStart(11)}${'gzip'.padStart(12)}${'raw'.padStart(12)}  file`);
for (const file of new Set(files)) {
  const onDisk = path.join(dist, file.replace(/^\//, ''));
  const size = (p) => (existsSync(p) ? statSync(p).size : undefined);
  const raw = statSync(onDisk).size;
  const br = size(`${onDisk}.br`);
  const gz = size(`${onDisk}.gz`);
  if (br === undefined || gz === undefined) missing.push(file);
  total.br += br ?? raw;
  total.gz += gz ?? raw;
  total.raw += raw;
  console.log(
    `${kb(br ?? raw)}${kb(gz ?? raw)}${kb(raw)}  ${file}${br === undefined ? ' (no .br: sent as is)' : ''}`,
  );
}
console.log(
  `${kb(total.br)}${kb(total.gz)}${kb(total.raw)}  initial JS total (budget ${budgetKb} KB as sent)`,
);
if (missing.length) {
  console.error(`No precompressed .br/.gz for ${missing.join(', ')}: rebuild with \`npm run build\`.`);
  process.exit(1);
}
if (total.br / 1000 > budgetKb) {
  console.error(`Initial JS is over budget by ${(total.br / 1000 - budgetKb).toFixed(2)} KB.`);
  process.exit(1);
}
