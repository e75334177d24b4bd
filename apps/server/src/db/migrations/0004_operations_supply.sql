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
CREATE INDEX "tutor_availability_exceptions_date_idx" ON "tutor_availability_exceptions" USING btree ("date");