// The activities the request workflow calls, as types only: the engine implements them, and the
// workflow reaches them through proxyActivities, never by importing the engine.
//
// Audit-trail entries travel with the activity that goes with them (the last argument), so that a
// transition costs no activity of its own; `recordTransitions`, a local activity, writes those that
// nothing else goes with.
import type { RouteDecision, TryDeadline } from '../domain/decision';
import type { HoldingRef } from '../domain/holdings';
import type { Charge } from '../domain/ledger';
import type { ReaderNotice } from '../domain/notices';
import type { SupplierNotice, SupplierOrder } from '../domain/orders';
import type { IllRequest, Money } from '../domain/request';
import type { TransitionRecord } from '../domain/transitions';

export interface Availability {
  /** Libraries holding the item, from the request or the holdings lookup (requests started before holdings had records got plain ids). */
  holdings: HoldingRef[];
}

export interface Routing {
  decision: RouteDecision;
  /** Who holds the item, when the routing activity looked it up itself. */
  holdings?: HoldingRef[];
  /** What the library lets a request cost without a librarian approving it. */
  autoApproveLimit: Money;
  /** Estimated cost per supplier of the rota, charged when the supplier names no price. */
  estimatedCosts: Record<string, Money>;
}

/** When the workflow sent an order, by its own clock, and how many working hours the supplier has to fill it. */
export interface SendClock {
  sentAt: string;
  workingHours: number;
}

export interface SentOrder {
  deadline: TryDeadline;
}

export interface LifecycleActivities {
  recordTransitions(transitions: TransitionRecord[]): Promise<void>;
  checkAvailability(request: IllRequest, transitions?: TransitionRecord[]): Promise<Availability>;
  /** Routes a request among the holders given, or among those the holdings lookup finds. */
  routeRequest(input: { request: IllRequest; holdings?: string[] }, transitions?: TransitionRecord[]): Promise<Routing>;
  /**
   * Sends an order; given when it was sent and the working hours the supplier has, says when its try
   * runs out by the supplier's clock (requests started before that gave neither and got nothing).
   */
  sendToSupplier(order: SupplierOrder, transitions?: TransitionRecord[], clock?: SendClock): Promise<SentOrder | void>;
  notifySupplier(notice: SupplierNotice, transitions?: TransitionRecord[]): Promise<void>;
  notifyReader(notice: ReaderNotice, transitions?: TransitionRecord[]): Promise<void>;
  /** A fill: its charge, if it costs anything, posted for settlement, and the reader told. */
  recordFill(fill: { charge?: Charge; notice: ReaderNotice }, transitions?: TransitionRecord[]): Promise<void>;
  /**
   * A request closed by the centre: each ledger posting of it not settled yet (its month's statements
   * not closed) is reversed, once; says how many stand reversed and how many were settled.
   */
  reversePostings(requestId: string, transitions?: TransitionRecord[]): Promise<{ reversed: number; settled: number }>;
  /** Requests started before transitions travelled with other activities write each on its own... */
  recordTransition(record: TransitionRecord): Promise<void>;
  /** ...and post their charge as soon as the supplier fills. */
  postCharge(charge: Charge): Promise<void>;
}
