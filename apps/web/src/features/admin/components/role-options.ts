import { ROLES } from '@tutorpulse/contracts/identity';
import { formatRole } from '@/lib/format';

export const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: formatRole(role) }));
