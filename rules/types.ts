// The network configuration administrators write. Types only: every layer may import this file.
import type { Money, Service, Urgency } from '../domain/request';
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
  role: LibraryRole;
  policy: LibraryPolicy;
  /** Where the library takes delivery; suppliers are told with every request. */
  delivery?: DeliveryAddresses;
  source: SourceRef;
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
