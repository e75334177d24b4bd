import { PageHeader } from '@/components/ui/page-header';
import { useUser } from '@/lib/auth';
import { can } from '@/lib/authorization';
import { formatRole } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { HealthCard } from '../components/health-card';
import { ProfileCard } from '../components/profile-card';

export function HomePage() {
  useDocumentTitle('Home');
  const user = useUser();
  return (
    <>
      <PageHeader
        title={`Welcome, ${user.name}`}
        description={`Signed in as ${formatRole(user.role).toLowerCase()}.`}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-1">
          <ProfileCard user={user} />
        </div>
        <div className="lg:col-span-2">
          <HealthCard showLatencyChart={can(user.role, 'system:monitor')} />
        </div>
      </div>
    </>
  );
}
