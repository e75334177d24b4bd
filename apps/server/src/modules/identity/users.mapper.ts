import type { TUser } from '@tutorpulse/contracts/identity';
import type { users } from '../../db/schema/index';

export type UserRow = typeof users.$inferSelect;

export function toUserDto(u: UserRow): TUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    tutor_id: u.tutorId,
    student_id: u.studentId,
    last_login_at: u.lastLoginAt?.toISOString() ?? null,
    created_at: u.createdAt.toISOString(),
  };
}
