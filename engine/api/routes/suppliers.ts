import Router from '@koa/router';
import type { NetworkHolder } from '../../network';
import type { RequestStore } from '../../store/store';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';
import { HttpError } from '../http-error';
import { pageQuery, paged, type Page } from '../input';

export interface SupplierRoutesDeps {
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
}

/**
 * What the network sent each supplier: a service library's librarians work their lending requests
 * from here and answer through a request's supplier-messages route.
 */
export function supplierRoutes({ store, network }: SupplierRoutesDeps): Routes {
  return new Routes(new Router<AuthState>()).add<Page>(
    { method: 'get', path: '/api/suppliers/:id/outbox', summary: 'List what was sent to a supplier, newest first', roles: ['supplier', 'administrator'], query: pageQuery() },
    async (ctx, { params, query: { limit, before } }) => {
      const supplierId = params.id!;
      const { caller } = ctx.state;
      if (caller.role !== 'administrator' && caller.libraryId !== supplierId) {
        throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot see what was sent to ${supplierId}`);
      }
      if (!network.current().config.suppliers.some((supplier) => supplier.id === supplierId)) throw new HttpError(404, `no supplier ${supplierId}`);
      ctx.body = paged(await store.listOutbox(supplierId, limit, before), limit, 'entries');
    },
  );
}
