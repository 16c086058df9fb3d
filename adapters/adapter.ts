import type { SupplierNotice, SupplierOrder } from '../domain/orders';
import type { SupplierMessage } from '../domain/supplier-messages';

/**
 * How the engine talks to one kind of supplier. Both calls run inside workflow activities, which
 * Temporal retries: the same key may arrive more than once and must never make a second order.
 */
export interface SupplierAdapter {
  send(order: SupplierOrder): Promise<void>;
  notify(notice: SupplierNotice): Promise<void>;
}

/** Where a supplier's answers go: the engine passes them to the request's workflow as updates. */
export type SupplierReply = (requestId: string, message: SupplierMessage) => Promise<unknown>;
