/**
 * The demo seed use case: generate the marketplace for (seed, scale, days, now), write it, write the planted
 * ground truth next to it, and, when asked, create the demo logins. Shared by `tutorpulse seed` and the
 * first start of the embedded server.
 */
import type { Db } from '../../db/client';
import { systemClock, type Clock } from '../../platform/clock';
import path from 'node:path';
import { createDemoAccounts } from './demo-accounts';
import { seedOperationsSupply, type SupplySeedResult } from './operations-supply';
import { buildGroundTruth, generateDemoDataset } from './generate';
import { writeDemoCustomers } from './operations-customers';
import { writeDataset, writeGroundTruth, type InsertedCounts } from './write';

export type SeedDemoOptions = {
  db: Db;
  scale: number;
  seed: number;
  /** The end of the generated history (sessions end before it). */
  now: Date;
  days?: number;
  /** Where to write the ground truth JSON; null to skip. */
  truthPath: string | null;
  withAccounts: boolean;
  quiet: boolean;
  /** Stamps `generated_at` in the truth file. */
  clock?: Clock;
};

export type SeedDemoResult = {
  generated: {
    subjects: number;
    tutors: number;
    students: number;
    sessions: number;
    firstSessions: number;
    reschedules: number;
    transcripts: number;
    plantedTutors: number;
  };
  /** Operations supply: availability with planted shortages, future bookings (truth in supply-truth.json). */
  supply: Omit<SupplySeedResult, 'shortages'> & { shortages: number };
  /** Rows actually added by this run (0 everywhere on a re-run with the same seed and day). */
  inserted: InsertedCounts & { accounts: number };
  truthPath: string | null;
};

export async function seedDemo(opts: SeedDemoOptions): Promise<SeedDemoResult> {
  const dataset = generateDemoDataset({
    seed: opts.seed,
    scale: opts.scale,
    now: opts.now,
    days: opts.days ?? 90,
  });
  const { inserted, stats } = await writeDataset({ db: opts.db, dataset, quiet: opts.quiet });
  // Operations: the students' paying customers, goals and support calls (churners planted in the sessions).
  await writeDemoCustomers(opts.db, dataset.customers, opts.now);
  const truth = buildGroundTruth(dataset, stats, (opts.clock ?? systemClock).now());
  const supply = await seedOperationsSupply({
    db: opts.db,
    seed: opts.seed,
    now: opts.now,
    tutors: dataset.tutors,
    students: dataset.students,
    truthPath: opts.truthPath ? path.join(path.dirname(opts.truthPath), 'supply-truth.json') : null,
  });
  if (opts.truthPath) writeGroundTruth(opts.truthPath, truth);
  const accounts = opts.withAccounts
    ? await createDemoAccounts(opts.db, {
        studentId: stats.featuredStudentId,
        tutorId: stats.featuredTutorId,
      })
    : 0;
  return {
    generated: {
      subjects: truth.counts.subjects,
      tutors: truth.counts.tutors,
      students: truth.counts.students,
      sessions: truth.counts.sessions,
      firstSessions: truth.counts.first_sessions,
      reschedules: truth.counts.reschedules,
      transcripts: truth.counts.transcripts,
      plantedTutors: truth.counts.planted_tutors,
    },
    supply: { ...supply, shortages: supply.shortages.length },
    inserted: { ...inserted, accounts },
    truthPath: opts.truthPath,
  };
}
