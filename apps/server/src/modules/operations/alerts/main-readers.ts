/**
 * The reader ports backed by what main already has: the quality module's signals (flags, scores, first
 * sessions) and the sessions module's counts. Customers and forecasting readers come with their capabilities.
 */
import type { Db } from '../../../db/client';
import { dailyTotals } from '../../sessions/index';
import type { QualitySignalService } from '../../quality/index';
import type { AlertReaders } from './ports';

export function createMainReaders(deps: {
  db: Db;
  quality: QualitySignalService;
}): Required<Pick<AlertReaders, 'tutorQuality' | 'firstSessions' | 'sessionVolume'>> {
  const { db, quality } = deps;
  return {
    tutorQuality: {
      listTutorsNeedingAttention: (opts) => quality.listTutorsNeedingAttention(opts),
      tutorStanding: (tutorId) => quality.tutorStanding(tutorId),
    },
    firstSessions: { firstSessionTotals: (from, to) => quality.firstSessionTotals(from, to) },
    sessionVolume: {
      async sessionsBetween(from, to) {
        const days = await dailyTotals(db, { from, to, bucket: 'day' });
        return days.reduce((a, d) => a + d.sessions, 0);
      },
      tutorsFlaggedBetween: (from, to) => quality.tutorsFlaggedBetween(from, to),
    },
  };
}
