import { defineConfig } from 'vitest/config';

/** Browser tests: the real server (child process) driven through Debian's Chromium with playwright-core. */
export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname,
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    // Building the app, a first start that seeds the demo database, and six logins take a while.
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
