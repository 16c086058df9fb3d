import type { SupplierAdapter, SupplierReply } from './adapter';
import { callSupplier, supplierSays, unexpected, type Call, type HttpOptions } from './http';

export interface CalisEbooksOptions extends HttpOptions {
  reply: SupplierReply;
  /** How long a download stays valid: the network's `delivery.ebookValidDays`. */
  validDays: number;
}

/**
 * The CALIS e-book platform: an order asks it to grant the reader a download of the book, and the
 * download link is the delivery. The contract, with the conventions of `vendor-ppv.md` (auth header,
 * Idempotency-Key, error bodies, which failures are retried):
 *
 *   POST {endpoint}/grants  Idempotency-Key: <order key>
 *        {"isbn"?, "title"?, "patronId", "libraryId", "validDays"}
 *   201  {"grantId", "downloadUrl", "expiresAt"}   a repeated key: the first grant again, not a second one
 *   404  not in the collection (the ISBN decides; the title only when there is no ISBN)  -> Unfilled
 *   400  a malformed grant                                                                -> PermanentSupplierError
 */
export function createCalisEbooksAdapter({ reply, validDays, ...http }: CalisEbooksOptions): SupplierAdapter {
  return {
    async send(order, supplier) {
      const { citation, requester } = order.request;
      const body = { isbn: citation.isbn, title: citation.title, patronId: requester.patronId, libraryId: requester.libraryId, validDays };
      const call: Call = { method: 'POST', path: '/grants', body, idempotencyKey: order.key, answers: [404] };
      const answer = await callSupplier(supplier, call, http);
      if (answer.status === 404) {
        await reply(order.requestId, { supplierId: supplier.id, status: 'Unfilled', reason: supplierSays(answer.body) ?? 'not in the CALIS e-book collection' });
        return;
      }
      const { downloadUrl } = (answer.body ?? {}) as { downloadUrl?: unknown };
      if (typeof downloadUrl !== 'string') throw unexpected(call, answer.body);
      await reply(order.requestId, { supplierId: supplier.id, status: 'CopyCompleted', deliveryUrl: downloadUrl });
    },
    // A grant lapses by itself after validDays, and a request can be cancelled only before its grant is delivered.
    notify: async () => undefined,
  };
}
