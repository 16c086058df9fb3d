import Router from '@koa/router';
import type { NetworkHolder } from '../../network';
import type { RequestStore } from '../../store/store';
import type { AuthState } from '../authenticate';
import { HttpError } from '../http-error';

export interface SupplierRoutesDeps {
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

function pageSize(raw: unknown): number {
  if (raw === undefined) return DEFAULT_PAGE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_PAGE}`);
  return size;
}

function cursor(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const seq = Number(raw);
  if (!Number.isInteger(seq) || seq < 1) throw new HttpError(400, 'before must be the next value of an earlier page');
  return seq;
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
    const limit = pageSize(ctx.query.limit);
    const entries = await store.listOutbox(supplierId, limit, cursor(ctx.query.before));
    // A full page may have more behind it; the client asks again from the last entry it got.
    ctx.body = { entries, next: entries.length === limit ? String(entries.at(-1)!.seq) : undefined };
  });

  return router;
}
