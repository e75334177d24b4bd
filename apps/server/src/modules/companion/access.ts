/**
 * Per-object access to a student's learning records: a student reaches only their own, a tutor only the
 * students they teach (they have had a session together, through the sessions module), an admin everyone.
 * Every other role is refused by the routes' role lists before it gets here (403); a record or student
 * the caller may not see answers 404, like one that does not exist.
 */
import type { Principal } from '../../platform/auth/principal';
import { AppError } from '../../platform/errors';

export type StudentAccessDeps = {
  sessions: { tutorTeachesStudent(tutorId: string, studentId: string): Promise<boolean> };
};

export function createStudentAccess(deps: StudentAccessDeps) {
  async function canSee(p: Principal, studentId: string): Promise<boolean> {
    if (p.role === 'admin') return true;
    if (p.role === 'student') return p.studentId !== null && p.studentId === studentId;
    if (p.role === 'tutor')
      return p.tutorId !== null && deps.sessions.tutorTeachesStudent(p.tutorId, studentId);
    return false;
  }
  return {
    canSee,
    /**
     * Throws 404 unless the principal may see this student's records: another student's id answers as an
     * unknown one, so ids disclose nothing (and the route-level 403 stays a statement about roles).
     */
    async assertCanSee(p: Principal, studentId: string): Promise<void> {
      if (!(await canSee(p, studentId))) throw new AppError('NOT_FOUND', 'No student with that id');
    },
    /** For records found by their own id: 404 (not 403) so that ids of others' records disclose nothing. */
    async assertOwnsRecord(p: Principal, studentId: string, what: string): Promise<void> {
      if (!(await canSee(p, studentId))) throw new AppError('NOT_FOUND', `${what} not found`);
    },
  };
}
export type StudentAccess = ReturnType<typeof createStudentAccess>;
