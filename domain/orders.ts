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
  /** Who asks and where the item goes: added when the order is sent, from the configuration in force. */
  requestingLibrary?: RequestingLibrary;
}

/** A postal address as ISO 18626 writes one; `region` is ISO 3166-2 (CN-JL), `country` ISO 3166-1 (CN). */
export interface PostalAddress {
  line1: string;
  line2?: string;
  locality: string;
  postalCode?: string;
  region?: string;
  country: string;
}

/** Where a library takes delivery: electronic copies by e-mail or at a web address, loans at its interlibrary-loan desk. */
export interface DeliveryAddresses {
  email?: string;
  url?: string;
  postal?: PostalAddress;
}

/** The library a request is for, as its suppliers are told of it. */
export interface RequestingLibrary {
  id: string;
  name: string;
  delivery?: DeliveryAddresses;
}

/**
 * What the engine tells a supplier that already has a request: a cancel, the library's answer to a
 * price or a loan condition the supplier set, a loan's receipt, return or renewal, a librarian's note.
 */
export type SupplierAction = 'cancel' | 'acceptCost' | 'refuseCost' | 'acceptCondition' | 'refuseCondition' | 'received' | 'returned' | 'renew' | 'note';

export interface SupplierNotice {
  key: string;
  requestId: string;
  supplierId: string;
  action: SupplierAction;
  detail: Record<string, unknown>;
  /** With a notice that asks the supplier again (a price or a condition accepted): as on the order. */
  requestingLibrary?: RequestingLibrary;
}

/** The longest note a librarian may send a supplier: ISO 18626 sets no limit, peers' screens do. */
export const SUPPLIER_NOTE_MAX_LENGTH = 2000;

/** Why a librarian's note to a supplier cannot go, or nothing when it can. */
export function supplierNoteProblem(note: unknown): string | undefined {
  if (typeof note !== 'string' || note.trim() === '') return 'a note (note) is required';
  if (note.length > SUPPLIER_NOTE_MAX_LENGTH) return `a note may be at most ${SUPPLIER_NOTE_MAX_LENGTH} characters (this one has ${note.length})`;
  return undefined;
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
