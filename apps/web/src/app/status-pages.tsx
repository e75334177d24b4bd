import { Link } from 'react-router';
import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useDocumentTitle } from '@/lib/use-document-title';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="py-16 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600">There is nothing at this address.</p>
      <Link to={paths.home.getHref()} className={`${buttonClasses('primary')} mt-6`}>
        Go home
      </Link>
    </div>
  );
}

export function ForbiddenPage() {
  useDocumentTitle('No access');
  return (
    <div className="py-16 text-center">
      <p className="text-sm font-semibold text-indigo-600">403</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">You don't have access to this page</h1>
      <p className="mt-2 text-sm text-slate-600">
        Your role does not include this area. Ask an administrator if you need it.
      </p>
      <Link to={paths.home.getHref()} className={`${buttonClasses('primary')} mt-6`}>
        Go home
      </Link>
    </div>
  );
}
