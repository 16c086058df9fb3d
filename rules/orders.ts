// What passes between the engine and suppliers, as types only: the workflow sends orders and
// notices through adapters, and suppliers answer with ISO 18626 statuses.
import type { IllRequest, Money } from './types';

/** ISO 18626 SupplyingAgencyMessage statuses the engine acts on. */
export const SUPPLIER_STATUSES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'RetryPossible',
  'Unfilled',
  'CopyCompleted',
  'Loaned',
  'Overdue',
  'Recalled',
  'LoanCompleted',
  'CompletedWithoutReturn',
  'Cancelled',
] as const;
export type SupplierStatus = (typeof SUPPLIER_STATUSES)[number];

export interface SupplierMessage {
  supplierId: string;
  status: SupplierStatus;
  /** RetryPossible: what the supplier asks; a fill: what it charges. */
  cost?: Money;
  reason?: string;
  /** CopyCompleted: where the reader downloads the copy or e-book. */
  deliveryUrl?: string;
  /** Loaned and Recalled: when the item is due back. */
  dueDate?: string;
}

export interface SupplierOrder {
  /** `<workflow id>:send:<attempt>`: one order per try, however often it is sent. */
  key: string;
  requestId: string;
  supplierId: string;
  request: IllRequest;
}

export type SupplierAction = 'cancel' | 'acceptCost' | 'refuseCost' | 'received' | 'returned' | 'renew';

export interface SupplierNotice {
  key: string;
  requestId: string;
  supplierId: string;
  action: SupplierAction;
  detail: Record<string, unknown>;
}
