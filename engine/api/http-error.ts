import createError from 'http-errors';

/** An answer the API gives on purpose: an http-errors error with a status, a message for the caller, and located details. */
export type HttpError = createError.HttpError & { details?: Record<string, unknown> };

/**
 * `new HttpError(status, message, details)`, as route modules write it, makes an http-errors error, so
 * errors from Koa (`ctx.throw`), the body parser and the routes are one kind and answered in one place.
 */
export const HttpError = Object.defineProperty(
  function HttpError(status: number, message: string, details?: Record<string, unknown>): HttpError {
    return createError(status, message, details ? { details } : {});
  },
  Symbol.hasInstance,
  { value: (value: unknown) => createError.isHttpError(value) },
) as unknown as { new (status: number, message: string, details?: Record<string, unknown>): HttpError; (status: number, message: string, details?: Record<string, unknown>): HttpError };
