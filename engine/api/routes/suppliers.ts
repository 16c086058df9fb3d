import Router from '@koa/router';
import type { NetworkHolder } from '../../network';
import type { RequestStore } from '../../store/store';
import type { AuthState } from '../authenticate';
import { HttpError } from '../http-error';
import { page, paged } from '../input';

export interface SupplierRoutesDeps {
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
}

/**
 * What the network sent each supplier: a service library's librarians work their lending requests
 * from here and answer through a request's supplier-messages route.
 */
export function supplierRoutes({ store, network }: SupplierRoutesDeps): Router<AuthState> {
  const router = new Router<AuthState>({ prefix: '/api/suppliers/:id' });

  router.get('/outbox', async (ctx) => {
    const supplierId = ctx.params.id!;
    const { caller } = ctx.state;
    if (caller.role !== 'administrator' && !(caller.role === 'supplier' && caller.libraryId === supplierId)) {
      throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot see what was sent to ${supplierId}`);
    }
    if (!network.current().config.suppliers.some((supplier) => supplier.id === supplierId)) throw new HttpError(404, `no supplier ${supplierId}`);
    const { limit, before } = page(ctx.query);
    ctx.body = paged(await store.listOutbox(supplierId, limit, before), limit, 'entries');
  });

  return router;
}
