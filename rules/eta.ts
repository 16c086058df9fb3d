// When the reader may expect the document: the distribution of working hours from a routing decision
// to delivery, from what the knowledge base knows of the rota's suppliers, and its median and 80 %
// interval. Pure and cheap (a few microseconds a decision): no sampling, no randomness.
//
// The model. Staff tasks that come before any supplier is asked (a review, a cost approval) take
// as long as librarians were seen to take, else a time that their due hours keep nine times in ten.
// Try k is reached when every earlier try failed; it fills with its fill rate, after a time drawn
// from its fill times, or fails after its unfilled time. Should every try fail, or should routing
// escalate at once, search-proxy staff take as long as they were seen to take to a delivery, and
// deliver their share (else their due hours, as a promise, then a search within the deadline). The
// delivery time, given a delivery, is then a mixture: with weight (1 - p1)…(1 - p(k-1)) pk, the
// staff time and the earlier tries' unfilled times, plus a fill time of try k; with the weight left
// times search-proxy's share, every try's unfilled time and search-proxy's. Each wait is a two-piece
// log-normal fitted exactly to its 10th, 50th and 90th percentiles (observed, widened where they
// rest on few times as a prediction from a small sample is; or a promise's with a default spread),
// or a single figure (a deadline); the waits of one part add up into one such
// log-normal after their single figures: medians added, spreads either side in quadrature, the
// skew left out moving the median and the 90th percentile up. So every part of the mixture is a
// constant plus a log-normal, whose distribution function and density are known in closed form, and
// each quantile is found by a few steps of Newton's method between the parts' own quantiles. The
// reader's wait is counted by the network's clock: a supplier keeping other hours (a vendor around
// the clock) has its figures, counted by its own, read on the network's from when it is asked.

import type { DeliveryEstimate, HoursInterval, RouteDecision } from '../domain/decision';
import { addWorkingHours, addWorkingHoursEach, assumedYearsNote, describeClock, namesInstant, networkClock, supplierClock, workingHoursBetween, type SupplierClock } from './clock';
import type { StaffStats, SupplierStats, TaskStats } from './knowledge';
import type { NetworkConfig, NetworkPolicy, Supplier } from './types';

/** Working hours: a single figure, or a median with its 80 % interval. */
export type Hours = number | HoursInterval;

/** How one supplier's try is expected to go. */
export interface TryPlan {
  /** Chance it fills, 0..1. */
  fillRate: number;
  /** Working hours from the send to its fill, when it fills. */
  fill: HoursInterval;
  /** Working hours from the send until it ends unfilled, when it does not. */
  unfilledHours: Hours;
}

/** Everything the prediction weighs, in working hours. */
export interface DeliveryPlan {
  /** Staff tasks before any supplier is asked. */
  staffHours: Hours;
  /** The rota in order; none when routing escalated at once. */
  tries: readonly TryPlan[];
  /**
   * When the tries are exhausted: the search-proxy task's hours, then a search (none where the
   * task's hours run to the delivery), and the share of requests they deliver (1 unless known).
   */
  searchProxy: { taskHours: Hours; search?: HoursInterval; fillRate?: number };
}

/** A rota supplier's figures as ranking holds them (`Candidate` in rank.ts). */
export interface RotaFigures {
  /** Observed fill rate, else the supplier's prior. */
  fillRate: number;
  /** Observed median turnaround, else the promised one. */
  turnaroundHours: number;
  /** What the knowledge base knows of the supplier, if anything. */
  observed?: SupplierStats;
  /**
   * Its kind, whose suppliers' times stand in for its own until it has some; its hours and closures,
   * where it keeps its own (a vendor around the clock), which its figures are counted by.
   */
  supplier?: Pick<Supplier, 'kind'> & Partial<Pick<Supplier, 'id' | 'workingHours' | 'closures'>>;
}

/** The standard normal quantile of 0.9: a log-normal's 90th percentile is exp(μ + Z90 σ). */
export const Z90 = 1.2815515655446004;
/** Spread (σ of the log) of a fill time known only by its promise, which most fills meet: its 90th percentile is the promise, its median about half of it. */
export const DEFAULT_SPREAD = 0.5;
/**
 * How far the median of a sum of right-skewed waits lies above the sum of their medians, per hour
 * of skew (the distance to the 90th percentile less that to the 10th) that adding in quadrature
 * leaves out: a log-normal's mean lies about this far above its median, per hour of its skew.
 */
const SKEW_SHIFT = 0.3;
/** Staff tasks of a kind seen before their figures replace the task's due hours. */
export const STAFF_TASKS = 20;
/** Fill times shorter than this (36 seconds) count as this: a log-normal needs a positive median. */
const MIN_HOURS = 0.01;
/** Parts of the mixture less likely than this are left out. */
const NEGLIGIBLE = 1e-12;
/** Quantiles are found to within this many hours, well below the hundredth they are rounded to. */
const TOLERANCE = 1e-4;
const MAX_STEPS = 60;

/** How far a promise lies above its median, and its median above its 10th percentile. */
const PROMISE_FACTOR = Math.exp(DEFAULT_SPREAD * Z90);

/** A fill time known by a promise (a turnaround target, a deadline), which nine fills in ten meet, with the default spread. */
export function promised(hours: number): HoursInterval {
  const p90 = Math.max(hours, MIN_HOURS);
  return { p10: p90 / PROMISE_FACTOR / PROMISE_FACTOR, median: p90 / PROMISE_FACTOR, p90 };
}

/**
 * Independent waits one after another, summed as their part of the mixture needs them: single
 * figures add up to its shift; of the others, the medians add up, and the distances from each
 * median to its 10th and to its 90th percentile add in quadrature, as the spread of a sum does.
 */
class Waits {
  shift = 0;
  median = 0;
  below = 0;
  above = 0;
  skews = 0;
  spread = 0;

  clear(): this {
    this.shift = this.median = this.below = this.above = this.skews = this.spread = 0;
    return this;
  }

  /** The sums of `other`'s waits, to which more are added in turn. */
  copy(other: Waits): this {
    this.shift = other.shift;
    this.median = other.median;
    this.below = other.below;
    this.above = other.above;
    this.skews = other.skews;
    this.spread = other.spread;
    return this;
  }

  add(wait: Hours): this {
    if (typeof wait === 'number' || wait.p90 - wait.p10 <= 0) {
      this.shift += Math.max(0, typeof wait === 'number' ? wait : wait.median);
      return this;
    }
    this.spread++;
    const m = Math.max(0, wait.median);
    this.median += m;
    this.skews += Math.max(0, wait.p90 - m) - Math.max(0, m - wait.p10);
    this.below += Math.max(0, m - wait.p10) ** 2;
    this.above += Math.max(0, wait.p90 - m) ** 2;
    return this;
  }
}

/**
 * The mixture's parts, each with its weight, `shift` plus a two-piece log-normal (median e^mu,
 * spread `low` below it, `high` above), column by column. One serves every prediction, whose
 * quantiles are read before the next begins: a decision allocates none of it.
 */
class Mixture {
  size = 0;
  // Room for a rota of 15 and search-proxy staff; `clear` makes more where a longer one comes.
  weight = new Float64Array(16);
  shift = new Float64Array(16);
  mu = new Float64Array(16);
  low = new Float64Array(16);
  high = new Float64Array(16);
  /** The distribution function and density at the time last evaluated. */
  cdf = 0;
  density = 0;

  /** Empties the mixture, with room for `parts` parts. */
  clear(parts: number): void {
    this.size = 0;
    if (parts <= this.weight.length) return;
    this.weight = new Float64Array(parts);
    this.shift = new Float64Array(parts);
    this.mu = new Float64Array(parts);
    this.low = new Float64Array(parts);
    this.high = new Float64Array(parts);
  }

  /**
   * Adds the part of the waits summed: the skew that adding in quadrature leaves out moves its
   * median and 90th percentile up, by `SKEW_SHIFT` of it, as a sum's mean is its parts' means
   * added. Exact for a single wait.
   */
  addSum(weight: number, waits: Waits): void {
    // Single figures only: the whole weight at their sum, zero included (a delivery outside the network's hours).
    if (waits.spread === 0) return this.add(weight, waits.shift, Number.NEGATIVE_INFINITY, 0, 0);
    const low = Math.sqrt(waits.below);
    const high = Math.sqrt(waits.above);
    const skew = SKEW_SHIFT * Math.max(0, waits.skews - (high - low));
    const fill = waits.median + skew;
    const median = Math.max(fill, MIN_HOURS);
    const p10 = Math.min(Math.max(waits.median - low, MIN_HOURS), median);
    const p90 = Math.max(fill + high, median);
    this.add(weight, waits.shift, Math.log(median), Math.log(median / p10) / Z90, Math.log(p90 / median) / Z90);
  }

  private add(weight: number, shift: number, mu: number, low: number, high: number): void {
    const at = this.size++;
    this.weight[at] = weight;
    this.shift[at] = shift;
    this.mu[at] = mu;
    this.low[at] = low;
    this.high[at] = high;
  }

  /** Makes the weights add up to 1. */
  normalise(): void {
    const { size, weight } = this;
    let total = 0;
    for (let i = 0; i < size; i++) total += weight[i] as number;
    for (let i = 0; i < size; i++) weight[i] = (weight[i] as number) / total;
  }

  /**
   * Sets `cdf` and `density` at `t` (hours). Φ is Abramowitz and Stegun's 26.2.17, its error below
   * 7.5e-8; the normal density comes with it.
   */
  evaluate(t: number): void {
    const { size, weight, shift, mu, low, high } = this;
    let cdf = 0;
    let density = 0;
    for (let i = 0; i < size; i++) {
      const from = shift[i] as number;
      if (t <= from) continue;
      const x = Math.log(t - from) - (mu[i] as number);
      const spread = (x < 0 ? low[i] : high[i]) as number;
      const w = weight[i] as number;
      if (spread === 0) {
        if (x >= 0) cdf += w;
        continue;
      }
      const u = x / spread;
      const z = Math.abs(u);
      const k = 1 / (1 + 0.2316419 * z);
      const phi = 0.3989422804014327 * Math.exp(-0.5 * z * z);
      const tail = phi * k * (0.31938153 + k * (-0.356563782 + k * (1.781477937 + k * (-1.821255978 + k * 1.330274429))));
      cdf += w * (u >= 0 ? 1 - tail : tail);
      density += (w * phi) / (spread * (t - from));
    }
    this.cdf = cdf;
    this.density = density;
  }

  /**
   * The `q` quantile. It lies between the least and the greatest of the parts' own quantiles at
   * `q` (`z` -Z90, 0 or Z90); within them Newton's method closes in, halving the bracket instead
   * where a step would leave it (where the distribution function jumps or bends sharply).
   */
  quantile(q: number, z: number): number {
    let low = Infinity;
    let high = -Infinity;
    const spreads = z < 0 ? this.low : this.high;
    for (let i = 0; i < this.size; i++) {
      const at = (this.shift[i] as number) + Math.exp((this.mu[i] as number) + (spreads[i] as number) * z);
      if (at < low) low = at;
      if (at > high) high = at;
    }
    if (high - low <= TOLERANCE) return low;
    let t = (low + high) / 2;
    for (let step = 0; step < MAX_STEPS; step++) {
      this.evaluate(t);
      const f = this.cdf - q;
      if (f >= 0) high = t;
      else low = t;
      const newton = t - f / this.density;
      const next = newton > low && newton < high ? newton : (low + high) / 2;
      if (Math.abs(next - t) <= TOLERANCE || high - low <= TOLERANCE) return next;
      t = next;
    }
    return t;
  }
}

const mixture = new Mixture();
/** The waits before the try at hand, and those of a part being summed. */
const before = new Waits();
const waits = new Waits();

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The median and 80 % interval of working hours to delivery under the plan. */
export function deliveryQuantiles(plan: DeliveryPlan): HoursInterval {
  mixture.clear(plan.tries.length + 1);
  before.clear().add(plan.staffHours);
  let reach = 1;
  for (const attempt of plan.tries) {
    const rate = attempt.fillRate >= 0 ? Math.min(attempt.fillRate, 1) : 0;
    if (reach * rate > NEGLIGIBLE) mixture.addSum(reach * rate, waits.copy(before).add(attempt.fill));
    before.add(attempt.unfilledHours);
    reach *= 1 - rate;
  }
  const { taskHours, search, fillRate = 1 } = plan.searchProxy;
  // A request search-proxy staff do not deliver has no delivery time: only those they deliver count.
  const delivered = reach * Math.min(Math.max(fillRate, 0), 1);
  if (delivered > NEGLIGIBLE || mixture.size === 0) {
    waits.copy(before).add(taskHours);
    if (search) waits.add(search);
    mixture.addSum(mixture.size === 0 ? 1 : delivered, waits);
  }
  mixture.normalise();
  return { p10: round2(mixture.quantile(0.1, -Z90)), median: round2(mixture.quantile(0.5, 0)), p90: round2(mixture.quantile(0.9, Z90)) };
}

/**
 * How much wider than the percentiles of `count` times seen the interval of the next one is, on a
 * logarithmic scale: a log-normal's 80 % prediction interval from a sample of `count` rests on its
 * estimated median and spread, and is wider than the sample's own by Student's t over the normal's
 * quantile, and by √(1 + 1/count) for the median's own error. 1 where the count is not known.
 */
export function widening(count: number | undefined): number {
  if (count === undefined || !(count >= 2)) return 1;
  const v = count - 1;
  const z = Z90;
  // Student's t quantile by its Cornish–Fisher expansion about the normal's: within 1 % from 2 degrees of freedom.
  const t = z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v * v);
  return (t / z) * Math.sqrt(1 + 1 / count);
}

/**
 * An interval as the knowledge base gives it: a median, and percentiles where known (else the median
 * alone), from `count` times seen, widened for their fewness (`widening`).
 */
export function seenInterval(median: number, p10: number | undefined, p90: number | undefined, count?: number): HoursInterval {
  const low = Math.min(p10 ?? median, median);
  const high = Math.max(p90 ?? median, median);
  const k = widening(count);
  if (k === 1 || median <= 0) return { p10: low, median, p90: high };
  return { p10: low > 0 ? median * (low / median) ** k : 0, median, p90: median * (high / median) ** k };
}

/** A rota supplier's try as the plan weighs it. */
function tryPlan(figures: RotaFigures, deadlineHours: number, kinds: Record<string, SupplierStats> | undefined): TryPlan {
  const { observed } = figures;
  const known = observed?.turnaroundP10 !== undefined && observed.turnaroundP90 !== undefined && observed.turnaroundHours !== undefined;
  // A supplier with no times of its own takes its kind's, where they are known.
  const kind = known || figures.supplier === undefined ? undefined : kinds?.[figures.supplier.kind];
  const fill = known
    ? seenInterval(figures.turnaroundHours, observed.turnaroundP10, observed.turnaroundP90, observed.fillTimes)
    : kind?.turnaroundHours !== undefined
      ? seenInterval(kind.turnaroundHours, kind.turnaroundP10, kind.turnaroundP90, kind.fillTimes)
      : promised(figures.turnaroundHours);
  return {
    fillRate: figures.fillRate,
    fill,
    unfilledHours: observed?.unfilledHours === undefined ? deadlineHours : seenInterval(observed.unfilledHours, observed.unfilledP10, observed.unfilledP90, observed.unfilledTimes),
  };
}

/** Staff figures that rest on enough tasks to stand in for the tasks' due hours. */
const seen = (figures: TaskStats | undefined): TaskStats | undefined => (figures && figures.tasks >= STAFF_TASKS ? figures : undefined);
const taskHours = ({ hours: { p10, median, p90 }, tasks }: TaskStats): HoursInterval => seenInterval(median, p10, p90, tasks);

type Decided = Pick<RouteDecision, 'outcome' | 'tasks' | 'deadlineHours'>;

type FirstTask = 'review' | 'approveCost' | undefined;

/** The staff task a decision waits for before the first try: a review sends the rota on itself; a cost approval comes before the first try of a request routed at once. */
function firstTask(decision: Decided): FirstTask {
  if (decision.outcome === 'review') return 'review';
  if (decision.outcome === 'route') for (const task of decision.tasks) if (task.type === 'approveCost') return 'approveCost';
  return undefined;
}

/**
 * What a decision's outcome leaves to wait for: staff tasks before the first try, the rota's tries,
 * and search-proxy staff. Staff take the hours they were seen to take (`staff`, the requesting
 * library's figures where it has them: `staffFor` in knowledge.ts), else their tasks' due hours.
 */
export function planOf(
  policy: Pick<NetworkPolicy, 'lifecycle'>,
  decision: Decided,
  rota: readonly RotaFigures[],
  staff?: StaffStats,
  kinds?: Record<string, SupplierStats>,
  task = firstTask(decision),
): DeliveryPlan {
  const due = policy.lifecycle.taskDueHours;
  const proxy = seen(staff?.searchProxy);
  const first = task === undefined ? undefined : seen(staff?.[task]);
  return {
    staffHours: task === undefined ? 0 : first ? taskHours(first) : promised(due[task]),
    tries: decision.outcome === 'escalate' ? [] : rota.map((figures) => tryPlan(figures, decision.deadlineHours, kinds)),
    searchProxy: proxy
      ? { taskHours: taskHours(proxy), ...(proxy.fillRate === undefined ? {} : { fillRate: proxy.fillRate }) }
      : { taskHours: promised(due.searchProxy), search: promised(decision.deadlineHours) },
  };
}

const clocks = new WeakMap<NetworkPolicy, { clock: SupplierClock; described: string }>();

function clockOf(config: Pick<NetworkConfig, 'policy'>): { clock: SupplierClock; described: string } {
  let known = clocks.get(config.policy);
  if (!known) {
    const clock = networkClock(config);
    clocks.set(config.policy, (known = { clock, described: describeClock(clock) }));
  }
  return known;
}

/** Suppliers' own clocks, per policy: null for one that works the network's hours. */
const ownClocks = new WeakMap<NetworkPolicy, WeakMap<object, SupplierClock | null>>();

/** The clock a rota supplier keeps where it is not the network's, else undefined. */
function ownClock(policy: NetworkPolicy, supplier: RotaFigures['supplier']): SupplierClock | undefined {
  if (supplier === undefined || (supplier.workingHours === undefined && (supplier.closures ?? []).length === 0)) return undefined;
  let known = ownClocks.get(policy);
  if (!known) ownClocks.set(policy, (known = new WeakMap()));
  let clock = known.get(supplier);
  if (clock === undefined) {
    const id = supplier.id ?? '';
    clock = supplierClock({ policy, suppliers: [{ ...supplier, id }] }, id);
    known.set(supplier, clock);
  }
  return clock ?? undefined;
}

/** The median of a wait. */
const medianOf = (hours: Hours): number => (typeof hours === 'number' ? hours : hours.median);

/**
 * The plan with each try counted by the network's clock, as the reader's wait is: a supplier that
 * keeps other hours counts its times by its own (a vendor around the clock delivers an evening's
 * order in minutes of its time and none of the network's). Each try is taken to be sent after the
 * median waits before it, from `start`, and each of its figures is read as working hours of the
 * supplier from then.
 */
export function onNetworkClock(config: Pick<NetworkConfig, 'policy'>, plan: DeliveryPlan, rota: readonly RotaFigures[], start: number): DeliveryPlan {
  const network = clockOf(config).clock;
  let before = medianOf(plan.staffHours);
  let tries: TryPlan[] | undefined;
  plan.tries.forEach((attempt, i) => {
    const own = ownClock(config.policy, rota[i]?.supplier);
    let counted = attempt;
    if (own) {
      const sentAt = addWorkingHours(start, before, network).at;
      const hours = (h: number): number => (h <= 0 ? 0 : round2(workingHoursBetween(sentAt, addWorkingHours(sentAt, h, own).at, network)));
      const interval = (i: HoursInterval): HoursInterval => ({ p10: hours(i.p10), median: hours(i.median), p90: hours(i.p90) });
      const { unfilledHours } = attempt;
      counted = { fillRate: attempt.fillRate, fill: interval(attempt.fill), unfilledHours: typeof unfilledHours === 'number' ? hours(unfilledHours) : interval(unfilledHours) };
      (tries ??= [...plan.tries])[i] = counted;
    }
    before += medianOf(counted.unfilledHours);
  });
  return tries ? { ...plan, tries } : plan;
}

/** `now` as epoch milliseconds where it names an instant; NaN for a date alone or none. */
const instant = (now: string | undefined): number => (namesInstant(now) ? Date.parse(now) : Number.NaN);

/** The estimate of an interval, with its instants where `now` is one. */
function estimate(config: Pick<NetworkConfig, 'policy'>, hours: HoursInterval, basis: string, now: string | undefined): DeliveryEstimate {
  const { clock, described } = clockOf(config);
  const start = instant(now);
  if (Number.isNaN(start)) return { workingHours: hours, clock: described, basis };
  const [instants, assumedYears] = addWorkingHoursEach(start, [hours.p10, hours.median, hours.p90], clock);
  const [earliestAt, likelyAt, latestAt] = instants.map((at) => new Date(at).toISOString());
  const eta: DeliveryEstimate = { workingHours: hours, earliestAt, likelyAt, latestAt, clock: described, basis };
  const note = assumedYearsNote(assumedYears);
  if (note) eta.note = note;
  return eta;
}

/** Hours as the basis names them: `8 h`, `within 8 h` for a due time, `about 3 h as seen` for a median observed. */
const told = (hours: Hours, due?: number): string =>
  typeof hours === 'number' ? `${hours} h` : hours.p90 === due ? `within ${due} h nine times in ten` : `about ${round2(hours.median)} h as seen`;

type DueHours = NetworkPolicy['lifecycle']['taskDueHours'];

/** Bases worded before, per configuration's due hours and deadline, by the counts they are worded from (see `basisOf`). */
const bases = new WeakMap<DueHours, Map<number, Map<number, string>>>();
/** Deadlines whose bases are kept per configuration, beyond which they are forgotten: deadlines come with requests and may be many. */
const MAX_DEADLINES = 1_000;
/** Rotas as long as this or longer are worded afresh: their counts do not fit the key. */
const COUNTS = 64;

/**
 * The basis of the prediction, in words. Where no staff figures enter them, they follow from the
 * first staff task, the rota's size, how many of it were seen and how many take their kind's
 * times, and the deadline, and recur from decision to decision: those are worded once.
 */
function basisOf(
  plan: DeliveryPlan,
  task: FirstTask,
  deadlineHours: number,
  rota: readonly RotaFigures[],
  due: DueHours,
  staff: StaffStats | undefined,
  kinds: Record<string, SupplierStats> | undefined,
): string {
  const tries = plan.tries.length;
  let observed = 0;
  let pooled = 0;
  // The rota's words are left out of a decision that sends it to no supplier.
  for (let i = 0; i < tries; i++) {
    const figures = rota[i] as RotaFigures;
    if (figures.observed !== undefined) observed++;
    if (figures.observed?.turnaroundHours === undefined && figures.supplier !== undefined && kinds?.[figures.supplier.kind]?.turnaroundHours !== undefined) pooled++;
  }
  const recurs = tries < COUNTS && seen(staff?.searchProxy) === undefined && (task === undefined || seen(staff?.[task]) === undefined);
  if (!recurs) return worded(plan, task, observed, pooled, due);
  let byDeadline = bases.get(due);
  if (!byDeadline) bases.set(due, (byDeadline = new Map()));
  let known = byDeadline.get(deadlineHours);
  if (!known) {
    if (byDeadline.size >= MAX_DEADLINES) byDeadline.clear();
    byDeadline.set(deadlineHours, (known = new Map()));
  }
  const key = (((task === undefined ? 0 : task === 'review' ? 1 : 2) * COUNTS + tries) * COUNTS + observed) * COUNTS + pooled;
  let words = known.get(key);
  if (words === undefined) known.set(key, (words = worded(plan, task, observed, pooled, due)));
  return words;
}

/** The basis worded: the staff task first, the rota's suppliers (`observed` of them seen, `pooled` taking their kind's times), search-proxy staff. */
function worded(plan: DeliveryPlan, task: FirstTask, observed: number, pooled: number, due: DueHours): string {
  const suppliers = plan.tries.length;
  const parts: string[] = [];
  if (task === 'review') parts.push(`a review first (${told(plan.staffHours, due.review)})`);
  else if (task === 'approveCost') parts.push(`a cost approval first (${told(plan.staffHours, due.approveCost)})`);
  if (plan.tries.length > 0) {
    const rota = suppliers === 1 ? 'the rota supplier' : `the ${suppliers} rota suppliers`;
    parts.push(
      observed === suppliers
        ? `observed fill rates and turnarounds of ${rota}`
        : observed === 0
          ? `configured fill rates and promised turnarounds of ${rota}`
          : `observed figures for ${observed} of ${rota}, configured ones for the rest`,
    );
    if (pooled > 0) parts.push(`for ${pooled === suppliers ? 'all' : pooled} of them not yet seen to fill, the times of suppliers of their kind`);
  }
  const { taskHours, search, fillRate } = plan.searchProxy;
  const staff = search
    ? `search-proxy staff (${told(taskHours, due.searchProxy)}, then a search of about ${round2(search.median)} h)`
    : `search-proxy staff (${told(taskHours)} to a delivery${fillRate === undefined ? '' : `, ${Math.round(fillRate * 100)} % delivered`})`;
  parts.push(plan.tries.length > 0 ? `${staff} should the rota run out` : staff);
  const sentence = parts.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/**
 * The prediction a routing decision carries: `decide` calls it last, with the rota's figures in
 * rota order. Undefined for a rejected request.
 */
export function predictDelivery(
  config: Pick<NetworkConfig, 'policy'>,
  decision: Decided,
  rota: readonly RotaFigures[],
  now?: string,
  staff?: StaffStats,
  kinds?: Record<string, SupplierStats>,
): DeliveryEstimate | undefined {
  if (decision.outcome === 'reject') return undefined;
  if (decision.outcome === 'local' || decision.outcome === 'open-access') return deliveredAtOnce(config, decision.outcome, now);
  // Found once, for the plan and for its basis.
  const task = firstTask(decision);
  const plan = planOf(config.policy, decision, rota, staff, kinds, task);
  const start = instant(now);
  const counted = Number.isNaN(start) ? plan : onNetworkClock(config, plan, rota, start);
  return estimate(config, deliveryQuantiles(counted), basisOf(plan, task, decision.deadlineHours, rota, config.policy.lifecycle.taskDueHours, staff, kinds), now);
}

/** The reader has the document at once: the library's own copy, or a free one. */
export function deliveredAtOnce(config: Pick<NetworkConfig, 'policy'>, outcome: 'local' | 'open-access', now?: string): DeliveryEstimate {
  const basis = outcome === 'local' ? "The requesting library's own copy: no supplier is asked." : 'A free copy found before routing, delivered at once.';
  return estimate(config, { p10: 0, median: 0, p90: 0 }, basis, now);
}
