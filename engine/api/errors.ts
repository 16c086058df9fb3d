import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { Logger } from 'pino';
import { TokenError } from '../auth/tokens';
import { Refused } from '../refused';
import { InvalidCursor } from '../store/store';
import { InvalidInput } from './contract';
import type { HttpError } from './http-error';

/**
 * Every failure leaves as JSON `{error: {status, message, code?, problems?}}`. Client mistakes say what was
 * wrong and which field; anything unexpected is logged with its stack here and answered without it.
 */
export function errorResponses(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) ctx.throw(404, `no route for ${ctx.method} ${ctx.path}`);
      // The router answers a method a path does not take (405, with Allow) in plain text; it leaves as JSON too.
      if ((ctx.status === 405 || ctx.status === 501) && (ctx.body === undefined || ctx.body === null || typeof ctx.body === 'string')) {
        ctx.throw(ctx.status, `${ctx.method} is not taken by ${ctx.path}${ctx.response.get('Allow') ? ` (it takes ${ctx.response.get('Allow')})` : ''}`);
      }
    } catch (thrown) {
      const error = asHttpError(thrown);
      if (error.status >= 500) log.error({ err: thrown, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.headers ?? {})) ctx.set(name, value);
      const message = error.expose ? error.message : 'internal error; it has been logged';
      // Details never stand in for the status and message.
      ctx.body = { error: { ...(error.expose ? error.details : {}), status: error.status, message } };
    }
  };
}

/** Each kind of failure the API knows, as the HTTP answer it gets. */
export function asHttpError(error: unknown): HttpError {
  if (error instanceof InvalidInput) return createError(400, error.message, { details: { problems: error.problems } });
  // A request or a decision the network refuses: a request naming what is at fault is not valid; a decision that does not fit the request's state changed nothing.
  if (error instanceof Refused) {
    return error.pointer === undefined
      ? createError(409, error.message, error.code ? { details: { code: error.code } } : {})
      : createError(400, 'the request is not valid', { details: { problems: [{ path: `/body${error.pointer}`, message: error.message }] } });
  }
  // A cursor is handed back as the list gave it; one it did not give is the caller's mistake.
  if (error instanceof InvalidCursor) return createError(400, `/query/cursor ${error.message}`, { details: { problems: [{ path: '/query/cursor', message: error.message }] } });
  if (error instanceof TokenError) return createError(401, error.message, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
  // The body parser's errors carry a status and, some, a type, in words for a developer of the parser.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if ((error as { type?: string }).type === 'entity.too.large') return createError(413, 'request body is larger than the limit');
    if (error instanceof SyntaxError) return createError(400, `request body is not valid JSON: ${error.message}`);
  }
  if (createError.isHttpError(error)) return error;
  if (typeof status === 'number' && status >= 400 && status < 500) return createError(status, (error as Error).message);
  return createError(500, error instanceof Error ? error.message : String(error));
}
