CREATE TABLE "webhook_deliveries" (
	"webhook_id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"outcome" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"session_id" uuid,
	"flag_id" uuid,
	"recipient_email" text NOT NULL,
	"subject" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message_id" text,
	"sent_at" timestamp with time zone,
	"error_message" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "email_reports_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "flag_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"flag_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"actor_id" uuid,
	"actor_label" text,
	"dedupe_key" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tutor_id" text NOT NULL,
	"session_id" text,
	"flag_type" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"recommended_action" text,
	"supporting_data" jsonb NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"assigned_to" uuid,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolution_notes" text,
	"coach_agreed" boolean,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interventions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flag_id" uuid,
	"tutor_id" text NOT NULL,
	"intervention_type" text NOT NULL,
	"description" text NOT NULL,
	"coach_id" uuid,
	"coach_label" text,
	"intervention_date" timestamp with time zone NOT NULL,
	"follow_up_date" timestamp with time zone,
	"outcome" text DEFAULT 'pending' NOT NULL,
	"outcome_notes" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quality_population" (
	"window_days" smallint PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"tutors" integer NOT NULL,
	"sessions" integer NOT NULL,
	"no_show_rate" double precision NOT NULL,
	"late_rate" double precision NOT NULL,
	"early_end_rate" double precision NOT NULL,
	"tutor_reschedule_rate" double precision NOT NULL,
	"avg_student_rating" double precision NOT NULL,
	"avg_first_session_rating" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_analyses" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"tutor_id" text NOT NULL,
	"session_version" integer NOT NULL,
	"provider" text NOT NULL,
	"model" text,
	"source" text NOT NULL,
	"quality_score" smallint NOT NULL,
	"empathy_score" smallint NOT NULL,
	"clarity_score" smallint NOT NULL,
	"engagement" text NOT NULL,
	"engagement_score" smallint,
	"sentiment" double precision,
	"red_flags" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"summary" text,
	"fallback_reason" text,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"latency_ms" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_findings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"tutor_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"minutes" real,
	"blames_tutor" boolean NOT NULL,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tutor_analytics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tutor_id" text NOT NULL,
	"analysis_date" date NOT NULL,
	"performance_trend" jsonb NOT NULL,
	"direction" text NOT NULL,
	"percentile_rank" smallint,
	"peer_group" text NOT NULL,
	"peer_group_size" integer NOT NULL,
	"churn_risk_30d" double precision NOT NULL,
	"churn_risk_90d" double precision NOT NULL,
	"churn_factors" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tutor_score_history" (
	"tutor_id" text NOT NULL,
	"day" date NOT NULL,
	"overall_score" smallint,
	"attendance_score" smallint,
	"ratings_score" smallint,
	"completion_score" smallint,
	"reliability_score" smallint,
	"confidence" double precision NOT NULL,
	"total_sessions" integer NOT NULL,
	"no_show_rate" double precision,
	"late_rate" double precision,
	"early_end_rate" double precision,
	"tutor_reschedule_rate" double precision,
	"avg_student_rating" double precision,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tutor_score_history_tutor_id_day_pk" PRIMARY KEY("tutor_id","day")
);
--> statement-breakpoint
CREATE TABLE "tutor_scores" (
	"tutor_id" text NOT NULL,
	"window_days" smallint NOT NULL,
	"calculated_at" timestamp with time zone NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"total_sessions" integer NOT NULL,
	"first_sessions" integer NOT NULL,
	"no_show_count" integer NOT NULL,
	"no_show_rate" double precision,
	"late_count" integer NOT NULL,
	"late_rate" double precision,
	"avg_lateness_minutes" double precision,
	"early_end_count" integer NOT NULL,
	"early_end_rate" double precision,
	"avg_early_end_minutes" double precision,
	"reschedule_count" integer NOT NULL,
	"reschedule_rate" double precision,
	"tutor_initiated_reschedules" integer NOT NULL,
	"tutor_reschedule_rate" double precision,
	"student_no_show_count" integer NOT NULL,
	"rated_sessions" integer NOT NULL,
	"avg_student_rating" double precision,
	"first_sessions_rated" integer NOT NULL,
	"avg_first_session_rating" double precision,
	"poor_first_sessions" integer NOT NULL,
	"rating_trend" text,
	"avg_quality_score" double precision,
	"overall_score" smallint,
	"attendance_score" smallint,
	"ratings_score" smallint,
	"completion_score" smallint,
	"reliability_score" smallint,
	"confidence" double precision NOT NULL,
	"is_high_risk" boolean DEFAULT false NOT NULL,
	CONSTRAINT "tutor_scores_tutor_id_window_days_pk" PRIMARY KEY("tutor_id","window_days")
);
--> statement-breakpoint
ALTER TABLE "email_reports" ADD CONSTRAINT "email_reports_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_reports" ADD CONSTRAINT "email_reports_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_events" ADD CONSTRAINT "flag_events_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_events" ADD CONSTRAINT "flag_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_coach_id_users_id_fk" FOREIGN KEY ("coach_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_analyses" ADD CONSTRAINT "session_analyses_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_findings" ADD CONSTRAINT "session_findings_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_analytics" ADD CONSTRAINT "tutor_analytics_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_score_history" ADD CONSTRAINT "tutor_score_history_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_scores" ADD CONSTRAINT "tutor_scores_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_idx" ON "webhook_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "email_reports_status_idx" ON "email_reports" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "email_reports_session_idx" ON "email_reports" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "flag_events_flag_idx" ON "flag_events" USING btree ("flag_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "flag_events_dedupe_idx" ON "flag_events" USING btree ("flag_id","dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "flags_one_open_idx" ON "flags" USING btree ("tutor_id","flag_type") WHERE "flags"."status" in ('open','in_progress');--> statement-breakpoint
CREATE INDEX "flags_status_severity_idx" ON "flags" USING btree ("status","severity");--> statement-breakpoint
CREATE INDEX "flags_tutor_idx" ON "flags" USING btree ("tutor_id");--> statement-breakpoint
CREATE INDEX "flags_created_idx" ON "flags" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "interventions_tutor_idx" ON "interventions" USING btree ("tutor_id");--> statement-breakpoint
CREATE INDEX "interventions_flag_idx" ON "interventions" USING btree ("flag_id");--> statement-breakpoint
CREATE INDEX "interventions_date_idx" ON "interventions" USING btree ("intervention_date");--> statement-breakpoint
CREATE INDEX "session_analyses_tutor_idx" ON "session_analyses" USING btree ("tutor_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "session_findings_session_type_idx" ON "session_findings" USING btree ("session_id","type");--> statement-breakpoint
CREATE INDEX "session_findings_tutor_idx" ON "session_findings" USING btree ("tutor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tutor_analytics_tutor_date_idx" ON "tutor_analytics" USING btree ("tutor_id","analysis_date");--> statement-breakpoint
CREATE INDEX "tutor_analytics_date_idx" ON "tutor_analytics" USING btree ("analysis_date");--> statement-breakpoint
CREATE INDEX "tutor_scores_overall_idx" ON "tutor_scores" USING btree ("window_days","overall_score");