// The suppliers one request could go to, as columns: the compiled rules compare a whole column
// against a constant in one loop, and ranking reads numbers without an object per supplier. A
// candidate's facts as the rules see them (`facts`) are made only where something asks for them
// one at a time: json-rules-engine, a rule whose condition needs the whole object, a test.

import type { Supplier } from './types';
import type { SupplierStats } from './knowledge';
import type { ExclusionCause, NoOpenCopy } from '../domain/decision';
import { NEAR } from './network';
import { rankedHours } from './speed';

/** The `candidate` fact: derived for one supplier of one request. */
export interface CandidateFacts {
  holds: boolean;
  sameRegion: boolean;
  /** The supplier is a member library in the requesting library's province, city, or a proximity group with it. */
  sameProvince: boolean;
  sameCity: boolean;
  sameProximityGroup: boolean;
  targetHours: number;
  estimatedCost: number;
  /** Requests already sent today as a share of the daily capacity, 0..1. */
  load: number;
  preferred: boolean;
  blocked: boolean;
  /** The supplier's coverage matches the citation's language, subjects, year and, where it lists titles, ISSN. */
  covers: boolean;
}

/** What a request's candidates' ranking figures are worked out from, the same for all of them. */
export interface RankingBasis {
  /** Each supplier's configured fill rate, by configuration position. */
  prior: ArrayLike<number>;
  /** How long suppliers of each kind were seen to take for the request's service. */
  kinds: Record<string, SupplierStats> | undefined;
  /** The hours a price waits for the library's approval (rules/speed.ts `approvalWait`). */
  approval: (amount: number, currency: string) => number;
}

/** Bits of `Candidates.flags`: the `NEAR` bits of the supplier for the requesting library, and these. */
export const FLAG = { ...NEAR, holds: 64, covers: 128 } as const;

export type FlagFact = keyof typeof FLAG;
export type NumberFact = 'targetHours' | 'estimatedCost' | 'load';

/**
 * Plain arrays rather than typed ones: a decision's candidates live for microseconds, and a typed
 * array's buffer costs more to allocate and collect than the few hundred numbers it would hold.
 * Each is made as long as the candidates a request could have (`capacity`), so that none grows,
 * and copies itself, candidate by candidate; only the first `count` places are candidates. The
 * columns that hold something for a few candidates only start empty and are set at those.
 */
export class Candidates {
  count = 0;
  /** Each candidate's supplier, by configuration position. */
  readonly index: number[];
  readonly flags: number[];
  readonly targetHours: number[];
  readonly estimatedCost: number[];
  readonly load: number[];
  /**
   * What the figures only ranking and the delivery prediction read are worked out from, set with
   * the numbers: those figures are asked for the few candidates scored, not made for every one.
   */
  ranking: RankingBasis | undefined;
  /** What the knowledge base knows of each supplier, for ranking and the delivery prediction. */
  readonly observed: (SupplierStats | undefined)[];
  /** Sources found unable before routing, by candidate, where the input names any among the candidates. */
  unavailable: (NoOpenCopy | undefined)[] | undefined;
  /** Exclusions that need no rule (the supplier's status, the library's block list), where there are any. */
  readonly hardReasons: (string[] | undefined)[];
  /** The same, each by its kind, where `hardReasons` has any. */
  readonly hardCauses: (ExclusionCause[] | undefined)[];
  /** What the hard reasons name, as a key their exclusion is kept under: '' for none, undefined where they name something of this request alone. */
  readonly hardKey: (string | undefined)[];

  constructor(
    private readonly suppliers: readonly Supplier[],
    capacity: number,
  ) {
    this.index = new Array<number>(capacity);
    this.flags = new Array<number>(capacity);
    this.targetHours = new Array<number>(capacity);
    this.estimatedCost = new Array<number>(capacity);
    this.load = new Array<number>(capacity);
    // Known of a few candidates only, a dozen or so of a request's hundred: set where there is something, read as undefined elsewhere.
    this.observed = [];
    this.hardReasons = [];
    this.hardCauses = [];
    this.hardKey = new Array<string | undefined>(capacity);
    this.unavailable = undefined;
    this.ranking = undefined;
  }

  /** Observed fill rate, else the supplier's prior. */
  fillRate(at: number): number {
    return this.observed[at]?.fillRate ?? ((this.ranking as RankingBasis).prior[this.index[at] as number] as number);
  }

  /** Observed turnaround, else the promised one. */
  turnaroundHours(at: number): number {
    return this.observed[at]?.turnaroundHours ?? (this.targetHours[at] as number);
  }

  /** Working hours ranking expects until the supplier's fill, a wait for the library's cost approval included (rules/speed.ts `rankedHours`). */
  rankedHours(at: number): number {
    const { kinds, approval } = this.ranking as RankingBasis;
    const supplier = this.supplier(at);
    const target = this.targetHours[at] as number;
    return rankedHours(this.observed[at], kinds?.[supplier.kind], target, approval(this.estimatedCost[at] as number, supplier.cost.currency));
  }

  /** Appends a candidate with its flags; the numbers are filled in by position afterwards. */
  add(index: number, flags: number): void {
    this.index[this.count] = index;
    this.flags[this.count] = flags;
    this.count++;
  }

  supplier(at: number): Supplier {
    return this.suppliers[this.index[at] as number] as Supplier;
  }

  flag(at: number, fact: FlagFact): boolean {
    return ((this.flags[at] as number) & FLAG[fact]) !== 0;
  }

  facts(at: number): CandidateFacts {
    return {
      holds: this.flag(at, 'holds'),
      sameRegion: this.flag(at, 'sameRegion'),
      sameProvince: this.flag(at, 'sameProvince'),
      sameCity: this.flag(at, 'sameCity'),
      sameProximityGroup: this.flag(at, 'sameProximityGroup'),
      targetHours: this.targetHours[at] as number,
      estimatedCost: this.estimatedCost[at] as number,
      load: this.load[at] as number,
      preferred: this.flag(at, 'preferred'),
      blocked: this.flag(at, 'blocked'),
      covers: this.flag(at, 'covers'),
    };
  }

  /** Positions of the candidates no configured status or policy shuts out. */
  usable(): number[] {
    const open: number[] = [];
    for (let at = 0; at < this.count; at++) if (this.hardReasons[at] === undefined) open.push(at);
    return open;
  }
}
