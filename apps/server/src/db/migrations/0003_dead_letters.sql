CREATE TABLE "dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"queue" text NOT NULL,
	"job_name" text NOT NULL,
	"job_id" text NOT NULL,
	"payload" jsonb,
	"error_message" text NOT NULL,
	"error_stack" text,
	"attempts" integer NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	"first_failed_at" timestamp with time zone NOT NULL,
	"last_failed_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"acted_by" uuid,
	"acted_by_label" text,
	"acted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_queue_job_uq" ON "dead_letters" USING btree ("queue","job_id");--> statement-breakpoint
CREATE INDEX "dead_letters_status_last_idx" ON "dead_letters" USING btree ("status","last_failed_at");--> statement-breakpoint
CREATE INDEX "dead_letters_job_name_idx" ON "dead_letters" USING btree ("job_name");