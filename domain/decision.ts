// A routing decision as the workflow keeps it, the audit trail records it and the workbench explains it.

/**
 * `open-access`: a free copy was found before routing, and no supplier is asked. `local`: the
 * requesting library holds or licenses the item itself.
 */
export type Outcome = 'route' | 'review' | 'escalate' | 'local' | 'open-access' | 'reject';

/** Where a reader finds what their own library already has. */
export interface LocalCopy {
  libraryId: string;
  /** Its own holding, with the record and the shelf where known... */
  holding?: { recordId?: string; callNumber?: string };
  /** ...or a resource it licenses. */
  licence?: { name: string; url?: string };
  /** Both in a sentence, for the reader and the audit trail. */
  where: string;
}

/** A free copy found before routing. */
export interface OpenCopy {
  supplierId: string;
  url: string;
  license?: string;
}

export interface RotaEntry {
  supplierId: string;
  score: number;
  terms: Record<string, number>;
  rules: string[];
  /** When this supplier's try would run out, counted in its working hours. */
  deadline?: TryDeadline;
}

export interface TryDeadline {
  workingHours: number;
  /** How the supplier's hours are counted: `08:30–17:30 Asia/Shanghai, working days of China's public calendar`. */
  clock: string;
  /** The instant, where the time the order is sent is known (the decision's, or the send's). */
  at?: string;
  /** Years beyond the published public calendar, counted Monday to Friday. */
  note?: string;
}

/** Working hours from the decision to delivery: the median and the 10th and 90th percentiles. */
export interface HoursInterval {
  p10: number;
  median: number;
  p90: number;
}

/**
 * When the reader may expect the document, as predicted when the request is routed: an 80 %
 * interval of the working hours from the decision to delivery, given that it is delivered (a
 * request that ends unfilled has no delivery time). Drawn from each rota supplier's fill rate and
 * fill times for the request's service (observed, else its kind's fill times, else its configured
 * fill rate and promised turnaround), the time each try takes to fail (its observed unfilled
 * answers, else the try's deadline), the staff tasks that come first (a review, a cost approval,
 * as long as librarians were seen to take, else within their due hours), and, should the rota run
 * out, search-proxy staff (as seen, with the share they deliver). Zero for a copy the reader has at
 * once (`local`, `open-access`); absent for a rejected request.
 */
export interface DeliveryEstimate {
  /** One delivery in ten is expected sooner than `p10`, one in ten later than `p90`; half either side of `median`. */
  workingHours: HoursInterval;
  /**
   * The same as instants, counted by the network's clock from the decision, where the decision's
   * time is known (a date alone names no time to count from): `earliestAt` for `p10`, `likelyAt`
   * for the median, `latestAt` for `p90`.
   */
  earliestAt?: string;
  likelyAt?: string;
  latestAt?: string;
  /** How the network's hours are counted, as a rota entry's deadline says it. */
  clock: string;
  /** What the prediction rests on, in a sentence: how many rota suppliers it knows by their observed figures, which tasks and fallbacks it counts. */
  basis: string;
  /** Years beyond the published public calendar, counted Monday to Friday. */
  note?: string;
}

/** Where a rule or setting is written in the network's configuration. */
export interface WrittenAt {
  file: string;
  line: number;
}

/** What a source lacks to cover the item, by the facet the citation states. */
export type CoverageGap =
  | { gap: 'doi' }
  | { gap: 'documentType'; documentType: string; supplies: string[] }
  | { gap: 'language'; language: string; covers: string[] }
  | { gap: 'subjects'; subjects: string[]; covers: string[] }
  | { gap: 'years'; year?: number; from?: number; to?: number }
  | { gap: 'titles'; issn: string; titles: string };

/** Found before routing: an open-access resolver has no free copy of the DOI. */
export interface NoOpenCopy {
  code: 'no-open-copy';
  doi: string;
}

/**
 * Why a supplier is left out, by kind, with what words for it need, so a page can say it in the
 * librarian's language; the exclusion's `reasons` say the same in English. `at` is where the
 * configuration says so: the supplier (its status, services, coverage), the requesting library (its
 * blocked suppliers), the rule, the rota's length.
 */
export type ExclusionCause =
  | { code: 'suspended' | 'closed'; from?: string; to?: string; at: WrittenAt }
  | { code: 'blocked'; libraryId: string; at: WrittenAt }
  | { code: 'rule'; rule: string; reason: string; at: WrittenAt }
  | { code: 'service'; service: string; offers: string[]; at: WrittenAt }
  | ({ code: 'coverage'; at: WrittenAt } & CoverageGap)
  | { code: 'rota-length'; max: number; at?: WrittenAt }
  | NoOpenCopy;

export interface Exclusion {
  supplierId: string;
  /** Why, in English, naming each rule and where it is written: for the CLI and the audit trail. */
  reasons: string[];
  /** The same, each by its kind; absent in decisions made before they were kept. */
  causes?: ExclusionCause[];
}

export interface RouteTask {
  type: 'review' | 'approveCost' | 'searchProxy';
  reason: string;
  rule?: string;
}

export interface RouteDecision {
  rulesetVersion: string;
  requestId: string;
  outcome: Outcome;
  rota: RotaEntry[];
  /**
   * Every supplier considered but not in the rota, sorted by id, with why: rules, the engine's own
   * `builtin:` effects, the rota's cut. Service libraries that do not hold the item are never
   * considered, so never listed.
   */
  excluded: Exclusion[];
  tasks: RouteTask[];
  /** Turnaround deadline in hours for each supplier try, from targets or a `deadline` rule. */
  deadlineHours: number;
  /**
   * Subjects the request wrote that the network's subject mapping turns into no subject of its
   * vocabulary, so no rule saw them; absent when every subject was understood.
   */
  unmappedSubjects?: string[];
  /**
   * Why a rejected request cannot be served, naming each `reject` rule and where it is written; for
   * a `local` outcome, which library holds or licenses the item.
   */
  reason?: string;
  /** With outcome `local`: where the library's own copy is. */
  local?: LocalCopy;
  /** With outcome `open-access`: the free copy delivered at once. */
  openCopy?: OpenCopy;
  /**
   * Where each configured rule the decision names (in its rota's `rules`, its tasks' `rule`, its
   * exclusions) is written; the engine's own `builtin:` effects are in no file. Absent in decisions
   * made before it was kept.
   */
  ruleSources?: Record<string, WrittenAt>;
  /** When the reader may expect the document; absent for `reject`, and in decisions made before it was predicted. */
  eta?: DeliveryEstimate;
}
