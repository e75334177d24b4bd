import type { TUser } from '@tutorpulse/contracts/identity';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { TableSkeleton } from '@/components/ui/skeleton';
import { useUser } from '@/lib/auth';
import { can } from '@/lib/authorization';
import { readPageParams } from '@/lib/search-params';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useUsers } from '../api/get-users';
import { ChangeRoleDialog } from '../components/change-role-dialog';
import { CreateUserDialog } from '../components/create-user-dialog';
import { ToggleUserDialog } from '../components/toggle-user-dialog';
import { UsersTable } from '../components/users-table';

type Action = { kind: 'role' | 'toggle'; user: TUser } | null;

export function UsersPage() {
  useDocumentTitle('Users');
  const me = useUser();
  const canManage = can(me.role, 'users:manage');
  const [searchParams] = useSearchParams();
  const page = readPageParams(searchParams);
  const users = useUsers(page);
  const [isCreateOpen, setCreateOpen] = useState(false);
  const [action, setAction] = useState<Action>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in, their role and whether they are active."
        actions={canManage && <Button onClick={() => setCreateOpen(true)}>Create user</Button>}
      />
      {notice && (
        <Alert tone="success" className="mb-4">
          {notice}
        </Alert>
      )}
      <Card aria-label="Users" aria-busy={users.isFetching}>
        {users.isPending ? (
          <TableSkeleton columns={5} label="Loading users" />
        ) : users.isError && !users.data ? (
          <ErrorState
            title="Couldn't load users"
            error={users.error}
            onRetry={() => void users.refetch()}
            isRetrying={users.isFetching}
          />
        ) : users.data.data.length === 0 ? (
          <EmptyState
            title={page.offset > 0 ? 'No users on this page' : 'No users yet'}
            description={
              page.offset > 0 ? 'Go back to the first page.' : 'Create the first user to give someone access.'
            }
            action={
              canManage &&
              page.offset === 0 && <Button onClick={() => setCreateOpen(true)}>Create user</Button>
            }
          />
        ) : (
          <>
            <UsersTable
              users={users.data.data}
              currentUserId={me.id}
              canManage={canManage}
              onChangeRole={(user) => setAction({ kind: 'role', user })}
              onToggle={(user) => setAction({ kind: 'toggle', user })}
            />
            <Pagination
              total={users.data.total}
              limit={users.data.limit}
              offset={users.data.offset}
              label="Users pages"
            />
          </>
        )}
      </Card>

      {canManage && (
        <>
          <CreateUserDialog
            open={isCreateOpen}
            onClose={() => setCreateOpen(false)}
            onCreated={(user) => setNotice(`Created ${user.name} (${user.email}).`)}
          />
          {action?.kind === 'role' && (
            <ChangeRoleDialog
              key={action.user.id}
              user={action.user}
              onClose={() => setAction(null)}
              onChanged={(user) => setNotice(`${user.name} is now ${user.role}.`)}
            />
          )}
          {action?.kind === 'toggle' && (
            <ToggleUserDialog
              key={action.user.id}
              user={action.user}
              onClose={() => setAction(null)}
              onChanged={(user) => setNotice(`${user.name} is ${user.disabled ? 'disabled' : 'enabled'}.`)}
            />
          )}
        </>
      )}
    </>
  );
}
