import type { IllRequest } from '../../domain/request';
import type { Account, Charge, Posting } from '../../domain/ledger';
import type { ReaderNotice } from '../../domain/notices';
import type { OutboxEntry } from '../../domain/orders';
import type { TransitionRecord } from '../../domain/transitions';
import type { LenderMessage, LendingRequest, LendingStatus } from '../../domain/lending';
import type { EndedOrder, EndedTask, OpenedTask, SentOrder } from '../../rules/knowledge';
import type { StandingTask } from '../../domain/standing';
import type { SupplyStage } from '../../domain/request-state';

export interface StoredRequest {
  request: IllRequest;
  workflowId: string;
  createdAt: string;
}


export interface StoredLending {
  lending: LendingRequest;
  status: LendingStatus;
  workflowId: string;
  /** Its place among the lender's lending requests: later ones have higher numbers. */
  seq: number;
  updatedAt: string;
}

/** Lending requests from outside systems to the network's service libraries. */
export interface LendingStore {
  /** Saves a new lending request; false when the borrower's request is known already (nothing is changed). */
  insertLending(lending: LendingRequest, workflowId: string): Promise<boolean>;
  getLending(id: string): Promise<StoredLending | undefined>;
  /** A lender's lending requests, newest first, optionally of some statuses; `before` continues from a `seq`. */
  listLending(lenderId: string, page: { limit: number; before?: number; statuses?: LendingStatus[] }): Promise<StoredLending[]>;
  /** Sets the lending request's status and appends its audit-trail entries (each once, by its key). */
  recordLending(lendingId: string, status: LendingStatus, events: TransitionRecord[]): Promise<void>;
  listLendingEvents(lendingId: string): Promise<TransitionRecord[]>;
  /** Keeps a message for the borrower; false when it was kept before. */
  keepBorrowerMessage(message: LenderMessage): Promise<boolean>;
  isToldBorrower(key: string): Promise<boolean>;
  markToldBorrower(key: string): Promise<void>;
}

/**
 * Judges a new request against its reader's open requests, read under a lock held for that reader
 * until the request is saved, so two submissions at once are judged one after the other; it
 * refuses by throwing, and nothing is saved. A request whose id is saved already is not judged again.
 */
export type Admission = (open: StoredRequest[]) => void;

/** What the engine keeps outside Temporal: requests as submitted, and their audit trail. */
export interface RequestStore extends LendingStore {
  /** Saves a new request; false when one with this id exists already (nothing is changed). */
  insertRequest(request: IllRequest, workflowId: string, admit?: Admission): Promise<boolean>;
  getRequest(id: string): Promise<StoredRequest | undefined>;
  /** Appends to the audit trail, in one write; returns how many were new (each is recorded once, by its key). */
  appendEvents(events: TransitionRecord[]): Promise<number>;
  listEvents(requestId: string): Promise<TransitionRecord[]>;
  /**
   * A reader's requests not in a final status by their audit trail's latest entry (one with no
   * entry yet is open), oldest first: what a new request of theirs is checked against.
   */
  openRequestsOf(libraryId: string, patronId: string): Promise<StoredRequest[]>;

  /**
   * Puts an order or notice for a supplier in the outbox, with the audit-trail entries that go with
   * it, all or none in one write; false when the entry is there already.
   */
  enqueueForSupplier(entry: OutboxEntry, events?: TransitionRecord[]): Promise<boolean>;
  /** Whether the adapter confirmed handing this outbox entry over. */
  isSent(key: string): Promise<boolean>;
  markSent(key: string): Promise<void>;
  /** A supplier's orders and notices, newest first; `before` continues from an entry's `seq`. */
  listOutbox(supplierId: string, limit: number, before?: number): Promise<OutboxEntry[]>;

  /** Posts a charge for settlement, with its ledger postings, in one write; false (and nothing posted) when its key was posted before. */
  postCharge(charge: Charge, postings?: Posting[]): Promise<boolean>;
  /** A fill's audit-trail entries, charge, its ledger postings and reader's notice, all or none in one write, each once by its key. */
  recordFill(fill: { charge?: Charge; postings?: Posting[]; notice: ReaderNotice }, events?: TransitionRecord[]): Promise<void>;
  listCharges(requestId: string): Promise<Charge[]>;
  /**
   * Reverses every posting of the request not yet settled (of a month not closed) nor reversed, each
   * by a posting of its own dated `at` (keyed `<posting key>:reversed`, so a retry reverses nothing
   * twice); says how many of its postings stand reversed, by this call or an earlier one, and how
   * many were left as settled.
   */
  reverseRequestPostings(requestId: string, at: string): Promise<{ reversed: number; settled: number }>;
  /** Closes a month's statements: its postings are settled. False when it was closed already (nothing changes). */
  closeMonth(month: string, by: string): Promise<boolean>;
  /** When and by whom a month's statements were closed, if they were. */
  monthClosed(month: string): Promise<{ at: string; by: string } | undefined>;
  /** A request's postings, reversals included, in the order they were posted. */
  listPostings(requestId: string): Promise<Posting[]>;
  /** One account's postings of a month (`YYYY-MM`, China time), with its balances before and after, per currency. */
  statement(account: Account, month: string): Promise<Statement>;
  /** Every posting of a month, summed per currency: each sum is zero when the books balance. */
  monthTotals(month: string): Promise<CurrencyTotals[]>;

  addReaderNotice(notice: ReaderNotice): Promise<boolean>;
  /** Copies of one journal title a library received this calendar year: the copyright cap counts them. */
  countTitleCopies(libraryId: string, title: { issn?: string; journalTitle?: string }, year: number): Promise<number>;
  /** Orders each supplier was sent since `since`, to weigh load against capacity. */
  ordersSince(since: Date): Promise<Record<string, number>>;
  /**
   * How the latest `latest` orders sent to each supplier since `since` ended, in the order they
   * ended, then those still with their supplier (no end): the dispatch knowledge base learns from
   * them (`learnFrom` in rules/knowledge.ts). Tries that ended without the supplier's answer (the
   * request cancelled, a price or condition refused) are not among them.
   */
  supplierOutcomes(since: Date, latest: number): Promise<OrderOutcome[]>;
  /**
   * How the latest `latest` staff tasks of each kind opened since `since` ended (reviews, cost
   * approvals, search-proxy), in the order they ended: the delivery prediction waits for staff as
   * long as they take (`learnFrom` in rules/knowledge.ts); then those still open (no end). Those the
   * request's cancellation ended are not among them.
   */
  staffTasks(since: Date, latest: number): Promise<TaskOutcome[]>;
  /** When the latest order to this supplier for the request was handed over (queued, if the adapter never confirmed it). */
  orderSentAt(requestId: string, supplierId: string): Promise<string | undefined>;
  ping(): Promise<void>;

  /** Requests from the request index, as `search` filters and sorts them, a page at a time. */
  searchRequests(search: RequestSearch): Promise<Page<IndexedRequest>>;
  /** What waits for `owner` (a role at a library), overdue first then by due time, with how many of each kind. */
  inbox(owner: InboxOwner, page: InboxPage): Promise<Page<InboxItem> & { counts: Record<string, number> }>;
  /** Open tasks of each kind across the network, and requests of each status. */
  openWork(): Promise<{ tasks: Record<string, number>; requests: Record<string, number> }>;
}

/** A page of a list; `next`, when there may be more, is the opaque cursor that continues it. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** A cursor this store did not hand out, or one for another order. */
export class InvalidCursor extends Error {}

export type RequestSort = 'submitted' | 'updated' | 'deadline';

export interface RequestSearch {
  statuses?: string[];
  libraryId?: string;
  /** The supplier the request is with now. */
  supplierId?: string;
  patronId?: string;
  urgencies?: string[];
  services?: string[];
  /** Submitted at or after `submittedFrom`, before `submittedTo` (RFC 3339 instants). */
  submittedFrom?: string;
  submittedTo?: string;
  /** Words found in the citation's title, journal, authors, ISSN, ISBN or DOI, whatever their case or script. */
  text?: string;
  /** Requests this supplier is or was asked to supply. */
  askedOf?: string;
  /** Open requests whose earliest deadline passed before this instant. */
  stalledBefore?: string;
  /** Requests with no deadline come last by `deadline`, ascending. */
  sort: RequestSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/** A request as the request index keeps it. */
export interface IndexedRequest {
  id: string;
  libraryId: string;
  patronId: string;
  service: string;
  urgency: string;
  status: string;
  title?: string;
  supplierId?: string;
  supplierDeadline?: string;
  /** Every supplier asked so far. */
  suppliers: string[];
  tasks: StandingTask[];
  /** The earliest time anyone must act by. */
  actBy?: string;
  submittedAt: string;
  updatedAt: string;
}

export interface InboxOwner {
  role: string;
  libraryId: string;
}

export interface InboxPage {
  /** Only items of these kinds: task types, `supply` (a request with the owner's library as supplier) or `lendingAnswer`. */
  kinds?: string[];
  limit: number;
  cursor?: string;
  now: Date;
}

export interface InboxItem {
  /** Unique in the inbox: the request's and the task's ids. */
  key: string;
  kind: string;
  taskId: string;
  requestId?: string;
  lendingId?: string;
  title?: string;
  openedAt: string;
  dueAt?: string;
  overdue: boolean;
  escalated: boolean;
  /** The service asked for: a supplier answers a loan otherwise than a copy. */
  service?: string;
  /** Of a request waiting at a supplier: where it stands for that supplier. */
  stage?: SupplyStage;
}

/** An account's money in one currency over a statement's month, in hundredths (positive: owed to the settlement). */
export interface StatementBalance {
  currency: string;
  openingMinor: number;
  debitsMinor: number;
  creditsMinor: number;
  closingMinor: number;
}

export interface Statement {
  account: Account;
  month: string;
  balances: StatementBalance[];
  postings: Posting[];
}

export interface CurrencyTotals {
  currency: string;
  debitsMinor: number;
  /** Negative, as posted. */
  creditsMinor: number;
  /** Debits and credits together: zero when the month balances. */
  sumMinor: number;
  postings: number;
}

/**
 * How one order ended: `filled` (the request delivered or shipped by the supplier), `unfilled` (it
 * answered Unfilled, or could not take the order: a RetryPossible without terms, a send it refused)
 * or `expired` (its try's deadline passed); with neither, it is still with its supplier.
 */
export type OrderOutcome = (EndedOrder | SentOrder) & { requestId: string };

/** How one staff task ended: answered (a review, a cost approval), or, for search-proxy, the request delivered (`filled`) or not; with no end, still open. */
export type TaskOutcome = (EndedTask | OpenedTask) & { requestId: string };
