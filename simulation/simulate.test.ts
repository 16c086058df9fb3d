import { beforeAll, describe, expect, it } from 'vitest';
import type { Supplier } from '../rules/types';
import { DEFAULT_START, networkOf, simulationNetwork } from './network';
import type { SimulatedArrival } from './requests';
import { simulate, summaryLine } from './simulate';
import { loadProfiles, type Profiles } from './suppliers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const profiles = loadProfiles();

describe('a small run over the full network', () => {
  const network = simulationNetwork();
  const run = () => simulate({ days: 1, perDay: 300, seed: 11, network });
  let first: ReturnType<typeof simulate>;
  beforeAll(() => {
    first = run();
  });

  it('is the same run every time for a seed, and gives every figure for all three strategies', () => {
    const line = summaryLine(first);
    expect(summaryLine(run())).toBe(line);
    const summary = JSON.parse(line);
    expect(summary).toMatchObject({ bench: 'simulate', requests: 300 });
    for (const name of ['engine', 'staticRota', 'random']) {
      for (const figure of ['fillRate', 'copyMedianHours', 'copyP90Hours', 'loanMedianHours', 'escalatedShare', 'costPerFill', 'busiestTenthShare']) {
        expect(typeof summary[name][figure], `${name}.${figure}`).toBe('number');
      }
      expect(summary[name]).toHaveProperty('demotedAfter');
      expect(summary[name].fillRate).toBeGreaterThan(0.5);
    }
    expect(Object.keys(summary)).toEqual(['bench', 'requests', 'engine', 'staticRota', 'random']);
  });

  it('gives the three strategies the same requests', () => {
    const { played } = first;
    const ids = (name: keyof typeof played) => played[name].records.map((r) => `${r.id} ${r.submitted} ${r.service}`);
    expect(ids('engine')).toHaveLength(300);
    expect(ids('staticRota')).toEqual(ids('engine'));
    expect(ids('random')).toEqual(ids('engine'));
    // Local copies and refusals are the network's policy, not routing: the same for all three.
    const unrouted = (name: keyof typeof played) => played[name].records.filter((r) => r.outcome === 'local' || r.outcome === 'refused').map((r) => r.id);
    expect(unrouted('staticRota')).toEqual(unrouted('engine'));
    expect(unrouted('random')).toEqual(unrouted('engine'));
  });
});

/**
 * Ten service libraries and no other source, no rules, every library willing to pay: lib-0001, first
 * in the configuration, is also the one the engine ranks first, by its price and its prior.
 */
function threeHolders() {
  const generated = simulationNetwork(DEFAULT_START, { libraries: 30, serviceLibraries: 10, rules: 0 }).config;
  const suppliers = generated.suppliers
    .filter((s) => s.kind === 'service-library' || s.kind === 'search-proxy')
    .map((s): Supplier => {
      const best = s.id === 'lib-0001';
      return { ...s, status: { state: 'active' }, capacityPerDay: 10_000, fillRate: best ? 0.95 : 0.75, cost: { currency: 'CNY', perArticle: best ? 2 : 10 }, region: 'nowhere' };
    });
  const libraries = generated.libraries.map((l) => ({ ...l, policy: { reviewRequired: false, autoApproveLimit: { amount: 1000, currency: 'CNY' }, preferredSuppliers: [], blockedSuppliers: [] } }));
  return networkOf({ ...generated, suppliers, libraries });
}

/** `perDay` copy requests each working day, spread over office hours, each held by lib-0001, lib-0002 and lib-0003. */
function arrivals(days: number, perDay: number): SimulatedArrival[] {
  const list: SimulatedArrival[] = [];
  for (let day = 0; day < days; day++) {
    for (let n = 0; n < perDay; n++) {
      const id = `t-${day}-${n}`;
      list.push({
        at: DEFAULT_START + day * DAY + 9 * HOUR + Math.floor((n * 8 * HOUR) / perDay),
        request: { id, requester: { libraryId: 'lib-0030', patronId: 'p' }, service: 'copy', urgency: 'normal', citation: { title: id, language: 'zh', year: 2020, pages: '1-10' } },
        holdings: ['lib-0001', 'lib-0002', 'lib-0003'],
        titleCopiesThisYear: 0,
      });
    }
  }
  return list;
}

describe('routing by what suppliers do', () => {
  it('beats random choice when the holder ranked first never fills: the engine learns it, chance does not', () => {
    const never: Profiles = { ...profiles, degraded: { fillRate: 0, slowdown: 1 } };
    const result = simulate({ days: 3, perDay: 0, seed: 1, network: threeHolders(), profiles: never, arrivals: arrivals(3, 150), degraded: ['lib-0001'], degradeAt: DEFAULT_START });
    const { engine, random, staticRota } = result.figures;
    expect(engine.ordersPerRequest).toBeLessThan(random.ordersPerRequest - 0.15);
    expect(engine.copyMedianHours!).toBeLessThan(random.copyMedianHours!);
    expect(engine.copyMedianHours!).toBeLessThan(staticRota.copyMedianHours!);
    // The rota's next holders fill what the first does not, whoever routes.
    expect(engine.fillRate).toBeGreaterThan(0.9);
  });

  it('demotes a supplier that degrades, where a static rota never does', () => {
    const result = simulate({ days: 6, perDay: 0, seed: 1, network: threeHolders(), profiles, arrivals: arrivals(6, 100), degraded: ['lib-0001'], degradeAt: DEFAULT_START + 2 * DAY });
    const { engine, staticRota } = result.figures;
    expect(engine.demoted['lib-0001']).toEqual(expect.any(Number));
    expect(engine.demotedAfter).toBe(engine.demoted['lib-0001']);
    // Demoted once its first late declines come back, about a working day and a quarter of orders
    // (a day's are 100), not after the 400 it would have had to the end of the run.
    expect(engine.demotedAfter!).toBeLessThan(200);
    const after = result.played.engine.trace.plans.filter((p) => p.at >= DEFAULT_START + 4 * DAY);
    expect(after.filter((p) => p.first).length / after.length).toBeLessThan(0.2);
    expect(staticRota.demotedAfter).toBeNull();
  });
});
