import type { TUser } from '@tutorpulse/contracts/identity';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime, formatRelative, formatRole } from '@/lib/format';

export function UsersTable({
  users,
  currentUserId,
  canManage,
  onChangeRole,
  onToggle,
}: {
  users: TUser[];
  currentUserId: string;
  canManage: boolean;
  onChangeRole: (user: TUser) => void;
  onToggle: (user: TUser) => void;
}) {
  return (
    <Table caption="Users">
      <THead>
        <Tr>
          <Th>User</Th>
          <Th>Role</Th>
          <Th>Status</Th>
          <Th className="hidden md:table-cell">Last sign-in</Th>
          <Th className="hidden lg:table-cell">Created</Th>
          {canManage && (
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          )}
        </Tr>
      </THead>
      <TBody>
        {users.map((user) => {
          const isSelf = user.id === currentUserId;
          return (
            <Tr key={user.id}>
              {/* A minimum width so a phone scrolls the table sideways instead of breaking names letter by letter. */}
              <Td className="min-w-52">
                <div className="font-medium text-slate-900">
                  {user.name}
                  {isSelf && (
                    <Badge className="ml-2" tone="neutral">
                      You
                    </Badge>
                  )}
                </div>
                <div className="text-xs break-words text-slate-500">{user.email}</div>
              </Td>
              <Td>
                <Badge tone="info">{formatRole(user.role)}</Badge>
              </Td>
              <Td>
                {user.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}
              </Td>
              <Td
                className="hidden whitespace-nowrap md:table-cell"
                title={formatDateTime(user.last_login_at, 'Never')}
              >
                {formatRelative(user.last_login_at)}
              </Td>
              <Td className="hidden whitespace-nowrap lg:table-cell">{formatDateTime(user.created_at)}</Td>
              {canManage && (
                <Td className="text-right whitespace-nowrap">
                  {!isSelf && (
                    <div className="flex flex-col items-end gap-1 sm:flex-row sm:justify-end sm:gap-2">
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() => onChangeRole(user)}
                        aria-label={`Change role of ${user.name}`}
                      >
                        Change role
                      </Button>
                      <Button
                        size="sm"
                        variant={user.disabled ? 'secondary' : 'ghost'}
                        onClick={() => onToggle(user)}
                        aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.name}`}
                      >
                        {user.disabled ? 'Enable' : 'Disable'}
                      </Button>
                    </div>
                  )}
                </Td>
              )}
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
