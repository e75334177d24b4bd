type Issue = { path: readonly PropertyKey[]; message: string };

/** First message per top-level field, from a failed contract parse (zod's `error`). */
export function fieldErrorsOf(error: { issues: readonly Issue[] }): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '_form');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Field errors a 400 VALIDATION_FAILED may carry in `details` (zod-style issues, or a field → message map). */
export function fieldErrorsFromDetails(details: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  const issues = Array.isArray(details)
    ? details
    : details && typeof details === 'object' && 'issues' in details
      ? (details as { issues: unknown }).issues
      : null;
  if (Array.isArray(issues)) {
    for (const issue of issues) {
      if (issue && typeof issue === 'object' && 'path' in issue && 'message' in issue) {
        const path = (issue as { path: unknown }).path;
        const key = Array.isArray(path) ? String(path[0] ?? '') : String(path ?? '');
        if (key) errors[key] ??= String((issue as { message: unknown }).message);
      }
    }
  } else if (details && typeof details === 'object') {
    for (const [key, value] of Object.entries(details)) if (typeof value === 'string') errors[key] = value;
  }
  return errors;
}
