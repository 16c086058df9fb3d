// The dispatch knowledge base: what each supplier has been seen to do with the orders it was sent.
// Routing ranks by it and the reader's predicted delivery time is drawn from it. It leans on the
// latest outcomes, so a supplier that stops filling is demoted within a few dozen orders rather
// than after months of history outweigh its decline. Orders and staff tasks still open count as
// taking at least as long as they have so far (`open`), where leaving them out would leave only the
// quick outcomes early in a run, for a slow supplier, or while staff take days. Pure: the engine
// feeds it the outcomes its store recorded, the network simulation the outcomes of its simulated
// suppliers.

import type { HoursInterval } from '../domain/decision';
import type { Service } from '../domain/request';
import { networkClock, supplierClock, workingHoursBetween, type SupplierClock } from './clock';
import type { NetworkConfig } from './types';
import { censoredInterval, intervalOf, outlasting, round } from './censored';

/** How one order sent to a supplier ended. */
export interface SupplierOutcome {
  supplierId: string;
  /** `expired`: the try's deadline passed with no answer. */
  result: 'filled' | 'unfilled' | 'expired';
  /** Working hours, by the supplier's clock, from the order's send to its end. */
  workingHours: number;
  /** What the request asked for: a loan is not a copy. */
  service?: Service;
  /** When the order was sent, epoch milliseconds: orders still open are weighed against those sent as late. */
  sentAt?: number;
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
  /** The 10th and 90th percentiles of working hours until an order ends unfilled. */
  unfilledP10?: number;
  unfilledP90?: number;
  /** How many fill times, and unfilled ones, the percentiles rest on: the fewer, the less sure. */
  fillTimes?: number;
  unfilledTimes?: number;
  /** Outcomes behind the figures, older ones discounted. */
  orders?: number;
  /**
   * The same figures for one service's orders, where the supplier has ended some: the fill rate
   * drawn toward the supplier's all-service one, the times its all-service ones until the service
   * has `SERVICE_TIMES` of its own. Read through `forService`.
   */
  byService?: Partial<Record<Service, SupplierStats>>;
}

/**
 * Fill times of the suppliers of each kind, per service (no fill rates): what a supplier seen too
 * little to fill is expected to take, as its kind does.
 */
export type KindStats = Record<string, Partial<Record<Service, SupplierStats>>>;

/** Each kind's times for a request of `service`. */
export function kindsFor(kinds: KindStats | undefined, service: Service): Record<string, SupplierStats> | undefined {
  if (!kinds) return undefined;
  const times: Record<string, SupplierStats> = {};
  for (const kind in kinds) {
    const known = kinds[kind]?.[service];
    if (known) times[kind] = known;
  }
  return times;
}

/** A supplier's figures for a request of `service`: its own for that service where known, else its all-service ones. */
export function forService(stats: SupplierStats | undefined, service: Service): SupplierStats | undefined {
  return stats?.byService?.[service] ?? stats;
}

/** An outcome counts half as much once the supplier has ended this many orders since. */
export const HALF_LIFE_ORDERS = 12;
/** The configured prior weighs as much as this many outcomes. */
export const PRIOR_ORDERS = 2;
/** Times kept per supplier for the percentiles: the latest ones. */
const KEPT_TIMES = 60;
/** Times kept per kind of supplier and service. */
const KEPT_POOLED = 300;
/** Fill rate a supplier is assumed to have with neither a prior nor outcomes. */
const NO_PRIOR = 0.5;
/** Times a service needs of its own before its percentiles replace the supplier's all-service ones. */
export const SERVICE_TIMES = 5;

const DECAY = 2 ** (-1 / HALF_LIFE_ORDERS);

/**
 * The last `capacity` values added, oldest overwritten first, each with the instant its order was
 * sent (or its task opened) where that was told.
 */
class Recent {
  private readonly values: number[] = [];
  private readonly sent: number[] = [];
  private next = 0;
  /** Worked out from the values as they are, until one is added. */
  private sortedKept: Float64Array | undefined;
  private sinceKept: { from: number; values: number[] } | undefined;
  /**
   * The latest send among the values overwritten (+Infinity once one's was not told): every order
   * sent after it that has ended is still kept, so those and the ones still open make a whole cohort.
   */
  dropped = Number.NEGATIVE_INFINITY;

  constructor(private readonly capacity: number) {}

  add(value: number, sentAt = Number.NaN): void {
    if (this.values.length < this.capacity) {
      this.values.push(value);
      this.sent.push(sentAt);
    } else {
      const old = this.sent[this.next]!;
      this.dropped = Number.isNaN(old) ? Number.POSITIVE_INFINITY : Math.max(this.dropped, old);
      this.values[this.next] = value;
      this.sent[this.next] = sentAt;
    }
    this.next = (this.next + 1) % this.capacity;
    this.sortedKept = this.sinceKept = undefined;
  }

  get size(): number {
    return this.values.length;
  }

  /** The values kept, ascending. */
  sorted(): Float64Array {
    return (this.sortedKept ??= Float64Array.from(this.values).sort());
  }

  /** The values of orders sent after `from`. */
  since(from: number): number[] {
    if (this.sinceKept?.from !== from) this.sinceKept = { from, values: this.values.filter((_, i) => this.sent[i]! > from) };
    return this.sinceKept.values;
  }

  /** The median and 10th and 90th percentiles, in hundredths, by linear interpolation between the order statistics. */
  interval(): HoursInterval {
    return intervalOf(this.values);
  }
}

/** An order or task still open: sent (or opened) at `sentAt`, out `hours` working hours so far. */
interface OpenAt {
  hours: number;
  sentAt: number;
}

/** Outcomes of one supplier, of all its orders or of one service's. */
interface Tally {
  /** Decayed counts of filled and of all outcomes. */
  filled: number;
  total: number;
  fills: Recent;
  unfilled: Recent;
}

interface Seen extends Tally {
  services: Map<Service, Tally>;
  /** The figures as last worked out, and the prior they were drawn toward; undefined once an outcome has come in since. */
  stats?: SupplierStats;
  prior?: number;
  pooledVersion?: number;
}

/** An order still with its supplier, as the knowledge base is told of it. */
export interface OpenOrder {
  supplierId: string;
  /** When it was sent, epoch milliseconds. */
  sentAt: number;
  /** Working hours, by the supplier's clock, since it was sent. */
  workingHours: number;
  service?: Service;
}

/** A staff task not yet answered (search-proxy: neither delivered nor given up). */
export interface OpenTask {
  task: StaffTask;
  libraryId?: string;
  /** When it was opened, epoch milliseconds. */
  openedAt: number;
  /** Working hours, by the network's clock, since it was opened. */
  workingHours: number;
}

/** The open orders of one supplier: all of them, and per service. */
interface OpenOf {
  all: OpenAt[];
  services: Map<Service, OpenAt[]>;
}

const tally = (kept = KEPT_TIMES): Tally => ({ filled: 0, total: 0, fills: new Recent(kept), unfilled: new Recent(kept) });

function count(into: Tally, filled: boolean, hours: number, sentAt?: number): void {
  into.filled = into.filled * DECAY + (filled ? 1 : 0);
  into.total = into.total * DECAY + 1;
  (filled ? into.fills : into.unfilled).add(hours, sentAt);
}

/**
 * A tally's figures, its fill rate drawn toward `prior` as `PRIOR_ORDERS` outcomes; times from
 * `fillTimes` and `unfilledTimes` (its own, or the supplier's all-service or its kind's while it has
 * too few). `open` are its orders still with the supplier. Each will fail with the chance a failure
 * has of taking as long as it has been out against a fill's, and counts, by that chance, as an
 * unfilled time of at least its hours: those sent since the unfilled times kept began to be dropped,
 * with the ended ones sent as late, are a cohort whose times are estimated together (where that
 * tells too little, the times kept). The declines come in long before the deadlines missed, so
 * without them the unfilled times lean short. Fill times are the fills kept: ranking reads their
 * median, and the cohort of a busy supplier, a few hours of orders, would make it noisier than the
 * 60 latest fills do without making it truer.
 */
function figuresOf(own: Tally, prior: number, fillTimes: Recent, unfilledTimes: Recent, open: readonly OpenAt[] = []): SupplierStats {
  const rate = (PRIOR_ORDERS * prior + own.filled) / (PRIOR_ORDERS + own.total);
  const stats: SupplierStats = { fillRate: round(rate, 4), orders: round(own.total, 2) };
  const from = unfilledTimes.dropped;
  const cohort = open.filter((order) => order.sentAt > from);
  let unfilled: HoursInterval | undefined;
  if (cohort.length > 0) {
    const [fills, failures] = [fillTimes.sorted(), unfilledTimes.sorted()];
    // With no fills or no failures seen, or none as long, the times tell nothing: the fill rate does.
    const failing = cohort.map(({ hours }) => {
      const fill = rate * outlasting(fills, hours);
      const fail = (1 - rate) * outlasting(failures, hours);
      return { hours, weight: fills.length > 0 && fill + fail > 0 ? fail / (fill + fail) : 1 - rate };
    });
    unfilled = censoredInterval(unfilledTimes.since(from), failing, failures);
  }
  unfilled ??= unfilledTimes.size > 0 ? unfilledTimes.interval() : undefined;
  if (fillTimes.size > 0) {
    const { p10, median, p90 } = fillTimes.interval();
    Object.assign(stats, { turnaroundHours: median, turnaroundP10: p10, turnaroundP90: p90, fillTimes: fillTimes.size });
  }
  if (unfilled) Object.assign(stats, { unfilledHours: unfilled.median, unfilledP10: unfilled.p10, unfilledP90: unfilled.p90, unfilledTimes: unfilledTimes.size });
  return stats;
}


/** A staff task the prediction waits for: a librarian's review or cost approval, or search-proxy staff. */
export type StaffTask = 'review' | 'approveCost' | 'searchProxy';

/** How one staff task ended. */
export interface StaffOutcome {
  task: StaffTask;
  /** The requesting library, whose librarians answer its reviews and cost approvals. */
  libraryId?: string;
  /**
   * Working hours, by the network's clock, from the task's opening to its answer; for search-proxy,
   * to the delivery, or to the staff giving the request up.
   */
  workingHours: number;
  /** Search-proxy only: whether the request was delivered. */
  filled?: boolean;
  /** When the task was opened, epoch milliseconds: tasks still open are weighed against those opened as late. */
  openedAt?: number;
}

/** What was seen of one kind of staff task. */
export interface TaskStats {
  /** Working hours from the task's opening to its answer (search-proxy: to the delivery): median, 10th and 90th percentiles. */
  hours: HoursInterval;
  /** Tasks behind the figures. */
  tasks: number;
  /** Search-proxy only: the share of requests delivered, recent ones weighing most. */
  fillRate?: number;
}

/** What the prediction knows of staff: network-wide per task, and per requesting library where it has enough of its own. */
export interface StaffStats {
  review?: TaskStats;
  approveCost?: TaskStats;
  searchProxy?: TaskStats;
  /** A library's own librarians' figures, once it has `LIBRARY_TASKS` of a kind. */
  byLibrary?: Record<string, Partial<Record<'review' | 'approveCost', TaskStats>>>;
}

/** Tasks of a kind a library needs of its own before its figures replace the network's. */
export const LIBRARY_TASKS = 20;
/**
 * Tasks kept per kind (and per library) for the percentiles: the latest ones. Enough that those
 * opened since the oldest kept one cover the days search-proxy staff take, so the tasks they still
 * hold are weighed against as many that ended.
 */
const KEPT_TASKS = 1000;
/** A search-proxy request counts half as much toward their delivered share once they have ended this many since: staff change slowly. */
const STAFF_HALF_LIFE = 100;
const STAFF_DECAY = 2 ** (-1 / STAFF_HALF_LIFE);

/** The staff figures for a request of `libraryId`: its own librarians' where known, else the network's. */
export function staffFor(staff: StaffStats | undefined, libraryId: string): StaffStats | undefined {
  const own = staff?.byLibrary?.[libraryId];
  if (!staff || !own) return staff;
  const { byLibrary: _all, ...network } = staff;
  return { ...network, ...own };
}

interface TaskTally {
  times: Recent;
  /** Search-proxy: decayed counts of delivered and of all requests. */
  filled: number;
  total: number;
}

/**
 * A kind of task's figures, tasks still open (`open`) counted as taking at least as long as they
 * have been open; search-proxy's each as likely to be a delivery as those that ended.
 */
function taskStats(seen: TaskTally, task: StaffTask, open: readonly OpenAt[] = []): TaskStats | undefined {
  if (seen.times.size === 0) return undefined;
  const fillRate = task === 'searchProxy' ? round(seen.filled / seen.total, 4) : undefined;
  // As for orders: those opened since the kept times began to be dropped, ended or not, are a cohort.
  const { dropped } = seen.times;
  const cohort = open.filter((o) => o.sentAt > dropped);
  const hours = (cohort.length > 0 ? censoredInterval(seen.times.since(dropped), cohort.map(({ hours }) => ({ hours, weight: fillRate ?? 1 })), seen.times.sorted()) : undefined) ?? seen.times.interval();
  const stats: TaskStats = { hours, tasks: seen.times.size };
  if (fillRate !== undefined) stats.fillRate = fillRate;
  return stats;
}

export class KnowledgeBase {
  private readonly seen = new Map<string, Seen>();
  /** Times of every supplier of a kind, per service: `kind service`. */
  private readonly kinds = new Map<string, Tally>();
  private kindStatsKept: KindStats | undefined;
  /** Counts the outcomes pooled, so that figures leaning on the pool are worked out again after one. */
  private pooledVersion = 0;

  /** `kindOf` gives a supplier's kind, which its times are pooled under; without it nothing is pooled. */
  constructor(private readonly kindOf?: (supplierId: string) => string | undefined) {}
  /** Staff tasks by kind, and by library and kind. */
  private readonly staff = new Map<string, TaskTally>();
  private staffStatsKept: StaffStats | undefined;
  /** Orders still with their suppliers and tasks not yet answered, as last told: by supplier, and by staff key. */
  private openOrders = new Map<string, OpenOf>();
  private openTasks = new Map<string, OpenAt[]>();

  /**
   * What is open now, in place of what was before: orders still with their suppliers and staff tasks
   * not yet answered, each with its hours so far. An order out longer than most fills take is more
   * likely to fail, and one out for 30 hours will take at least 30: the figures count them so, where
   * leaving them out would leave only the quick outcomes.
   */
  open(orders: Iterable<OpenOrder>, tasks: Iterable<OpenTask> = []): void {
    const before = this.openOrders;
    this.openOrders = new Map();
    this.openTasks = new Map();
    for (const { supplierId, sentAt, workingHours, service } of orders) {
      const order = { hours: Math.max(0, workingHours), sentAt };
      let of = this.openOrders.get(supplierId);
      if (!of) this.openOrders.set(supplierId, (of = { all: [], services: new Map() }));
      of.all.push(order);
      if (service) {
        let own = of.services.get(service);
        if (!own) of.services.set(service, (own = []));
        own.push(order);
      }
    }
    // Suppliers with open orders before or now work their figures out again.
    for (const id of new Set([...before.keys(), ...this.openOrders.keys()])) {
      const seen = this.seen.get(id);
      if (seen) seen.stats = undefined;
    }
    for (const { task, libraryId, openedAt, workingHours } of tasks) {
      const keys: string[] = [task];
      if (libraryId !== undefined && task !== 'searchProxy') keys.push(`${task} ${libraryId}`);
      for (const key of keys) {
        let ages = this.openTasks.get(key);
        if (!ages) this.openTasks.set(key, (ages = []));
        ages.push({ hours: Math.max(0, workingHours), sentAt: openedAt });
      }
    }
    this.staffStatsKept = undefined;
  }

  /** Takes in a staff task's end, in the order they ended. */
  recordStaff(outcome: StaffOutcome): void {
    const hours = Math.max(0, outcome.workingHours);
    const keys = [outcome.task];
    if (outcome.libraryId !== undefined && outcome.task !== 'searchProxy') keys.push(`${outcome.task} ${outcome.libraryId}` as StaffTask);
    for (const key of keys) {
      let seen = this.staff.get(key);
      if (!seen) this.staff.set(key, (seen = { times: new Recent(KEPT_TASKS), filled: 0, total: 0 }));
      seen.filled = seen.filled * STAFF_DECAY + (outcome.filled ? 1 : 0);
      seen.total = seen.total * STAFF_DECAY + 1;
      // Search-proxy staff's time is a delivery time only when they delivered.
      if (outcome.task !== 'searchProxy' || outcome.filled) seen.times.add(hours, outcome.openedAt);
    }
    this.staffStatsKept = undefined;
  }

  /** The times of each kind's suppliers, per service, once a kind has `SERVICE_TIMES` fills of one (`RouteInput.kinds`). */
  kindStats(): KindStats {
    if (this.kindStatsKept) return this.kindStatsKept;
    const stats: KindStats = {};
    for (const [key, pooled] of this.kinds) {
      if (pooled.fills.size < SERVICE_TIMES) continue;
      const [kind, service] = key.split(' ') as [string, Service];
      const { turnaroundHours, turnaroundP10, turnaroundP90 } = figuresOf(pooled, 0, pooled.fills, pooled.unfilled);
      (stats[kind] ??= {})[service] = { turnaroundHours, turnaroundP10, turnaroundP90 };
    }
    return (this.kindStatsKept = stats);
  }

  /** What was seen of staff, network-wide and per library (`RouteInput.staff`). */
  staffStats(): StaffStats {
    if (this.staffStatsKept) return this.staffStatsKept;
    const stats: StaffStats = {};
    for (const [key, seen] of this.staff) {
      const [task, libraryId] = key.split(' ') as [StaffTask, string | undefined];
      if (libraryId === undefined) {
        const figures = taskStats(seen, task, this.openTasks.get(key));
        if (figures) stats[task] = figures;
      } else if (seen.times.size >= LIBRARY_TASKS && task !== 'searchProxy') {
        ((stats.byLibrary ??= {})[libraryId] ??= {})[task] = taskStats(seen, task, this.openTasks.get(key))!;
      }
    }
    return (this.staffStatsKept = stats);
  }

  /** Takes in outcomes in the order the orders ended. */
  record(outcome: SupplierOutcome): void {
    let seen = this.seen.get(outcome.supplierId);
    if (!seen) this.seen.set(outcome.supplierId, (seen = { ...tally(), services: new Map() }));
    const filled = outcome.result === 'filled';
    const hours = Math.max(0, outcome.workingHours);
    count(seen, filled, hours, outcome.sentAt);
    if (outcome.service) {
      let service = seen.services.get(outcome.service);
      if (!service) seen.services.set(outcome.service, (service = tally()));
      count(service, filled, hours, outcome.sentAt);
      const kind = this.kindOf?.(outcome.supplierId);
      if (kind !== undefined) {
        const key = `${kind} ${outcome.service}`;
        let pooled = this.kinds.get(key);
        if (!pooled) this.kinds.set(key, (pooled = tally(KEPT_POOLED)));
        count(pooled, filled, hours, outcome.sentAt);
        // Suppliers that lean on the pool work their figures out again.
        this.pooledVersion++;
        this.kindStatsKept = undefined;
      }
    }
    seen.stats = undefined;
  }

  /** One supplier's figures; undefined until an order of its has ended. */
  statsOf(supplierId: string, prior?: number): SupplierStats | undefined {
    const seen = this.seen.get(supplierId);
    if (!seen) return undefined;
    if (seen.stats && seen.prior === prior && seen.pooledVersion === this.pooledVersion) return seen.stats;
    const open = this.openOrders.get(supplierId);
    const stats = figuresOf(seen, prior ?? NO_PRIOR, seen.fills, seen.unfilled, open?.all);
    const kind = this.kindOf?.(supplierId);
    for (const [service, own] of seen.services) {
      // A service's few outcomes are weighed against the supplier's all-service fill rate; its fill
      // times are its own once it has enough, else its kind's for the service, else its own for all
      // services. Unfilled times are not pooled: the quick declines are in long before the deadlines
      // missed, so a pool would long hold too few of the latter. Its open orders are weighed by the
      // times they are counted with.
      const pooled = kind === undefined ? undefined : this.kinds.get(`${kind} ${service}`);
      const fillTimes = own.fills.size >= SERVICE_TIMES ? own.fills : pooled && pooled.fills.size >= SERVICE_TIMES ? pooled.fills : seen.fills;
      const mine = own.unfilled.size >= SERVICE_TIMES;
      // Open orders of the service with its own unfilled times, else all the supplier's with all of its.
      const byService = figuresOf(own, stats.fillRate!, fillTimes, mine ? own.unfilled : seen.unfilled, mine ? open?.services.get(service) : open?.all);
      (stats.byService ??= {})[service] = byService;
    }
    seen.stats = stats;
    seen.prior = prior;
    seen.pooledVersion = this.pooledVersion;
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

/** What routing is handed of the knowledge base (`RouteInput`'s `stats`, `staff` and `kinds`). */
export interface Figures {
  stats: Record<string, SupplierStats>;
  staff: StaffStats;
  kinds: KindStats;
}

/** Everything the knowledge base knows, as routing takes it, suppliers' fill rates drawn toward `priorOf`. */
export function figuresFor(knowledge: KnowledgeBase, priorOf: (supplierId: string) => number | undefined): Figures {
  return { stats: knowledge.stats(priorOf), staff: knowledge.staffStats(), kinds: knowledge.kindStats() };
}

/** An empty knowledge base for a configuration's suppliers, their times pooled by their kinds. */
export function knowledgeFor(config: Pick<NetworkConfig, 'suppliers'>): KnowledgeBase {
  const kinds = new Map<string, string>(config.suppliers.map((supplier) => [supplier.id, supplier.kind]));
  return new KnowledgeBase((supplierId) => kinds.get(supplierId));
}

/** An order as the engine's store records its end: when it was sent and when it ended, as instants. */
export interface EndedOrder {
  supplierId: string;
  result: SupplierOutcome['result'];
  sentAt: string;
  endedAt: string;
  /** The request's service, where the store knows it. */
  service?: Service;
}

/** An order the engine's store has sent and not yet seen end. */
export interface SentOrder {
  supplierId: string;
  sentAt: string;
  service?: Service;
  result?: undefined;
  endedAt?: undefined;
}

/** A staff task the engine's store has opened and not yet seen answered. */
export interface OpenedTask {
  task: StaffTask;
  libraryId: string;
  openedAt: string;
  endedAt?: undefined;
  filled?: undefined;
}

/** A staff task as the engine's store records it: opened and answered (search-proxy: delivered or given up), as instants. */
export interface EndedTask {
  task: StaffTask;
  libraryId: string;
  openedAt: string;
  endedAt: string;
  /** Search-proxy only: the request was delivered. */
  filled?: boolean;
}

/**
 * What the network has seen of its suppliers and its staff: `orders` and `tasks`, each in the order
 * they ended, an order counted in working hours by its supplier's clock in `config`, a task by the
 * network's. Those not yet ended (no `endedAt`) are open as of `now`, an instant, and counted as
 * taking at least as long as they have so far (`KnowledgeBase.open`); without `now`, left out.
 */
export function learnFrom(
  config: Pick<NetworkConfig, 'policy' | 'suppliers'>,
  orders: Iterable<EndedOrder | SentOrder>,
  tasks: Iterable<EndedTask | OpenedTask> = [],
  now?: string,
): KnowledgeBase {
  const knowledge = knowledgeFor(config);
  const at = now === undefined ? Number.NaN : Date.parse(now);
  const clocks = new Map<string, SupplierClock>();
  const open: OpenOrder[] = [];
  for (const order of orders) {
    const { supplierId, service } = order;
    let clock = clocks.get(supplierId);
    if (!clock) clocks.set(supplierId, (clock = supplierClock(config, supplierId)));
    const sentAt = Date.parse(order.sentAt);
    const served = service ? { service } : {};
    if (order.endedAt === undefined) {
      if (!Number.isNaN(at)) open.push({ supplierId, sentAt, workingHours: workingHoursBetween(sentAt, at, clock), ...served });
    } else {
      knowledge.record({ supplierId, result: order.result, workingHours: workingHoursBetween(sentAt, Date.parse(order.endedAt), clock), sentAt, ...served });
    }
  }
  const network = networkClock(config);
  const openTasks: OpenTask[] = [];
  for (const { task, libraryId, openedAt, endedAt, filled } of tasks) {
    const opened = Date.parse(openedAt);
    if (endedAt === undefined) {
      if (!Number.isNaN(at)) openTasks.push({ task, libraryId, openedAt: opened, workingHours: workingHoursBetween(opened, at, network) });
      continue;
    }
    const workingHours = workingHoursBetween(opened, Date.parse(endedAt), network);
    knowledge.recordStaff({ task, libraryId, workingHours, openedAt: opened, ...(task === 'searchProxy' ? { filled: filled === true } : {}) });
  }
  if (open.length > 0 || openTasks.length > 0) knowledge.open(open, openTasks);
  return knowledge;
}

/** Each supplier's configured fill rate, which routing's figures are drawn toward while its outcomes are few. */
export function priorsOf(config: Pick<NetworkConfig, 'suppliers'>): (supplierId: string) => number | undefined {
  const priors = new Map(config.suppliers.map((supplier) => [supplier.id, supplier.fillRate]));
  return (supplierId) => priors.get(supplierId);
}
