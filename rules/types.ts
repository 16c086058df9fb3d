// The network configuration administrators write. Types only: every layer may import this file.
import type { DocumentType, Money, Service, Urgency } from '../domain/request';
import type { SettlementTerms } from '../domain/ledger';
import type { TaskType } from '../domain/request-state';
import type { Holding } from '../domain/holdings';
import type { DeliveryAddresses } from '../domain/orders';

/** Where a configured value came from, so explanations and errors can point at the YAML. */
export interface SourceRef {
  file: string;
  line: number;
}

export type SupplierKind =
  | 'service-library'
  | 'national-library'
  | 'public-library'
  | 'nstl'
  | 'cashl'
  | 'keris'
  | 'vendor'
  | 'open-access'
  | 'calis-ebooks'
  | 'overseas'
  | 'search-proxy';

export type SupplierService = Service | 'purchase';

/** A holder in the holdings data: a library id, or its record with the years and volumes of a serial it has. */
export type HoldingEntry = string | (Holding & { years?: { from?: number; to?: number }; volumes?: { from?: number; to?: number } });

export type AdapterName = 'iso18626' | 'vendor-ppv' | 'open-access' | 'calis-ebooks' | 'manual';

export type SupplierAuth = { type: 'bearer'; tokenEnv: string } | { type: 'basic'; userEnv: string; passwordEnv: string };

export interface CostModel {
  currency: string;
  perArticle?: number;
  perPage?: number;
  perLoan?: number;
  /** Flat fees added to every fill, for example postage or a handling fee. */
  fees?: { name: string; amount: number }[];
}

export interface SupplierStatus {
  state: 'active' | 'suspended' | 'closed';
  /** ISO dates bounding a closure or suspension; absent means open-ended. */
  from?: string;
  to?: string;
  /** Why, for the librarians who see the supplier skipped. */
  note?: string;
}

/**
 * When a supplier works: turnaround targets and deadlines count only these hours. `calendar` is
 * China's public calendar (weekdays less public holidays, plus make-up working days, 调休).
 */
export interface WorkingHours {
  days: 'calendar' | 'weekdays' | 'every-day';
  /** Local time of day, HH:MM; `to` may be 24:00. */
  from: string;
  to: string;
  /** IANA time zone the times are in, for example Asia/Shanghai. */
  timeZone: string;
}

/** Dated days on which no working hours count, both bounds included (a library's winter closure). */
export interface Closure {
  from: string;
  to: string;
  note?: string;
}

export interface Supplier {
  id: string;
  name: string;
  kind: SupplierKind;
  /** Which adapter module talks to this supplier. */
  adapter: AdapterName;
  /** Where the supplier's system listens (an ISO 18626 peer, a vendor, a resolver, the e-book platform). */
  endpoint?: string;
  /** An ISO 18626 peer's agency id, `TYPE:VALUE`. */
  agencyId?: string;
  /** Which environment variables hold the credentials for the supplier's system. */
  auth?: SupplierAuth;
  services: SupplierService[];
  formats: string[];
  coverage: {
    subjects?: string[];
    documentTypes?: DocumentType[];
    languages?: string[];
    years?: { from?: number; to?: number };
    regions?: string[];
    /** A title list beside the configuration (`titles/cnki.txt`): the serials, by ISSN, the supplier can supply. */
    titles?: string;
  };
  /** The ISSNs `coverage.titles` lists, read from its file when the configuration is loaded, sorted. */
  titleList?: string[];
  cost: CostModel;
  /** Promised turnaround in hours, per service and urgency; the network targets apply where absent. */
  turnaroundHours?: Partial<Record<Service, Partial<Record<Urgency, number>>>>;
  capacityPerDay: number;
  sendMode: 'auto' | 'manual';
  status: SupplierStatus;
  region?: string;
  /** Prior fill rate (0..1) used until observed statistics exist. */
  fillRate?: number;
  /** The supplier's own hours over the network's; `always` for a service that runs around the clock. */
  workingHours?: 'always' | Partial<WorkingHours>;
  closures?: Closure[];
  source: SourceRef;
}

export type LibraryRole = 'service' | 'user' | 'both';

export interface LibraryPolicy {
  /** Every request from this library waits for a librarian before it is sent. */
  reviewRequired: boolean;
  /** What a request may cost without the library approving it. */
  autoApproveLimit: Money;
  preferredSuppliers: string[];
  blockedSuppliers: string[];
}

export interface Library {
  id: string;
  name: string;
  region: string;
  /** ISO 3166-2:CN code of the province-level division, for example CN-SH. */
  province?: string;
  /** City, in pinyin as the other libraries of the city write it. */
  city?: string;
  role: LibraryRole;
  policy: LibraryPolicy;
  /** Where the library takes delivery; suppliers are told with every request. */
  delivery?: DeliveryAddresses;
  /** Readers who gave no e-mail address are mailed at `<patronId>@<readerMailDomain>`. */
  readerMailDomain?: string;
  source: SourceRef;
}

/** An electronic resource a member library licenses for its own readers. */
export interface Licence {
  library: string;
  name: string;
  url?: string;
  doiPrefixes?: string[];
  issns?: string[];
  isbns?: string[];
  years?: { from?: number; to?: number };
}

export type RuleEventType =
  | 'exclude' // params: { reason }
  | 'score' // params: { add, reason? } (negative to subtract)
  | 'tier' // params: { tier } (1 is best)
  | 'review' // params: { reason }
  | 'approveCost' // params: { reason }
  | 'escalate' // params: { reason }
  | 'deadline' // params: { hours }
  | 'reject'; // params: { reason }

export interface RuleCondition {
  fact: string;
  operator: string;
  value: unknown;
  path?: string;
  params?: Record<string, unknown>;
}

export interface RuleConditions {
  all?: (RuleConditions | RuleCondition)[];
  any?: (RuleConditions | RuleCondition)[];
  not?: RuleConditions | RuleCondition;
}

/** A rule in json-rules-engine's shape, plus where it was written. */
export interface Rule {
  name: string;
  /** Why the rule exists, in the administrators' words. */
  description?: string;
  priority: number;
  conditions: RuleConditions;
  event: { type: RuleEventType; params: Record<string, unknown> };
  source: SourceRef;
}

export interface NetworkPolicy {
  /** The centre's fee and subsidy on each fill, posted with its charge; none: the library pays the price and no more. */
  settlement?: SettlementTerms;
  /** Named groups of provinces and cities whose libraries count as near each other. */
  proximity?: { groups: Record<string, string[]> };
  /** Turnaround targets in hours per service and urgency. */
  targets: Record<Service, Record<Urgency, number>>;
  weights: {
    cost: number;
    turnaround: number;
    fillRate: number;
    tier: number;
    load: number;
  };
  escalation: {
    /** Requests with fewer usable candidates than this go to search-proxy staff. */
    minCandidates: number;
    /** Longest rota tried before the request is escalated. */
    maxRotaLength: number;
  };
  delivery: {
    copyLinkValidHours: number;
    ebookValidDays: number;
    loanPeriodDays: number;
  };
  lifecycle: {
    expectToSupplyExtensionHours: number;
    willSupplyExtensionHours: number;
    loanReminderDaysBeforeDue: number;
    returnConfirmDays: number;
    taskDueHours: Record<TaskType, number>;
  };
  /** Caps on a reader's open requests: the network's, and libraries' own in its place; absent, none. */
  quotas?: { openRequestsPerReader: number; libraries?: Record<string, number> };
  /** Hours suppliers work unless they say otherwise; without them deadlines count every hour. */
  workingHours?: WorkingHours;
  /** Days no supplier's hours count. */
  closures?: Closure[];
}

/** subjects.yaml: the routing vocabulary and what maps onto it. */
export interface SubjectMapping {
  /** Each term with what it takes in. */
  vocabulary: Record<string, string>;
  /** Chinese Library Classification prefixes to terms. */
  classes?: Record<string, string>;
  /** Terms to the words, Chinese or English, that stand for them. */
  words?: Record<string, string[]>;
  /** ISSNs to the term of the journal. */
  journals?: Record<string, string>;
}

export interface NetworkConfig {
  /** `sha256:` of the normalised content: every decision records the version that made it. */
  version: string;
  suppliers: Supplier[];
  libraries: Library[];
  rules: Rule[];
  policy: NetworkPolicy;
  /** Sample holdings (ISSN, ISBN, DOI or `title:` a title to its holders) standing in for the union catalogue. */
  holdings: Record<string, HoldingEntry[]>;
  /** Resources each library licenses: a request its own library licenses is served locally. */
  licences: Licence[];
  /** Absent in networks built without subjects.yaml: their requests' subjects are read as written. */
  subjects?: SubjectMapping;
  /** Where `policy.escalation.maxRotaLength` is written, for the explanation of the rota's cut; not part of the version. */
  rotaLengthSource?: SourceRef;
}

/** A configuration mistake, located in the file an administrator edits. */
export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
}
