import type { TApiKey } from '@tutorpulse/contracts/identity';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { TableSkeleton } from '@/components/ui/skeleton';
import { useUser } from '@/lib/auth';
import { can } from '@/lib/authorization';
import { readPageParams } from '@/lib/search-params';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useApiKeys } from '../api/get-api-keys';
import { useRevokeApiKey } from '../api/revoke-api-key';
import { ApiKeysTable } from '../components/api-keys-table';
import { CreateApiKeyDialog } from '../components/create-api-key-dialog';

export function ApiKeysPage() {
  useDocumentTitle('API keys');
  const me = useUser();
  const canManage = can(me.role, 'api-keys:manage');
  const [searchParams] = useSearchParams();
  const page = readPageParams(searchParams);
  const keys = useApiKeys(page);
  const [isCreateOpen, setCreateOpen] = useState(false);
  const [toRevoke, setToRevoke] = useState<TApiKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const revoke = useRevokeApiKey({
    onSuccess: () => {
      setNotice(`Revoked “${toRevoke?.name ?? 'key'}”. Requests using it are refused from now on.`);
      setToRevoke(null);
    },
  });

  const closeRevoke = () => {
    revoke.reset();
    setToRevoke(null);
  };

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let servers and scripts call the API. Each key acts with one role."
        actions={canManage && <Button onClick={() => setCreateOpen(true)}>Create API key</Button>}
      />
      {notice && (
        <Alert tone="success" className="mb-4">
          {notice}
        </Alert>
      )}
      <Card aria-label="API keys" aria-busy={keys.isFetching}>
        {keys.isPending ? (
          <TableSkeleton columns={5} label="Loading API keys" />
        ) : keys.isError && !keys.data ? (
          <ErrorState
            title="Couldn't load API keys"
            error={keys.error}
            onRetry={() => void keys.refetch()}
            isRetrying={keys.isFetching}
          />
        ) : keys.data.data.length === 0 ? (
          <EmptyState
            title={page.offset > 0 ? 'No keys on this page' : 'No API keys yet'}
            description={
              page.offset > 0
                ? 'Go back to the first page.'
                : 'Create a key for each system that calls the API, so each can be revoked on its own.'
            }
            action={
              canManage &&
              page.offset === 0 && <Button onClick={() => setCreateOpen(true)}>Create API key</Button>
            }
          />
        ) : (
          <>
            <ApiKeysTable keys={keys.data.data} canManage={canManage} onRevoke={setToRevoke} />
            <Pagination
              total={keys.data.total}
              limit={keys.data.limit}
              offset={keys.data.offset}
              label="API keys pages"
            />
          </>
        )}
      </Card>

      {canManage && (
        <>
          <CreateApiKeyDialog open={isCreateOpen} onClose={() => setCreateOpen(false)} />
          <ConfirmDialog
            open={toRevoke !== null}
            onClose={closeRevoke}
            onConfirm={() => toRevoke && revoke.mutate(toRevoke.id)}
            title={`Revoke “${toRevoke?.name ?? ''}”?`}
            confirmLabel="Revoke key"
            isPending={revoke.isPending}
            error={revoke.isError ? revoke.error : undefined}
          >
            <p>Every system using this key loses access immediately. This cannot be undone.</p>
          </ConfirmDialog>
        </>
      )}
    </>
  );
}
