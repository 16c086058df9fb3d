import { describe, expect, it } from 'vitest';
import { generateNetwork } from '../bench/network-generator';
import type { Supplier } from '../rules/types';
import { answerOf, fillRateOf, loadProfiles, ownFillRate, ownSpeed, parseProfiles, type SimulatedRequest } from './suppliers';

const profiles = loadProfiles();
const network = generateNetwork(7, { libraries: 40, serviceLibraries: 20, rules: 0 });
const supplier = (kind: Supplier['kind']): Supplier => network.suppliers.find((s) => s.kind === kind)!;
const request = (i: number, over: Partial<SimulatedRequest> = {}): SimulatedRequest => ({ id: `r-${i}`, service: 'copy', urgency: 'normal', citation: { pages: '1-10' }, ...over });
const calm = { degraded: false, overCapacity: false };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('simulated suppliers', () => {
  it('answer the same order the same way every time, whenever it is sent', () => {
    const library = supplier('service-library');
    for (let i = 0; i < 50; i++) {
      const first = answerOf(profiles, library, request(i), Date.UTC(2026, 2, 2, 1), calm);
      expect(answerOf(profiles, library, request(i), Date.UTC(2026, 2, 5, 7), calm)).toEqual(first);
    }
  });

  it('fill in the long run the share their profile gives, with the median time it gives', () => {
    const library = supplier('service-library');
    const rate = ownFillRate(profiles, library);
    const [from, to] = profiles.kinds['service-library'].fillRate;
    expect(rate).toBeGreaterThanOrEqual(from);
    expect(rate).toBeLessThanOrEqual(to);
    const answers = Array.from({ length: 4000 }, (_, i) => answerOf(profiles, library, request(i), 0, calm));
    const fills = answers.filter((a) => a.filled);
    expect(fills.length / answers.length).toBeCloseTo(rate, 1);
    const speed = ownSpeed(profiles, library);
    const [typical, typicalP90] = profiles.kinds['service-library'].hours.copy;
    expect(median(fills.map((a) => a.workingHours)) / (typical * speed)).toBeCloseTo(1, 1);
    const p90 = [...fills.map((a) => a.workingHours)].sort((a, b) => a - b)[Math.floor(fills.length * 0.9)]!;
    expect(p90 / (typicalP90 * speed)).toBeGreaterThan(0.85);
    expect(p90 / (typicalP90 * speed)).toBeLessThan(1.15);
    expect(fills.every((a) => a.price && a.price.amount > 0)).toBe(true);
    expect(answers.filter((a) => !a.filled).every((a) => a.price === undefined)).toBe(true);
  });

  it('differ in speed from library to library, most copies over the network within the two working days CALIS allows', () => {
    const big = generateNetwork(9, { libraries: 400, serviceLibraries: 400, rules: 0 }).suppliers.filter((s) => s.kind === 'service-library');
    const speeds = big.map((library) => ownSpeed(profiles, library)).sort((a, b) => a - b);
    const spread = profiles.kinds['service-library'].speedSpread!;
    expect(speeds[Math.floor(speeds.length / 2)]).toBeCloseTo(1, 0);
    expect(speeds[Math.floor(speeds.length * 0.9)]! / spread).toBeGreaterThan(0.8);
    expect(speeds[Math.floor(speeds.length * 0.9)]! / spread).toBeLessThan(1.25);
    expect(ownSpeed(profiles, big[0]!)).toBe(ownSpeed(profiles, { ...big[0]! }));
    const hours = big.flatMap((library, l) => Array.from({ length: 20 }, (_, i) => answerOf(profiles, library, request(l * 20 + i), 0, calm))).filter((a) => a.filled).map((a) => a.workingHours);
    expect(hours.filter((h) => h <= 18).length / hours.length).toBeGreaterThan(0.88);
    expect(median(hours)).toBeLessThan(9);
  });

  it('fill less and later once degraded or past capacity, turning fills into declines and never the reverse', () => {
    const nstl = supplier('nstl');
    expect(fillRateOf(profiles, nstl, 'copy', { degraded: true, overCapacity: false })).toBeCloseTo(profiles.degraded.fillRate, 5);
    let degradedFills = 0;
    for (let i = 0; i < 2000; i++) {
      const normal = answerOf(profiles, nstl, request(i), 0, calm);
      const degraded = answerOf(profiles, nstl, request(i), 0, { degraded: true, overCapacity: false });
      if (degraded.filled) {
        degradedFills++;
        expect(normal.filled).toBe(true);
        expect(degraded.workingHours).toBeCloseTo(normal.workingHours * profiles.degraded.slowdown, 6);
      }
      const busy = answerOf(profiles, nstl, request(i), 0, { degraded: false, overCapacity: true });
      if (busy.filled) expect(normal.filled).toBe(true);
    }
    expect(degradedFills / 2000).toBeCloseTo(profiles.degraded.fillRate, 1);
  });

  it('answer vendors in minutes and urgent requests sooner', () => {
    const vendor = supplier('vendor');
    const minutes = Array.from({ length: 500 }, (_, i) => answerOf(profiles, vendor, request(i), 0, calm).workingHours);
    expect(median(minutes)).toBeLessThan(0.25);
    const library = supplier('service-library');
    const rush = answerOf(profiles, library, request(1, { urgency: 'rush' }), 0, calm).workingHours;
    const normal = answerOf(profiles, library, request(1), 0, calm).workingHours;
    expect(rush).toBeCloseTo(normal * profiles.urgency.rush, 6);
  });

  it('refuse profiles with a kind or a time missing', () => {
    expect(() => parseProfiles('kinds: {}\n')).toThrow(/no profile for kind 'service-library'/);
  });
});
