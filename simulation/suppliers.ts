// The simulated suppliers of the network simulation (`npm run simulate`): how each answers an order,
// from its kind's profile in simulation/profiles.yaml. Pure and deterministic.
//
//   answerOf(profiles, supplier, request, sentAt, context) -> { filled, workingHours, price? }
//
// - `profiles`: `loadProfiles()` (simulation/profiles.yaml), or `parseProfiles(text)`.
// - `supplier`: the supplier as configured (rules/types.ts): its `kind` picks the profile, its `id`
//   and configured `fillRate` fix its own fill rate within the profile's range, its `id` its own
//   speed (`speedSpread`: its kind's times scaled by a factor of its own), its `cost` the price.
// - `request`: the request, or what of it matters: `{ id, service, urgency, citation: { pages? } }`.
// - `sentAt`: when the order went out, epoch ms. No draw depends on it: an answer is fixed by the
//   supplier and the request alone (common random numbers), so every routing strategy and a run
//   through the real workflows see the same answer from the same supplier, whenever they ask.
// - `context.degraded`: the supplier has degraded (fill rate down to `degraded.fillRate`, slower);
//   `context.overCapacity`: the order is past its `capacityPerDay` for the day (fewer fills, later).
//   The caller knows both; the model only applies them, to the same draws.
// - `filled`: whether it fills (else it declines); `workingHours`: working hours, by the supplier's
//   clock (rules/clock.ts `supplierClock`), from `sentAt` to the fill or the decline: the instant is
//   `answeredAt(...)`, i.e. `addWorkingHours(sentAt, workingHours, clock).at`; `price`: what it
//   charges for a fill (absent for a decline), its cost model's estimate give or take
//   (simulator/terms.ts `priceOf`, as the simulated systems of `npm start` charge).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Money, Service, Urgency } from '../domain/request';
import { addWorkingHours, type SupplierClock } from '../rules/clock';
import { Z90 } from '../rules/eta';
import type { Supplier, SupplierKind } from '../rules/types';
import { draw, logNormal, priceOf } from '../simulator/terms';

/** A log-normal time: its median and its 90th percentile, in working hours. */
export type Spread = [median: number, p90: number];

export interface KindProfile {
  /** The range a supplier's own fill rate falls in. */
  fillRate: [from: number, to: number];
  /** How far the configured prior places the supplier within the range (0: not at all, 1: wholly). */
  priorWeight: number;
  /** A loan's fill rate as a share of a copy's. */
  loanFillFactor: number;
  /** Working hours from an order to a fill. */
  hours: Record<Service, Spread>;
  /** Working hours from an order to a decline. */
  unfilledHours: Spread;
  /**
   * How far suppliers of the kind differ in speed: each one's times are the kind's times above
   * scaled by its own factor, log-normal across suppliers with median 1 and this 90th percentile
   * (one supplier in ten this many times slower than the typical one, one in ten as many times
   * faster). Absent or 1: all alike.
   */
  speedSpread?: number;
}

export interface Profiles {
  kinds: Record<SupplierKind, KindProfile>;
  urgency: Record<Urgency, number>;
  overCapacity: { fillFactor: number; slowdown: number };
  degraded: { fillRate: number; slowdown: number };
  staff: { review: Spread; approveCost: Spread; searchProxy: Spread; searchProxyFillRate: number };
}

/** What of a request a supplier's answer depends on: an IllRequest is one, so its pages are never left out of a price. */
export interface SimulatedRequest {
  id: string;
  service: Service;
  urgency: Urgency;
  citation: { pages?: string };
}

export interface AnswerContext {
  degraded: boolean;
  overCapacity: boolean;
}

export interface Answer {
  filled: boolean;
  workingHours: number;
  price?: Money;
}

export const PROFILES_FILE = new URL('./profiles.yaml', import.meta.url);

const KINDS: readonly SupplierKind[] = ['service-library', 'national-library', 'public-library', 'nstl', 'cashl', 'keris', 'vendor', 'open-access', 'calis-ebooks', 'overseas', 'search-proxy'];

/** Reads and checks the profiles: a kind or a figure missing stops the run with its name. */
export function parseProfiles(text: string): Profiles {
  const profiles = parse(text) as Profiles;
  const spread = (where: string, value: unknown, what = '[median, p90] working hours'): void => {
    const ok = Array.isArray(value) && value.length === 2 && value.every((x) => typeof x === 'number' && x >= 0) && value[0] <= value[1];
    if (!ok) throw new Error(`simulation profiles: ${where} must be ${what}, the first no greater than the second`);
  };
  for (const kind of KINDS) {
    const profile = profiles.kinds?.[kind];
    if (!profile) throw new Error(`simulation profiles: no profile for kind '${kind}'`);
    spread(`${kind}.fillRate`, profile.fillRate, '[from, to] shares');
    spread(`${kind}.unfilledHours`, profile.unfilledHours);
    for (const service of ['copy', 'loan', 'ebook'] as const) spread(`${kind}.hours.${service}`, profile.hours?.[service]);
    const { speedSpread } = profile;
    if (speedSpread !== undefined && !(typeof speedSpread === 'number' && speedSpread >= 1)) throw new Error(`simulation profiles: ${kind}.speedSpread must be a number no less than 1`);
  }
  for (const task of ['review', 'approveCost', 'searchProxy'] as const) spread(`staff.${task}`, profiles.staff?.[task]);
  return profiles;
}

export function loadProfiles(file: URL | string = PROFILES_FILE): Profiles {
  return parseProfiles(readFileSync(file, 'utf8'));
}

/** A draw of a log-normal time fixed by `about`. */
export function spreadDraw([median, p90]: Spread, scale: number, ...about: string[]): number {
  if (median <= 0) return 0;
  return logNormal(median * scale, Math.log(p90 / median) / Z90, ...about);
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** The supplier's own fill rate for copies: fixed by its id within its kind's range, leaning on its configured prior. */
export function ownFillRate(profiles: Profiles, supplier: Pick<Supplier, 'id' | 'kind' | 'fillRate'>): number {
  let known = ownRates.get(profiles);
  if (!known) ownRates.set(profiles, (known = new Map()));
  const key = `${supplier.kind} ${supplier.id} ${supplier.fillRate}`;
  let rate = known.get(key);
  if (rate === undefined) {
    const { fillRate: [from, to], priorWeight } = profiles.kinds[supplier.kind];
    const span = to - from;
    const byPrior = supplier.fillRate === undefined || span <= 0 ? 0.5 : clamp01((supplier.fillRate - from) / span);
    rate = from + span * (priorWeight * byPrior + (1 - priorWeight) * draw(supplier.id, 'own fill rate'));
    known.set(key, rate);
  }
  return rate;
}

/** Own fill rates worked out, by profiles and supplier: a hash each, asked for at every order. */
const ownRates = new WeakMap<Profiles, Map<string, number>>();

/** The supplier's own speed: the factor its kind's times are scaled by, fixed by its id. */
export function ownSpeed(profiles: Profiles, supplier: Pick<Supplier, 'id' | 'kind'>): number {
  const spread = profiles.kinds[supplier.kind].speedSpread ?? 1;
  if (spread <= 1) return 1;
  let known = ownSpeeds.get(profiles);
  if (!known) ownSpeeds.set(profiles, (known = new Map()));
  const key = `${supplier.kind} ${supplier.id}`;
  let speed = known.get(key);
  if (speed === undefined) known.set(key, (speed = logNormal(1, Math.log(spread) / Z90, supplier.id, 'own speed')));
  return speed;
}

const ownSpeeds = new WeakMap<Profiles, Map<string, number>>();

/** The share of this service's orders the supplier fills, as things stand for it. */
export function fillRateOf(profiles: Profiles, supplier: Pick<Supplier, 'id' | 'kind' | 'fillRate'>, service: Service, context: AnswerContext): number {
  const profile = profiles.kinds[supplier.kind];
  let rate = ownFillRate(profiles, supplier) * (service === 'loan' ? profile.loanFillFactor : 1);
  if (context.degraded) rate = Math.min(rate, profiles.degraded.fillRate);
  if (context.overCapacity) rate *= profiles.overCapacity.fillFactor;
  return rate;
}

export function answerOf(profiles: Profiles, supplier: Supplier, request: SimulatedRequest, _sentAt: number, context: AnswerContext): Answer {
  const profile = profiles.kinds[supplier.kind];
  // One uniform per supplier and request: a lower fill rate (degraded, over capacity) turns some of
  // the same fills into declines and no decline into a fill.
  const filled = draw(supplier.id, request.id, 'fills') < fillRateOf(profiles, supplier, request.service, context);
  let scale = (profiles.urgency[request.urgency] ?? 1) * ownSpeed(profiles, supplier);
  if (context.degraded) scale *= profiles.degraded.slowdown;
  if (context.overCapacity) scale *= profiles.overCapacity.slowdown;
  const workingHours = spreadDraw(filled ? profile.hours[request.service] : profile.unfilledHours, scale, supplier.id, request.id, 'hours');
  if (!filled) return { filled, workingHours };
  return { filled, workingHours, price: priceOf(supplier, { service: request.service, ...(request.citation.pages === undefined ? {} : { pages: request.citation.pages }) }, request.id) };
}

/** The instant of an answer given in working hours from `sentAt`, by the supplier's clock. */
export function answeredAt(clock: SupplierClock, sentAt: number, workingHours: number): number {
  return addWorkingHours(sentAt, workingHours, clock).at;
}

/** Working hours a librarian or search-proxy staff take over a task of a request. */
export function staffHours(profiles: Profiles, task: 'review' | 'approveCost' | 'searchProxy', requestId: string): number {
  return spreadDraw(profiles.staff[task], 1, 'staff', task, requestId);
}

/** Whether search-proxy staff find or supply an escalated request: fixed by the request alone. */
export function searchProxyFills(profiles: Profiles, requestId: string): boolean {
  return draw('staff', 'searchProxy', 'fills', requestId) < profiles.staff.searchProxyFillRate;
}
