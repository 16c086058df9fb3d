import type { SupplierMessage, SupplierNotice, SupplierOrder } from '../rules/orders';

/**
 * How the engine talks to one kind of supplier. Both calls run inside workflow activities, which
 * Temporal retries: the same key may arrive more than once and must never make a second order.
 */
export interface SupplierAdapter {
  send(order: SupplierOrder): Promise<void>;
  notify(notice: SupplierNotice): Promise<void>;
}

/** Where a supplier's answers go: the engine turns them into signals to the request's workflow. */
export type SupplierReply = (requestId: string, message: SupplierMessage) => Promise<void>;
