import { isApiError } from '@/lib/api-client';
import { Button } from './button';

export function describeError(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 403) return "You don't have permission to see this.";
    if (error.status >= 500) return 'The server had a problem answering. Try again in a moment.';
    return error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

export function ErrorState({
  title = "Couldn't load this",
  error,
  onRetry,
  isRetrying = false,
}: {
  title?: string;
  error: unknown;
  onRetry?: () => void;
  isRetrying?: boolean;
}) {
  return (
    <div role="alert" className="flex flex-col items-center px-6 py-10 text-center">
      <svg
        className="size-10 text-red-400"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        aria-hidden="true"
      >
        <path
          strokeLinecap="round"
          strokeLinejoin="round"
          d="M12 9v3.75m9-.75a9 9 0 1 1-18 0 9 9 0 0 1 18 0Zm-9 3.75h.008v.008H12v-.008Z"
        />
      </svg>
      <p className="mt-3 text-sm font-semibold text-slate-900">{title}</p>
      <p className="mt-1 max-w-md text-sm text-slate-600">{describeError(error)}</p>
      {onRetry && (
        <Button variant="secondary" className="mt-4" onClick={onRetry} isLoading={isRetrying}>
          Try again
        </Button>
      )}
    </div>
  );
}
