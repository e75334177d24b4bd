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
CREATE TABLE "quality_daily_rollups" (
	"tutor_id" text NOT NULL,
	"day" date NOT NULL,
	"sessions" integer NOT NULL,
	"first_sessions" integer NOT NULL,
	"joined" integer NOT NULL,
	"both_joined" integer NOT NULL,
	"rated" integer NOT NULL,
	"rating_sum" double precision NOT NULL,
	"first_rated" integer NOT NULL,
	"first_rating_sum" double precision NOT NULL,
	"reschedules" integer NOT NULL,
	"tutor_reschedules" integer NOT NULL,
	"student_reschedules" integer NOT NULL,
	"no_shows" integer NOT NULL,
	"late" integer NOT NULL,
	"lateness_minutes_sum" double precision NOT NULL,
	"early_ends" integer NOT NULL,
	"early_end_minutes_sum" double precision NOT NULL,
	"student_no_shows" integer NOT NULL,
	"poor_first" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "quality_daily_rollups_tutor_id_day_pk" PRIMARY KEY("tutor_id","day")
);
--> statement-breakpoint
CREATE TABLE "quality_daily_totals" (
	"day" date PRIMARY KEY NOT NULL,
	"tutors" integer DEFAULT 0 NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	"first_sessions" integer DEFAULT 0 NOT NULL,
	"joined" integer DEFAULT 0 NOT NULL,
	"both_joined" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"rating_sum" double precision DEFAULT 0 NOT NULL,
	"first_rated" integer DEFAULT 0 NOT NULL,
	"first_rating_sum" double precision DEFAULT 0 NOT NULL,
	"reschedules" integer DEFAULT 0 NOT NULL,
	"tutor_reschedules" integer DEFAULT 0 NOT NULL,
	"student_reschedules" integer DEFAULT 0 NOT NULL,
	"no_shows" integer DEFAULT 0 NOT NULL,
	"late" integer DEFAULT 0 NOT NULL,
	"lateness_minutes_sum" double precision DEFAULT 0 NOT NULL,
	"early_ends" integer DEFAULT 0 NOT NULL,
	"early_end_minutes_sum" double precision DEFAULT 0 NOT NULL,
	"student_no_shows" integer DEFAULT 0 NOT NULL,
	"poor_first" integer DEFAULT 0 NOT NULL,
	"score_sum" double precision DEFAULT 0 NOT NULL,
	"score_count" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quality_rollup_sessions" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"tutor_id" text NOT NULL,
	"day" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tutor_summaries" (
	"tutor_id" text PRIMARY KEY NOT NULL,
	"score_7" smallint,
	"score_30" smallint,
	"score_90" smallint,
	"sessions_7" integer DEFAULT 0 NOT NULL,
	"sessions_30" integer DEFAULT 0 NOT NULL,
	"sessions_90" integer DEFAULT 0 NOT NULL,
	"is_high_risk" boolean DEFAULT false NOT NULL,
	"tutor_reschedule_rate_30" double precision,
	"scores_calculated_at" timestamp with time zone,
	"last_session_day" date,
	"open_flags" integer DEFAULT 0 NOT NULL,
	"open_critical" integer DEFAULT 0 NOT NULL,
	"open_high" integer DEFAULT 0 NOT NULL,
	"open_medium" integer DEFAULT 0 NOT NULL,
	"open_low" integer DEFAULT 0 NOT NULL,
	"max_open_rank" smallint DEFAULT -1 NOT NULL,
	"open_by_type" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"churn_risk_30d" double precision,
	"direction" text,
	"analysis_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "sessions_tutor_start_idx";--> statement-breakpoint
DROP INDEX "sessions_student_start_idx";--> statement-breakpoint
DROP INDEX "sessions_start_idx";--> statement-breakpoint
DROP INDEX "flags_created_idx";--> statement-breakpoint
DROP INDEX "session_findings_tutor_idx";--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "auto_resolution" jsonb;--> statement-breakpoint
ALTER TABLE "quality_daily_rollups" ADD CONSTRAINT "quality_daily_rollups_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_rollup_sessions" ADD CONSTRAINT "quality_rollup_sessions_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_summaries" ADD CONSTRAINT "tutor_summaries_tutor_id_tutors_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."tutors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_queue_job_uq" ON "dead_letters" USING btree ("queue","job_id");--> statement-breakpoint
CREATE INDEX "dead_letters_status_last_idx" ON "dead_letters" USING btree ("status","last_failed_at");--> statement-breakpoint
CREATE INDEX "dead_letters_job_name_idx" ON "dead_letters" USING btree ("job_name");--> statement-breakpoint
CREATE INDEX "quality_daily_rollups_day_idx" ON "quality_daily_rollups" USING btree ("day");--> statement-breakpoint
CREATE INDEX "tutor_summaries_score_7_idx" ON "tutor_summaries" USING btree ("score_7","tutor_id");--> statement-breakpoint
CREATE INDEX "tutor_summaries_score_30_idx" ON "tutor_summaries" USING btree ("score_30","tutor_id");--> statement-breakpoint
CREATE INDEX "tutor_summaries_score_90_idx" ON "tutor_summaries" USING btree ("score_90","tutor_id");--> statement-breakpoint
CREATE INDEX "tutor_summaries_risk_idx" ON "tutor_summaries" USING btree ("is_high_risk","max_open_rank","churn_risk_30d");--> statement-breakpoint
CREATE INDEX "sessions_tutor_start_id_idx" ON "sessions" USING btree ("tutor_id","session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_student_start_id_idx" ON "sessions" USING btree ("student_id","session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_start_id_idx" ON "sessions" USING btree ("session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_status_start_id_idx" ON "sessions" USING btree ("processing_status","session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_first_start_id_idx" ON "sessions" USING btree ("session_start_time","id") WHERE "sessions"."is_first_session";--> statement-breakpoint
CREATE INDEX "flags_created_id_idx" ON "flags" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "flags_last_seen_id_idx" ON "flags" USING btree ("last_seen_at","id");--> statement-breakpoint
CREATE INDEX "flags_priority_idx" ON "flags" USING btree ((case when "status" in ('open', 'in_progress') then 0 else 1 end),(case "severity" when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end),"first_seen_at","id");--> statement-breakpoint
CREATE INDEX "flags_assigned_idx" ON "flags" USING btree ("assigned_to");--> statement-breakpoint
CREATE INDEX "session_findings_tutor_time_idx" ON "session_findings" USING btree ("tutor_id","occurred_at");--> statement-breakpoint
CREATE INDEX "tutor_score_history_day_idx" ON "tutor_score_history" USING btree ("day");
--> statement-breakpoint
-- hand-written:
-- Read models (issue 10): back-fill from the rows already stored (idempotent: re-running changes nothing),
-- then the triggers that keep tutor_summaries' flag columns current and give every new tutor a summary row.
INSERT INTO quality_rollup_sessions (session_id, tutor_id, day)
SELECT s.id, s.tutor_id, (s.session_start_time AT TIME ZONE 'UTC')::date FROM sessions s
ON CONFLICT (session_id) DO NOTHING;
--> statement-breakpoint
INSERT INTO quality_daily_rollups (tutor_id, day, sessions, first_sessions, joined, both_joined, rated, rating_sum, first_rated, first_rating_sum, reschedules, tutor_reschedules, student_reschedules, no_shows, late, lateness_minutes_sum, early_ends, early_end_minutes_sum, student_no_shows, poor_first, updated_at)
SELECT s.tutor_id, s.day, s.sessions, s.first_sessions, s.joined, s.both_joined, s.rated, s.rating_sum,
  s.first_rated, s.first_rating_sum, s.reschedules, s.tutor_reschedules, s.student_reschedules,
  coalesce(f.no_shows, 0), coalesce(f.late, 0), coalesce(f.lateness_sum, 0), coalesce(f.early_ends, 0),
  coalesce(f.early_sum, 0), coalesce(f.student_no_shows, 0), coalesce(f.poor_first, 0), now()
FROM (
  SELECT tutor_id, (session_start_time AT TIME ZONE 'UTC')::date AS day,
    count(*)::int AS sessions,
    count(*) FILTER (WHERE is_first_session)::int AS first_sessions,
    count(*) FILTER (WHERE tutor_join_time IS NOT NULL)::int AS joined,
    count(*) FILTER (WHERE tutor_join_time IS NOT NULL AND student_join_time IS NOT NULL)::int AS both_joined,
    count(student_feedback_rating)::int AS rated,
    coalesce(sum(student_feedback_rating), 0)::float8 AS rating_sum,
    count(student_feedback_rating) FILTER (WHERE is_first_session)::int AS first_rated,
    coalesce(sum(student_feedback_rating) FILTER (WHERE is_first_session), 0)::float8 AS first_rating_sum,
    count(*) FILTER (WHERE was_rescheduled)::int AS reschedules,
    count(*) FILTER (WHERE was_rescheduled AND rescheduled_by = 'tutor')::int AS tutor_reschedules,
    count(*) FILTER (WHERE was_rescheduled AND rescheduled_by = 'student')::int AS student_reschedules
  FROM sessions GROUP BY 1, 2
) s
LEFT JOIN (
  SELECT tutor_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
    count(*) FILTER (WHERE type = 'tutor_no_show')::int AS no_shows,
    count(*) FILTER (WHERE type = 'tutor_late')::int AS late,
    coalesce(sum(minutes) FILTER (WHERE type = 'tutor_late'), 0)::float8 AS lateness_sum,
    count(*) FILTER (WHERE type = 'session_ended_early')::int AS early_ends,
    coalesce(sum(minutes) FILTER (WHERE type = 'session_ended_early'), 0)::float8 AS early_sum,
    count(*) FILTER (WHERE type = 'student_no_show')::int AS student_no_shows,
    count(*) FILTER (WHERE type = 'poor_first_session')::int AS poor_first
  FROM session_findings GROUP BY 1, 2
) f ON f.tutor_id = s.tutor_id AND f.day = s.day
ON CONFLICT (tutor_id, day) DO NOTHING;
--> statement-breakpoint
INSERT INTO quality_daily_totals (day, tutors, sessions, first_sessions, joined, both_joined, rated, rating_sum, first_rated, first_rating_sum, reschedules, tutor_reschedules, student_reschedules, no_shows, late, lateness_minutes_sum, early_ends, early_end_minutes_sum, student_no_shows, poor_first, updated_at)
SELECT day, count(*)::int, sum(sessions), sum(first_sessions), sum(joined), sum(both_joined), sum(rated), sum(rating_sum), sum(first_rated), sum(first_rating_sum), sum(reschedules), sum(tutor_reschedules), sum(student_reschedules), sum(no_shows), sum(late), sum(lateness_minutes_sum), sum(early_ends), sum(early_end_minutes_sum), sum(student_no_shows), sum(poor_first), now() FROM quality_daily_rollups GROUP BY day
ON CONFLICT (day) DO NOTHING;
--> statement-breakpoint
INSERT INTO quality_daily_totals (day, score_sum, score_count, updated_at)
SELECT day, sum(overall_score)::float8, count(*)::int, now() FROM tutor_score_history
WHERE total_sessions > 0 AND overall_score IS NOT NULL GROUP BY day
ON CONFLICT (day) DO UPDATE SET score_sum = excluded.score_sum, score_count = excluded.score_count;
--> statement-breakpoint
INSERT INTO tutor_summaries (tutor_id, score_7, score_30, score_90, sessions_7, sessions_30, sessions_90,
  is_high_risk, tutor_reschedule_rate_30, scores_calculated_at, last_session_day, churn_risk_30d, direction,
  analysis_date, updated_at)
SELECT t.id, s7.overall_score, s30.overall_score, s90.overall_score,
  coalesce(s7.total_sessions, 0), coalesce(s30.total_sessions, 0), coalesce(s90.total_sessions, 0),
  coalesce(s30.is_high_risk, false), s30.tutor_reschedule_rate, s30.calculated_at,
  (SELECT max(r.day) FROM quality_daily_rollups r WHERE r.tutor_id = t.id),
  a.churn_risk_30d, a.direction, a.analysis_date, now()
FROM tutors t
LEFT JOIN tutor_scores s7 ON s7.tutor_id = t.id AND s7.window_days = 7
LEFT JOIN tutor_scores s30 ON s30.tutor_id = t.id AND s30.window_days = 30
LEFT JOIN tutor_scores s90 ON s90.tutor_id = t.id AND s90.window_days = 90
LEFT JOIN LATERAL (
  SELECT x.churn_risk_30d, x.direction, x.analysis_date FROM tutor_analytics x
  WHERE x.tutor_id = t.id ORDER BY x.analysis_date DESC LIMIT 1
) a ON true
ON CONFLICT (tutor_id) DO NOTHING;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tutor_summary_refresh_flags(p_tutor text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tutor_summaries AS s (tutor_id, open_flags, open_critical, open_high, open_medium, open_low,
    max_open_rank, open_by_type, updated_at)
  SELECT p_tutor, count(*)::int,
    count(*) FILTER (WHERE f.severity = 'critical')::int,
    count(*) FILTER (WHERE f.severity = 'high')::int,
    count(*) FILTER (WHERE f.severity = 'medium')::int,
    count(*) FILTER (WHERE f.severity = 'low')::int,
    coalesce(max(CASE f.severity WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END), -1),
    coalesce(jsonb_object_agg(f.flag_type, 1) FILTER (WHERE f.flag_type IS NOT NULL), '{}'::jsonb),
    now()
  FROM flags f
  WHERE f.tutor_id = p_tutor AND f.status IN ('open', 'in_progress')
  ON CONFLICT (tutor_id) DO UPDATE SET
    open_flags = excluded.open_flags, open_critical = excluded.open_critical, open_high = excluded.open_high,
    open_medium = excluded.open_medium, open_low = excluded.open_low, max_open_rank = excluded.max_open_rank,
    open_by_type = excluded.open_by_type, updated_at = excluded.updated_at;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tutor_summaries_on_flag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM tutor_summary_refresh_flags(OLD.tutor_id);
    RETURN OLD;
  END IF;
  PERFORM tutor_summary_refresh_flags(NEW.tutor_id);
  IF TG_OP = 'UPDATE' AND OLD.tutor_id IS DISTINCT FROM NEW.tutor_id THEN
    PERFORM tutor_summary_refresh_flags(OLD.tutor_id);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS flags_summary_insert_delete ON flags;
--> statement-breakpoint
CREATE TRIGGER flags_summary_insert_delete AFTER INSERT OR DELETE ON flags
  FOR EACH ROW EXECUTE FUNCTION tutor_summaries_on_flag();
--> statement-breakpoint
DROP TRIGGER IF EXISTS flags_summary_update ON flags;
--> statement-breakpoint
CREATE TRIGGER flags_summary_update AFTER UPDATE ON flags FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.severity IS DISTINCT FROM NEW.severity
    OR OLD.flag_type IS DISTINCT FROM NEW.flag_type OR OLD.tutor_id IS DISTINCT FROM NEW.tutor_id)
  EXECUTE FUNCTION tutor_summaries_on_flag();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tutor_summaries_on_tutor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tutor_summaries (tutor_id, updated_at) VALUES (NEW.id, now()) ON CONFLICT (tutor_id) DO NOTHING;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tutors_summary_insert ON tutors;
--> statement-breakpoint
CREATE TRIGGER tutors_summary_insert AFTER INSERT ON tutors
  FOR EACH ROW EXECUTE FUNCTION tutor_summaries_on_tutor();
--> statement-breakpoint
SELECT tutor_summary_refresh_flags(t.tutor_id) FROM (SELECT DISTINCT tutor_id FROM flags) t;
