/**
 * Student-centred reads of the shared records, for the companion: a student's recent sessions (with their
 * transcripts), which tutors taught them, who is new or inactive, and creating a student record at
 * registration. The sessions module owns these tables; others use them through this service.
 */
import { and, desc, eq, lte, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { sessions, students } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

export function createStudentRecords(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** The student's latest sessions that have started, newest first, with transcript and summary. */
    async listRecentForStudent(studentId: string, limit: number) {
      const rows = await db
        .select({
          sessionId: sessions.sessionId,
          tutorId: sessions.tutorId,
          subjects: sessions.subjectsCovered,
          start: sessions.sessionStartTime,
          transcript: sessions.transcript,
          summary: sessions.aiSummary,
        })
        .from(sessions)
        .where(and(eq(sessions.studentId, studentId), lte(sessions.sessionStartTime, clock.now())))
        .orderBy(desc(sessions.sessionStartTime))
        .limit(limit);
      return rows;
    },

    /** Count and latest change of the student's started sessions: changes when any of them changes. */
    async materialFingerprint(studentId: string): Promise<string> {
      const res = await db.execute(sql`
        select count(*)::int as n, max(${sessions.updatedAt}) as at, coalesce(sum(${sessions.version}), 0)::int as v
        from ${sessions}
        where ${sessions.studentId} = ${studentId} and ${sessions.sessionStartTime} <= ${clock.now()}`);
      const r = rowsOf<{ n: number; at: string | Date | null; v: number }>(res)[0];
      return `${r?.n ?? 0}:${r?.at ? new Date(r.at).getTime() : 0}:${r?.v ?? 0}`;
    },

    async hasTaughtStudent(tutorId: string, studentId: string): Promise<boolean> {
      const [r] = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.tutorId, tutorId), eq(sessions.studentId, studentId)))
        .limit(1);
      return Boolean(r);
    },

    /** The tutors the student has had, with the subjects and the latest session with each. */
    async tutorsOfStudent(studentId: string) {
      const res = await db.execute(sql`
        select tutor_id, array_agg(distinct subj) as subjects, max(session_start_time) as last
        from ${sessions}, unnest(subjects_covered) as subj
        where student_id = ${studentId}
        group by tutor_id`);
      return rowsOf<{ tutor_id: string; subjects: string[]; last: string | Date }>(res).map((r) => ({
        tutorId: r.tutor_id,
        subjects: r.subjects,
        last: new Date(r.last),
      }));
    },

    async getStudent(studentId: string) {
      const [r] = await db.select().from(students).where(eq(students.id, studentId)).limit(1);
      return r ? { id: r.id, name: r.name, signedUpAt: r.signedUpAt ?? r.createdAt } : null;
    },

    /**
     * Students signed up since `signedUpSince` (their first week), and students whose last activity (last
     * session, else sign-up) lies between `inactiveNotBefore` and `inactiveBefore`. Sessions in the future
     * (booked) do not count as activity.
     */
    async listStudentActivity(opts: {
      studentIds: string[];
      signedUpSince: Date;
      inactiveBefore: Date;
      inactiveNotBefore: Date;
      limit: number;
    }) {
      if (opts.studentIds.length === 0) return [];
      const now = clock.now();
      const res = await db.execute(sql`
        select st.id, st.name, coalesce(st.signed_up_at, st.created_at) as signed_up_at,
          count(s.id)::int as total,
          (count(s.id) filter (
            where s.session_start_time < coalesce(st.signed_up_at, st.created_at) + interval '7 days'))::int as first_week,
          max(s.session_start_time) as last_session,
          (select s2.subjects_covered from ${sessions} s2 where s2.student_id = st.id and s2.session_start_time <= ${now}
            order by s2.session_start_time desc limit 1) as last_subjects
        from ${students} st
        left join ${sessions} s on s.student_id = st.id and s.session_start_time <= ${now}
        where st.id in (${sql.join(
          opts.studentIds.map((id) => sql`${id}`),
          sql`, `,
        )})
        group by st.id
        having coalesce(st.signed_up_at, st.created_at) >= ${opts.signedUpSince}
          or coalesce(max(s.session_start_time), coalesce(st.signed_up_at, st.created_at))
            between ${opts.inactiveNotBefore} and ${opts.inactiveBefore}
        order by st.id
        limit ${opts.limit}`);
      return rowsOf<{
        id: string;
        name: string;
        signed_up_at: string | Date;
        total: number;
        first_week: number;
        last_session: string | Date | null;
        last_subjects: string[] | null;
      }>(res).map((r) => ({
        studentId: r.id,
        name: r.name,
        signedUpAt: new Date(r.signed_up_at),
        sessionsTotal: Number(r.total),
        sessionsFirstWeek: Number(r.first_week),
        lastSessionAt: r.last_session ? new Date(r.last_session) : null,
        recentSubjects: r.last_subjects ?? [],
      }));
    },

    /** A new student record (self-registration): `stu-<uuid>`, signed up now. */
    async createStudent(input: { name: string; email: string; gradeLevel?: string | null }): Promise<string> {
      const id = `stu-${randomUUID()}`;
      const now = clock.now();
      await db.insert(students).values({
        id,
        name: input.name,
        email: input.email,
        gradeLevel: input.gradeLevel ?? null,
        signedUpAt: now,
        createdAt: now,
        updatedAt: now,
      });
      return id;
    },

    /** Removes a student record nobody uses yet (a registration that failed after creating it). */
    async deleteUnusedStudent(id: string): Promise<void> {
      await db.execute(sql`delete from ${students} where id = ${id}
        and not exists (select 1 from ${sessions} where student_id = ${id})`);
    },
  };
}

export type StudentRecords = ReturnType<typeof createStudentRecords>;
