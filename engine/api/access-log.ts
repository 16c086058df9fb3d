import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../metrics';
import type { AuthState } from './authenticate';

/** What a call that no route took is counted as, so stray URLs make no new series. */
export const UNMATCHED = '(unmatched)';

/**
 * One line per call, and its count and time: the route as the router names it (`/api/requests/:id`),
 * the status it left with, and who called (role and library), never the token.
 */
export function accessLog(log: Logger, metrics: Pick<ServiceMetrics, 'answered'>): Middleware<Partial<AuthState>> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      const matched = typeof route === 'string' ? route : UNMATCHED;
      metrics.answered(ctx.method, matched, ctx.status, seconds);
      const caller = ctx.state.caller;
      log.info({ method: ctx.method, route: matched, status: ctx.status, ms: Math.round(seconds * 1e6) / 1e3, role: caller?.role, libraryId: caller?.libraryId }, 'answered');
    }
  };
}
