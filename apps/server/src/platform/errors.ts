import { ERROR_STATUS, type ErrorCode } from '@tutorpulse/contracts/common';

/** The one error type services throw; the HTTP layer maps `code` to a status with ERROR_STATUS. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status ?? (ERROR_STATUS as Record<string, number>)[code] ?? 500;
  }
}

export const notFound = (what: string, code = 'NOT_FOUND') =>
  new AppError(code, `${what} not found`, undefined, 404);
