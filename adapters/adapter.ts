import type { SupplierNotice, SupplierOrder } from '../domain/orders';
import type { IllRequest } from '../domain/request';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { Supplier } from '../rules/types';

/**
 * How the engine talks to one kind of supplier. Both calls run inside workflow activities, which
 * Temporal retries: the same key may arrive more than once and must never make a second order.
 * A failure the supplier may get over (a timeout, HTTP 5xx, a refused connection) is thrown as it
 * comes and retried with backoff; one it never will is a `PermanentSupplierError`, and the request
 * moves on to the next supplier at once.
 */
export interface SupplierAdapter {
  /** Hands the order to the supplier, whose configuration entry says where and how. */
  send(order: SupplierOrder, supplier: Supplier): Promise<void>;
  /** Passes on what the requesting side did or decided: a cancel, a cost answer, a renewal, a receipt, a return. */
  notify(notice: SupplierNotice, supplier: Supplier): Promise<void>;
  /**
   * A copy the supplier can hand over at once, asked before routing so that it never enters a rota;
   * undefined when it has none. Only a supplier that orders nothing to find out (an open-access
   * resolver) offers this.
   */
  findCopy?(request: IllRequest, supplier: Supplier): Promise<FoundCopy | undefined>;
}

/** A copy found at once: where it is, and under which licence. */
export interface FoundCopy {
  url: string;
  license?: string;
}

/** The supplier refused for good (credentials refused, a request it can never take): retrying cannot help. */
export class PermanentSupplierError extends Error {
  override name = 'PermanentSupplierError';
}

/** Where a supplier's answers go: the engine passes them to the request's workflow as updates. */
export type SupplierReply = (requestId: string, message: SupplierMessage) => Promise<unknown>;
