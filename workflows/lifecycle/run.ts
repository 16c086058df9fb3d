// One run of a request's workflow: its state and how it changes, the audit trail that follows it,
// waiting that a cancellation or the centre's close interrupts, and what the reader and the supplier are told.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { condition, patched, proxyActivities, proxyLocalActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Holding } from '../../domain/holdings';
import type { Charge } from '../../domain/ledger';
import type { ReaderNoticeKind } from '../../domain/notices';
import type { SupplierAction } from '../../domain/orders';
import type { Money } from '../../domain/request';
import { CANCELLABLE_STATUSES, FINAL_STATUSES, type AuditFacts, type RequestState, type RequestStatus } from '../../domain/request-state';
import { standingOf } from '../../domain/standing';
import type { SupplierMessage } from '../../domain/supplier-messages';
import type { TransitionRecord } from '../../domain/transitions';
import type { LifecycleActivities, SendClock } from '../activities';
import type { ActorInput, CancelInput, CloseInput, CostApprovalInput, LifecycleInput, LifecycleTimings, LoanConditionAnswer, RenewAnswerInput, ReviewInput, SearchProxyAnswer } from '../definitions';
import { REQUEST_STATUS } from '../search-attributes';

// Each of these is a short write to the engine's own database.
const activities = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// A supplier whose system keeps failing is passed over rather than waited on for ever; a send that
// a dead worker left unfinished is retried soon, under the same key, so it makes no second order.
export const { sendToSupplier } = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

// Run by the worker inside the workflow task that asks for them, with no task of their own: the
// audit-trail entries that no other activity carries, and (see IN_THE_TASK) routing and a fill's
// record. Each writes by keys, so a retry, or a second run after a worker died before the task
// completed, finds its writes made and makes none twice.
const local = proxyLocalActivities<LifecycleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const { recordTransitions } = local;

/**
 * Requests started before this marker wrote every transition with an activity of its own, looked up
 * holdings in an activity of their own, set each search attribute as it changed, and posted a charge
 * the moment a supplier filled; their histories must replay as they ran.
 */
const TRANSITIONS_TRAVEL = 'transitions-travel-with-activities';

/**
 * Requests started before this marker routed, and recorded a fill, in activities of their own, each
 * a round trip through the server's task queue and a workflow task more; since, both run in the
 * workflow task that reaches them (local activities): neither waits on anyone outside the engine,
 * and both write by keys. A wait whose answer is already in (a supplier that answered while its
 * order was being sent) no longer sets the search attributes or writes the audit trail first: the
 * request does not wait there, and the next wait or activity takes them. Every behaviour patched in
 * before this marker goes with it, so a request that has it asks for no other marker.
 */
const IN_THE_TASK = 'routing-and-fills-in-the-workflow-task';

/** Thrown out of any wait once a cancellation has been accepted; the request then ends cancelled. */
export class CancelRequested extends Error {}

/** Thrown out of any wait, in any status, once the centre's close has been accepted. */
export class CloseRequested extends Error {}

/** Answers people have given that the workflow has not acted on yet. */
export type Answers = {
  review?: ReviewInput;
  approveCost?: CostApprovalInput;
  loanCondition?: LoanConditionAnswer;
  searchProxy?: SearchProxyAnswer;
  receive?: ActorInput;
  renewAnswer?: RenewAnswerInput;
  return?: ActorInput;
  renew?: ActorInput;
};

export type TransitionDetail = AuditFacts;

export class RequestRun {
  readonly state: RequestState;
  readonly request: LifecycleInput['request'];
  readonly timings: LifecycleTimings;
  readonly workflowId = workflowInfo().workflowId;
  /** Supplier messages accepted and not yet acted on, oldest first. */
  readonly inbox: SupplierMessage[] = [];
  readonly answers: Answers = {};
  pendingCancel?: CancelInput;
  /**
   * The centre's close, accepted and not yet acted on. Every wait below also ends when it is set;
   * that is safe for requests already running: none of their histories holds a close, so for them
   * the added term of each wait's condition is always false and they wait and wake as they did.
   */
  pendingClose?: CloseInput;
  /** The close is being carried out: its caller is answered once the supplier, the ledger and the reader have been seen to. */
  closing = false;
  /** A librarian's note on its way to the supplier: the next waits for it. */
  sendingNote = false;
  /** From routing: what the library lets a request cost unasked, and each rota supplier's estimate. */
  costLimit?: Money;
  estimatedCosts: Record<string, Money> = {};
  /** A price the library accepted from the supplier of the current try. */
  acceptedCost?: Money;
  /** Who holds the item, with their records of it: an order to a holder names its record. */
  holdings: Holding[] = [];
  /** Estimates librarians approved before sending, by supplier. */
  readonly approvedCosts: Record<string, Money> = {};
  /** The charge of a fill, posted with the reader's notice of it. */
  pendingCharge?: Charge;
  readonly legacy: boolean;
  /** Routing and the fill's record run in the workflow task (IN_THE_TASK). */
  readonly inTheTask: boolean;
  private unwritten: TransitionRecord[] = [];
  /** Search attributes changed since the run last waited, set together when it next waits. */
  private readonly unsetAttributes = new Map<string, SearchAttributeUpdatePair>();

  constructor(input: LifecycleInput) {
    this.request = input.request;
    this.timings = input.timings;
    this.state = input.resume ?? {
      requestId: input.request.id,
      status: 'submitted',
      request: input.request,
      rota: [],
      attempts: 0,
      tried: [],
      tasks: [],
      charges: [],
      history: [],
    };
    this.inTheTask = patched(IN_THE_TASK);
    this.legacy = !this.inTheTask && !patched(TRANSITIONS_TRAVEL);
  }

  /** Whether the request runs with what the patch `id` brought: every one before IN_THE_TASK comes with it. */
  since(id: string): boolean {
    return this.inTheTask || patched(id);
  }

  now = (): number => Date.now();
  iso = (ms: number): string => new Date(ms).toISOString();
  final = (): boolean => FINAL_STATUSES.includes(this.state.status);

  /** Moves the request to `status` (or notes an event in it); the entry reaches the store with the next activity. */
  async record(status: RequestStatus, detail: TransitionDetail = {}): Promise<void> {
    const { state } = this;
    const at = this.iso(this.now());
    const changed = status !== state.status;
    state.status = status;
    state.history.push({ status, at, ...detail });
    if (changed) this.setAttribute({ key: REQUEST_STATUS, value: status });
    const record = { key: `${this.workflowId}:${state.history.length}`, requestId: state.requestId, status, at, detail };
    if (this.legacy) await activities.recordTransition(record);
    else this.unwritten.push(record);
  }

  /**
   * Search attributes tell librarians where a request waits, so they are set once when it starts
   * waiting, in one command, rather than at every passing status.
   */
  setAttribute(pair: SearchAttributeUpdatePair): void {
    if (this.legacy) upsertSearchAttributes([pair]);
    else this.unsetAttributes.set(pair.key.name, pair);
  }

  /**
   * The entries not yet written, handed to the activity that goes with them, the last with where
   * the request stands now, for the request index. It changes only what activities are given, not
   * which commands the workflow sends, so histories recorded before it replay as they ran.
   */
  private take(): TransitionRecord[] {
    const taken = this.unwritten;
    this.unwritten = [];
    const last = taken.length - 1;
    if (last >= 0) taken[last] = { ...taken[last]!, standing: standingOf(this.state) };
    return taken;
  }

  /** Writes what no activity carried, before the run waits or ends, so the audit trail is never behind for long. */
  async flush(): Promise<void> {
    if (this.unsetAttributes.size > 0) {
      upsertSearchAttributes([...this.unsetAttributes.values()]);
      this.unsetAttributes.clear();
    }
    if (this.unwritten.length > 0) await recordTransitions(this.take());
  }

  checkpoint(): void {
    if (this.pendingClose) throw new CloseRequested();
    if (this.pendingCancel && CANCELLABLE_STATUSES.includes(this.state.status)) throw new CancelRequested();
  }

  /** Waits for `ready`, a cancellation or a close, at most `ms` (none: no limit); true when `ready` came. */
  async wait(ready: () => boolean, ms?: number): Promise<boolean> {
    if (this.inTheTask && ready() && !this.pendingCancel && !this.pendingClose) {
      this.checkpoint();
      return true;
    }
    await this.flush();
    const interrupted = () => this.pendingClose !== undefined || (this.pendingCancel !== undefined && CANCELLABLE_STATUSES.includes(this.state.status));
    const met = ms === undefined ? (await condition(() => ready() || interrupted()), true) : await condition(() => ready() || interrupted(), Math.max(ms, 1));
    this.checkpoint();
    return met;
  }

  /**
   * Sleeps until `at` unless the centre closes the request first. A condition with a timeout starts
   * the same one timer a sleep did; for a run that is never closed the timer fires and nothing else
   * happens, so older histories replay unchanged.
   */
  async sleepUntil(at: number): Promise<void> {
    await this.flush();
    await condition(() => this.pendingClose !== undefined, Math.max(at - this.now(), 1));
    if (this.pendingClose) throw new CloseRequested();
  }

  checkAvailability() {
    return activities.checkAvailability(this.request, this.take());
  }

  /** Routes the request; without holdings, the activity looks them up first and returns them. */
  routeRequest(holdings?: string[]) {
    return (this.inTheTask ? local : activities).routeRequest({ request: this.request, ...(holdings ? { holdings } : {}) }, this.take());
  }

  sendToSupplier(supplierId: string, attempt: number, clock?: SendClock) {
    const order = {
      key: `${this.workflowId}:send:${attempt}`,
      requestId: this.state.requestId,
      supplierId,
      request: this.request,
      costLimits: { autoApproveLimit: this.costLimit, maxCost: this.request.maxCost },
      approvedCost: this.approvedCosts[supplierId],
      holding: this.holdings.find((holding) => holding.libraryId === supplierId),
    };
    return clock ? sendToSupplier(order, this.take(), clock) : sendToSupplier(order, this.take());
  }

  private readerNotice(kind: ReaderNoticeKind, detail: Record<string, unknown>) {
    const { requester } = this.request;
    return {
      key: `${this.workflowId}:reader:${this.state.history.length}:${kind}`,
      requestId: this.state.requestId,
      patronId: requester.patronId,
      libraryId: requester.libraryId,
      kind,
      detail,
    };
  }

  notifyReader(kind: ReaderNoticeKind, detail: Record<string, unknown> = {}): Promise<void> {
    return activities.notifyReader(this.readerNotice(kind, detail), this.take());
  }

  notifySupplier(supplierId: string, action: SupplierAction, detail: Record<string, unknown> = {}, via: Pick<LifecycleActivities, 'notifySupplier'> = activities): Promise<void> {
    const notice = { key: `${this.workflowId}:notice:${this.state.history.length}:${action}`, requestId: this.state.requestId, supplierId, action, detail };
    return via.notifySupplier(notice, this.take());
  }

  /** Reverses the request's unsettled charges in the ledger (a close): each posting once, however often this is retried. */
  reverseCharges(): Promise<{ reversed: number; settled: number }> {
    return activities.reversePostings(this.state.requestId, this.take());
  }

  /** Charges a fill, keyed by its try so that a retry never charges twice: at once for older runs, else with the fill's notice. */
  async charge(supplierId: string, attempt: number, named: Money | undefined): Promise<void> {
    const price = named ?? this.acceptedCost ?? this.estimatedCosts[supplierId];
    if (!price || price.amount <= 0) return;
    const key = `${this.workflowId}:charge:${attempt}`;
    const charge = { key, requestId: this.state.requestId, libraryId: this.request.requester.libraryId, supplierId, amount: price.amount, currency: price.currency };
    if (this.legacy) {
      await activities.postCharge(charge);
      this.state.charges.push({ key, supplierId, amount: price.amount, currency: price.currency });
    } else {
      this.pendingCharge = charge;
    }
  }

  /** The reader hears of a fill (a copy delivered, a loan shipped), and its charge is posted with it. */
  async fill(kind: 'delivered' | 'shipped', detail: Record<string, unknown>): Promise<void> {
    if (this.legacy) return this.notifyReader(kind, detail);
    const charge = this.pendingCharge;
    this.pendingCharge = undefined;
    if (charge) this.state.charges.push({ key: charge.key, supplierId: charge.supplierId, amount: charge.amount, currency: charge.currency });
    await (this.inTheTask ? local : activities).recordFill({ charge, notice: this.readerNotice(kind, detail) }, this.take());
  }

  async finish(status: 'completed' | 'unfilled' | 'rejected' | 'cancelled', detail: TransitionDetail = {}): Promise<'end'> {
    const { state } = this;
    state.tasks = [];
    state.supplier = undefined;
    if (status !== 'completed') state.reason = detail.note;
    await this.record(status, detail);
    if (status === 'unfilled' || status === 'cancelled') await this.notifyReader(status, { reason: detail.note });
    await this.flush();
    return 'end';
  }
}
