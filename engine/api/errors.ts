import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { Refused } from '../requests';
import { HttpError } from './http-error';

/**
 * Every failure leaves as JSON `{error: {status, message, ...}}`. Client mistakes say what was wrong;
 * anything unexpected is logged with its stack here and answered without it.
 */
export function errorResponses(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      const { status, message, details } = describe(error);
      if (status >= 500) log.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.body = { error: { status, message, ...details } };
    }
  };
}

function describe(error: unknown): { status: number; message: string; details?: Record<string, unknown> } {
  if (error instanceof HttpError) return { status: error.status, message: error.message, details: error.details };
  // A decision that does not fit the request's state: nothing was changed.
  if (error instanceof Refused) return { status: 409, message: error.message };
  // Errors from the body parser and from Koa itself carry an HTTP status and a safe message.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      (error as { type?: string }).type === 'entity.too.large'
        ? 'request body is larger than the limit'
        : error instanceof SyntaxError
          ? `request body is not valid JSON: ${error.message}`
          : (error as Error).message;
    return { status, message };
  }
  return { status: 500, message: 'internal error; it has been logged' };
}
