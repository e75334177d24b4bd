CREATE TABLE "concepts" (
	"key" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"name" text NOT NULL,
	"normalized_name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"difficulty" smallint DEFAULT 2 NOT NULL,
	"source" text DEFAULT 'curated' NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "concepts_difficulty_check" CHECK ("concepts"."difficulty" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "mastery_evidence" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"student_id" text NOT NULL,
	"concept_key" text NOT NULL,
	"kind" text NOT NULL,
	"weight" real DEFAULT 1 NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text,
	"dedupe_key" text,
	"note" text,
	"quote" text,
	"mastery_before" smallint NOT NULL,
	"mastery_after" smallint NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"set_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"concept_key" text NOT NULL,
	"type" text NOT NULL,
	"difficulty" text NOT NULL,
	"question" text NOT NULL,
	"question_key" text NOT NULL,
	"options" text[],
	"answer" text NOT NULL,
	"explanation" text NOT NULL,
	"rubric" text,
	"response" text,
	"is_correct" boolean,
	"feedback" text,
	"graded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "practice_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"concept_keys" text[] NOT NULL,
	"difficulty" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"fallback_reason" text,
	"created_by" uuid,
	"submitted_at" timestamp with time zone,
	"score" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_concept_mastery" (
	"student_id" text NOT NULL,
	"concept_key" text NOT NULL,
	"p_known" double precision NOT NULL,
	"mastery" smallint NOT NULL,
	"evidence_count" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "student_concept_mastery_student_id_concept_key_pk" PRIMARY KEY("student_id","concept_key"),
	CONSTRAINT "student_concept_mastery_range" CHECK ("student_concept_mastery"."mastery" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "transcript_analyses" (
	"upload_id" uuid PRIMARY KEY NOT NULL,
	"student_id" text NOT NULL,
	"topics" text[] NOT NULL,
	"summary" text NOT NULL,
	"concepts" jsonb NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"fallback_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transcript_uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"session_row_id" uuid,
	"session_version" integer,
	"subject_id" text,
	"source" text DEFAULT 'upload' NOT NULL,
	"format" text NOT NULL,
	"text" text,
	"chars" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "concepts" ADD CONSTRAINT "concepts_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mastery_evidence" ADD CONSTRAINT "mastery_evidence_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mastery_evidence" ADD CONSTRAINT "mastery_evidence_concept_key_concepts_key_fk" FOREIGN KEY ("concept_key") REFERENCES "public"."concepts"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_items" ADD CONSTRAINT "practice_items_set_id_practice_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."practice_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_items" ADD CONSTRAINT "practice_items_concept_key_concepts_key_fk" FOREIGN KEY ("concept_key") REFERENCES "public"."concepts"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_sets" ADD CONSTRAINT "practice_sets_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_concept_mastery" ADD CONSTRAINT "student_concept_mastery_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_concept_mastery" ADD CONSTRAINT "student_concept_mastery_concept_key_concepts_key_fk" FOREIGN KEY ("concept_key") REFERENCES "public"."concepts"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transcript_analyses" ADD CONSTRAINT "transcript_analyses_upload_id_transcript_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."transcript_uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transcript_analyses" ADD CONSTRAINT "transcript_analyses_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transcript_uploads" ADD CONSTRAINT "transcript_uploads_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transcript_uploads" ADD CONSTRAINT "transcript_uploads_session_row_id_sessions_id_fk" FOREIGN KEY ("session_row_id") REFERENCES "public"."sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transcript_uploads" ADD CONSTRAINT "transcript_uploads_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "concepts_subject_name_idx" ON "concepts" USING btree ("subject_id","normalized_name");--> statement-breakpoint
CREATE INDEX "mastery_evidence_student_idx" ON "mastery_evidence" USING btree ("student_id","concept_key","observed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mastery_evidence_dedupe_idx" ON "mastery_evidence" USING btree ("student_id","dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "practice_items_position_idx" ON "practice_items" USING btree ("set_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "practice_items_question_idx" ON "practice_items" USING btree ("set_id","question_key");--> statement-breakpoint
CREATE INDEX "practice_sets_student_idx" ON "practice_sets" USING btree ("student_id","created_at");--> statement-breakpoint
CREATE INDEX "transcript_uploads_student_idx" ON "transcript_uploads" USING btree ("student_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "transcript_uploads_session_idx" ON "transcript_uploads" USING btree ("session_row_id","session_version") WHERE "transcript_uploads"."source" = 'session';--> statement-breakpoint
CREATE INDEX "transcript_uploads_status_idx" ON "transcript_uploads" USING btree ("status","updated_at") WHERE "transcript_uploads"."status" in ('pending','processing');