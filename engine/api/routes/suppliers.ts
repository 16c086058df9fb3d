import Router from '@koa/router';
import { lookupHoldings } from '../../../rules/holdings';
import type { NetworkHolder } from '../../network';
import type { RequestStore } from '../../store/store';
import type { Caller } from '../../auth/tokens';
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
  const ownDesk = (caller: Caller, supplierId: string, what: string) => {
    if (caller.role !== 'administrator' && caller.libraryId !== supplierId) throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot see ${what}`);
    if (!network.current().config.suppliers.some((supplier) => supplier.id === supplierId)) throw new HttpError(404, `no supplier ${supplierId}`);
  };
  return new Routes(new Router<AuthState>())
    .add(
      {
        method: 'get',
        path: '/api/suppliers/:id/requests/:requestId/holding',
        summary: "Read the supplier's own holding of an item it was asked to supply: its call number and record, for the pull slip",
        roles: ['supplier', 'administrator'],
        responses: {
          200: { description: "`{requestId, holding}`: the supplier's holding (`libraryId`, `callNumber`?, `recordId`?) as the holdings data or the request give it, or null where they name none; never another library's" },
        },
      },
      async (ctx, { params }) => {
        const supplierId = params.id!;
        const { caller } = ctx.state;
        ownDesk(caller, supplierId, `the holdings of ${supplierId}`);
        const stored = await store.getRequest(params.requestId!);
        // A request the supplier was never sent answers as one that does not exist, so ids do not leak.
        const sent = stored && (caller.role === 'administrator' || (await store.orderSentAt(stored.request.id, supplierId)) !== undefined);
        if (!stored || !sent) throw new HttpError(404, `no request ${params.requestId} sent to ${supplierId}`);
        const holding = lookupHoldings(network.current().config, stored.request).find((entry) => entry.libraryId === supplierId);
        ctx.body = { requestId: stored.request.id, holding: holding ?? null };
      },
    )
    .add<Page>(
      { method: 'get', path: '/api/suppliers/:id/outbox', summary: 'List what was sent to a supplier, newest first', roles: ['supplier', 'administrator'], query: pageQuery() },
      async (ctx, { params, query: { limit, before } }) => {
        const supplierId = params.id!;
        ownDesk(ctx.state.caller, supplierId, `what was sent to ${supplierId}`);
        ctx.body = paged(await store.listOutbox(supplierId, limit, before), limit, 'entries');
      },
    );
}
