import type { Holding } from './holdings';
import type { CostLimits } from './money';
import type { IllRequest, Money } from './request';

/** An order to a supplier: one per try, however often it is sent. */
export interface SupplierOrder {
  /** `<workflow id>:send:<attempt>`. */
  key: string;
  requestId: string;
  supplierId: string;
  request: IllRequest;
  /** What the library lets this request cost unasked; a dearer price goes back to it (ISO 18626 RetryPossible). */
  costLimits?: CostLimits;
  /** A price a librarian already approved for this supplier. */
  approvedCost?: Money;
  /** The supplier's own record of the item, when it is a holder the holdings lookup knows. */
  holding?: Holding;
}

/** What the engine tells a supplier that already has a request. */
export type SupplierAction = 'cancel' | 'acceptCost' | 'refuseCost' | 'received' | 'returned' | 'renew';

export interface SupplierNotice {
  key: string;
  requestId: string;
  supplierId: string;
  action: SupplierAction;
  detail: Record<string, unknown>;
}

/** An order or notice waiting in the outbox for its supplier's adapter or staff. */
export interface OutboxEntry {
  key: string;
  /** Its place in the outbox, set by the store: later entries have higher numbers. */
  seq?: number;
  requestId: string;
  supplierId: string;
  action: 'send' | SupplierAction;
  detail: Record<string, unknown>;
  createdAt?: string;
  sentAt?: string;
}
