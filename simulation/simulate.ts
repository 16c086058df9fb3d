// A discrete-event simulation of the network: requests arrive, each strategy routes them, sends
// them down its rota one supplier at a time, each try bounded by its deadline in the supplier's
// working hours, and hands what no supplier filled to search-proxy staff. The three strategies share
// one clock and the same requests; each keeps its own load counters, its own knowledge and its own
// suppliers' day, and meets the same answer from the same supplier for the same request.
import { addWorkingHours } from '../rules/clock';
import type { Supplier } from '../rules/types';
import { EventQueue } from './events';
import { summarise, type Figures, type Played, type RequestRecord, type Trace } from './metrics';
import { simulationNetwork, DEFAULT_START, type SimulatedNetwork } from './network';
import { requestStream, type SimulatedArrival } from './requests';
import { chinaDay, common, engine, randomChoice, staticRota, STRATEGIES, type Common, type Plan, type Strategy, type StrategyName } from './strategies';
import { answerOf, loadProfiles, searchProxyFills, staffHours, type Answer, type Profiles } from './suppliers';

export interface SimulationOptions {
  days: number;
  perDay: number;
  seed: number;
  start?: number;
  /** The network and the suppliers' profiles; the full generated network and simulation/profiles.yaml unless given. */
  network?: SimulatedNetwork;
  profiles?: Profiles;
  /** The requests; a stream drawn from `seed` unless given. */
  arrivals?: SimulatedArrival[];
  /** Suppliers that degrade mid-run; unless given, the three service libraries busiest by then, and NSTL. */
  degraded?: string[];
  /** When they degrade; half-way through the days of arrivals unless given. */
  degradeAt?: number;
  /** Told of the simulated time now and then, for progress. */
  progress?: (line: string) => void;
}

export interface SimulationResult {
  requests: number;
  /** The first day's midnight in Beijing. */
  start: number;
  degraded: string[];
  degradeAt: number;
  figures: Record<StrategyName, Figures>;
  /** Each strategy's requests, orders and trace, for a closer look than the figures. */
  played: Record<StrategyName, Played>;
}

/** Service libraries degrading mid-run: as many as this of the busiest, and these other sources. */
const DEGRADED_LIBRARIES = 3;
const DEGRADED_SOURCES = ['nstl'];

/**
 * The service libraries busiest when the degradation strikes: the most orders so far, the three
 * strategies' together (so none of them chooses which), among those active.
 */
function busiest(network: SimulatedNetwork, players: readonly Player[], count: number): string[] {
  const orders = new Map<string, number>();
  for (const player of players) for (const [id, n] of player.orders) orders.set(id, (orders.get(id) ?? 0) + n);
  return [...orders.entries()]
    .filter(([id]) => network.suppliers.get(id)?.kind === 'service-library')
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([id]) => id);
}

/** One strategy's requests on their way: its load, its records, and what it did with the degraded suppliers. */
class Player {
  private day = '';
  private load: Record<string, number> = {};
  readonly records: RequestRecord[] = [];
  readonly orders = new Map<string, number>();
  readonly trace: Trace = { before: new Map(), plans: [], sends: [] };

  constructor(
    readonly strategy: Strategy,
    private readonly world: World,
  ) {}

  /** Today's orders per supplier, counted afresh at Beijing midnight. */
  private today(at: number): Record<string, number> {
    const day = chinaDay(at);
    if (day !== this.day) [this.day, this.load] = [day, {}];
    return this.load;
  }

  arrive(shared: Common): void {
    const { world } = this;
    const { request, at } = shared.arrival;
    const record: RequestRecord = { id: request.id, service: request.service, submitted: at, outcome: 'unfilled', escalated: false, tries: 0 };
    this.records.push(record);
    if (shared.openCopy) {
      const { supplierId, answer } = shared.openCopy;
      return this.deliver(record, world.answeredAt(supplierId, at, answer.workingHours), supplierId, answer);
    }
    const policy = shared.policy!;
    if (policy.outcome === 'local' || policy.outcome === 'reject') {
      record.outcome = policy.outcome === 'local' ? 'local' : 'refused';
      return;
    }
    const plan = this.strategy.plan(shared, at, this.today(at));
    if (plan.rota[0] !== undefined) record.firstChoice = plan.rota[0];
    if (plan.eta) record.eta = plan.eta;
    const first = plan.escalate ? undefined : plan.rota[0];
    if (at < world.degradeAt) {
      // Which suppliers degrade is known only then: every supplier's share is kept until it is.
      for (const id of shared.usable) {
        let seen = this.trace.before.get(id);
        if (!seen) this.trace.before.set(id, (seen = { plans: 0, firsts: 0 }));
        seen.plans++;
        if (id === first) seen.firsts++;
      }
    } else {
      for (const id of world.degraded) if (shared.usable.includes(id)) this.trace.plans.push({ supplierId: id, at, first: first === id });
    }
    const libraryId = request.requester.libraryId;
    if (plan.escalate) return this.escalate(record, at, libraryId);
    const task = plan.review ? 'review' : plan.approveCost ? 'approveCost' : undefined;
    if (task) record.staffFirst = task;
    const hours = task ? staffHours(world.profiles, task, request.id) : 0;
    const start = task ? addWorkingHours(at, hours, world.network.centre).at : at;
    if (task) this.strategy.staffOpened?.(`${request.id} ${task}`, { task, libraryId }, at);
    world.queue.schedule(start, () => {
      if (task) this.strategy.staffEnded?.({ task, libraryId, workingHours: hours }, start, `${request.id} ${task}`);
      this.tryNext(shared, record, plan, 0);
    });
  }

  private tryNext(shared: Common, record: RequestRecord, plan: Plan, position: number): void {
    const { world } = this;
    const sentAt = world.queue.now;
    const supplierId = plan.rota[position];
    if (supplierId === undefined) return this.escalate(record, sentAt, shared.arrival.request.requester.libraryId);
    const supplier = world.network.suppliers.get(supplierId) as Supplier;
    const load = this.today(sentAt);
    const before = load[supplierId] ?? 0;
    load[supplierId] = before + 1;
    this.orders.set(supplierId, (this.orders.get(supplierId) ?? 0) + 1);
    const degraded = sentAt >= world.degradeAt && world.degraded.includes(supplierId);
    if (degraded) this.trace.sends.push({ supplierId, at: sentAt });
    record.tries++;
    const answer = answerOf(world.profiles, supplier, shared.arrival.request, sentAt, { degraded, overCapacity: before >= supplier.capacityPerDay });
    const deadline = world.answeredAt(supplierId, sentAt, plan.deadlineHours);
    const answered = world.answeredAt(supplierId, sentAt, answer.workingHours);
    const order = `${record.id} ${position}`;
    this.strategy.sent?.(order, { supplierId, service: record.service }, sentAt);
    if (answered <= deadline) {
      world.queue.schedule(answered, () => {
        this.strategy.ended({ supplierId, result: answer.filled ? 'filled' : 'unfilled', workingHours: answer.workingHours, service: record.service }, answered, order);
        if (answer.filled) this.deliver(record, answered, supplierId, answer);
        else this.tryNext(shared, record, plan, position + 1);
      });
    } else {
      world.queue.schedule(deadline, () => {
        this.strategy.ended({ supplierId, result: 'expired', workingHours: plan.deadlineHours, service: record.service }, deadline, order);
        this.tryNext(shared, record, plan, position + 1);
      });
    }
  }

  /** Search-proxy staff take the request: they find or supply most of what reaches them, in days. */
  private escalate(record: RequestRecord, at: number, libraryId: string): void {
    const { world } = this;
    record.escalated = true;
    const hours = staffHours(world.profiles, 'searchProxy', record.id);
    const done = addWorkingHours(at, hours, world.network.centre).at;
    const task = `${record.id} searchProxy`;
    this.strategy.staffOpened?.(task, { task: 'searchProxy', libraryId }, at);
    world.queue.schedule(done, () => {
      const filled = searchProxyFills(world.profiles, record.id);
      this.strategy.staffEnded?.({ task: 'searchProxy', libraryId, workingHours: hours, filled }, done, task);
      if (filled) this.deliver(record, done, 'search-proxy', { filled: true, workingHours: 0 });
    });
  }

  private deliver(record: RequestRecord, at: number, supplierId: string, answer: Answer): void {
    record.outcome = 'filled';
    record.delivered = at;
    record.supplierId = supplierId;
    record.price = answer.price?.amount ?? 0;
  }
}

/** What every player shares: the clock, the network, the suppliers' profiles, and which of them degrade when. */
interface World {
  queue: EventQueue;
  network: SimulatedNetwork;
  profiles: Profiles;
  /** Filled in when they degrade, unless given from the start. */
  degraded: string[];
  degradeAt: number;
  answeredAt(supplierId: string, sentAt: number, workingHours: number): number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function simulate(options: SimulationOptions): SimulationResult {
  const start = options.start ?? DEFAULT_START;
  const network = options.network ?? simulationNetwork(start);
  const profiles = options.profiles ?? loadProfiles();
  const arrivals = options.arrivals ?? requestStream(network.config, { days: options.days, perDay: options.perDay, seed: options.seed, start });
  const degraded = options.degraded ? [...options.degraded] : [];
  const degradeAt = options.degradeAt ?? start + (options.days * DAY) / 2;
  const queue = new EventQueue();
  const world: World = {
    queue,
    network,
    profiles,
    degraded,
    degradeAt,
    answeredAt: (supplierId, sentAt, workingHours) => addWorkingHours(sentAt, workingHours, network.clocks.get(supplierId) ?? network.centre).at,
  };
  const players = [engine(network), staticRota(network), randomChoice(network, options.seed)].map((strategy) => new Player(strategy, world));
  if (!options.degraded) {
    queue.schedule(degradeAt, () => degraded.push(...busiest(network, players, DEGRADED_LIBRARIES), ...DEGRADED_SOURCES.filter((id) => network.suppliers.has(id))));
  }
  let arrived = 0;
  for (const arrival of arrivals) {
    queue.schedule(arrival.at, () => {
      arrived++;
      const shared = common(network, profiles, arrival);
      for (const player of players) player.arrive(shared);
    });
  }
  let reported = start;
  const began = performance.now();
  queue.drain((at) => {
    if (options.progress && at - reported >= DAY / 4) {
      reported = at;
      options.progress(`simulated ${new Date(at).toISOString().slice(0, 16)}Z: ${arrived} of ${arrivals.length} requests arrived, ${queue.size} events pending, ${((performance.now() - began) / 1000).toFixed(0)} s`);
    }
  });
  const ordered = <T>(of: (player: Player) => T) => Object.fromEntries(STRATEGIES.map((name) => [name, of(players.find((p) => p.strategy.name === name) as Player)])) as Record<StrategyName, T>;
  return { requests: arrivals.length, start, degraded, degradeAt, figures: ordered((player) => summarise(player, { network, degraded, degradeAt })), played: ordered((player) => player) };
}

/** The run's last line: every figure of the three strategies, `{"bench":"simulate","requests":N,"engine":{...},"staticRota":{...},"random":{...}}`. */
export function summaryLine(result: SimulationResult): string {
  return JSON.stringify({ bench: 'simulate', requests: result.requests, ...result.figures });
}
