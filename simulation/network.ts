// The network the simulation plays: the routing benchmark's generated CALIS network at full scale
// (bench/network-generator.ts), given what a simulation needs and the benchmark does not: working
// hours, so deadlines and answers count in working hours, and supplier statuses dated in the
// simulated weeks rather than the benchmark's March 2025, so the suspensions it draws are in force.
import { FULL_SCALE, generateNetwork, type NetworkSize } from '../bench/network-generator';
import { compile, type CompiledNetwork } from '../rules/route';
import { networkClock, supplierClock, type SupplierClock } from '../rules/clock';
import type { NetworkConfig, NetworkPolicy, Rule, Supplier, WorkingHours } from '../rules/types';

/** The seed of the routing benchmark's network, so the simulation routes through the same one. */
export const NETWORK_SEED = 20130601;
/** Monday 2 March 2026, 00:00 in Beijing: an ordinary working week of China's calendar. */
export const DEFAULT_START = Date.parse('2026-03-02T00:00:00+08:00');

/** A library's or an agency's day: the hours CALIS service libraries keep, on China's working days. */
export const OFFICE_HOURS: WorkingHours = { days: 'calendar', from: '08:30', to: '17:30', timeZone: 'Asia/Shanghai' };

/** Systems that answer by themselves, at any hour. */
const AROUND_THE_CLOCK = new Set<Supplier['kind']>(['vendor', 'open-access', 'calis-ebooks']);

export interface SimulatedNetwork {
  config: NetworkConfig;
  compiled: CompiledNetwork;
  /** Every supplier by id. */
  suppliers: ReadonlyMap<string, Supplier>;
  /** Each supplier's clock, by id. */
  clocks: ReadonlyMap<string, SupplierClock>;
  /** The network's clock (rules/clock.ts `networkClock`): librarians and search-proxy staff work by it, turnaround and predicted delivery are counted by it. */
  centre: SupplierClock;
}

/** Moves an ISO date's year to `year`, keeping month and day. */
const inYear = (date: string | undefined, year: number): string | undefined => (date === undefined ? undefined : `${year}${date.slice(4)}`);

/** Changes to the generated network's policy a run may make, for all three strategies alike. */
export interface PolicyChanges {
  weights?: Partial<NetworkPolicy['weights']>;
  maxRotaLength?: number;
  /** Which of the generated rules the network keeps; all unless given. */
  keepRule?: (rule: Rule) => boolean;
}

/**
 * The policy `npm run simulate` runs the generated network with unless told otherwise
 * (`--policy generated`): the generated libraries, suppliers, holdings and rules, ranked with the
 * weights a network sets for speed rather than the generator's. The generator draws its weights
 * (cost 3, turnaround 2, fill rate 4, tier 2, load 1) and its rules to exercise the rule evaluator:
 * under them the score rules' +1 to +10 outweigh every observation, and a supplier taking 2 working
 * hours and one taking 9 differ by a fraction of a point. Here turnaround weighs most, fill rate
 * next, so that what the knowledge base has seen suppliers do decides among those the rules leave
 * comparable; load weighs enough to spread orders before suppliers reach their capacity; cost
 * weighs enough that a vendor is bought from when it saves hours, not minutes (at a cost weight of
 * 2 the engine's copies cost twice the static rota's per fill for a median 0.4 hours sooner). Every
 * rule is kept. The baselines read no weights, so only the engine's ranking changes.
 */
export const SPEED_POLICY: PolicyChanges = { weights: { cost: 12, turnaround: 60, fillRate: 20, tier: 2, load: 5 } };

/** The generated network with office hours, vendors around the clock, and statuses dated in the year of `start`. */
export function simulationNetwork(start: number = DEFAULT_START, size: NetworkSize = FULL_SCALE, seed: number = NETWORK_SEED, changes: PolicyChanges = {}): SimulatedNetwork {
  const generated = generateNetwork(seed, size);
  const { policy } = generated;
  const year = new Date(start).getUTCFullYear();
  const suppliers = generated.suppliers.map((supplier): Supplier => {
    const { from, to } = supplier.status;
    const status = supplier.status.state === 'active' ? supplier.status : { ...supplier.status, ...(from && { from: inYear(from, year) }), ...(to && { to: inYear(to, year) }) };
    return { ...supplier, status, ...(AROUND_THE_CLOCK.has(supplier.kind) ? { workingHours: 'always' as const } : {}) };
  });
  return networkOf({
    ...generated,
    suppliers,
    ...(changes.keepRule ? { rules: generated.rules.filter(changes.keepRule) } : {}),
    policy: {
      ...policy,
      workingHours: OFFICE_HOURS,
      weights: { ...policy.weights, ...changes.weights },
      escalation: { ...policy.escalation, ...(changes.maxRotaLength === undefined ? {} : { maxRotaLength: changes.maxRotaLength }) },
    },
  });
}

/** A configuration compiled, with its suppliers and their clocks at hand. */
export function networkOf(config: NetworkConfig): SimulatedNetwork {
  const { suppliers } = config;
  return {
    config,
    compiled: compile(config),
    suppliers: new Map(suppliers.map((s) => [s.id, s])),
    clocks: new Map(suppliers.map((s) => [s.id, supplierClock(config, s.id)])),
    centre: networkClock(config),
  };
}
