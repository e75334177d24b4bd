import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          root: './apps/server',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Each integration file owns one database (PGlite ~0.5 GB, or a fresh Postgres database).
          pool: 'forks',
        },
      },
      './apps/web/vitest.config.ts',
      './apps/web/vitest.e2e.config.ts',
    ],
  },
});
