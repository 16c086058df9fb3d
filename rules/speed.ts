// What the ranking reads of how soon a supplier gets a copy to the reader, beyond its own turnaround:
// - the wait for the library's cost approval, when the supplier's price is above the library's
//   auto-approve limit or the reader's maximum: the order cannot go out before a librarian
//   approves it, so the reader waits that long as well;
// - the turnaround's share of the request's deadline on a logarithmic scale, so that a supplier
//   taking 2 working hours ranks as far above one taking 6 as that one above one taking 18,
//   rather than all three within a quarter of the weight under a 48-hour deadline;
// - a supplier not yet seen to fill is expected to take what suppliers of its kind are seen to take
//   (their median observed turnaround) when that is sooner than its promise, rather than the whole
//   deadline it is ranked at when it promises nothing: an unknown library is taken for a typical
//   one until it shows otherwise;
// - optimism about suppliers few outcomes stand behind: an upper-confidence bonus on the fill rate,
//   shrinking as outcomes come in, so routing tries suppliers it knows little of and learns which
//   are fast, instead of sending everything to the first it has seen do well.
import { exceededLimit } from '../domain/money';
import type { IllRequest, Money } from '../domain/request';
import type { SupplierStats } from './knowledge';
import type { Library, NetworkPolicy, Supplier, SupplierKind } from './types';

/**
 * A cost approval is expected to take this share of the hours the policy gives it
 * (`lifecycle.taskDueHours.approveCost`): a librarian answers within its due, and usually well before.
 */
export const APPROVAL_SHARE_OF_DUE = 0.5;

/** Working hours an order at this price waits for the library's cost approval: 0 within its limits (and for what is free). */
export function approvalWaitHours(price: Money, request: Pick<IllRequest, 'maxCost'>, library: Pick<Library, 'policy'>, policy: Pick<NetworkPolicy, 'lifecycle'>): number {
  if (!(price.amount > 0)) return 0;
  const exceeded = exceededLimit(price, { autoApproveLimit: library.policy.autoApproveLimit, maxCost: request.maxCost });
  return exceeded ? APPROVAL_SHARE_OF_DUE * policy.lifecycle.taskDueHours.approveCost : 0;
}

/**
 * The share of the turnaround weight a supplier loses for taking `hours` under a `deadline`: 0 for
 * an answer at once, the whole weight at the deadline or beyond, logarithmic between. NaN (an
 * observation gone wrong) counts as the worst.
 */
export function turnaroundShare(hours: number, deadline: number): number {
  const share = Math.log1p(Math.max(0, hours)) / Math.log1p(Math.max(1, deadline));
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

/** Each kind's median observed turnaround, by the statistics object routing was handed (one per refresh of the knowledge base). */
const typicalByStats = new WeakMap<object, Map<SupplierKind, number>>();

/** The median of the observed turnarounds of the suppliers of each kind that have any. */
function typicalTurnarounds(stats: Readonly<Record<string, SupplierStats>>, supplierOf: (id: string) => Pick<Supplier, 'kind'> | undefined): Map<SupplierKind, number> {
  let typical = typicalByStats.get(stats);
  if (typical) return typical;
  const hours = new Map<SupplierKind, number[]>();
  for (const [id, figures] of Object.entries(stats)) {
    const kind = supplierOf(id)?.kind;
    if (kind === undefined || figures.turnaroundHours === undefined) continue;
    let list = hours.get(kind);
    if (!list) hours.set(kind, (list = []));
    list.push(figures.turnaroundHours);
  }
  typical = new Map();
  for (const [kind, list] of hours) {
    const sorted = Float64Array.from(list).sort();
    const middle = sorted.length / 2;
    typical.set(kind, sorted.length % 2 === 1 ? (sorted[Math.floor(middle)] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2);
  }
  typicalByStats.set(stats, typical);
  return typical;
}

/**
 * The working hours ranking expects a supplier to take before the reader has the copy: its observed
 * turnaround, else the lesser of its promise (`promised`: its own, or the deadline) and the typical
 * observed turnaround of its kind, plus the wait for a cost approval (`approvalWaitHours`).
 */
export function rankedHours(
  supplier: Pick<Supplier, 'id' | 'kind'>,
  promised: number,
  approvalHours: number,
  stats: Readonly<Record<string, SupplierStats>> | undefined,
  supplierOf: (id: string) => Pick<Supplier, 'kind'> | undefined,
): number {
  const observed = stats?.[supplier.id]?.turnaroundHours;
  if (observed !== undefined) return observed + approvalHours;
  const typical = stats === undefined ? undefined : typicalTurnarounds(stats, supplierOf).get(supplier.kind);
  return (typical !== undefined && typical < promised ? typical : promised) + approvalHours;
}
