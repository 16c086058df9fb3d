// What a simulated supplier asks and how it works: its price for an item, from its configured cost
// model; how long it takes to answer, around its promised turnaround; and how many requests it
// takes in a day. Every draw is fixed by what it is drawn for, so a retry or a restart sees the same.
import { createHash } from 'node:crypto';
import type { Money, Service, Urgency } from '../domain/request';
import { estimatedCost } from '../rules/rank';
import type { NetworkPolicy, Supplier } from '../rules/types';

/** A number in [0, 1) fixed by what it is drawn for, so a retry or a restart draws the same. */
export const draw = (...about: string[]) => createHash('sha256').update(about.join('\n')).digest().readUInt32BE(0) / 2 ** 32;

/** A standard normal deviate fixed by what it is drawn for (Box–Muller on two draws). */
export const normalDraw = (...about: string[]) => Math.sqrt(-2 * Math.log(1 - draw(...about, 'u'))) * Math.cos(2 * Math.PI * draw(...about, 'v'));

/** A log-normal draw with this median: as often half of it as twice it when `sigma` is ln 2. */
export const logNormal = (median: number, sigma: number, ...about: string[]) => median * Math.exp(sigma * normalDraw(...about));

/** How far prices stray from the cost model: one item in twenty costs two thirds more than the model says, or beyond. */
export const PRICE_SIGMA = 0.3;
/** Answers come, half the time, within three quarters of the promised turnaround, and one time in four after it. */
export const ANSWER_MEDIAN_SHARE = 0.75;
export const ANSWER_SIGMA = 0.4;

/** Whether a supplier fills this item: fixed by the two, so a retry or a restart gets the same answer. */
export function fills(supplier: Pick<Supplier, 'id' | 'fillRate'>, item: string): boolean {
  return draw(supplier.id, item) < (supplier.fillRate ?? 0.8);
}

/** What the supplier charges for an item: its cost model's estimate (as ranking makes it), give or take, in cents. */
export function priceOf(supplier: Pick<Supplier, 'id' | 'cost'>, order: { service: Service; pages?: string }, item: string): Money {
  const estimate = estimatedCost(supplier, { service: order.service, citation: { pages: order.pages } });
  return { amount: Math.round(logNormal(estimate, PRICE_SIGMA, supplier.id, 'price', item) * 100) / 100, currency: supplier.cost.currency };
}

/** Hours the supplier takes from a request to its last answer, around its promise for the service and urgency (else the network target). */
export function answerHours(supplier: Pick<Supplier, 'id' | 'turnaroundHours'>, targets: NetworkPolicy['targets'], order: { service: Service; urgency: Urgency }, item: string): number {
  const promised = supplier.turnaroundHours?.[order.service]?.[order.urgency] ?? targets[order.service][order.urgency];
  return logNormal(promised * ANSWER_MEDIAN_SHARE, ANSWER_SIGMA, supplier.id, 'answer', item);
}

/** The calendar day in China, where the network's suppliers count their day's work. */
const chinaDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Whether the supplier takes a request today: the first `capacityPerDay` requests of a day are
 * taken, the rest refused until the next; a request asked about again is answered as the first time.
 */
export function dailyCapacity(capacityPerDay: number, now: () => Date = () => new Date()): (request: string) => boolean {
  let day = '';
  let answered = new Map<string, boolean>();
  let taken = 0;
  return (request) => {
    const today = chinaDay(now());
    if (today !== day) [day, answered, taken] = [today, new Map(), 0];
    if (!answered.has(request)) {
      answered.set(request, taken < capacityPerDay);
      if (taken < capacityPerDay) taken++;
    }
    return answered.get(request)!;
  };
}
