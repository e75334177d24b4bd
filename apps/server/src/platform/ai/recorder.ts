/** Writes every AI call to `ai_calls` (see db/schema/platform.ts); the usage report reads them back. */
import type { Db } from '../../db/client';
import { aiCalls } from '../../db/schema/index';
import type { Clock } from '../clock';
import type { AiCallRecord, AiCallRecorder } from './port';

export function createAiCallRecorder(deps: { db: Db; clock: Clock }): AiCallRecorder {
  return {
    async record(call: AiCallRecord) {
      await deps.db.insert(aiCalls).values({ ...call, createdAt: deps.clock.now() });
    },
  };
}
