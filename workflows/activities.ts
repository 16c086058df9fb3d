// The activities the request workflow calls, as types only: the engine implements them,
// and the workflow reaches them through proxyActivities, never by importing the engine.
import type { SupplierNotice, SupplierOrder } from '../rules/orders';
import type { IllRequest, Money, RouteDecision } from '../rules/types';

export type { SupplierAction, SupplierNotice, SupplierOrder } from '../rules/orders';

export interface TransitionRecord {
  /** `<workflow id>:<transition number>`: the same transition is never recorded twice. */
  key: string;
  requestId: string;
  status: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface Availability {
  /** Libraries holding the item, from the request or the union catalogue. */
  holdings: string[];
}

export interface Routing {
  decision: RouteDecision;
  /** What the library lets a request cost without a librarian approving it. */
  autoApproveLimit: Money;
  /** Estimated cost per supplier of the rota, charged when the supplier names no price. */
  estimatedCosts: Record<string, Money>;
}

export interface Charge {
  /** `<workflow id>:charge:<attempt>`: a retried activity never charges twice. */
  key: string;
  requestId: string;
  libraryId: string;
  supplierId: string;
  amount: number;
  currency: string;
}

export type ReaderNoticeKind = 'delivered' | 'shipped' | 'reminder' | 'overdue' | 'recalled' | 'expired' | 'unfilled' | 'cancelled';

export interface ReaderNotice {
  key: string;
  requestId: string;
  patronId: string;
  libraryId: string;
  kind: ReaderNoticeKind;
  detail: Record<string, unknown>;
}

export interface LifecycleActivities {
  recordTransition(record: TransitionRecord): Promise<void>;
  checkAvailability(request: IllRequest): Promise<Availability>;
  routeRequest(input: { request: IllRequest; holdings: string[] }): Promise<Routing>;
  sendToSupplier(order: SupplierOrder): Promise<void>;
  notifySupplier(notice: SupplierNotice): Promise<void>;
  postCharge(charge: Charge): Promise<void>;
  notifyReader(notice: ReaderNotice): Promise<void>;
}
