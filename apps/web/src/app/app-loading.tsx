import { Spinner } from '@/components/ui/spinner';

/** Shown while the first route's code or the session check loads. */
export function AppLoading() {
  return (
    <div role="status" className="flex min-h-screen items-center justify-center gap-3 text-sm text-slate-600">
      <Spinner className="size-5 text-indigo-600" />
      Loading Tutorpulse…
    </div>
  );
}
