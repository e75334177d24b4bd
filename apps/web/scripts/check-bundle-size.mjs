#!/usr/bin/env node
/**
 * Prints the gzipped size of the JavaScript the first page load needs (the entry script plus every
 * <link rel="modulepreload"> in dist/index.html) and fails above the budget. Lazy routes are not counted.
 * Usage: node scripts/check-bundle-size.mjs [budget in kB (1000 bytes), default 150]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

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

let total = 0;
for (const file of new Set(files)) {
  const bytes = gzipSync(readFileSync(path.join(dist, file.replace(/^\//, ''))), { level: 9 }).length;
  total += bytes;
  console.log(`${(bytes / 1000).toFixed(2).padStart(8)} kB gz  ${file}`);
}
console.log(`${(total / 1000).toFixed(2).padStart(8)} kB gz  initial JS total (budget ${budgetKb} kB)`);
if (total / 1000 > budgetKb) {
  console.error(`Initial JS is over budget by ${(total / 1000 - budgetKb).toFixed(2)} kB.`);
  process.exit(1);
}
