import type { TApiKey } from '@tutorpulse/contracts/identity';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import { formatDateTime, formatRelative, formatRole } from '@/lib/format';

export function keyStatus(key: TApiKey, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && new Date(key.expires_at).getTime() <= now) return 'expired';
  return 'active';
}

const STATUS_BADGE = {
  active: <Badge tone="success">Active</Badge>,
  revoked: <Badge tone="danger">Revoked</Badge>,
  expired: <Badge tone="warning">Expired</Badge>,
};

export function ApiKeysTable({
  keys,
  canManage,
  onRevoke,
}: {
  keys: TApiKey[];
  canManage: boolean;
  onRevoke: (key: TApiKey) => void;
}) {
  return (
    <Table caption="API keys">
      <THead>
        <Tr>
          <Th>Name</Th>
          <Th>Role</Th>
          <Th>Status</Th>
          <Th className="hidden md:table-cell">Last used</Th>
          <Th className="hidden lg:table-cell">Created</Th>
          <Th className="hidden lg:table-cell">Expires</Th>
          {canManage && (
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          )}
        </Tr>
      </THead>
      <TBody>
        {keys.map((key) => {
          const status = keyStatus(key);
          return (
            <Tr key={key.id}>
              <Td className="min-w-44">
                <div className="font-medium text-slate-900">{key.name}</div>
                <div className="font-mono text-xs text-slate-500">{key.prefix}…</div>
              </Td>
              <Td>
                <Badge tone="info">{formatRole(key.role)}</Badge>
              </Td>
              <Td>{STATUS_BADGE[status]}</Td>
              <Td
                className="hidden whitespace-nowrap md:table-cell"
                title={formatDateTime(key.last_used_at, 'Never')}
              >
                {formatRelative(key.last_used_at)}
              </Td>
              <Td className="hidden whitespace-nowrap lg:table-cell">{formatDateTime(key.created_at)}</Td>
              <Td className="hidden whitespace-nowrap lg:table-cell">
                {formatDateTime(key.expires_at, 'Never')}
              </Td>
              {canManage && (
                <Td className="text-right">
                  {status === 'active' && (
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-700 hover:bg-red-50"
                      onClick={() => onRevoke(key)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </Button>
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
