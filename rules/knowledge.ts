// The dispatch knowledge base: what each supplier has been seen to do with the orders it was sent.
// Routing ranks by it and the reader's predicted delivery time is drawn from it. It leans on the
// latest outcomes, so a supplier that stops filling is demoted within a few dozen orders rather
// than after months of history outweigh its decline. Pure: the engine feeds it the outcomes its
// store recorded, the network simulation the outcomes of its simulated suppliers.

import { supplierClock, workingHoursBetween, type SupplierClock } from './clock';
import type { NetworkConfig } from './types';

/** How one order sent to a supplier ended. */
export interface SupplierOutcome {
  supplierId: string;
  /** `expired`: the try's deadline passed with no answer. */
  result: 'filled' | 'unfilled' | 'expired';
  /** Working hours, by the supplier's clock, from the order's send to its end. */
  workingHours: number;
}

/** What routing and the delivery prediction know of a supplier. */
export interface SupplierStats {
  /** Share of orders filled, recent ones weighing most, drawn toward the configured prior while they are few. */
  fillRate?: number;
  /** Median working hours from send to a fill. */
  turnaroundHours?: number;
  /** The 10th and 90th percentiles of working hours from send to a fill. */
  turnaroundP10?: number;
  turnaroundP90?: number;
  /** Median working hours until an order ends unfilled (an answer, or its deadline passing). */
  unfilledHours?: number;
  /** Outcomes behind the figures, older ones discounted. */
  orders?: number;
}

/** An outcome counts half as much once the supplier has ended this many orders since. */
export const HALF_LIFE_ORDERS = 12;
/** The configured prior weighs as much as this many outcomes. */
export const PRIOR_ORDERS = 2;
/** Times kept per supplier for the percentiles: the latest ones. */
const KEPT_TIMES = 60;
/** Fill rate a supplier is assumed to have with neither a prior nor outcomes. */
const NO_PRIOR = 0.5;

const DECAY = 2 ** (-1 / HALF_LIFE_ORDERS);

/** The last `capacity` values added, oldest overwritten first. */
class Recent {
  private readonly values: number[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  add(value: number): void {
    if (this.values.length < this.capacity) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  get size(): number {
    return this.values.length;
  }

  /** The `q` quantile (0..1) by linear interpolation between the order statistics. */
  quantiles(...qs: number[]): number[] {
    const sorted = Float64Array.from(this.values).sort();
    return qs.map((q) => {
      const position = q * (sorted.length - 1);
      const below = Math.floor(position);
      const low = sorted[below] ?? 0;
      const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
      return low + (high - low) * (position - below);
    });
  }
}

interface Seen {
  /** Decayed counts of filled and of all outcomes. */
  filled: number;
  total: number;
  fills: Recent;
  unfilled: Recent;
  /** The figures as last worked out, and the prior they were drawn toward; undefined once an outcome has come in since. */
  stats?: SupplierStats;
  prior?: number;
}

const round = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;

export class KnowledgeBase {
  private readonly seen = new Map<string, Seen>();

  /** Takes in outcomes in the order the orders ended. */
  record(outcome: SupplierOutcome): void {
    let seen = this.seen.get(outcome.supplierId);
    if (!seen) this.seen.set(outcome.supplierId, (seen = { filled: 0, total: 0, fills: new Recent(KEPT_TIMES), unfilled: new Recent(KEPT_TIMES) }));
    const filled = outcome.result === 'filled';
    seen.filled = seen.filled * DECAY + (filled ? 1 : 0);
    seen.total = seen.total * DECAY + 1;
    const hours = Math.max(0, outcome.workingHours);
    (filled ? seen.fills : seen.unfilled).add(hours);
    seen.stats = undefined;
  }

  /** One supplier's figures; undefined until an order of its has ended. */
  statsOf(supplierId: string, prior?: number): SupplierStats | undefined {
    const seen = this.seen.get(supplierId);
    if (!seen) return undefined;
    if (seen.stats && seen.prior === prior) return seen.stats;
    const stats: SupplierStats = {
      fillRate: round((PRIOR_ORDERS * (prior ?? NO_PRIOR) + seen.filled) / (PRIOR_ORDERS + seen.total), 4),
      orders: round(seen.total, 2),
    };
    if (seen.fills.size > 0) {
      const [p10, p50, p90] = seen.fills.quantiles(0.1, 0.5, 0.9) as [number, number, number];
      Object.assign(stats, { turnaroundHours: round(p50, 2), turnaroundP10: round(p10, 2), turnaroundP90: round(p90, 2) });
    }
    if (seen.unfilled.size > 0) stats.unfilledHours = round(seen.unfilled.quantiles(0.5)[0] ?? 0, 2);
    seen.stats = stats;
    seen.prior = prior;
    return stats;
  }

  /**
   * Every supplier's figures, as routing takes them (`RouteInput.stats`). `priorOf` gives a
   * supplier's configured fill rate, which its few first outcomes are weighed against.
   */
  stats(priorOf: (supplierId: string) => number | undefined = () => undefined): Record<string, SupplierStats> {
    const all: Record<string, SupplierStats> = {};
    for (const supplierId of this.seen.keys()) {
      const stats = this.statsOf(supplierId, priorOf(supplierId));
      if (stats) all[supplierId] = stats;
    }
    return all;
  }
}

/** An order as the engine's store records its end: when it was sent and when it ended, as instants. */
export interface EndedOrder {
  supplierId: string;
  result: SupplierOutcome['result'];
  sentAt: string;
  endedAt: string;
}

/**
 * What the network has seen of its suppliers: `orders`, in the order they ended, each counted in
 * working hours by its supplier's clock in `config`.
 */
export function learnFrom(config: Pick<NetworkConfig, 'policy' | 'suppliers'>, orders: Iterable<EndedOrder>): KnowledgeBase {
  const knowledge = new KnowledgeBase();
  const clocks = new Map<string, SupplierClock>();
  for (const { supplierId, result, sentAt, endedAt } of orders) {
    let clock = clocks.get(supplierId);
    if (!clock) clocks.set(supplierId, (clock = supplierClock(config, supplierId)));
    knowledge.record({ supplierId, result, workingHours: workingHoursBetween(Date.parse(sentAt), Date.parse(endedAt), clock) });
  }
  return knowledge;
}

/** Each supplier's configured fill rate, which routing's figures are drawn toward while its outcomes are few. */
export function priorsOf(config: Pick<NetworkConfig, 'suppliers'>): (supplierId: string) => number | undefined {
  const priors = new Map(config.suppliers.map((supplier) => [supplier.id, supplier.fillRate]));
  return (supplierId) => priors.get(supplierId);
}
