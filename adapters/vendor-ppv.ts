import { exceededLimit } from '../domain/money';
import type { SupplierOrder } from '../domain/orders';
import type { Money } from '../domain/request';
import type { Supplier } from '../rules/types';
import { PermanentSupplierError, type SupplierAdapter, type SupplierReply } from './adapter';
import { callSupplier, isMoney, supplierSays, unexpected, type Call, type HttpOptions } from './http';

export interface VendorPpvOptions extends HttpOptions {
  reply: SupplierReply;
}

interface Quote {
  quoteId: string;
  price: Money;
}

function quoteIn(call: Call, body: unknown): Quote {
  const { quoteId, price } = (body ?? {}) as Partial<Quote>;
  if (typeof quoteId !== 'string' || !isMoney(price)) throw unexpected(call, body);
  return { quoteId, price };
}

/** The limit a price goes beyond, unless a librarian already approved as much for this supplier. */
function limitExceeded(price: Money, order: SupplierOrder) {
  if (order.approvedCost && !exceededLimit(price, { maxCost: order.approvedCost })) return undefined;
  return exceededLimit(price, order.costLimits ?? {});
}

/**
 * Pay-per-view vendors (CNKI, VIP, Wanfang, EBSCO) over the contract in `vendor-ppv.md`. An order is
 * quoted; a price within the library's limits is bought at once, a dearer one goes back to the
 * library as RetryPossible and is bought when its acceptCost notice comes. The vendor keeps each
 * quote under the request id, so whichever worker takes that notice finds the quote there, not in
 * its own memory.
 */
export function createVendorPpvAdapter({ reply, ...http }: VendorPpvOptions): SupplierAdapter {
  /** Buys the quote for no more than `maxPrice`, once per `key`, and tells the request what came of it. */
  async function purchase(supplier: Supplier, requestId: string, quoteId: string, maxPrice: Money, key: string): Promise<void> {
    const call: Call = { method: 'POST', path: '/purchases', body: { quoteId, maxPrice }, idempotencyKey: key, answers: [404, 409] };
    const { status, body } = await callSupplier(supplier, call, http);
    const supplierId = supplier.id;
    if (status === 404) {
      await reply(requestId, { supplierId, status: 'Unfilled', reason: `the vendor no longer offers quote ${quoteId}` });
      return;
    }
    const { downloadUrl, price } = (body ?? {}) as { downloadUrl?: unknown; price?: unknown };
    if (!isMoney(price)) throw unexpected(call, body);
    if (status === 409) {
      await reply(requestId, { supplierId, status: 'RetryPossible', cost: price, reason: `the vendor now asks ${price.amount} ${price.currency}` });
      return;
    }
    if (typeof downloadUrl !== 'string') throw unexpected(call, body);
    await reply(requestId, { supplierId, status: 'CopyCompleted', deliveryUrl: downloadUrl, cost: price });
  }

  return {
    async send(order, supplier) {
      const citation = order.request.citation;
      const call: Call = { method: 'POST', path: '/quotes', body: { reference: order.requestId, citation }, idempotencyKey: order.key, answers: [404] };
      const { status, body } = await callSupplier(supplier, call, http);
      if (status === 404) {
        await reply(order.requestId, { supplierId: supplier.id, status: 'Unfilled', reason: supplierSays(body) ?? 'the vendor does not sell this item' });
        return;
      }
      const { quoteId, price } = quoteIn(call, body);
      const exceeded = limitExceeded(price, order);
      if (exceeded) {
        const { limit, value } = exceeded;
        const reason = `${price.amount} ${price.currency} is above the ${limit} of ${value.amount} ${value.currency}`;
        await reply(order.requestId, { supplierId: supplier.id, status: 'RetryPossible', cost: price, reason });
        return;
      }
      await purchase(supplier, order.requestId, quoteId, price, order.key);
    },

    async notify(notice, supplier) {
      // Only an accepted price buys anything; a refused price, a cancel or a lapsed quote leaves nothing bought to undo.
      if (notice.action !== 'acceptCost') return;
      const accepted = notice.detail.cost;
      if (!isMoney(accepted)) throw new PermanentSupplierError(`acceptCost notice ${notice.key} names no cost`);
      const call: Call = { method: 'GET', path: `/quotes?reference=${encodeURIComponent(notice.requestId)}`, answers: [404] };
      const { status, body } = await callSupplier(supplier, call, http);
      if (status === 404) {
        await reply(notice.requestId, { supplierId: supplier.id, status: 'Unfilled', reason: 'the vendor no longer holds a quote for this request' });
        return;
      }
      await purchase(supplier, notice.requestId, quoteIn(call, body).quoteId, accepted, notice.key);
    },
  };
}
