/**
 * The server's import boundaries (eslint-plugin-boundaries), as DESIGN.md draws them:
 *
 * - platform/ never imports a module, the composition root, the job registry or the CLI: arrows point
 *   modules → platform. What the platform needs from a module comes in through a port (e.g. the access
 *   plugin's `authenticate`, implemented by the identity module).
 * - modules/<name>/ files are private to their module: anyone else (another module, the composition root,
 *   the CLI) imports `modules/<name>/index.ts`, the module's public service API. Tests (`*.test.ts` and
 *   apps/server/test) may reach into a module's files: they test them.
 * - modules may import the platform, db/, config/ and the job registry (jobs.ts: job names and payload
 *   schemas, a shared contract), never the composition root (app.ts, runtime.ts, services.ts, workers.ts,
 *   main.ts, worker.ts) or the CLI; a module's tests may use the CLI's demo-data generator.
 * - db/ and config/ import neither modules nor the platform's adapters' users above them.
 *
 * Every kind of import counts: `import type`, `export … from` and `import()` included. Imports are resolved to
 * files (relative paths, `.ts` extensions), so the rule judges where an import lands, not how it is spelled.
 * Proved by apps/server/test/import-boundaries.test.ts, which lints fixture imports with ESLint's Node API.
 */
const SRC = 'apps/server/src';

export const BOUNDARY_MESSAGES = {
  platform:
    'The platform must not import modules, the composition root or the CLI (arrows point modules → platform): take a port instead.',
  moduleEntry: 'Import another module through its index.ts (its public API), not its files.',
  moduleRoot: 'A module must not import the composition root or the CLI: take what it needs as a dependency.',
  lower: 'db/ and config/ must not import modules, the platform or the composition root.',
};

/** @param {import('eslint').ESLint.Plugin} boundaries */
export function serverBoundaries(boundaries) {
  return {
    files: ['apps/server/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'boundaries/elements': [
        { type: 'module', pattern: `${SRC}/modules/*`, capture: ['name'], partialMatch: false },
        { type: 'platform', pattern: `${SRC}/platform`, partialMatch: false },
        { type: 'db', pattern: `${SRC}/db`, partialMatch: false },
        { type: 'config', pattern: `${SRC}/config`, partialMatch: false },
        { type: 'cli', pattern: `${SRC}/cli`, partialMatch: false },
        // The files directly in src/ (app.ts, runtime.ts, services.ts, workers.ts, main.ts, worker.ts, jobs.ts):
        // the composition root, the parent element of the ones above.
        { type: 'root', pattern: SRC, partialMatch: false },
        { type: 'tests', pattern: 'apps/server/test', partialMatch: false },
      ],
      'boundaries/files': [
        // Every file gets a category, so "not an entry" can be asked of any of them.
        { category: 'source', pattern: '**/*' },
        { category: 'entry', pattern: `${SRC}/modules/*/index.ts` },
        { category: 'test', pattern: '**/*.test.ts' },
        // The job registry: job names and payload schemas, a contract modules may use.
        { category: 'jobs', pattern: `${SRC}/jobs.ts` },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            // Later policies win: the most specific message comes last.
            {
              // Dependencies inside one module are internal and not checked: this is about everyone else.
              disallow: { to: { element: { type: 'module' }, file: { categories: { noneOf: ['entry'] } } } },
              message: BOUNDARY_MESSAGES.moduleEntry,
            },
            // Tests test the files themselves; a module's tests may use the CLI's demo-data generator.
            {
              from: [
                { element: { types: { noneOf: ['platform'] } }, file: { categories: 'test' } },
                { element: { type: 'tests' } },
              ],
              allow: { to: { element: { types: { anyOf: ['module', 'cli'] } } } },
            },
            {
              from: { element: { type: 'module' } },
              disallow: { to: { element: { type: 'root' }, file: { categories: { noneOf: ['jobs'] } } } },
              message: BOUNDARY_MESSAGES.moduleRoot,
            },
            {
              from: { element: { type: 'module' }, file: { categories: { noneOf: ['test'] } } },
              disallow: { to: { element: { types: { anyOf: ['cli'] } } } },
              message: BOUNDARY_MESSAGES.moduleRoot,
            },
            {
              from: { element: { types: { anyOf: ['db', 'config'] } } },
              disallow: {
                to: { element: { types: { anyOf: ['module', 'platform', 'root', 'cli'] } } },
              },
              message: BOUNDARY_MESSAGES.lower,
            },
            {
              from: { element: { type: 'platform' } },
              disallow: { to: { element: { types: { anyOf: ['module', 'root', 'cli'] } } } },
              message: BOUNDARY_MESSAGES.platform,
            },
          ],
        },
      ],
    },
  };
}
