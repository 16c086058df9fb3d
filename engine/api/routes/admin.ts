import Router from '@koa/router';
import { formatProblem, type NetworkHolder } from '../../network';
import type { AuthState } from '../authenticate';
import { NO_FIELDS, Routes } from '../contract';
import { HttpError } from '../http-error';

/** The centre's administration: which configuration is in force, and loading a new one. */
export function adminRoutes(network: NetworkHolder): Routes {
  return new Routes(new Router<AuthState>())
    .add({ method: 'get', path: '/api/admin/config', summary: 'Read which configuration is in force', roles: ['administrator'] }, async (ctx) => {
      const { config } = network.current();
      ctx.body = { version: config.version, suppliers: config.suppliers.length, libraries: config.libraries.length, rules: config.rules.length };
    })
    .add({ method: 'post', path: '/api/admin/config/reload', summary: 'Load the configuration again from its files', roles: ['administrator'], body: NO_FIELDS }, async (ctx) => {
      const result = network.reload();
      if ('problems' in result) {
        throw new HttpError(422, 'the new configuration has problems; the previous version stays in force', {
          version: network.current().config.version,
          problems: result.problems.map(formatProblem),
        });
      }
      ctx.body = result;
    });
}
