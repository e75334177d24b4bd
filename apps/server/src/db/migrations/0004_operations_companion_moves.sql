CREATE TABLE "churn_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" text NOT NULL,
	"artefact" jsonb NOT NULL,
	"trained_at" timestamp with time zone NOT NULL,
	"training_from" timestamp with time zone NOT NULL,
	"training_to" timestamp with time zone NOT NULL,
	"holdout_roc_auc" double precision NOT NULL,
	"holdout_pr_auc" double precision NOT NULL,
	"holdout_brier" double precision NOT NULL,
	"comparison" jsonb,
	"is_active" boolean DEFAULT false NOT NULL,
	"activated_at" timestamp with time zone,
	"activated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "churn_models_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE TABLE "customer_goals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"goal_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"student_id" text,
	"title" text NOT NULL,
	"subject_id" text,
	"set_at" timestamp with time zone NOT NULL,
	"target_date" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_goals_goal_id_unique" UNIQUE("goal_id")
);
--> statement-breakpoint
CREATE TABLE "customer_health_scores" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"probability" double precision NOT NULL,
	"risk_tier" text NOT NULL,
	"factors" jsonb NOT NULL,
	"components" jsonb NOT NULL,
	"calculated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_students" (
	"customer_id" uuid NOT NULL,
	"student_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_students_customer_id_student_id_pk" PRIMARY KEY("customer_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"kind" text DEFAULT 'family' NOT NULL,
	"signup_date" timestamp with time zone NOT NULL,
	"acquisition_channel" text NOT NULL,
	"plan" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deleted_at" timestamp with time zone,
	"churn_probability" double precision,
	"risk_rank" integer DEFAULT -1 NOT NULL,
	"risk_tier" text,
	"health_scored_at" timestamp with time zone,
	"data_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_customer_id_unique" UNIQUE("customer_id"),
	CONSTRAINT "customers_risk_rank_check" CHECK ("customers"."risk_rank" between -1 and 1000000000)
);
--> statement-breakpoint
CREATE TABLE "operations_webhook_deliveries" (
	"webhook_id" text PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"response" jsonb NOT NULL,
	"status" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"called_at" timestamp with time zone NOT NULL,
	"reason_code" text NOT NULL,
	"duration_seconds" integer NOT NULL,
	"resolved" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_calls_call_id_unique" UNIQUE("call_id"),
	CONSTRAINT "support_calls_duration_check" CHECK ("support_calls"."duration_seconds" >= 0)
);
--> statement-breakpoint
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
CREATE TABLE "bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"external_id" text NOT NULL,
	"tutor_id" text NOT NULL,
	"student_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"scheduled_start" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"status" text DEFAULT 'booked' NOT NULL,
	"booked_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" text,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_external_id_unique" UNIQUE("external_id"),
	CONSTRAINT "bookings_duration_check" CHECK ("bookings"."duration_minutes" between 5 and 600)
);
--> statement-breakpoint
CREATE TABLE "forecast_accuracy" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" text NOT NULL,
	"day" date NOT NULL,
	"forecasted_at" timestamp with time zone NOT NULL,
	"hours" integer NOT NULL,
	"actual_total" integer NOT NULL,
	"forecast_total" double precision NOT NULL,
	"mae" double precision NOT NULL,
	"mase" double precision,
	"coverage" double precision NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forecast_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"forecasted_at" timestamp with time zone NOT NULL,
	"horizon_hours" integer NOT NULL,
	"history_days" integer NOT NULL,
	"subjects" integer NOT NULL,
	"imbalances" integer DEFAULT 0 NOT NULL,
	"duration_ms" integer NOT NULL,
	"details" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecast_runs_forecasted_at_unique" UNIQUE("forecasted_at")
);
--> statement-breakpoint
CREATE TABLE "supply_demand_forecasts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" text NOT NULL,
	"forecast_hour" timestamp with time zone NOT NULL,
	"forecasted_at" timestamp with time zone NOT NULL,
	"demand_mean" double precision NOT NULL,
	"demand_lo" double precision NOT NULL,
	"demand_hi" double precision NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"supply_tutors" integer DEFAULT 0 NOT NULL,
	"supply_expected" double precision DEFAULT 0 NOT NULL,
	"method" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supply_imbalances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" text NOT NULL,
	"forecasted_at" timestamp with time zone NOT NULL,
	"start_hour" timestamp with time zone NOT NULL,
	"end_hour" timestamp with time zone NOT NULL,
	"hours" integer NOT NULL,
	"peak_shortage" double precision NOT NULL,
	"total_shortage" double precision NOT NULL,
	"peak_demand_hi" double precision NOT NULL,
	"min_supply" double precision NOT NULL,
	"severity" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tutor_availability" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tutor_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"weekday" smallint NOT NULL,
	"start_time" time NOT NULL,
	"end_time" time NOT NULL,
	"time_zone" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tutor_availability_weekday_check" CHECK ("tutor_availability"."weekday" between 1 and 7),
	CONSTRAINT "tutor_availability_times_check" CHECK ("tutor_availability"."end_time" > "tutor_availability"."start_time")
);
--> statement-breakpoint
CREATE TABLE "tutor_availability_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tutor_id" text NOT NULL,
	"subject_id" text,
	"date" date NOT NULL,
	"start_time" time,
	"end_time" time,
	"available" boolean DEFAULT false NOT NULL,
	"time_zone" text NOT NULL,
	"reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"actor_id" uuid,
	"actor_label" text NOT NULL,
	"note" text,
	"evidence_key" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "alert_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"alert_id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"recipient_email" text NOT NULL,
	"subject" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message_id" text,
	"sent_at" timestamp with time zone,
	"error_message" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "alert_notifications_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"dedupe_key" text NOT NULL,
	"source" text NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"acknowledged_by_label" text,
	"acknowledge_note" text,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"closed_by_label" text,
	"close_note" text,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"generator" text NOT NULL,
	"priority" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"expected_effect" jsonb NOT NULL,
	"dedupe_key" text NOT NULL,
	"alert_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"decided_by_label" text,
	"decision_reason" text,
	"measure_after" timestamp with time zone,
	"measure_delay_s" integer DEFAULT 0 NOT NULL,
	"measured_effect" jsonb,
	"measured_at" timestamp with time zone,
	"baseline" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "unqueued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "session_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "moves" jsonb;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "focus_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "probing_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "telling_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "generic_share" real;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD COLUMN "guidance_score" smallint;--> statement-breakpoint
ALTER TABLE "churn_models" ADD CONSTRAINT "churn_models_activated_by_users_id_fk" FOREIGN KEY ("activated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_goals" ADD CONSTRAINT "customer_goals_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_goals" ADD CONSTRAINT "customer_goals_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_health_scores" ADD CONSTRAINT "customer_health_scores_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_health_scores" ADD CONSTRAINT "customer_health_scores_model_id_churn_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."churn_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_students" ADD CONSTRAINT "customer_students_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_students" ADD CONSTRAINT "customer_students_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_calls" ADD CONSTRAINT "support_calls_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
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
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecast_accuracy" ADD CONSTRAINT "forecast_accuracy_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supply_demand_forecasts" ADD CONSTRAINT "supply_demand_forecasts_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supply_imbalances" ADD CONSTRAINT "supply_imbalances_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_availability" ADD CONSTRAINT "tutor_availability_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_availability" ADD CONSTRAINT "tutor_availability_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_availability_exceptions" ADD CONSTRAINT "tutor_availability_exceptions_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_availability_exceptions" ADD CONSTRAINT "tutor_availability_exceptions_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_notifications" ADD CONSTRAINT "alert_notifications_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_deleted_by_users_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "churn_models_one_active_idx" ON "churn_models" USING btree ("is_active") WHERE "churn_models"."is_active";--> statement-breakpoint
CREATE INDEX "churn_models_trained_idx" ON "churn_models" USING btree ("trained_at");--> statement-breakpoint
CREATE INDEX "customer_goals_customer_idx" ON "customer_goals" USING btree ("customer_id","set_at");--> statement-breakpoint
CREATE INDEX "customer_health_scores_customer_time_idx" ON "customer_health_scores" USING btree ("customer_id","calculated_at");--> statement-breakpoint
CREATE INDEX "customer_health_scores_time_idx" ON "customer_health_scores" USING btree ("calculated_at");--> statement-breakpoint
CREATE INDEX "customer_health_scores_tier_idx" ON "customer_health_scores" USING btree ("risk_tier");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_students_student_idx" ON "customer_students" USING btree ("student_id");--> statement-breakpoint
CREATE INDEX "customers_signup_date_idx" ON "customers" USING btree ("signup_date");--> statement-breakpoint
CREATE INDEX "customers_status_idx" ON "customers" USING btree ("status");--> statement-breakpoint
CREATE INDEX "customers_acquisition_channel_idx" ON "customers" USING btree ("acquisition_channel");--> statement-breakpoint
CREATE INDEX "customers_risk_id_idx" ON "customers" USING btree ("risk_rank","id") WHERE "customers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "customers_tier_risk_id_idx" ON "customers" USING btree ("risk_tier","risk_rank","id") WHERE "customers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "customers_status_risk_id_idx" ON "customers" USING btree ("status","risk_rank","id") WHERE "customers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "customers_channel_risk_id_idx" ON "customers" USING btree ("acquisition_channel","risk_rank","id") WHERE "customers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "customers_data_changed_idx" ON "customers" USING btree ("data_changed_at");--> statement-breakpoint
CREATE INDEX "operations_webhook_deliveries_received_idx" ON "operations_webhook_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "support_calls_customer_time_idx" ON "support_calls" USING btree ("customer_id","called_at");--> statement-breakpoint
CREATE INDEX "support_calls_time_idx" ON "support_calls" USING btree ("called_at");--> statement-breakpoint
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
CREATE INDEX "companion_suggestions_student_idx" ON "companion_suggestions" USING btree ("student_id","status","created_at");--> statement-breakpoint
CREATE INDEX "bookings_subject_start_idx" ON "bookings" USING btree ("subject_id","scheduled_start");--> statement-breakpoint
CREATE INDEX "bookings_tutor_start_idx" ON "bookings" USING btree ("tutor_id","scheduled_start");--> statement-breakpoint
CREATE INDEX "bookings_student_start_idx" ON "bookings" USING btree ("student_id","scheduled_start");--> statement-breakpoint
CREATE INDEX "bookings_start_idx" ON "bookings" USING btree ("scheduled_start");--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_accuracy_key_idx" ON "forecast_accuracy" USING btree ("subject_id","day");--> statement-breakpoint
CREATE INDEX "forecast_accuracy_day_idx" ON "forecast_accuracy" USING btree ("day");--> statement-breakpoint
CREATE INDEX "forecast_runs_created_idx" ON "forecast_runs" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supply_demand_forecasts_key_idx" ON "supply_demand_forecasts" USING btree ("subject_id","forecast_hour","forecasted_at");--> statement-breakpoint
CREATE INDEX "supply_demand_forecasts_hour_idx" ON "supply_demand_forecasts" USING btree ("forecast_hour");--> statement-breakpoint
CREATE INDEX "supply_demand_forecasts_forecasted_idx" ON "supply_demand_forecasts" USING btree ("forecasted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supply_imbalances_key_idx" ON "supply_imbalances" USING btree ("subject_id","forecasted_at","start_hour");--> statement-breakpoint
CREATE INDEX "supply_imbalances_forecasted_idx" ON "supply_imbalances" USING btree ("forecasted_at","severity");--> statement-breakpoint
CREATE INDEX "supply_imbalances_start_idx" ON "supply_imbalances" USING btree ("start_hour");--> statement-breakpoint
CREATE UNIQUE INDEX "tutor_availability_slot_idx" ON "tutor_availability" USING btree ("tutor_id","subject_id","weekday","start_time");--> statement-breakpoint
CREATE INDEX "tutor_availability_subject_idx" ON "tutor_availability" USING btree ("subject_id","weekday");--> statement-breakpoint
CREATE INDEX "tutor_availability_exceptions_tutor_idx" ON "tutor_availability_exceptions" USING btree ("tutor_id","date");--> statement-breakpoint
CREATE INDEX "tutor_availability_exceptions_date_idx" ON "tutor_availability_exceptions" USING btree ("date");--> statement-breakpoint
CREATE INDEX "alert_events_alert_idx" ON "alert_events" USING btree ("alert_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_events_evidence_idx" ON "alert_events" USING btree ("alert_id","evidence_key");--> statement-breakpoint
CREATE INDEX "alert_notifications_status_idx" ON "alert_notifications" USING btree ("status","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_active_idx" ON "alerts" USING btree ("dedupe_key") WHERE "alerts"."status" in ('open','acknowledged') and "alerts"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "alerts_dedupe_idx" ON "alerts" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "alerts_status_severity_idx" ON "alerts" USING btree ("status","severity");--> statement-breakpoint
CREATE INDEX "alerts_type_idx" ON "alerts" USING btree ("type","status");--> statement-breakpoint
CREATE INDEX "alerts_created_id_idx" ON "alerts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "alerts_priority_idx" ON "alerts" USING btree ((case when "status" in ('open', 'acknowledged') then 0 else 1 end),(case "severity" when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end),"first_seen_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "recommendations_one_open_idx" ON "recommendations" USING btree ("dedupe_key") WHERE "recommendations"."status" = 'open';--> statement-breakpoint
CREATE INDEX "recommendations_status_priority_idx" ON "recommendations" USING btree ("status","priority","created_at");--> statement-breakpoint
CREATE INDEX "recommendations_created_id_idx" ON "recommendations" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "recommendations_expires_idx" ON "recommendations" USING btree ("expires_at") WHERE "recommendations"."status" = 'open';--> statement-breakpoint
CREATE INDEX "recommendations_measure_idx" ON "recommendations" USING btree ("measure_after") WHERE "recommendations"."status" = 'accepted' and "recommendations"."measured_at" is null;--> statement-breakpoint
CREATE INDEX "recommendations_alert_idx" ON "recommendations" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "sessions_unqueued_idx" ON "sessions" USING btree ("unqueued_at") WHERE "sessions"."unqueued_at" is not null;--> statement-breakpoint
CREATE INDEX "session_analyses_tutor_started_idx" ON "session_analyses" USING btree ("tutor_id","session_started_at");--> statement-breakpoint
-- hand-written: back-fill the session start of analyses stored before the column existed (the move trend groups by it).
UPDATE "session_analyses" AS a SET "session_started_at" = s."session_start_time" FROM "sessions" AS s WHERE s."id" = a."session_id" AND a."session_started_at" IS NULL;
