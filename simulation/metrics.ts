// What a strategy's run comes to: fill rate, turnaround, escalations, cost, how evenly orders fall
// on service libraries, and how soon it stopped choosing a supplier that degraded.
import type { HoursInterval } from '../domain/decision';
import type { Service } from '../domain/request';
import { workingHoursBetween } from '../rules/clock';
import type { SimulatedNetwork } from './network';

export interface RequestRecord {
  id: string;
  service: Service;
  submitted: number;
  /** `local`: the library's own copy; `refused`: a rule refused it. Neither counts as served. */
  outcome: 'local' | 'refused' | 'filled' | 'unfilled';
  /** Went to search-proxy staff, by routing or with its rota exhausted. */
  escalated: boolean;
  /** Orders sent to suppliers. */
  tries: number;
  /** The delivery its routing decision predicted: working hours from the decision (on arrival) to delivery, by the network's clock. */
  eta?: HoursInterval;
  /** A librarian's task before any supplier was asked. */
  staffFirst?: 'review' | 'approveCost';
  /** The first supplier of its rota. */
  firstChoice?: string;
  delivered?: number;
  supplierId?: string;
  /** What the fill cost, CNY. */
  price?: number;
}

/**
 * What a strategy did with the suppliers that degrade: before they degrade, for every supplier, how
 * many requests it could serve and how many of them it was first choice for; after, each request
 * one of them could serve, and each order sent one.
 */
export interface Trace {
  before: Map<string, { plans: number; firsts: number }>;
  plans: { supplierId: string; at: number; first: boolean }[];
  sends: { supplierId: string; at: number }[];
}

export interface Figures {
  /** Requests neither served locally nor refused by a rule. */
  served: number;
  filled: number;
  fillRate: number;
  /** Working hours by the centre's clock (08:30-17:30, China's working days) from submission to delivery. */
  copyMedianHours: number | null;
  copyP90Hours: number | null;
  loanMedianHours: number | null;
  loanP90Hours: number | null;
  /** The same as `copyMedianHours`, in hours of the clock on the wall. */
  copyMedianClockHours: number | null;
  escalatedShare: number;
  costPerFill: number | null;
  ordersPerRequest: number;
  busiestTenthShare: number;
  /** Mean of `demoted` over the degraded suppliers the strategy demoted; null when it demoted none. */
  demotedAfter: number | null;
  /** Per degraded supplier: orders sent it after it degraded until it was demoted; null when never. */
  demoted: Record<string, number | null>;
  /**
   * Of the requests routed with a predicted delivery and delivered, the share delivered within the
   * prediction's 80 % interval, [p10, p90] working hours by the network's clock from the decision;
   * then those delivered sooner than p10 and later than p90. Only where the strategy predicts (the engine).
   */
  etaCoverage?: number;
  etaEarly?: number;
  etaLate?: number;
}

/** The `q` quantile of sorted values, by linear interpolation; null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (high - low) * (position - below);
}

const round = (x: number | null, places = 2): number | null => (x === null ? null : Math.round(x * 10 ** places) / 10 ** places);

/**
 * First choices a supplier would have had, at its share before it degraded, in the stretch of
 * requests its share after is judged over: enough that chance alone seldom halves it (at most 30
 * where 60 are expected: about once in 30,000 stretches).
 */
export const DEMOTION_STRETCH_FIRSTS = 60;
/** First choices before it degraded needed to know its share then. */
export const DEMOTION_PRIOR_FIRSTS = 30;

/**
 * Orders a strategy still sent a degraded supplier after it degraded, until it demoted it. Its
 * share before is the share of first choices among the requests it could serve before it
 * degraded. After, over the requests it could serve, in order, a stretch slides that would have
 * held `DEMOTION_STRETCH_FIRSTS` first choices at that share; the supplier is demoted at the middle
 * of the first stretch in which it had at most half as many (so a sharp fall is placed where it
 * happened, not a half stretch early or late). Null when no stretch shows it, or when it was first
 * choice fewer than `DEMOTION_PRIOR_FIRSTS` times before it degraded (nothing to demote).
 */
export function demotedAfter(trace: Trace, supplierId: string, degradeAt: number): number | null {
  const after = trace.plans.filter((p) => p.supplierId === supplierId && p.at >= degradeAt);
  const before = trace.before.get(supplierId) ?? { plans: 0, firsts: 0 };
  if (before.firsts < DEMOTION_PRIOR_FIRSTS) return null;
  const share = before.firsts / before.plans;
  const stretch = Math.ceil(DEMOTION_STRETCH_FIRSTS / share);
  let firsts = 0;
  for (let i = 0; i < Math.min(stretch, after.length); i++) if (after[i]?.first) firsts++;
  for (let j = 0; j + stretch <= after.length; j++) {
    if (firsts <= (share * stretch) / 2) {
      const demotedAt = (after[j + Math.floor(stretch / 2)] as Trace['plans'][number]).at;
      return trace.sends.filter((s) => s.supplierId === supplierId && s.at < demotedAt).length;
    }
    if (after[j]?.first) firsts--;
    if (after[j + stretch]?.first) firsts++;
  }
  return null;
}

/** A degraded supplier's share of first choices among the requests it could serve: before it degraded, then day by day (Beijing days of the run). */
export function firstChoiceShares(trace: Trace, supplierId: string, start: number): string {
  const percent = (firsts: number, plans: number) => (plans > 0 ? `${Math.round((100 * firsts) / plans)}%` : '-');
  const before = trace.before.get(supplierId) ?? { plans: 0, firsts: 0 };
  const days: { firsts: number; plans: number }[] = [];
  for (const plan of trace.plans) {
    if (plan.supplierId !== supplierId) continue;
    const day = (days[Math.floor((plan.at - start) / 86_400_000)] ??= { firsts: 0, plans: 0 });
    day.plans++;
    if (plan.first) day.firsts++;
  }
  const after = Array.from(days, (day, i) => (day ? `day ${i + 1} ${percent(day.firsts, day.plans)}` : undefined)).filter(Boolean);
  return `before ${percent(before.firsts, before.plans)} (${before.firsts} of ${before.plans}); after: ${after.join(', ')}`;
}

export interface Played {
  records: readonly RequestRecord[];
  orders: ReadonlyMap<string, number>;
  trace: Trace;
}

export function summarise(played: Played, context: { network: SimulatedNetwork; degraded: readonly string[]; degradeAt: number }): Figures {
  const { network, degraded, degradeAt } = context;
  const served = played.records.filter((r) => r.outcome === 'filled' || r.outcome === 'unfilled');
  const filled = served.filter((r) => r.outcome === 'filled');
  const hours = (service: Service, clock: 'working' | 'wall') =>
    filled
      .filter((r) => r.service === service)
      .map((r) => (clock === 'wall' ? ((r.delivered as number) - r.submitted) / 3_600_000 : workingHoursBetween(r.submitted, r.delivered as number, network.centre)))
      .sort((a, b) => a - b);
  const copies = hours('copy', 'working');
  const loans = hours('loan', 'working');
  const libraries = network.config.suppliers.filter((s) => s.kind === 'service-library').map((s) => played.orders.get(s.id) ?? 0);
  libraries.sort((a, b) => b - a);
  const toLibraries = libraries.reduce((a, b) => a + b, 0);
  const busiest = libraries.slice(0, Math.ceil(libraries.length / 10)).reduce((a, b) => a + b, 0);
  const demoted = Object.fromEntries(degraded.map((id) => [id, demotedAfter(played.trace, id, degradeAt)]));
  const counts = Object.values(demoted).filter((n): n is number => n !== null);
  const predicted = filled.filter((r) => r.eta !== undefined);
  const within = { early: 0, inside: 0, late: 0 };
  for (const r of predicted) {
    const { p10, p90 } = r.eta as HoursInterval;
    const took = workingHoursBetween(r.submitted, r.delivered as number, network.centre);
    within[took < p10 ? 'early' : took > p90 ? 'late' : 'inside']++;
  }
  const share = (n: number) => round(n / predicted.length, 4) as number;
  const cost = filled.reduce((total, r) => total + (r.price ?? 0), 0);
  return {
    served: served.length,
    filled: filled.length,
    fillRate: round(served.length > 0 ? filled.length / served.length : 0, 4) as number,
    copyMedianHours: round(quantile(copies, 0.5)),
    copyP90Hours: round(quantile(copies, 0.9)),
    loanMedianHours: round(quantile(loans, 0.5)),
    loanP90Hours: round(quantile(loans, 0.9)),
    copyMedianClockHours: round(quantile(hours('copy', 'wall'), 0.5)),
    escalatedShare: round(served.length > 0 ? served.filter((r) => r.escalated).length / served.length : 0, 4) as number,
    costPerFill: round(filled.length > 0 ? cost / filled.length : null),
    ordersPerRequest: round(served.length > 0 ? served.reduce((total, r) => total + r.tries, 0) / served.length : 0) as number,
    busiestTenthShare: round(toLibraries > 0 ? busiest / toLibraries : 0, 4) as number,
    demotedAfter: counts.length > 0 ? round(counts.reduce((a, b) => a + b, 0) / counts.length, 1) : null,
    demoted,
    ...(predicted.length > 0 ? { etaCoverage: share(within.inside), etaEarly: share(within.early), etaLate: share(within.late) } : {}),
  };
}
