// The three ways the simulation routes the same requests:
// - `engine`: the engine's own routing (rules/route.ts `route`) on the compiled network, with the
//   day's orders per supplier as its load and the dispatch knowledge base's figures (rules/knowledge.ts)
//   as its statistics, taken afresh every 5 simulated minutes as the engine's routing activity does;
// - `staticRota`: what common ILL systems do, a lender string in configured priority order: the
//   library's preferred suppliers, then every holder and covering source in the configuration's order;
// - `random`: a seeded shuffle of the same suppliers.
// The baselines skip what any ILL system skips (suppliers suspended or closed, the library's blocked
// suppliers, sources that neither hold nor cover the item, an open-access resolver that found
// nothing), are cut to the engine's rota length, and know nothing of load or past outcomes.
import type { HoursInterval, NoOpenCopy, RouteDecision } from '../domain/decision';
import { exceededLimit } from '../domain/money';
import { prng } from '../bench/network-generator';
import { covers, estimatedCost, prepare, requireLibrary } from '../rules/rank';
import { route } from '../rules/route';
import type { Service } from '../domain/request';
import { workingHoursBetween, type SupplierClock } from '../rules/clock';
import { figuresFor, knowledgeFor, priorsOf, type Figures, type KnowledgeBase, type StaffOutcome, type StaffTask, type SupplierOutcome } from '../rules/knowledge';
import type { SimulatedArrival } from './requests';
import type { SimulatedNetwork } from './network';
import { answerOf, type Answer, type Profiles } from './suppliers';

export type StrategyName = 'engine' | 'staticRota' | 'random';
export const STRATEGIES: readonly StrategyName[] = ['engine', 'staticRota', 'random'];

/** What routing settled for a request: the suppliers to try in order, and what waits for staff first. */
export interface Plan {
  rota: string[];
  /** Working hours each supplier has, by its clock, from its order. */
  deadlineHours: number;
  review: boolean;
  approveCost: boolean;
  /** Straight to search-proxy staff, no supplier tried. */
  escalate: boolean;
  /** The engine's predicted working hours from the decision to delivery, by the network's clock. */
  eta?: HoursInterval;
}

/**
 * What every strategy is given alike for a request, worked out once: the open-access lookup before
 * routing (the engine's, run for all three so they differ only in routing), and the network's
 * policy for it (the decision routing makes knowing neither load nor outcomes: whether the library
 * holds it, whether a rule refuses it, sends it to review or to search-proxy staff, its deadline).
 */
export interface Common {
  arrival: SimulatedArrival;
  /** A free copy found before routing, with the resolver's answer. */
  openCopy?: { supplierId: string; answer: Answer };
  unavailable: Record<string, NoOpenCopy>;
  /** Absent when a free copy was found: nothing is routed. */
  policy?: RouteDecision;
  /** Suppliers any ILL system would try, in the static rota's order. */
  usable: string[];
}

/** The calendar day in Beijing, where the network's suppliers count their day's orders. */
export const chinaDay = (at: number): string => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);

export function common(network: SimulatedNetwork, profiles: Profiles, arrival: SimulatedArrival): Common {
  const { request, holdings } = arrival;
  const { config, compiled } = network;
  const unavailable: Record<string, NoOpenCopy> = {};
  const day = chinaDay(arrival.at);
  if (request.service === 'copy' && request.citation.doi) {
    for (const supplier of config.suppliers) {
      if (supplier.kind !== 'open-access' || !supplier.services.includes('copy')) continue;
      // Lookups are not orders: they count against no capacity.
      const answer = covers(supplier, request.citation) ? answerOf(profiles, supplier, request, arrival.at, { degraded: false, overCapacity: false }) : { filled: false, workingHours: 0 };
      if (answer.filled) return { arrival, openCopy: { supplierId: supplier.id, answer }, unavailable, usable: [] };
      unavailable[supplier.id] = { code: 'no-open-copy', doi: request.citation.doi };
    }
  }
  const input = { request, holdings, usage: { titleCopiesThisYear: arrival.titleCopiesThisYear }, now: day, unavailable };
  const policy = route(compiled, input);
  const { candidates } = prepare(compiled, input);
  const library = requireLibrary(compiled, request);
  const usable = candidates.usable().map((at) => ({ id: candidates.supplier(at).id, index: candidates.index[at] as number }));
  const preferred = library.policy.preferredSuppliers.filter((id) => usable.some((c) => c.id === id));
  const rest = usable.filter((c) => !preferred.includes(c.id)).sort((a, b) => a.index - b.index);
  return { arrival, unavailable, policy, usable: [...preferred, ...rest.map((c) => c.id)] };
}

/** One strategy's routing, with whatever it remembers between requests. */
export interface Strategy {
  name: StrategyName;
  plan(shared: Common, now: number, load: Record<string, number>): Plan;
  /** An order was sent, under a key its end names again. */
  sent?(key: string, order: { supplierId: string; service: Service }, now: number): void;
  /** An order has ended: filled, declined, or its deadline passed. */
  ended(outcome: SupplierOutcome, now: number, key?: string): void;
  /** A staff task was opened, under a key its end names again. */
  staffOpened?(key: string, task: Pick<StaffOutcome, 'task' | 'libraryId'>, now: number): void;
  /** Staff have answered a task: a review, a cost approval, or search-proxy staff delivering or giving up. */
  staffEnded?(outcome: StaffOutcome, now: number, key?: string): void;
}

/**
 * Working hours by each clock since the first instant it was asked about, for instants that never go
 * back (the simulation's clock): how long an order or a task has been open, as the engine's store
 * would tell from its send.
 */
class Elapsed {
  /** By the clock's hours and closures, which most suppliers share. */
  private readonly clocks = new Map<string, { at: number; hours: number }>();
  private readonly keys = new WeakMap<SupplierClock, string>();

  at(clock: SupplierClock, at: number): number {
    let key = this.keys.get(clock);
    if (key === undefined) this.keys.set(clock, (key = JSON.stringify(clock)));
    const known = this.clocks.get(key);
    if (!known) {
      this.clocks.set(key, { at, hours: 0 });
      return 0;
    }
    if (at > known.at) [known.hours, known.at] = [known.hours + workingHoursBetween(known.at, at, clock), at];
    return known.hours;
  }
}

/** The tasks a baseline's libraries meet: the network's policy for the request, and the price of their first supplier. */
function baselinePlan(network: SimulatedNetwork, shared: Common, rota: string[]): Plan {
  const { arrival } = shared;
  const policy = shared.policy!;
  const { request } = arrival;
  const first = rota[0] === undefined ? undefined : network.suppliers.get(rota[0]);
  const library = requireLibrary(network.compiled, request);
  const price = first && { amount: estimatedCost(first, request), currency: first.cost.currency };
  const dear = price !== undefined && price.amount > 0 && exceededLimit(price, { autoApproveLimit: library.policy.autoApproveLimit, maxCost: request.maxCost }) !== undefined;
  const byRule = (type: string) => policy.tasks.some((task) => task.type === type && task.rule !== undefined);
  return {
    rota,
    deadlineHours: policy.deadlineHours,
    review: policy.tasks.some((task) => task.type === 'review'),
    approveCost: dear || byRule('approveCost'),
    escalate: byRule('searchProxy') || shared.usable.length < network.config.policy.escalation.minCandidates,
  };
}

export function staticRota(network: SimulatedNetwork): Strategy {
  const length = network.config.policy.escalation.maxRotaLength;
  return {
    name: 'staticRota',
    plan: (shared) => baselinePlan(network, shared, shared.usable.slice(0, length)),
    ended: () => undefined,
  };
}

/** A number fixed by the request id, to seed its shuffle. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function randomChoice(network: SimulatedNetwork, seed: number): Strategy {
  const length = network.config.policy.escalation.maxRotaLength;
  return {
    name: 'random',
    plan(shared) {
      const next = prng(hash(`${seed} ${shared.arrival.request.id}`));
      const shuffled = [...shared.usable];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
      }
      return baselinePlan(network, shared, shuffled.slice(0, length));
    },
    ended: () => undefined,
  };
}

/** How often routing takes the knowledge base's figures afresh, as the engine's routing activity does. */
export const STATS_FRESH_MS = 5 * 60_000;

export function engine(network: SimulatedNetwork): Strategy & { knowledge: KnowledgeBase } {
  const knowledge = knowledgeFor(network.config);
  const priorOf = priorsOf(network.config);
  let figures: Figures = { stats: {}, staff: {}, kinds: {} };
  let figuresAt = Number.NEGATIVE_INFINITY;
  // Orders with their suppliers and staff tasks open, with the working hours by their clocks at their start.
  const elapsed = new Elapsed();
  const orders = new Map<string, { supplierId: string; service: Service; sentAt: number; clock: SupplierClock; from: number }>();
  const tasks = new Map<string, { task: StaffTask; libraryId?: string; openedAt: number; from: number }>();
  /** What is open now, told to the knowledge base as the routing activity reads it from the store. */
  const open = (now: number) => {
    const hours = (clock: SupplierClock, from: number) => elapsed.at(clock, now) - from;
    knowledge.open(
      [...orders.values()].map(({ supplierId, service, sentAt, clock, from }) => ({ supplierId, service, sentAt, workingHours: hours(clock, from) })),
      [...tasks.values()].map(({ task, libraryId, openedAt, from }) => ({ task, ...(libraryId === undefined ? {} : { libraryId }), openedAt, workingHours: hours(network.centre, from) })),
    );
  };
  return {
    name: 'engine',
    knowledge,
    sent(key, { supplierId, service }, now) {
      const clock = network.clocks.get(supplierId) ?? network.centre;
      orders.set(key, { supplierId, service, sentAt: now, clock, from: elapsed.at(clock, now) });
    },
    staffOpened(key, { task, libraryId }, now) {
      tasks.set(key, { task, ...(libraryId === undefined ? {} : { libraryId }), openedAt: now, from: elapsed.at(network.centre, now) });
    },
    plan(shared, now, load) {
      if (now - figuresAt >= STATS_FRESH_MS) {
        open(now);
        [figures, figuresAt] = [figuresFor(knowledge, priorOf), now];
      }
      const { request, holdings, titleCopiesThisYear } = shared.arrival;
      const decision = route(network.compiled, {
        request,
        holdings,
        usage: { titleCopiesThisYear },
        load,
        ...figures,
        now: new Date(now).toISOString(),
        unavailable: shared.unavailable,
      });
      const has = (type: string) => decision.tasks.some((task) => task.type === type);
      return {
        rota: decision.rota.map((entry) => entry.supplierId),
        deadlineHours: decision.deadlineHours,
        review: decision.outcome === 'review',
        approveCost: decision.outcome === 'route' && has('approveCost'),
        // The network's policy refused the request before any strategy routed it, so a refusal here
        // (a rule reading the day's load) leaves it to staff like an escalation.
        escalate: decision.outcome === 'escalate' || decision.outcome === 'reject',
        ...(decision.eta ? { eta: decision.eta.workingHours } : {}),
      };
    },
    ended(outcome, _now, key) {
      const order = key === undefined ? undefined : orders.get(key);
      if (order) orders.delete(key!);
      knowledge.record(order ? { ...outcome, sentAt: order.sentAt } : outcome);
    },
    staffEnded(outcome, _now, key) {
      const task = key === undefined ? undefined : tasks.get(key);
      if (task) tasks.delete(key!);
      knowledge.recordStaff(task ? { ...outcome, openedAt: task.openedAt } : outcome);
    },
  };
}
