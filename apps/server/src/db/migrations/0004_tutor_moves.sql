ALTER TABLE "session_analyses" ADD COLUMN "session_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "moves" jsonb;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "focus_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "probing_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "telling_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "generic_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "guidance_score" smallint;--> statement-breakpoint
CREATE INDEX "session_analyses_tutor_started_idx" ON "session_analyses" USING btree ("tutor_id","session_started_at");--> statement-breakpoint
-- hand-written: back-fill the session start of analyses stored before the column existed (the move trend groups by it).
UPDATE "session_analyses" AS a SET "session_started_at" = s."session_start_time" FROM "sessions" AS s WHERE s."id" = a."session_id" AND a."session_started_at" IS NULL;
