/**
 * The job registry: every job name the platform knows and its payload schema. Modules add their entries here;
 * the queue validates payloads against it on enqueue and before running a handler.
 */
import { z } from 'zod';

export const jobRegistry = {
  /** Deletes login attempts, expired sessions and old events past their retention (daily). */
  'platform.housekeeping': z.object({}),
} satisfies Record<string, z.ZodType>;

export type AppJobs = typeof jobRegistry;
