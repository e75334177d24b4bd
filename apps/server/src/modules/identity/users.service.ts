/** User administration (admin only): list, create, change role, disable. Every change is audited. */
import { and, asc, count, eq, inArray, isNotNull } from 'drizzle-orm';
import type { TRegisterRequest } from '@tutorpulse/contracts/companion-engagement';
import type { TCreateUserRequest, TRole, TUpdateUserRequest, TUser } from '@tutorpulse/contracts/identity';
import type { Db } from '../../db/client';
import { users } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { AuditService } from './audit.service';
import type { AuthService } from './auth.service';
import { checkPasswordPolicy } from './password-policy';
import { hashPassword } from './passwords';
import { actorOf, type Principal, type RequestContext } from '../../platform/auth/principal';
import { toUserDto } from './users.mapper';

/**
 * Where a self-registered student's marketplace record comes from (the sessions module owns students), and
 * what else registration sets up (the companion's time zone). Wired by the composition root.
 */
export type StudentRegistrationPort = {
  createStudent(input: { name: string; email: string; gradeLevel: string | null }): Promise<string>;
  /** Undo for a registration that failed after the record was created. */
  deleteUnusedStudent(id: string): Promise<void>;
  /** After the account exists (e.g. the companion stores the time zone). */
  onRegistered?(studentId: string, input: TRegisterRequest): Promise<void>;
};

export function createUserService(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  auth: AuthService;
  /** Needed for self-registration only (`registerStudent`). */
  studentRegistration?: () => StudentRegistrationPort;
}) {
  const { db, clock, audit, auth } = deps;

  return {
    async list(q: { limit: number; offset: number }) {
      const [rows, [total]] = await Promise.all([
        db.select().from(users).orderBy(asc(users.email)).limit(q.limit).offset(q.offset),
        db.select({ n: count() }).from(users),
      ]);
      return { data: rows.map(toUserDto), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
    },

    /** Emails of the enabled users holding any of these roles (e.g. coaches to alert), sorted. */
    async listActiveEmails(roles: TRole[]): Promise<string[]> {
      if (roles.length === 0) return [];
      const rows = await db
        .select({ email: users.email })
        .from(users)
        .where(and(inArray(users.role, roles), eq(users.disabled, false)))
        .orderBy(asc(users.email));
      return rows.map((r) => r.email);
    },

    async create(input: TCreateUserRequest, by: Principal, ctx: RequestContext): Promise<TUser> {
      const email = input.email.trim().toLowerCase();
      const problem = checkPasswordPolicy(input.password, { email });
      if (problem) {
        throw new AppError('VALIDATION_FAILED', problem, [{ path: 'password', message: problem }]);
      }
      if (input.role === 'tutor' && !input.tutor_id) {
        throw new AppError('VALIDATION_FAILED', 'A tutor account needs tutor_id', [
          { path: 'tutor_id', message: 'Required for the tutor role' },
        ]);
      }
      if (input.role === 'student' && !input.student_id) {
        throw new AppError('VALIDATION_FAILED', 'A student account needs student_id', [
          { path: 'student_id', message: 'Required for the student role' },
        ]);
      }
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      const [row] = await db
        .insert(users)
        .values({
          email,
          name: input.name,
          role: input.role,
          passwordHash,
          tutorId: input.tutor_id ?? null,
          studentId: input.student_id ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!row) throw new AppError('CONFLICT', 'A user with that email already exists');
      await audit.record({
        actor: actorOf(by),
        action: 'user.create',
        outcome: 'success',
        target: { type: 'user', id: row.id },
        details: { email, role: input.role },
        ctx,
      });
      return toUserDto(row);
    },

    /**
     * Self-registration (seed 004 `POST /api/auth/register`): always the student role (no role choice), the
     * same password rules as every account, a new student record, audited. An email already registered
     * answers 409.
     */
    async registerStudent(input: TRegisterRequest, ctx: RequestContext): Promise<TUser> {
      const email = input.email.trim().toLowerCase();
      const problem = checkPasswordPolicy(input.password, { email });
      if (problem) {
        throw new AppError('VALIDATION_FAILED', problem, [{ path: 'body.password', message: problem }]);
      }
      const port = deps.studentRegistration?.();
      if (!port) throw new AppError('SERVICE_UNAVAILABLE', 'Registration is not available');
      const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
      if (taken) throw new AppError('CONFLICT', 'An account with that email already exists; log in instead');
      const passwordHash = await hashPassword(input.password);
      const studentId = await port.createStudent({
        name: input.name,
        email,
        gradeLevel: input.grade_level ?? null,
      });
      const now = clock.now();
      const [row] = await db
        .insert(users)
        .values({
          email,
          name: input.name,
          role: 'student',
          passwordHash,
          studentId,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!row) {
        await port.deleteUnusedStudent(studentId);
        throw new AppError('CONFLICT', 'An account with that email already exists; log in instead');
      }
      await port.onRegistered?.(studentId, input);
      await audit.record({
        actor: { type: 'anonymous', id: null, label: email },
        action: 'user.register',
        outcome: 'success',
        target: { type: 'user', id: row.id },
        details: { role: 'student', student_id: studentId },
        ctx,
      });
      return toUserDto(row);
    },

    /** Enabled accounts of a student record (to address live events). */
    async userIdsForStudent(studentId: string): Promise<string[]> {
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.studentId, studentId), eq(users.role, 'student'), eq(users.disabled, false)));
      return rows.map((r) => r.id);
    },

    /** Enabled accounts of a tutor record. */
    async userIdsForTutor(tutorId: string): Promise<string[]> {
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.tutorId, tutorId), eq(users.role, 'tutor'), eq(users.disabled, false)));
      return rows.map((r) => r.id);
    },

    /** Student records with an enabled student account (who can read in-app notifications). */
    async listStudentsWithAccounts(): Promise<string[]> {
      const rows = await db
        .selectDistinct({ studentId: users.studentId })
        .from(users)
        .where(and(isNotNull(users.studentId), eq(users.role, 'student'), eq(users.disabled, false)));
      return rows.map((r) => r.studentId!).sort();
    },

    async update(id: string, patch: TUpdateUserRequest, by: Principal, ctx: RequestContext): Promise<TUser> {
      const [before] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      if (!before) throw new AppError('NOT_FOUND', 'User not found');
      if (
        by.kind === 'user' &&
        by.id === id &&
        (patch.disabled === true || (patch.role && patch.role !== 'admin'))
      ) {
        // An admin locking themselves out leaves nobody to undo it.
        throw new AppError('UNPROCESSABLE', 'You cannot disable or demote your own account');
      }
      const [row] = await db
        .update(users)
        .set({
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          updatedAt: clock.now(),
        })
        .where(eq(users.id, id))
        .returning();
      if ((patch.disabled && !before.disabled) || (patch.role && patch.role !== before.role)) {
        await auth.revokeAllSessions(id);
      }
      await audit.record({
        actor: actorOf(by),
        action: 'user.update',
        outcome: 'success',
        target: { type: 'user', id },
        details: {
          ...(patch.role !== undefined ? { role: { from: before.role, to: patch.role } } : {}),
          ...(patch.disabled !== undefined
            ? { disabled: { from: before.disabled, to: patch.disabled } }
            : {}),
          ...(patch.name !== undefined ? { name_changed: true } : {}),
        },
        ctx,
      });
      return toUserDto(row!);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
