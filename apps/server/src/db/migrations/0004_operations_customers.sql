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
ALTER TABLE "churn_models" ADD CONSTRAINT "churn_models_activated_by_users_id_fk" FOREIGN KEY ("activated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_goals" ADD CONSTRAINT "customer_goals_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_goals" ADD CONSTRAINT "customer_goals_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_health_scores" ADD CONSTRAINT "customer_health_scores_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_health_scores" ADD CONSTRAINT "customer_health_scores_model_id_churn_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."churn_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_students" ADD CONSTRAINT "customer_students_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_students" ADD CONSTRAINT "customer_students_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_calls" ADD CONSTRAINT "support_calls_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
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
CREATE INDEX "support_calls_time_idx" ON "support_calls" USING btree ("called_at");