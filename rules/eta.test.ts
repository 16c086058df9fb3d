import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IllRequest } from '../domain/request';
import { addWorkingHours, networkClock } from './clock';
import { SHIPPED_CONFIG } from './config-fixture';
import type { HoursInterval } from '../domain/decision';
import { DEFAULT_SPREAD, deliveryQuantiles, predictDelivery, promised, seenInterval, widening, type DeliveryPlan, type Hours, type RotaFigures, type TryPlan } from './eta';
import { staffFor, type StaffStats } from './knowledge';
import { lookupHoldings } from './holdings';
import { loadNetwork } from './load';
import { compile, route } from './route';

/** The standard normal quantiles of 0.2 and 0.8, and of 0.9. */
const Z80 = 0.8416212335729143;
const Z90 = 1.2815515655446004;

const sure = (p10: number, median: number, p90: number, unfilledHours = 24): TryPlan => ({ fillRate: 1, fill: { p10, median, p90 }, unfilledHours });
const plan = (tries: TryPlan[], staffHours: Hours = 0): DeliveryPlan => ({ staffHours, tries, searchProxy: { taskHours: 72, search: promised(24) } });

describe('the delivery prediction', () => {
  it('gives a supplier sure to fill its own observed percentiles', () => {
    expect(deliveryQuantiles(plan([sure(2, 6, 20)]))).toEqual({ p10: 2, median: 6, p90: 20 });
    // Skewed either way: the fit is exact at all three.
    expect(deliveryQuantiles(plan([sure(5, 6, 7.5)]))).toEqual({ p10: 5, median: 6, p90: 7.5 });
    // Suppliers after a sure one are never reached.
    expect(deliveryQuantiles(plan([sure(2, 6, 20), sure(100, 200, 300)]))).toEqual({ p10: 2, median: 6, p90: 20 });
  });

  it('takes the promise of a supplier known only by it as what nine fills in ten meet, with the default spread', () => {
    expect(deliveryQuantiles(plan([{ fillRate: 1, fill: promised(24), unfilledHours: 24 }]))).toEqual({
      p10: Math.round(2400 / Math.exp(2 * DEFAULT_SPREAD * Z90)) / 100,
      median: Math.round(2400 / Math.exp(DEFAULT_SPREAD * Z90)) / 100,
      p90: 24,
    });
  });

  it('adds waits one after another with their spreads, the median a little above the sum of theirs', () => {
    // A librarian's cost approval (between 0.5 and 8 hours, 2 at the median), then a fill between
    // 4.5 and 18 (9 at the median): sampled, the sum's percentiles are about 6.4, 12.2 and 23.5.
    const approval = { p10: 0.5, median: 2, p90: 8 };
    const eta = deliveryQuantiles(plan([sure(4.5, 9, 18)], approval));
    expect(eta.p10).toBeCloseTo(6.4, 0);
    expect(eta.median).toBeGreaterThan(11.5);
    expect(eta.median).toBeLessThan(12.5);
    expect(eta.p90).toBeGreaterThan(22.5);
    expect(eta.p90).toBeLessThan(24);
    // A single figure only shifts the rest.
    expect(deliveryQuantiles(plan([sure(4.5, 9, 18)], 2))).toEqual({ p10: 6.5, median: 11, p90: 20 });
  });

  it('counts only the requests search-proxy staff deliver, at the hours they were seen to take', () => {
    const failing: TryPlan = { fillRate: 0.5, fill: { p10: 1, median: 2, p90: 4 }, unfilledHours: { p10: 5, median: 10, p90: 20 } };
    const staff = (fillRate: number): DeliveryPlan => ({ staffHours: 0, tries: [failing], searchProxy: { taskHours: { p10: 20, median: 40, p90: 80 }, fillRate } });
    // Staff who deliver nothing leave the rota's fills alone.
    expect(deliveryQuantiles(staff(0))).toEqual(deliveryQuantiles({ ...staff(1), tries: [{ ...failing, fillRate: 1 }] }));
    // Those who deliver all they get send half the deliveries past the unfilled answer and their search.
    const all = deliveryQuantiles(staff(1));
    expect(all.median).toBeGreaterThan(4);
    expect(all.p90).toBeGreaterThan(50);
    expect(deliveryQuantiles(staff(0.5)).p90).toBeLessThan(all.p90);
    // Escalated at once: the staff's own figures.
    expect(deliveryQuantiles({ ...staff(0.8), tries: [] })).toEqual({ p10: 20, median: 40, p90: 80 });
  });

  it('counts a rota of any length, each supplier unable to fill passing the request on after its unfilled hours', () => {
    const unable: TryPlan = { fillRate: 0, fill: { p10: 1, median: 2, p90: 4 }, unfilledHours: 1 };
    expect(deliveryQuantiles(plan([...Array.from({ length: 19 }, () => unable), sure(2, 6, 20)]))).toEqual({ p10: 21, median: 25, p90: 39 });
  });

  it('puts the median between two suppliers when the first fails half the time', () => {
    // The first fills half the requests, log-normally between 1 and 4 hours, and answers the rest
    // unfilled after 10; the second fills all it is sent, between 2 and 8 hours after that.
    const first: TryPlan = { fillRate: 0.5, fill: { p10: 1, median: 2, p90: 4 }, unfilledHours: 10 };
    const eta = deliveryQuantiles(plan([first, sure(2, 4, 8)]));
    const sigma = Math.log(2) / Z90;
    // One request in ten is in by the first supplier's 20th percentile (half of its fifth of them)...
    expect(eta.p10).toBeCloseTo(2 * Math.exp(-sigma * Z80), 2);
    // ...nine in ten by the second's 80th percentile, counted from the first's unfilled answer...
    expect(eta.p90).toBeCloseTo(10 + 4 * Math.exp(sigma * Z80), 2);
    // ...and half at the turn from one to the other: all but a few of the first's fills are in by 10 hours.
    expect(eta.median).toBeGreaterThan(10);
    expect(eta.median).toBeLessThan(11);
  });

  it('sends a rota unlikely to fill to search-proxy staff: the interval is theirs', () => {
    const unlikely = (fillRate: number): TryPlan => ({ fillRate, fill: promised(12), unfilledHours: 24 });
    // Three deadlines of 24 hours, the staff's 72, then a search that nine in ten finish within 24.
    const spread = Math.exp(DEFAULT_SPREAD * Z90);
    expect(deliveryQuantiles(plan([unlikely(0), unlikely(0), unlikely(0)]))).toEqual({
      p10: Math.round((144 + 24 / spread / spread) * 100) / 100,
      median: Math.round((144 + 24 / spread) * 100) / 100,
      p90: 168,
    });
    const few = deliveryQuantiles(plan([unlikely(0.02), unlikely(0.02), unlikely(0.02)]));
    // Fewer than one request in ten is filled by the rota, so even the 10th percentile waits for the staff.
    expect(few.p10).toBeGreaterThan(144);
    expect(few.median).toBeLessThan(144 + 24 / spread);
    expect(few.median).toBeGreaterThan(150);
  });

  it('adds the hours of staff tasks that come before any supplier', () => {
    const base = deliveryQuantiles(plan([{ fillRate: 0.7, fill: { p10: 1, median: 3, p90: 9 }, unfilledHours: 5 }, sure(2, 4, 30)]));
    const reviewed = deliveryQuantiles(plan([{ fillRate: 0.7, fill: { p10: 1, median: 3, p90: 9 }, unfilledHours: 5 }, sure(2, 4, 30)], 8));
    expect(reviewed.p10).toBeCloseTo(base.p10 + 8, 2);
    expect(reviewed.median).toBeCloseTo(base.median + 8, 2);
    expect(reviewed.p90).toBeCloseTo(base.p90 + 8, 2);
  });

  const quantiles = fc
    .tuple(fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: 1, max: 4, noNaN: true }), fc.double({ min: 1, max: 4, noNaN: true }))
    .map(([p10, up, further]) => ({ p10, median: p10 * up, p90: p10 * up * further }));
  /** Rotas of one to five suppliers; `unfilled` gives a supplier's unfilled time from its fill times. */
  const plans = (unfilled: (fill: TryPlan['fill']) => fc.Arbitrary<number>) =>
    fc.record({
      staffHours: fc.constantFrom(0, 8, 24),
      tries: fc.array(
        fc.record({ fillRate: fc.double({ min: 0, max: 1, noNaN: true }), fill: quantiles }).chain(({ fillRate, fill }) => unfilled(fill).map((unfilledHours) => ({ fillRate, fill, unfilledHours }))),
        { minLength: 1, maxLength: 5 },
      ),
      searchProxy: fc.record({ taskHours: fc.double({ min: 0, max: 100, noNaN: true }), search: quantiles }),
    });

  it('never lengthens the median for a higher fill rate, where a supplier fills, when it does, before it would fail', () => {
    fc.assert(
      fc.property(plans((fill) => fc.double({ min: fill.p90, max: fill.p90 + 50, noNaN: true })), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (given, pick, raise) => {
        const at = pick % given.tries.length;
        const tries = given.tries.map((t, i) => (i === at ? { ...t, fillRate: t.fillRate + (1 - t.fillRate) * raise } : t));
        expect(deliveryQuantiles({ ...given, tries }).median).toBeLessThanOrEqual(deliveryQuantiles(given).median + 0.01);
      }),
      { numRuns: 300 },
    );
  });

  it('never shortens the 90th percentile for a longer wait on a failing supplier', () => {
    fc.assert(
      fc.property(plans(() => fc.double({ min: 0, max: 200, noNaN: true })), fc.nat(), fc.double({ min: 0, max: 100, noNaN: true }), (given, pick, longer) => {
        const at = pick % given.tries.length;
        const tries = given.tries.map((t, i) => (i === at ? { ...t, unfilledHours: t.unfilledHours + longer } : t));
        expect(deliveryQuantiles({ ...given, tries }).p90).toBeGreaterThanOrEqual(deliveryQuantiles(given).p90 - 0.01);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the prediction a decision carries', () => {
  const { config } = loadNetwork(SHIPPED_CONFIG);
  const compiled = compile(config!);
  const policy = config!.policy;
  const sample = (name: string): IllRequest => {
    const { $schema: _schema, ...request } = JSON.parse(readFileSync(`${SHIPPED_CONFIG}/requests/${name}.json`, 'utf8'));
    return request;
  };
  const routed = (request: IllRequest, more: Partial<Parameters<typeof route>[1]> = {}) => route(compiled, { request, holdings: lookupHoldings(config!, request), ...more });
  const figures: RotaFigures[] = [
    { fillRate: 0.6, turnaroundHours: 5, observed: { fillRate: 0.6, turnaroundHours: 5, turnaroundP10: 1, turnaroundP90: 20, unfilledHours: 3 } },
    { fillRate: 0.8, turnaroundHours: 24 },
  ];

  it('waits for a review, or for a cost approval of a request routed at once, before the rota', () => {
    const routedAtOnce = predictDelivery(config!, { outcome: 'route', tasks: [], deadlineHours: 24 }, figures)!;
    const reviewed = predictDelivery(config!, { outcome: 'review', tasks: [{ type: 'review', reason: 'every request' }], deadlineHours: 24 }, figures)!;
    const approved = predictDelivery(config!, { outcome: 'route', tasks: [{ type: 'approveCost', reason: 'dear' }], deadlineHours: 24 }, figures)!;
    // With no staff seen yet, nine tasks in ten are taken to be answered within their due hours.
    expect(reviewed.workingHours.median).toBeGreaterThan(routedAtOnce.workingHours.median + promised(policy.lifecycle.taskDueHours.review).median);
    expect(reviewed.workingHours.p90).toBeLessThan(routedAtOnce.workingHours.p90 + policy.lifecycle.taskDueHours.review);
    expect(approved.workingHours.median).toBeGreaterThan(reviewed.workingHours.median);
    expect(reviewed.basis).toBe(
      'A review first (within 8 h nine times in ten); observed figures for 1 of the 2 rota suppliers, configured ones for the rest; search-proxy staff (within 72 h nine times in ten, then a search of about 12.65 h) should the rota run out.',
    );
    // The reviewer sends the rota on: a cost approval is then not waited for as well.
    const both = predictDelivery(config!, { outcome: 'review', tasks: [{ type: 'review', reason: 'r' }, { type: 'approveCost', reason: 'c' }], deadlineHours: 24 }, figures)!;
    expect(both.workingHours).toEqual(reviewed.workingHours);
  });

  it('waits for staff as long as they were seen to take, the requesting library’s own librarians where known', () => {
    const staff: StaffStats = {
      review: { hours: { p10: 0.5, median: 2, p90: 6 }, tasks: 300 },
      approveCost: { hours: { p10: 0.2, median: 1, p90: 3 }, tasks: 500 },
      searchProxy: { hours: { p10: 10, median: 27, p90: 60 }, tasks: 80, fillRate: 0.85 },
      byLibrary: { whu: { approveCost: { hours: { p10: 5, median: 8, p90: 20 }, tasks: 40 } } },
    };
    const approval = { outcome: 'route' as const, tasks: [{ type: 'approveCost' as const, reason: 'dear' }], deadlineHours: 24 };
    const sure: RotaFigures[] = [{ fillRate: 1, turnaroundHours: 4, observed: { fillRate: 1, turnaroundHours: 4, turnaroundP10: 4, turnaroundP90: 4 } }];
    // The librarians' times, a little wider for the tasks they rest on (500 network-wide, 40 of WHU's).
    const after = (hours: HoursInterval) => deliveryQuantiles(plan([{ fillRate: 1, fill: { p10: 4, median: 4, p90: 4 }, unfilledHours: 24 }], hours));
    expect(predictDelivery(config!, approval, sure, undefined, staff)!.workingHours).toEqual(after(seenInterval(1, 0.2, 3, 500)));
    expect(after(seenInterval(1, 0.2, 3, 500))).toEqual({ p10: 4.2, median: 5, p90: 7.01 });
    expect(predictDelivery(config!, approval, sure, undefined, staffFor(staff, 'whu'))!.workingHours).toEqual(after(seenInterval(8, 5, 20, 40)));
    expect(predictDelivery(config!, approval, sure, undefined, staffFor(staff, 'pku'))!.workingHours).toEqual(after(seenInterval(1, 0.2, 3, 500)));
    const escalated = predictDelivery(config!, { outcome: 'escalate', tasks: [{ type: 'searchProxy', reason: 'rare' }], deadlineHours: 24 }, figures, undefined, staff)!;
    expect(escalated.workingHours).toEqual({ p10: 9.85, median: 27, p90: 60.71 });
    expect(escalated.basis).toBe('Search-proxy staff (about 27 h as seen to a delivery, 85 % delivered).');
    // Routing hands them on.
    const request = sample('chinese-article-ppv');
    expect(routed(request, { staff }).eta?.basis).toMatch(/search-proxy staff \(about 27 h as seen to a delivery, 85 % delivered\) should the rota run out\.$/);
  });

  it('times a rota supplier not yet seen to fill as its kind’s suppliers were seen to', () => {
    const unseen: RotaFigures[] = [{ fillRate: 1, turnaroundHours: 48, supplier: { kind: 'service-library' } }];
    const route = { outcome: 'route' as const, tasks: [], deadlineHours: 24 };
    expect(predictDelivery(config!, route, unseen)!.workingHours).toEqual(deliveryQuantiles(plan([{ fillRate: 1, fill: promised(48), unfilledHours: 24 }])));
    const kinds = { 'service-library': { turnaroundHours: 9, turnaroundP10: 4, turnaroundP90: 18 } };
    const eta = predictDelivery(config!, route, unseen, undefined, undefined, kinds)!;
    expect(eta.workingHours).toEqual({ p10: 4, median: 9, p90: 18 });
    expect(eta.basis).toMatch(/; for all of them not yet seen to fill, the times of suppliers of their kind;/);
  });

  it('widens what was seen only a few times, as a prediction from a small sample is', () => {
    // Student's t over the normal's 90th percentile, times √(1 + 1/n): about 1.31 for 5 times seen.
    expect(widening(5)).toBeCloseTo((1.5332 / Z90) * Math.sqrt(1.2), 2);
    expect(widening(60)).toBeLessThan(1.03);
    expect(widening(undefined)).toBe(1);
    expect(widening(1)).toBe(1);
    for (let n = 2; n < 100; n++) expect(widening(n + 1)).toBeLessThan(widening(n));
    // On a logarithmic scale about the median, which stays.
    expect(seenInterval(4, 2, 8, 5)).toEqual({ p10: 4 / 2 ** widening(5), median: 4, p90: 4 * 2 ** widening(5) });
    expect(seenInterval(4, 2, 8)).toEqual({ p10: 2, median: 4, p90: 8 });
    // A supplier seen to fill five times: a wider interval than one seen sixty times with the same percentiles.
    const seen = (fillTimes: number): RotaFigures => ({ fillRate: 1, turnaroundHours: 4, observed: { fillRate: 1, turnaroundHours: 4, turnaroundP10: 2, turnaroundP90: 8, fillTimes } });
    const route = { outcome: 'route' as const, tasks: [], deadlineHours: 24 };
    const few = predictDelivery(config!, route, [seen(5)])!.workingHours;
    const many = predictDelivery(config!, route, [seen(60)])!.workingHours;
    expect(few.median).toBe(4);
    expect(few.p10).toBeLessThan(many.p10);
    expect(few.p90).toBeGreaterThan(many.p90 + 1.5);
    // Its unfilled times likewise.
    const failing = (unfilledTimes: number): RotaFigures => ({ fillRate: 0.5, turnaroundHours: 4, observed: { fillRate: 0.5, turnaroundHours: 4, turnaroundP10: 4, turnaroundP90: 4, unfilledHours: 6, unfilledP10: 3, unfilledP90: 12, unfilledTimes } });
    expect(predictDelivery(config!, route, [failing(3), seen(1000)])!.workingHours.p90).toBeGreaterThan(predictDelivery(config!, route, [failing(60), seen(1000)])!.workingHours.p90);
  });

  it('counts a supplier working around the clock by the network’s hours, in which the reader’s wait is counted', () => {
    // A vendor delivers in minutes at any hour: an order placed in the evening is in before the network's next working hour.
    const vendor = (fillRate: number): RotaFigures => ({
      fillRate,
      turnaroundHours: 0.2,
      observed: { fillRate, turnaroundHours: 0.2, turnaroundP10: 0.05, turnaroundP90: 1, unfilledHours: 0.1, unfilledP10: 0.05, unfilledP90: 0.5 },
      supplier: { kind: 'vendor', id: 'cnki', workingHours: 'always' },
    });
    const route = { outcome: 'route' as const, tasks: [], deadlineHours: 24 };
    const at = (beijing: string) => predictDelivery(config!, route, [vendor(1)], `2026-11-25T${beijing}:00.000+08:00`)!.workingHours;
    expect(at('20:00')).toEqual({ p10: 0, median: 0, p90: 0 });
    expect(at('10:00')).toEqual({ p10: 0.05, median: 0.2, p90: 1 });
    // At 17:00 the network's day ends half an hour on.
    expect(at('17:00')).toEqual({ p10: 0.05, median: 0.2, p90: 0.5 });
    // Without an instant to count from, the vendor's own hours.
    expect(predictDelivery(config!, route, [vendor(1)])!.workingHours).toEqual({ p10: 0.05, median: 0.2, p90: 1 });
    // After a librarian's approval the vendor is asked within the network's hours, and its minutes count.
    const approved = predictDelivery(config!, { ...route, tasks: [{ type: 'approveCost', reason: 'dear' }] }, [vendor(1)], '2026-11-25T20:00:00.000+08:00')!.workingHours;
    expect(approved.p10).toBeGreaterThan(0);
    // A library after a vendor that declines half its orders in the evening: the decline takes none
    // of the network's hours, so the library's fills count from the morning.
    const library: RotaFigures = { fillRate: 1, turnaroundHours: 4, observed: { fillRate: 1, turnaroundHours: 4, turnaroundP10: 2, turnaroundP90: 8 } };
    const evening = predictDelivery(config!, route, [vendor(0.5), library], '2026-11-25T20:00:00.000+08:00')!.workingHours;
    expect(evening.p10).toBe(0);
    expect(evening.p90).toBeCloseTo(deliveryQuantiles(plan([{ fillRate: 0.5, fill: { p10: 0, median: 0, p90: 0 }, unfilledHours: 0 }, sure(2, 4, 8)])).p90, 2);
  });

  it('sends an escalated request straight to search-proxy staff, and predicts nothing for a rejected one', () => {
    const escalated = predictDelivery(config!, { outcome: 'escalate', tasks: [{ type: 'searchProxy', reason: 'rare' }], deadlineHours: 24 }, figures)!;
    // Within their due hours nine times in ten, then a search within the deadline.
    expect(escalated.workingHours.median).toBeGreaterThan(promised(72).median + promised(24).median);
    expect(escalated.workingHours.p90).toBeLessThan(72 + 24);
    expect(escalated.basis).toBe('Search-proxy staff (within 72 h nine times in ten, then a search of about 12.65 h).');
    expect(predictDelivery(config!, { outcome: 'reject', tasks: [], deadlineHours: 24 }, figures)).toBeUndefined();
  });

  it('comes with each routed decision, as instants by the network’s clock when the decision’s time is known', () => {
    const now = '2026-11-25T02:00:00.000Z';
    const decision = routed(sample('chinese-article-ppv'), { now });
    expect(decision.outcome).toBe('route');
    const { eta } = decision;
    expect(eta?.basis).toMatch(/^Configured fill rates and promised turnarounds of the 5 rota suppliers;/);
    expect(eta?.clock).toBe("08:30–17:30 Asia/Shanghai, working days of China's public calendar");
    const at = (hours: number) => new Date(addWorkingHours(Date.parse(now), hours, networkClock(config!)).at).toISOString();
    expect(eta).toMatchObject({ earliestAt: at(eta!.workingHours.p10), likelyAt: at(eta!.workingHours.median), latestAt: at(eta!.workingHours.p90) });
    expect(eta!.workingHours.p10).toBeLessThanOrEqual(eta!.workingHours.median);
    expect(eta!.workingHours.median).toBeLessThanOrEqual(eta!.workingHours.p90);
    // A date alone names no time to count from.
    expect(routed(sample('chinese-article-ppv'), { now: '2026-11-25' }).eta).toEqual({ workingHours: eta!.workingHours, clock: eta!.clock, basis: eta!.basis });
  });

  it('rests on what was seen of the rota’s suppliers where the knowledge base has it', () => {
    const request = sample('chinese-article-ppv');
    const promisedOnly = routed(request).eta!;
    const [first] = routed(request).rota;
    // The first supplier fills every order, in 1 to 3 working hours.
    const seen = routed(request, { stats: { [first!.supplierId]: { fillRate: 1, turnaroundHours: 2, turnaroundP10: 1, turnaroundP90: 3, orders: 40 } } });
    expect(seen.rota[0]?.supplierId).toBe(first!.supplierId);
    expect(seen.eta).toMatchObject({ workingHours: { p10: 1, median: 2, p90: 3 }, basis: expect.stringMatching(/^Observed figures for 1 of the 5 rota suppliers, configured ones for the rest;/) });
    expect(seen.eta!.workingHours).not.toEqual(promisedOnly.workingHours);
  });

  it('is zero where the reader has the document at once, and absent where the request is rejected', () => {
    const own = { ...sample('chinese-article-ppv'), requester: { libraryId: 'whu', patronId: 'p-9' } };
    const now = '2026-11-25T02:00:00.000Z';
    const local = routed(own, { now });
    expect(local.outcome).toBe('local');
    expect(local.eta).toMatchObject({ workingHours: { p10: 0, median: 0, p90: 0 }, earliestAt: now, likelyAt: now, latestAt: now });
    // A member that is a service library only has no readers of its own in the network.
    const rejected = routed({ ...sample('chinese-article-ppv'), requester: { libraryId: 'ncu', patronId: 'p-1' } }, { now });
    expect(rejected.outcome).toBe('reject');
    expect(rejected.eta).toBeUndefined();
  });
});
