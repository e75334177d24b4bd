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