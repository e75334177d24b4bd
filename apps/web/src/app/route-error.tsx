import { isRouteErrorResponse, useRouteError } from 'react-router';
import { Button } from '@/components/ui/button';

/** Last-resort screen for a route that threw, including a lazy chunk that no longer exists after a deploy. */
export function RouteError() {
  const error = useRouteError();
  const isChunkError =
    error instanceof TypeError && /dynamically imported module|module script|import/i.test(error.message);
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : isChunkError
      ? 'A new version of Tutorpulse is available. Reload the page to continue.'
      : 'Something unexpected went wrong on this page.';
  if (import.meta.env.DEV) console.error(error);

  return (
    <main id="main" className="mx-auto mt-24 max-w-lg px-4 text-center">
      <h1 className="text-xl font-semibold text-slate-900">
        {isChunkError ? 'Update available' : 'Something went wrong'}
      </h1>
      <p className="mt-2 text-sm text-slate-600" role="alert">
        {message}
      </p>
      <Button className="mt-6" onClick={() => window.location.reload()}>
        Reload
      </Button>
    </main>
  );
}
