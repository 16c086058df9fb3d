import { describe, expect, it } from 'vitest';
import { forService, HALF_LIFE_ORDERS, kindsFor, KnowledgeBase, learnFrom, LIBRARY_TASKS, PRIOR_ORDERS, priorsOf, SERVICE_TIMES, staffFor, type SupplierOutcome } from './knowledge';
import { SHIPPED_CONFIG } from './config-fixture';
import { loadNetwork } from './load';

const outcome = (supplierId: string, result: SupplierOutcome['result'], workingHours: number): SupplierOutcome => ({ supplierId, result, workingHours });

describe('the dispatch knowledge base', () => {
  it('knows nothing of a supplier that has ended no order', () => {
    const knowledge = new KnowledgeBase();
    expect(knowledge.statsOf('nstl')).toBeUndefined();
    expect(knowledge.stats()).toEqual({});
  });

  it('draws a supplier with few outcomes toward its configured fill rate', () => {
    const knowledge = new KnowledgeBase();
    knowledge.record(outcome('nstl', 'unfilled', 5));
    // One failure against a prior of 0.9 weighing as PRIOR_ORDERS outcomes.
    expect(knowledge.statsOf('nstl', 0.9)?.fillRate).toBeCloseTo((PRIOR_ORDERS * 0.9) / (PRIOR_ORDERS + 1), 4);
    expect(knowledge.stats(() => 0.9).nstl?.fillRate).toBeCloseTo(0.6, 4);
    expect(knowledge.statsOf('nstl')?.fillRate).toBeCloseTo((PRIOR_ORDERS * 0.5) / (PRIOR_ORDERS + 1), 4);
  });

  it('demotes a supplier that stops filling within a few dozen orders, however long its good record', () => {
    const knowledge = new KnowledgeBase();
    for (let i = 0; i < 1000; i++) knowledge.record(outcome('lib-0001', i % 10 === 0 ? 'unfilled' : 'filled', 6));
    expect(knowledge.statsOf('lib-0001', 0.9)?.fillRate).toBeGreaterThan(0.85);
    for (let i = 0; i < HALF_LIFE_ORDERS; i++) knowledge.record(outcome('lib-0001', 'unfilled', 9));
    // Half the weight is now on the failures; the prior holds a little of the rest.
    expect(knowledge.statsOf('lib-0001', 0.9)?.fillRate).toBeGreaterThan(0.45);
    expect(knowledge.statsOf('lib-0001', 0.9)?.fillRate).toBeLessThan(0.6);
    for (let i = 0; i < 3 * HALF_LIFE_ORDERS; i++) knowledge.record(outcome('lib-0001', 'expired', 16));
    expect(knowledge.statsOf('lib-0001', 0.9)?.fillRate).toBeLessThan(0.15);
  });

  it('gives the median and the 10th and 90th percentiles of the latest fills, in working hours', () => {
    const knowledge = new KnowledgeBase();
    for (let hours = 1; hours <= 11; hours++) knowledge.record(outcome('cnki', 'filled', hours));
    knowledge.record(outcome('cnki', 'unfilled', 2));
    knowledge.record(outcome('cnki', 'expired', 8));
    knowledge.record(outcome('cnki', 'expired', 8));
    expect(knowledge.statsOf('cnki')).toMatchObject({ turnaroundHours: 6, turnaroundP10: 2, turnaroundP90: 10, unfilledHours: 8 });
    // Only the latest 60 fills count: a supplier that became slow is seen as slow.
    for (let i = 0; i < 60; i++) knowledge.record(outcome('cnki', 'filled', 30));
    expect(knowledge.statsOf('cnki')).toMatchObject({ turnaroundHours: 30, turnaroundP10: 30, turnaroundP90: 30 });
  });

  it('works its figures out again once an outcome comes in, and not before', () => {
    const knowledge = new KnowledgeBase();
    knowledge.record(outcome('vip', 'filled', 1));
    const first = knowledge.statsOf('vip', 0.8);
    expect(knowledge.statsOf('vip', 0.8)).toBe(first);
    expect(knowledge.statsOf('vip', 0.5)).not.toEqual(first);
    knowledge.record(outcome('vip', 'filled', 3));
    expect(knowledge.statsOf('vip', 0.5)).toMatchObject({ turnaroundHours: 2, orders: 1.94 });
  });

  it('keeps each service’s figures apart, leaning on the supplier’s all-service ones while a service has few', () => {
    const knowledge = new KnowledgeBase();
    for (let i = 0; i < 40; i++) knowledge.record({ ...outcome('pku', 'filled', 8 + (i % 5)), service: 'copy' });
    for (let i = 0; i < SERVICE_TIMES - 1; i++) knowledge.record({ ...outcome('pku', i % 2 === 0 ? 'filled' : 'unfilled', 40), service: 'loan' });
    const stats = knowledge.statsOf('pku', 0.8)!;
    const loan = forService(stats, 'loan')!;
    // Two loan fills of their own: the all-service times still, and a fill rate drawn toward the all-service one.
    expect(loan.turnaroundHours).toBe(stats.turnaroundHours);
    expect(loan.fillRate).toBeLessThan(stats.fillRate!);
    expect(loan.fillRate).toBeGreaterThan(0.5);
    // Four loan orders, the earlier discounted.
    expect(loan.orders).toBeCloseTo(3.68, 2);
    for (let i = 0; i < SERVICE_TIMES; i++) knowledge.record({ ...outcome('pku', 'filled', 40), service: 'loan' });
    expect(forService(knowledge.statsOf('pku', 0.8), 'loan')).toMatchObject({ turnaroundHours: 40, turnaroundP10: 40 });
    expect(forService(knowledge.statsOf('pku', 0.8), 'copy')).toMatchObject({ turnaroundHours: 10, turnaroundP10: 8, turnaroundP90: 12 });
    // A service it has never been sent, or outcomes of no service: the all-service figures.
    expect(forService(knowledge.statsOf('pku', 0.8), 'ebook')).toBe(knowledge.statsOf('pku', 0.8));
  });

  it('pools the fill times of the suppliers of a kind, per service, for a supplier with too few of its own', () => {
    const kinds: Record<string, string> = { 'lib-1': 'service-library', 'lib-2': 'service-library', nstl: 'nstl' };
    const knowledge = new KnowledgeBase((id) => kinds[id]);
    for (let i = 0; i < 10; i++) knowledge.record({ ...outcome('lib-1', 'filled', 30 + i), service: 'loan' });
    for (let i = 0; i < 10; i++) knowledge.record({ ...outcome('lib-2', 'filled', 8), service: 'copy' });
    knowledge.record({ ...outcome('lib-2', 'filled', 30), service: 'loan' });
    knowledge.record({ ...outcome('nstl', 'filled', 2), service: 'copy' });
    expect(knowledge.kindStats()).toEqual({
      'service-library': { loan: { turnaroundHours: 34, turnaroundP10: 30, turnaroundP90: 38 }, copy: { turnaroundHours: 8, turnaroundP10: 8, turnaroundP90: 8 } },
    });
    // LIB-2's one loan: its kind's loan times rather than its own copies'.
    expect(forService(knowledge.statsOf('lib-2'), 'loan')).toMatchObject({ turnaroundHours: 34 });
    expect(kindsFor(knowledge.kindStats(), 'loan')).toEqual({ 'service-library': knowledge.kindStats()['service-library']!.loan });
  });

  it('gives the spread of the time an order takes to end unfilled', () => {
    const knowledge = new KnowledgeBase();
    for (let hours = 1; hours <= 11; hours++) knowledge.record(outcome('cashl', 'unfilled', hours));
    expect(knowledge.statsOf('cashl')).toMatchObject({ unfilledP10: 2, unfilledHours: 6, unfilledP90: 10 });
  });

  it('learns how long staff take, network-wide and per library once it has enough of its own, and how often search-proxy staff deliver', () => {
    const knowledge = new KnowledgeBase();
    expect(knowledge.staffStats()).toEqual({});
    for (let i = 0; i < LIBRARY_TASKS; i++) knowledge.recordStaff({ task: 'approveCost', libraryId: 'whu', workingHours: 10 });
    for (let i = 0; i < LIBRARY_TASKS - 1; i++) knowledge.recordStaff({ task: 'approveCost', libraryId: 'pku', workingHours: 1 });
    knowledge.recordStaff({ task: 'review', libraryId: 'pku', workingHours: 3 });
    for (let i = 0; i < 10; i++) knowledge.recordStaff({ task: 'searchProxy', libraryId: 'pku', workingHours: 30 + i, filled: i < 8 });
    const staff = knowledge.staffStats();
    expect(staff).toMatchObject({
      review: { hours: { p10: 3, median: 3, p90: 3 }, tasks: 1 },
      approveCost: { tasks: 2 * LIBRARY_TASKS - 1 },
      // Only the deliveries' times: those given up delivered nothing to wait for.
      searchProxy: { hours: { p10: 30.7, median: 33.5, p90: 36.3 }, tasks: 8, fillRate: expect.closeTo(0.8, 1) },
    });
    expect(Object.keys(staff.byLibrary!)).toEqual(['whu']);
    expect(staffFor(staff, 'whu')).toMatchObject({ approveCost: { hours: { median: 10 }, tasks: LIBRARY_TASKS }, review: staff.review });
    expect(staffFor(staff, 'pku')).toBe(staff);
  });

  it("learns from orders as the store records them, each counted by its supplier's clock", () => {
    const { config } = loadNetwork(SHIPPED_CONFIG);
    // Sent at 14:00 on 30 September 2026 in Beijing, ended at 10:00 on 8 October, after the National Day holiday.
    const order = { sentAt: '2026-09-30T06:00:00.000Z', endedAt: '2026-10-08T02:00:00.000Z' };
    const knowledge = learnFrom(config!, [
      { supplierId: 'nstl', result: 'filled', ...order },
      { supplierId: 'nstl', result: 'unfilled', ...order },
      { supplierId: 'cnki', result: 'filled', ...order },
    ]);
    const stats = knowledge.stats(priorsOf(config!));
    // NSTL works 08:30–17:30 on working days: 3.5 hours on the 30th, 1.5 on the 8th.
    expect(stats.nstl).toMatchObject({ turnaroundHours: 5, unfilledHours: 5, orders: expect.closeTo(1.94, 2) });
    // CNKI's pay-per-view service runs around the clock.
    expect(stats.cnki).toMatchObject({ turnaroundHours: 188 });
    const prior = config!.suppliers.find((supplier) => supplier.id === 'nstl')!.fillRate!;
    expect(stats.nstl!.fillRate).toBeCloseTo((PRIOR_ORDERS * prior + 2 ** (-1 / HALF_LIFE_ORDERS)) / (PRIOR_ORDERS + 1 + 2 ** (-1 / HALF_LIFE_ORDERS)), 4);
  });
});

describe('orders and tasks still open', () => {
  /** Log-normal times, median `median`, 90th percentile `p90`, from a fixed seed. */
  const times = (count: number, median: number, p90: number, seed = 7): number[] => {
    let state = seed;
    const uniform = () => (state = (state * 16807) % 2147483647) / 2147483647;
    const sigma = Math.log(p90 / median) / 1.2815515655446004;
    return Array.from({ length: count }, () => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
  };
  /**
   * A supplier that fills nothing was sent an order every `every` working hours from 0 to `now`, each
   * declined after the next of `hours`: the knowledge base told of those that ended by `now`, in the
   * order they ended, and, unless `ignoreOpen`, of the rest as open.
   */
  const seenAt = (now: number, every: number, hours: readonly number[], ignoreOpen = false) => {
    const knowledge = new KnowledgeBase();
    const orders = Array.from({ length: Math.floor(now / every) }, (_, i) => ({ sentAt: i * every, hours: hours[i % hours.length]! }));
    const ended = orders.filter((o) => o.sentAt + o.hours <= now).sort((a, b) => a.sentAt + a.hours - (b.sentAt + b.hours));
    for (const o of ended) knowledge.record({ supplierId: 'nlc', result: 'unfilled', workingHours: o.hours, sentAt: o.sentAt });
    if (!ignoreOpen) knowledge.open(orders.filter((o) => o.sentAt + o.hours > now).map((o) => ({ supplierId: 'nlc', sentAt: o.sentAt, workingHours: now - o.sentAt })));
    return knowledge.statsOf('nlc', 0)!;
  };
  const declines = times(2000, 9, 20);

  it('counts an order out for some hours as failing no sooner, so that early unfilled times are not only the quick declines', () => {
    // Ten working hours in, half the orders sent have not been answered.
    const early = seenAt(10, 0.1, declines);
    const quickOnly = seenAt(10, 0.1, declines, true);
    expect(quickOnly.unfilledHours).toBeLessThan(6);
    expect(quickOnly.unfilledP90).toBeLessThan(9);
    // Closer to the 9 and 20 hours the declines take.
    expect(early.unfilledHours).toBeGreaterThan(7);
    expect(early.unfilledHours).toBeLessThan(10);
    // Past the oldest open order, a log-normal fitted to what ended.
    expect(early.unfilledP90).toBeGreaterThan(12);
    expect(early.unfilledP90).toBeLessThan(24);
  });

  it('weighs the open orders against the ended ones sent as late, and so adds no delay where the times kept already tell', () => {
    // A busy supplier, long after it began: the 60 latest answers came within the last hour or two.
    const busy = seenAt(300, 0.02, declines);
    const plain = seenAt(300, 0.02, declines, true);
    expect(Math.abs(busy.unfilledHours! - plain.unfilledHours!)).toBeLessThan(1);
    expect(Math.abs(busy.unfilledP90! - plain.unfilledP90!)).toBeLessThan(2);
  });

  it('ignores open orders against times whose sending it was not told', () => {
    const knowledge = new KnowledgeBase();
    for (const hours of [1, 2, 3, 4, 5]) knowledge.record({ supplierId: 'nlc', result: 'unfilled', workingHours: hours });
    const before = knowledge.statsOf('nlc', 0);
    knowledge.open([{ supplierId: 'nlc', sentAt: 0, workingHours: 40 }]);
    expect(knowledge.statsOf('nlc', 0)).toEqual(before);
    // Told of its sending, the same order counts.
    const told = new KnowledgeBase();
    for (const hours of [1, 2, 3, 4, 5]) told.record({ supplierId: 'nlc', result: 'unfilled', workingHours: hours, sentAt: hours });
    told.open([{ supplierId: 'nlc', sentAt: 0, workingHours: 40 }]);
    expect(told.statsOf('nlc', 0)!.unfilledP90).toBeGreaterThan(before!.unfilledP90!);
  });

  it('takes an order out longer than any fill takes as failing, and counts it among the unfilled times', () => {
    const knowledge = new KnowledgeBase();
    for (let i = 0; i < 10; i++) knowledge.record({ supplierId: 'pku', result: 'filled', workingHours: 1 + i / 10, sentAt: i });
    for (let i = 0; i < 9; i++) knowledge.record({ supplierId: 'pku', result: 'unfilled', workingHours: 2 + i / 10, sentAt: 10 + i });
    knowledge.record({ supplierId: 'pku', result: 'expired', workingHours: 24, sentAt: 19 });
    const before = knowledge.statsOf('pku', 0.5)!;
    // Out 20 hours: longer than any fill, as some orders are before their deadline passes, so counted as a failure of at least 20 hours.
    knowledge.open([{ supplierId: 'pku', sentAt: 30, workingHours: 20 }]);
    const after = knowledge.statsOf('pku', 0.5)!;
    expect(after.turnaroundP90).toBe(before.turnaroundP90);
    expect(after.unfilledP90).toBeGreaterThanOrEqual(20);
    // Told again with nothing open, the figures are as before.
    knowledge.open([]);
    expect(knowledge.statsOf('pku', 0.5)).toEqual(before);
  });

  it('learns how long search-proxy staff take from the tasks they still hold, days before the slow ones end', () => {
    // Search-proxy staff take 27 working hours at the median, 72 at the 90th percentile; a task opened every half hour.
    const durations = times(1000, 27, 72, 11);
    const knowledge = new KnowledgeBase();
    const now = 20;
    const tasks = Array.from({ length: now * 2 }, (_, i) => ({ openedAt: i / 2, hours: durations[i]! }));
    for (const t of tasks.filter((t) => t.openedAt + t.hours <= now).sort((a, b) => a.openedAt + a.hours - (b.openedAt + b.hours))) {
      knowledge.recordStaff({ task: 'searchProxy', workingHours: t.hours, filled: true, openedAt: t.openedAt });
    }
    const quickOnly = knowledge.staffStats().searchProxy!.hours;
    knowledge.open([], tasks.filter((t) => t.openedAt + t.hours > now).map((t) => ({ task: 'searchProxy' as const, openedAt: t.openedAt, workingHours: now - t.openedAt })));
    const counted = knowledge.staffStats().searchProxy!.hours;
    expect(quickOnly.median).toBeLessThan(10);
    expect(quickOnly.p90).toBeLessThan(20);
    expect(counted.median).toBeGreaterThan(15);
    expect(counted.p90).toBeGreaterThan(45);
  });

  it('counts the orders and tasks the store has open as of an instant, by their clocks', () => {
    const { config } = loadNetwork(SHIPPED_CONFIG);
    // Five declines an hour after their sending on Monday 2 November 2026, from 09:00 in Beijing, and one order sent at 10:00 still out.
    const at = (hour: number) => new Date(Date.UTC(2026, 10, 2, hour - 8)).toISOString();
    const declined = [9, 10, 11, 12, 13].map((hour) => ({ supplierId: 'nstl', result: 'unfilled' as const, sentAt: at(hour), endedAt: at(hour + 1) }));
    const out = { supplierId: 'nstl', sentAt: at(10) };
    const task = { task: 'searchProxy' as const, libraryId: 'whu', openedAt: at(9) };
    const ended = learnFrom(config!, declined).stats(priorsOf(config!)).nstl!;
    expect(ended).toMatchObject({ unfilledHours: 1, unfilledP90: 1 });
    // Without an instant the open ones are left out; as of Tuesday 17:00, the order has been out 16 working hours.
    expect(learnFrom(config!, [...declined, out], [task]).stats(priorsOf(config!)).nstl).toEqual(ended);
    const knowledge = learnFrom(config!, [...declined, out], [task], at(24 + 17));
    expect(knowledge.stats(priorsOf(config!)).nstl!.unfilledP90).toBeGreaterThan(10);
    expect(knowledge.staffStats()).toEqual({});
  });

});
