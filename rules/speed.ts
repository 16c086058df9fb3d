// What the ranking reads of how soon a supplier gets a copy to the reader, beyond its own turnaround:
// - the wait for the library's cost approval, when the supplier's price is above the library's
//   auto-approve limit or the reader's maximum: the order cannot go out before a librarian
//   approves it, so the reader waits that long as well;
// - the turnaround's share of the request's deadline on a logarithmic scale, so that a supplier
//   taking 2 working hours ranks as far above one taking 6 as that one above one taking 18,
//   rather than all three within a quarter of the weight under a 48-hour deadline;
// - a supplier not yet seen to fill is expected to take what suppliers of its kind are seen to take
//   for the service (the knowledge base's figures by kind) when that is sooner than its promise, rather than the whole
//   deadline it is ranked at when it promises nothing: an unknown library is taken for a typical
//   one until it shows otherwise;
// - optimism about suppliers few outcomes stand behind: an upper-confidence bonus on the fill rate,
//   shrinking as outcomes come in, so routing tries suppliers it knows little of and learns which
//   are fast, instead of sending everything to the first it has seen do well.
import { exceededLimit } from '../domain/money';
import type { IllRequest, Money } from '../domain/request';
import type { StaffStats, SupplierStats } from './knowledge';
import type { Library, NetworkPolicy } from './types';

/**
 * A cost approval is expected to take this share of the hours the policy gives it
 * (`lifecycle.taskDueHours.approveCost`): a librarian answers within its due, and usually well before.
 */
export const APPROVAL_SHARE_OF_DUE = 0.5;

/**
 * Working hours an order at this price waits for the library's cost approval: 0 within its limits
 * (and for what is free); else the median the library's librarians (or the network's) were seen to
 * take, and without that a share of the task's due hours.
 */
export function approvalWaitHours(price: Money, request: Pick<IllRequest, 'maxCost'>, library: Pick<Library, 'policy'>, policy: Pick<NetworkPolicy, 'lifecycle'>, staff?: StaffStats): number {
  return approvalWait(request, library, policy, staff)(price.amount, price.currency);
}

/** `approvalWaitHours` for one request and library, made once for all its candidates. */
export function approvalWait(request: Pick<IllRequest, 'maxCost'>, library: Pick<Library, 'policy'>, policy: Pick<NetworkPolicy, 'lifecycle'>, staff?: StaffStats): (amount: number, currency: string) => number {
  const limits = { autoApproveLimit: library.policy.autoApproveLimit, maxCost: request.maxCost };
  const hours = staff?.approveCost?.hours.median ?? APPROVAL_SHARE_OF_DUE * policy.lifecycle.taskDueHours.approveCost;
  // Asked once for every candidate of a request: one price, filled in each time, rather than a new one each.
  const price = { amount: 0, currency: '' };
  return (amount, currency) => {
    if (!(amount > 0)) return 0;
    price.amount = amount;
    price.currency = currency;
    return exceededLimit(price, limits) ? hours : 0;
  };
}

/**
 * The share of the turnaround weight a supplier loses for taking `hours` under a `deadline`: 0 for
 * an answer at once, the whole weight at the deadline or beyond, logarithmic between. NaN (an
 * observation gone wrong) counts as the worst.
 */
export function turnaroundShare(hours: number, deadline: number): number {
  return shareOfSpan(hours, turnaroundSpan(deadline));
}

/** The logarithmic span of a deadline `turnaroundShare` divides by: worked out once for every candidate of a request. */
export const turnaroundSpan = (deadline: number): number => Math.log1p(Math.max(1, deadline));

/** `turnaroundShare` against a deadline's `turnaroundSpan`. */
export function shareOfSpan(hours: number, span: number): number {
  const share = Math.log1p(Math.max(0, hours)) / span;
  return share >= 0 ? (share <= 1 ? share : 1) : 1;
}

/**
 * How optimistic routing is about a supplier with no outcomes yet: it ranks as if it filled this
 * share of what its observed or prior rate misses. The share shrinks with the square root of the
 * outcomes behind the figure (`SupplierStats.orders`, older ones discounted), to about a tenth of
 * it once a supplier's recent orders are known. Suppliers keep their order among those equally
 * known, and a rate never rises above 1.
 */
export const EXPLORATION = 0.5;

/** The fill rate routing ranks by: the observed or prior one, raised toward 1 for what is not yet known of the supplier. */
export function optimisticFillRate(fillRate: number, orders: number | undefined): number {
  const seen = orders !== undefined && orders > 0 ? orders : 0;
  return fillRate + (1 - fillRate) * (EXPLORATION / Math.sqrt(1 + seen));
}

/**
 * The working hours ranking expects a supplier to take before the reader has the copy: its observed
 * turnaround, else the lesser of its promise (`promised`: its own, or the deadline) and the typical
 * observed turnaround of its kind, plus the wait for a cost approval (`approvalWaitHours`).
 */
export function rankedHours(observed: SupplierStats | undefined, typical: SupplierStats | undefined, promised: number, approvalHours: number): number {
  if (observed?.turnaroundHours !== undefined) return observed.turnaroundHours + approvalHours;
  const kind = typical?.turnaroundHours;
  return (kind !== undefined && kind < promised ? kind : promised) + approvalHours;
}
