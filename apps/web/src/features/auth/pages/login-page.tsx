import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import logoUrl from '@/assets/favicon.svg';
import { getSafeNext } from '@/config/paths';
import { useMe } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';
import { LoginForm } from '../components/login-form';

export function LoginPage() {
  useDocumentTitle('Sign in');
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const me = useMe();
  const next = getSafeNext(searchParams.get('next'));
  const wasSignedOut = searchParams.get('signed_out') === '1';
  const cameFromPage = searchParams.has('next');

  // Already signed in (a bookmarked /login, the back button): straight on.
  if (me.data?.user) return <Navigate to={next} replace />;

  return (
    <main id="main" className="flex min-h-screen flex-col items-center justify-center bg-slate-50 px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center text-center">
          <img src={logoUrl} alt="" width="40" height="40" className="size-10" />
          <h1 className="mt-4 text-2xl font-semibold tracking-tight text-slate-900">Sign in to Tutorpulse</h1>
          <p className="mt-1 text-sm text-slate-600">
            Tutoring quality, operations and learning in one place.
          </p>
        </div>
        <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
          {wasSignedOut && (
            <Alert tone="success" className="mb-4">
              You have signed out.
            </Alert>
          )}
          {!wasSignedOut && cameFromPage && (
            <Alert tone="info" className="mb-4">
              Sign in to continue.
            </Alert>
          )}
          <LoginForm onSuccess={() => void navigate(next, { replace: true })} />
        </div>
      </div>
    </main>
  );
}
