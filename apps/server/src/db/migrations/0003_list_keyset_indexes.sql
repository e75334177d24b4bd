DROP INDEX "sessions_tutor_start_idx";--> statement-breakpoint
DROP INDEX "sessions_student_start_idx";--> statement-breakpoint
DROP INDEX "sessions_start_idx";--> statement-breakpoint
DROP INDEX "flags_created_idx";--> statement-breakpoint
CREATE INDEX "sessions_tutor_start_id_idx" ON "sessions" USING btree ("tutor_id","session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_student_start_id_idx" ON "sessions" USING btree ("student_id","session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_start_id_idx" ON "sessions" USING btree ("session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_status_start_id_idx" ON "sessions" USING btree ("processing_status","session_start_time","id");--> statement-breakpoint
CREATE INDEX "sessions_first_start_id_idx" ON "sessions" USING btree ("session_start_time","id") WHERE "sessions"."is_first_session";--> statement-breakpoint
CREATE INDEX "flags_created_id_idx" ON "flags" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "flags_last_seen_id_idx" ON "flags" USING btree ("last_seen_at","id");--> statement-breakpoint
CREATE INDEX "flags_priority_idx" ON "flags" USING btree ((case when "status" in ('open', 'in_progress') then 0 else 1 end),(case "severity" when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end),"first_seen_at","id");--> statement-breakpoint
CREATE INDEX "flags_assigned_idx" ON "flags" USING btree ("assigned_to");