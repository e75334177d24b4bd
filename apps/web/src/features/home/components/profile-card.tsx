import type { TUser } from '@tutorpulse/contracts/identity';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { formatDateTime, formatRole } from '@/lib/format';

export function ProfileCard({ user }: { user: TUser }) {
  return (
    <Card aria-labelledby="profile-title">
      <CardHeader title="Your account" titleId="profile-title" />
      <CardBody>
        <dl className="space-y-3 text-sm">
          <div>
            <dt className="text-slate-500">Name</dt>
            <dd className="font-medium text-slate-900">{user.name}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Email</dt>
            <dd className="font-medium break-all text-slate-900">{user.email}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Role</dt>
            <dd className="mt-0.5">
              <Badge tone="info">{formatRole(user.role)}</Badge>
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Last sign-in</dt>
            <dd className="text-slate-900">
              {formatDateTime(user.last_login_at, 'This is your first sign-in')}
            </dd>
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}
