/**
 * Reads of the session record by student, for the operations module's customer health: which students exist,
 * every session of a set of students (attendance facts, the student's rating, the reschedule), and which
 * students had sessions arrive since an instant (their customers' scores are stale).
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { rowsOf } from '../../db/bulk';

/** The ids among `ids` that are known students. */
export async function findExistingStudentIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const res = await db.execute(
    sql`select id from students where id = any(${sql.param([...new Set(ids)])}::text[])`,
  );
  return new Set(rowsOf<{ id: string }>(res).map((r) => r.id));
}

export type StudentSessionRow = {
  /** Internal session uuid. */
  id: string;
  studentId: string;
  tutorId: string;
  startsAt: Date;
  endsAt: Date;
  tutorJoined: boolean;
  studentJoined: boolean;
  isFirstSession: boolean;
  studentRating: number | null;
  rescheduledBy: 'tutor' | 'student' | 'system' | null;
  /** When the move was asked for (original time less the notice given), when known. */
  rescheduleRequestedAt: Date | null;
};

/** Every session of these students, oldest first. */
export async function listStudentSessions(
  db: DbOrTx,
  studentIds: readonly string[],
): Promise<StudentSessionRow[]> {
  if (studentIds.length === 0) return [];
  const res = await db.execute(sql`
    select s.id, s.student_id as "studentId", s.tutor_id as "tutorId",
           s.session_start_time as "startsAt", s.session_end_time as "endsAt",
           (s.tutor_join_time is not null) as "tutorJoined",
           (s.student_join_time is not null) as "studentJoined",
           s.is_first_session as "isFirstSession", s.student_feedback_rating::int as "studentRating",
           coalesce(r.initiator, case when s.was_rescheduled then s.rescheduled_by end) as "rescheduledBy",
           case when r.id is null then null
                else r.original_time - make_interval(secs => coalesce(r.hours_before_session, 0)::float8 * 3600)
           end as "rescheduleRequestedAt"
    from sessions s
    left join reschedules r on r.session_id = s.id
    where s.student_id = any(${sql.param([...new Set(studentIds)])}::text[])
    order by s.session_start_time, s.id`);
  return rowsOf<
    StudentSessionRow & {
      startsAt: Date | string;
      endsAt: Date | string;
      rescheduleRequestedAt: Date | string | null;
    }
  >(res).map((r) => ({
    ...r,
    studentRating: r.studentRating === null ? null : Number(r.studentRating),
    startsAt: new Date(r.startsAt),
    endsAt: new Date(r.endsAt),
    rescheduleRequestedAt: r.rescheduleRequestedAt === null ? null : new Date(r.rescheduleRequestedAt),
  }));
}

/** Students with a session received or updated after `since`. */
export async function studentsWithSessionsSince(db: DbOrTx, since: Date): Promise<string[]> {
  const res = await db.execute(
    sql`select distinct student_id as id from sessions where updated_at > ${since.toISOString()}::timestamptz`,
  );
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}
