import Router from '@koa/router';
import { formatProblem, type NetworkHolder } from '../../network';
import type { AuthState } from '../authenticate';
import { HttpError } from '../http-error';

/** The centre's administration: which configuration is in force, and loading a new one. */
export function adminRoutes(network: NetworkHolder): Router<AuthState> {
  const router = new Router<AuthState>({ prefix: '/api/admin' });
  router.use(async (ctx, next) => {
    if (ctx.state.caller.role !== 'administrator') throw new HttpError(403, 'administrators only');
    await next();
  });

  router.get('/config', (ctx) => {
    const { config } = network.current();
    ctx.body = { version: config.version, suppliers: config.suppliers.length, libraries: config.libraries.length, rules: config.rules.length };
  });

  router.post('/config/reload', (ctx) => {
    const result = network.reload();
    if ('problems' in result) {
      throw new HttpError(422, 'the new configuration has problems; the previous version stays in force', {
        version: network.current().config.version,
        problems: result.problems.map(formatProblem),
      });
    }
    ctx.body = result;
  });
  return router;
}
