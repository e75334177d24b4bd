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
CREATE TABLE "companion_chat_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"student_id" text NOT NULL,
	"role" text NOT NULL,
	"content" text NOT NULL,
	"provider" text,
	"model" text,
	"sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companion_conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"title" text NOT NULL,
	"summary" text,
	"summarized_through" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companion_goals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"concept_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"target_mastery" integer DEFAULT 80 NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"target_date" text,
	"from_suggestion_id" uuid,
	"created_by" uuid,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "companion_goals_progress_check" CHECK ("companion_goals"."progress" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "companion_handoffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"tutor_id" text,
	"subject_id" text,
	"triggers" text[] NOT NULL,
	"reason" text NOT NULL,
	"urgency" text NOT NULL,
	"recommended_topic" text NOT NULL,
	"estimated_duration" integer NOT NULL,
	"misconceptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"recent_attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mastery" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"provider" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companion_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"message" text NOT NULL,
	"call_to_action" text,
	"action_url" text,
	"urgency" text DEFAULT 'low' NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text NOT NULL,
	"read_at" timestamp with time zone,
	"acted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companion_nudges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"notification_id" uuid,
	"reason" text NOT NULL,
	"local_date" text NOT NULL,
	"message" text NOT NULL,
	"subject" text NOT NULL,
	"call_to_action" text NOT NULL,
	"urgency" text NOT NULL,
	"provider" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone,
	"acted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "companion_student_settings" (
	"student_id" text PRIMARY KEY NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companion_suggestions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" text NOT NULL,
	"goal_id" uuid,
	"subject_id" text NOT NULL,
	"subject" text NOT NULL,
	"description" text NOT NULL,
	"relevance_score" real NOT NULL,
	"value_proposition" text NOT NULL,
	"related_concepts" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"provider" text NOT NULL,
	"accepted_goal_id" uuid,
	"acted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
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
ALTER TABLE "companion_chat_messages" ADD CONSTRAINT "companion_chat_messages_conversation_id_companion_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."companion_conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_chat_messages" ADD CONSTRAINT "companion_chat_messages_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_conversations" ADD CONSTRAINT "companion_conversations_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_goals" ADD CONSTRAINT "companion_goals_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_handoffs" ADD CONSTRAINT "companion_handoffs_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_notifications" ADD CONSTRAINT "companion_notifications_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_nudges" ADD CONSTRAINT "companion_nudges_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_nudges" ADD CONSTRAINT "companion_nudges_notification_id_companion_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."companion_notifications"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_student_settings" ADD CONSTRAINT "companion_student_settings_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_suggestions" ADD CONSTRAINT "companion_suggestions_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companion_suggestions" ADD CONSTRAINT "companion_suggestions_goal_id_companion_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."companion_goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "concepts_subject_name_idx" ON "concepts" USING btree ("subject_id","normalized_name");--> statement-breakpoint
CREATE INDEX "mastery_evidence_student_idx" ON "mastery_evidence" USING btree ("student_id","concept_key","observed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mastery_evidence_dedupe_idx" ON "mastery_evidence" USING btree ("student_id","dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "practice_items_position_idx" ON "practice_items" USING btree ("set_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "practice_items_question_idx" ON "practice_items" USING btree ("set_id","question_key");--> statement-breakpoint
CREATE INDEX "practice_sets_student_idx" ON "practice_sets" USING btree ("student_id","created_at");--> statement-breakpoint
CREATE INDEX "transcript_uploads_student_idx" ON "transcript_uploads" USING btree ("student_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "transcript_uploads_session_idx" ON "transcript_uploads" USING btree ("session_row_id","session_version") WHERE "transcript_uploads"."source" = 'session';--> statement-breakpoint
CREATE INDEX "transcript_uploads_status_idx" ON "transcript_uploads" USING btree ("status","updated_at") WHERE "transcript_uploads"."status" in ('pending','processing');--> statement-breakpoint
CREATE INDEX "companion_chat_messages_conversation_idx" ON "companion_chat_messages" USING btree ("conversation_id","id");--> statement-breakpoint
CREATE INDEX "companion_chat_messages_student_idx" ON "companion_chat_messages" USING btree ("student_id","role","created_at");--> statement-breakpoint
CREATE INDEX "companion_conversations_student_idx" ON "companion_conversations" USING btree ("student_id","updated_at");--> statement-breakpoint
CREATE INDEX "companion_goals_student_status_idx" ON "companion_goals" USING btree ("student_id","status");--> statement-breakpoint
CREATE INDEX "companion_handoffs_student_idx" ON "companion_handoffs" USING btree ("student_id","created_at");--> statement-breakpoint
CREATE INDEX "companion_handoffs_tutor_idx" ON "companion_handoffs" USING btree ("tutor_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "companion_notifications_dedupe_idx" ON "companion_notifications" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "companion_notifications_student_idx" ON "companion_notifications" USING btree ("student_id","created_at");--> statement-breakpoint
CREATE INDEX "companion_notifications_unread_idx" ON "companion_notifications" USING btree ("student_id") WHERE "companion_notifications"."read_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "companion_nudges_student_day_idx" ON "companion_nudges" USING btree ("student_id","local_date");--> statement-breakpoint
CREATE INDEX "companion_nudges_student_sent_idx" ON "companion_nudges" USING btree ("student_id","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "companion_suggestions_goal_subject_idx" ON "companion_suggestions" USING btree ("goal_id","subject_id");--> statement-breakpoint
CREATE INDEX "companion_suggestions_student_idx" ON "companion_suggestions" USING btree ("student_id","status","created_at");