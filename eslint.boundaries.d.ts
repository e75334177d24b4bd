// Types for eslint.boundaries.js (imported by apps/server/test/import-boundaries.test.ts).
import type { ESLint, Linter } from 'eslint';

export declare const BOUNDARY_MESSAGES: {
  platform: string;
  moduleEntry: string;
  moduleRoot: string;
  lower: string;
};
export declare function serverBoundaries(boundaries: ESLint.Plugin): Linter.Config;
