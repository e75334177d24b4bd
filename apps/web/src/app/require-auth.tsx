import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorState } from '@/components/ui/error-state';
import { paths } from '@/config/paths';
import { useMe } from '@/lib/auth';
import { AppLoading } from './app-loading';

/** Renders its routes only for a signed-in user; anyone else goes to the login page and comes back after. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) return <AppLoading />;
  if (me.isError && me.data === undefined) {
    return (
      <main className="mx-auto mt-24 max-w-lg px-4">
        <ErrorState
          title="Tutorpulse is not reachable"
          error={me.error}
          onRetry={() => void me.refetch()}
          isRetrying={me.isFetching}
        />
      </main>
    );
  }
  if (!me.data) {
    return <Navigate to={paths.login.getHref(location.pathname + location.search + location.hash)} replace />;
  }
  return <Outlet />;
}
