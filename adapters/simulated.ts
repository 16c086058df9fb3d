import { appendFile } from 'node:fs/promises';
import type { SupplierNotice, SupplierOrder } from '../domain/orders';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { SupplierAdapter, SupplierReply } from './adapter';

/** How a simulated supplier answers an order: the ISO 18626 messages it sends back, in order. */
export type SimulatedBehaviour = (order: SupplierOrder) => Omit<SupplierMessage, 'supplierId'>[];

export const fills: SimulatedBehaviour = (order) =>
  order.request.service === 'loan'
    ? [{ status: 'Loaned' }]
    : [{ status: 'CopyCompleted', deliveryUrl: `https://delivery.example/${encodeURIComponent(order.key)}` }];

export interface SimulatedSupplierOptions {
  reply: SupplierReply;
  /** How every supplier answers; filling at once unless said otherwise. */
  behaviour?: SimulatedBehaviour;
  /** Appends one JSON line per order or notice received, retries included, so tests can count them. */
  journal?: string;
}

/**
 * Suppliers that answer at once, for tests and benchmarks. Like an ISO 18626 peer, a repeated order
 * key is the same order: it is answered again, never filled twice.
 */
export function createSimulatedAdapter(options: SimulatedSupplierOptions): SupplierAdapter {
  const log = async (entry: Record<string, unknown>) => {
    if (options.journal) await appendFile(options.journal, `${JSON.stringify(entry)}\n`);
  };
  return {
    async send(order) {
      await log({ kind: 'order', key: order.key, requestId: order.requestId, supplierId: order.supplierId });
      for (const message of (options.behaviour ?? fills)(order)) {
        await options.reply(order.requestId, { supplierId: order.supplierId, ...message });
      }
    },
    async notify(notice: SupplierNotice) {
      await log({ kind: 'notice', key: notice.key, requestId: notice.requestId, supplierId: notice.supplierId, action: notice.action });
    },
  };
}
