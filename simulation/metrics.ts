// What a strategy's run comes to: fill rate, turnaround, escalations, cost, how evenly orders fall
// on service libraries, and how soon it stopped choosing a supplier that degraded.
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
  delivered?: number;
  supplierId?: string;
  /** What the fill cost, CNY. */
  price?: number;
}

/** What a strategy did with the suppliers that degrade: each request one of them could serve, and each order it sent one. */
export interface Trace {
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
  /** Mean over the degraded suppliers of `demoted`; null unless every one was demoted. */
  demotedAfter: number | null;
  /** Per degraded supplier: orders sent it after it degraded until it was demoted; null when never. */
  demoted: Record<string, number | null>;
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

/** First choices of a supplier expected in the window that judges its share: enough that chance seldom halves it. */
export const DEMOTION_WINDOW_FIRSTS = 30;

/**
 * Orders a strategy still sent a degraded supplier after it degraded, until it was demoted: until
 * the first request, among those it could serve, from which its share of first choices over the
 * next requests it could serve is at most half its share before it degraded. The window holds as
 * many requests as, at the earlier share, would make it first choice `DEMOTION_WINDOW_FIRSTS`
 * times. Null when it was never demoted, or was too seldom first choice before to tell.
 */
export function demotedAfter(trace: Trace, supplierId: string, degradeAt: number): number | null {
  const plans = trace.plans.filter((p) => p.supplierId === supplierId);
  const before = plans.filter((p) => p.at < degradeAt);
  const after = plans.filter((p) => p.at >= degradeAt);
  const firstsBefore = before.filter((p) => p.first).length;
  if (firstsBefore < DEMOTION_WINDOW_FIRSTS / 2) return null;
  const share = firstsBefore / before.length;
  const window = Math.ceil(DEMOTION_WINDOW_FIRSTS / share);
  let firsts = 0;
  for (let i = 0; i < Math.min(window, after.length); i++) if (after[i]?.first) firsts++;
  for (let j = 0; j + window <= after.length; j++) {
    if (firsts <= (share * window) / 2) {
      const at = (after[j] as Trace['plans'][number]).at;
      return trace.sends.filter((s) => s.supplierId === supplierId && s.at >= degradeAt && s.at < at).length;
    }
    if (after[j]?.first) firsts--;
    if (after[j + window]?.first) firsts++;
  }
  return null;
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
  const counts = Object.values(demoted);
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
    demotedAfter: counts.length > 0 && counts.every((n) => n !== null) ? round(counts.reduce((a: number, b) => a + (b as number), 0) / counts.length, 1) : null,
    demoted,
  };
}
