/**
 * One deadline for a whole AI call (every attempt and every wait between attempts), merged with the caller's
 * abort signal. The signal fires on either; `expired()` and `callerAborted()` tell them apart, so a timeout is
 * reported as `timeout` and a stop button as `aborted`.
 */
import type { Deadline } from './port';

export function createDeadline(
  timeoutMs: number,
  callerSignal?: AbortSignal,
): Deadline & { dispose(): void } {
  const controller = new AbortController();
  const endsAt = performance.now() + timeoutMs;
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`deadline of ${timeoutMs} ms passed`));
  }, timeoutMs);
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    timeoutMs,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
    expired: () => expired && !callerSignal?.aborted,
    callerAborted: () => Boolean(callerSignal?.aborted),
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** Waits `ms`, or rejects as soon as the signal fires. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
