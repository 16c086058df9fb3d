import Router from '@koa/router';
import type { NetworkHolder } from '../../network';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';

export interface MemberRoutesDeps {
  network: Pick<NetworkHolder, 'current'>;
}

/**
 * Who is in the network, for the centre's staff to pick an account by name rather than type its code.
 * Only what names and places a member: a supplier's endpoint and the variables holding its
 * credentials stay in the configuration.
 */
export function memberRoutes({ network }: MemberRoutesDeps): Routes {
  return new Routes(new Router<AuthState>())
    .add(
      {
        method: 'get',
        path: '/api/libraries',
        summary: 'List the network’s libraries',
        roles: ['administrator'],
        responses: { '200': { description: '`{"libraries": [{"id", "name", "region", "role"}]}`, in the order of the configuration' } },
      },
      async (ctx) => {
        ctx.body = { libraries: network.current().config.libraries.map(({ id, name, region, role }) => ({ id, name, region, role })) };
      },
    )
    .add(
      {
        method: 'get',
        path: '/api/suppliers',
        summary: 'List the network’s suppliers',
        roles: ['administrator'],
        responses: { '200': { description: '`{"suppliers": [{"id", "name", "kind", "region"?, "state"}]}`, in the order of the configuration' } },
      },
      async (ctx) => {
        ctx.body = {
          suppliers: network.current().config.suppliers.map(({ id, name, kind, region, status }) => ({ id, name, kind, ...(region ? { region } : {}), state: status.state })),
        };
      },
    );
}
