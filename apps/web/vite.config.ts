import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const API_TARGET = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    // A `.br` and a `.gz` beside every text file of the build (at the highest levels: compressed once, sent
    // many times); the server sends whichever the browser accepts (apps/server/src/platform/http/web-app.ts).
    // Files that would not shrink get none and go out as they are.
    compression({
      include: /\.(html|js|mjs|css|svg|json|txt|xml|webmanifest)$/,
      algorithms: [defineAlgorithm('brotliCompress'), defineAlgorithm('gzip')],
      logLevel: 'silent',
    }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    port: 5173,
    strictPort: true,
    // The API (and its SSE stream) lives on the Fastify server; in development Vite forwards to it so the
    // session cookie stays same-origin, exactly as in production where Fastify serves dist/.
    proxy: {
      '/api': { target: API_TARGET },
      '/metrics': { target: API_TARGET },
    },
  },
  preview: { port: 4173, proxy: { '/api': { target: API_TARGET }, '/metrics': { target: API_TARGET } } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // A strict CSP (`script-src 'self'`) forbids inline scripts: never inline assets as data: scripts either.
    assetsInlineLimit: 0,
    // Only the lazy Recharts chunk (~380 KB minified, ~89 KB as sent) passes 250 KB; the first load is checked with `npm run size -w @tutorpulse/web`.
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The framework every page needs: one long-cached chunk that changes only on upgrades.
            {
              name: 'framework',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack[\\/](query-core|react-query))[\\/]/,
              priority: 20,
            },
            // Recharts (the line charts of Analytics and tutor detail) is only ever imported from those lazy
            // routes, so this chunk never joins a first load; first-sight charts are plain SVG (chart-stacked-bars,
            // sparkline).
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|react-redux|@reduxjs|redux|redux-thunk|reselect|immer|decimal\.js-light|es-toolkit|eventemitter3|use-sync-external-store|tiny-invariant|clsx)[\\/]/,
              priority: 10,
            },
            // zod (the contracts) is used by the admin forms and development-time response checks. The
            // zod-free value lists (quality-values.ts) stay out of it: pages import them to draw, and the
            // schemas import them too, so the group must not pull its modules' dependencies in (no cycle:
            // the value lists import nothing).
            {
              name: 'contracts',
              test: /node_modules[\\/]zod[\\/]|packages[\\/]contracts[\\/]src[\\/](?!quality-values\.ts)/,
              priority: 5,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
});
