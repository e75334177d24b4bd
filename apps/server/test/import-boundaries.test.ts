/**
 * The import-boundary lint rule (eslint.boundaries.js) reports what it must: fixture sources are linted with
 * the repository's own ESLint config through ESLint's Node API, at paths inside platform/, a module, the
 * composition root and the tests, importing real files. Type-only imports, re-exports and `import()` count.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOUNDARY_MESSAGES } from '../../../eslint.boundaries.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const src = (p: string) => path.join(repo, 'apps/server/src', p);

type Case = { name: string; file: string; code: string; expected: Array<keyof typeof BOUNDARY_MESSAGES> };

const CASES: Case[] = [
  {
    name: 'platform → a module (value import)',
    file: src('platform/fixture-probe.ts'),
    code: `import { createSessionService } from '../modules/sessions/index';\nexport const x = createSessionService;\n`,
    expected: ['platform'],
  },
  {
    name: 'platform → a module (type-only import)',
    file: src('platform/ai/fixture-probe.ts'),
    code: `import type { AnalysisResult } from '../../modules/quality/analysis/analysis.schema';\nexport type X = AnalysisResult;\n`,
    expected: ['platform'],
  },
  {
    name: 'platform → a module (re-export and dynamic import)',
    file: src('platform/fixture-probe.ts'),
    code: `export { hashPassword } from '../modules/identity/index';\nexport const lazy = () => import('../modules/quality/tier2');\n`,
    expected: ['platform', 'platform'],
  },
  {
    name: 'platform → the composition root and the job registry',
    file: src('platform/http/fixture-probe.ts'),
    code: `import type { Runtime } from '../../runtime';\nimport type { AppJobs } from '../../jobs';\nexport type X = [Runtime, AppJobs];\n`,
    expected: ['platform', 'platform'],
  },
  {
    name: 'a module → another module’s files (value and type)',
    file: src('modules/quality/fixture-probe.ts'),
    code: `import { dailyTotals } from '../sessions/session-stats';\nimport type { AuditService } from '../identity/audit.service';\nexport type X = [typeof dailyTotals, AuditService];\n`,
    expected: ['moduleEntry', 'moduleEntry'],
  },
  {
    name: 'a module → the composition root or the CLI',
    file: src('modules/sessions/fixture-probe.ts'),
    code: `import type { Services } from '../../services';\nimport { seedDemo } from '../../cli/seed/seed';\nexport type X = [Services, typeof seedDemo];\n`,
    expected: ['moduleRoot', 'moduleRoot'],
  },
  {
    name: 'the composition root → a module’s files',
    file: src('fixture-probe.ts'),
    code: `import { createTier2Handler } from './modules/quality/tier2';\nexport const x = createTier2Handler;\n`,
    expected: ['moduleEntry'],
  },
  {
    name: 'db/ → the platform',
    file: src('db/fixture-probe.ts'),
    code: `import type { Clock } from '../platform/clock';\nexport type X = Clock;\n`,
    expected: ['lower'],
  },
  // Allowed:
  {
    name: 'a module → another module’s index.ts, the platform, db, its own files and the job registry',
    file: src('modules/quality/fixture-probe.ts'),
    code: [
      `import { dailyTotals } from '../sessions/index';`,
      `import type { AiPort } from '../../platform/ai/port';`,
      `import type { Db } from '../../db/client';`,
      `import type { AppJobs } from '../../jobs';`,
      `import { clipQuote } from './analysis/analysis.schema';`,
      `export type X = [typeof dailyTotals, AiPort, Db, AppJobs, typeof clipQuote];`,
      '',
    ].join('\n'),
    expected: [],
  },
  {
    name: 'the composition root → modules’ index.ts and the platform',
    file: src('fixture-probe.ts'),
    code: `import { createTier1Handler } from './modules/quality/index';\nimport { createAiPort } from './platform/ai/ai';\nexport const x = [createTier1Handler, createAiPort];\n`,
    expected: [],
  },
  {
    name: 'tests → a module’s files (they test them)',
    file: path.join(repo, 'apps/server/test/fixture-probe.test.ts'),
    code: `import { createTier2Runner } from '../src/modules/quality/tier2';\nexport const x = createTier2Runner;\n`,
    expected: [],
  },
];

describe('import boundaries (eslint-plugin-boundaries, through ESLint’s Node API)', () => {
  const found = new Map<string, string[]>();

  beforeAll(async () => {
    const eslint = new ESLint({ cwd: repo });
    for (const c of CASES) {
      const [result] = await eslint.lintText(c.code, { filePath: c.file });
      found.set(
        c.name,
        (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message),
      );
      // Anything else (a parse error, an unresolved config) would make the assertions below meaningless.
      expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
    }
  });

  it.each(CASES)('$name → $expected', ({ name, expected }) => {
    expect(found.get(name)).toEqual(expected.map((k) => BOUNDARY_MESSAGES[k]));
  });
});
