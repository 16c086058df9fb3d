import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Money } from '../rules/types';
import type { LifecycleActivities, ReaderNoticeKind, SupplierAction } from './activities';
import {
  approveCostUpdate,
  cancelUpdate,
  CANCELLABLE_STATUSES,
  CENTRE,
  FINAL_STATUSES,
  ON_LOAN_STATUSES,
  receiveUpdate,
  renewAnswerUpdate,
  renewUpdate,
  returnUpdate,
  reviewUpdate,
  searchProxyUpdate,
  statusQuery,
  supplierMessageSignal,
  type Actor,
  type ActorInput,
  type CancelInput,
  type CostApprovalInput,
  type LifecycleInput,
  type RenewAnswerInput,
  type RequestState,
  type RequestStatus,
  type ReviewInput,
  type SearchProxyAnswer,
  type SupplierMessage,
  type Task,
  type TaskType,
  type TryOutcome,
} from './definitions';
import { CURRENT_SUPPLIER, REQUEST_STATUS, RULESET_VERSION } from './search-attributes';

// Each of these is a short write to the engine's own database.
const activities = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// A supplier whose system keeps failing is passed over rather than waited on for ever; a send that
// a dead worker left unfinished is retried soon, under the same key, so it makes no second order.
const { sendToSupplier } = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Thrown out of any wait once a cancellation has been accepted; the request then ends cancelled. */
class CancelRequested extends Error {}

type Answers = {
  review?: ReviewInput;
  approveCost?: CostApprovalInput;
  searchProxy?: SearchProxyAnswer;
  receive?: ActorInput;
  renewAnswer?: RenewAnswerInput;
  return?: ActorInput;
  renew?: ActorInput;
};

function requireText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${what} is required`);
}

function requireActor(actor: Actor | undefined): void {
  if (!actor || typeof actor !== 'object') throw new Error('the acting account (actor) is required');
  requireText(actor.subject, 'actor.subject');
  requireText(actor.role, 'actor.role');
  requireText(actor.libraryId, 'actor.libraryId');
}

/** One request, from submission to a final state. */
export async function requestLifecycle(input: LifecycleInput): Promise<RequestState> {
  const { request, timings } = input;
  const workflowId = workflowInfo().workflowId;
  const state: RequestState = input.resume ?? {
    requestId: request.id,
    status: 'submitted',
    request,
    rota: [],
    attempts: 0,
    tried: [],
    tasks: [],
    charges: [],
    history: [],
  };
  const inbox: SupplierMessage[] = [];
  const answers: Answers = {};
  let costLimit: Money | undefined;
  let estimatedCosts: Record<string, Money> = {};
  let acceptedCost: Money | undefined;
  let pendingCancel: CancelInput | undefined;

  const now = () => Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const final = () => FINAL_STATUSES.includes(state.status);

  async function record(status: RequestStatus, detail: { by?: string; note?: string; supplierId?: string } = {}) {
    const at = iso(now());
    const changed = status !== state.status;
    state.status = status;
    state.history.push({ status, at, ...detail });
    if (changed) upsertSearchAttributes([{ key: REQUEST_STATUS, value: status }]);
    await activities.recordTransition({
      key: `${workflowId}:${state.history.length}`,
      requestId: state.requestId,
      status,
      at,
      detail,
    });
  }

  function checkpoint() {
    if (pendingCancel && CANCELLABLE_STATUSES.includes(state.status)) throw new CancelRequested();
  }

  /** Waits for `ready` or a cancellation, at most `ms` (none: no limit). */
  async function wait(ready: () => boolean, ms?: number): Promise<boolean> {
    const cancellable = () => pendingCancel !== undefined && CANCELLABLE_STATUSES.includes(state.status);
    const met = ms === undefined ? (await condition(() => ready() || cancellable()), true) : await condition(() => ready() || cancellable(), Math.max(ms, 1));
    checkpoint();
    return met;
  }

  const notifyReader = (kind: ReaderNoticeKind, detail: Record<string, unknown> = {}) =>
    activities.notifyReader({
      key: `${workflowId}:reader:${state.history.length}:${kind}`,
      requestId: state.requestId,
      patronId: request.requester.patronId,
      libraryId: request.requester.libraryId,
      kind,
      detail,
    });

  const notifySupplier = (supplierId: string, action: SupplierAction, detail: Record<string, unknown> = {}) =>
    activities.notifySupplier({
      key: `${workflowId}:notice:${state.history.length}:${action}`,
      requestId: state.requestId,
      supplierId,
      action,
      detail,
    });

  // ---- human tasks ----

  function openTask(type: TaskType, assignee: Task['assignee'], detail: Record<string, unknown> = {}): Task {
    const task: Task = {
      id: `${type}-${state.history.length}`,
      type,
      assignee: { ...assignee },
      openedAt: iso(now()),
      dueAt: iso(now() + timings.taskDueHours[type] * HOUR),
      escalated: false,
      detail,
    };
    state.tasks.push(task);
    return task;
  }

  function openTaskOf(type: TaskType): Task {
    const task = state.tasks.find((t) => t.type === type);
    if (!task) throw new Error(`request ${state.requestId} has no open ${type} task (it is ${state.status})`);
    return task;
  }

  function assertAssignee(task: Task, actor: Actor) {
    if (actor.role === CENTRE.role) return;
    if (actor.role !== task.assignee.role || actor.libraryId !== task.assignee.libraryId) {
      throw new Error(`the ${task.type} task is assigned to a ${task.assignee.role} of ${task.assignee.libraryId}`);
    }
  }

  /** Waits for a task's answer; an overdue task moves once to the centre's queue. */
  async function answered<K extends keyof Answers>(task: Task, key: K): Promise<NonNullable<Answers[K]>> {
    const ready = () => answers[key] !== undefined;
    if (!task.escalated && !(await wait(ready, Date.parse(task.dueAt) - now()))) {
      task.escalated = true;
      task.assignee = { ...CENTRE };
      await record(state.status, { note: `${task.type} task overdue; escalated to the centre's queue` });
      await wait(ready);
    }
    const answer = answers[key]!;
    answers[key] = undefined;
    state.tasks = state.tasks.filter((t) => t !== task);
    return answer;
  }

  // ---- handlers ----

  setHandler(statusQuery, () => state);

  setHandler(supplierMessageSignal, (message: SupplierMessage) => {
    const current = state.supplier?.id ?? state.loan?.supplierId ?? state.delivery?.supplierId;
    if (final() || message.supplierId !== current) {
      log.warn('supplier message ignored', { supplierId: message.supplierId, status: message.status, requestStatus: state.status });
      return;
    }
    inbox.push(message);
  });

  /** Hands an accepted answer to the workflow and answers the caller once it has been acted on. */
  async function applied<K extends keyof Answers>(key: K, answer: Answers[K]): Promise<RequestState> {
    const before = state.history.length;
    answers[key] = answer;
    await condition(() => state.history.length > before && answers[key] === undefined);
    return state;
  }

  /** Registers a task answer: checked at once by the validator, applied by the workflow, answered with the new state. */
  function taskUpdate<K extends keyof Answers, A extends NonNullable<Answers[K]> & { actor: Actor }>(
    update: UpdateDefinition<RequestState, [A]>,
    key: K,
    type: TaskType,
    check: (answer: A) => void = () => undefined,
  ) {
    setHandler(
      update,
      (answer: A) => applied(key, answer as Answers[K]),
      {
        validator: (answer: A) => {
          requireActor(answer?.actor);
          const task = openTaskOf(type);
          if (answers[key] !== undefined) throw new Error(`the ${type} task has already been answered`);
          assertAssignee(task, answer.actor);
          check(answer);
        },
      },
    );
  }

  taskUpdate(reviewUpdate, 'review', 'review', (answer) => {
    if (!['approve', 'reject', 'changeRota'].includes(answer.decision)) throw new Error('decision must be approve, reject or changeRota');
    if (answer.decision === 'reject') requireText(answer.reason, 'a reason for rejecting');
    if (answer.decision === 'changeRota') {
      if (!Array.isArray(answer.rota) || answer.rota.length === 0) throw new Error('changeRota needs a non-empty rota');
      const offered = new Set(state.decision?.rota.map((entry) => entry.supplierId));
      const unknown = answer.rota.filter((id) => !offered.has(id));
      if (unknown.length > 0) throw new Error(`not in the rota: ${unknown.join(', ')}`);
      if (new Set(answer.rota).size !== answer.rota.length) throw new Error('the rota names a supplier twice');
    }
  });
  taskUpdate(approveCostUpdate, 'approveCost', 'approveCost', (answer) => {
    if (typeof answer.approve !== 'boolean') throw new Error('approve must be true or false');
  });
  taskUpdate(searchProxyUpdate, 'searchProxy', 'searchProxy', (answer) => {
    if (answer.outcome === 'found') requireText(answer.supplierId, 'the supplier where the item was found (supplierId)');
    else if (answer.outcome === 'supplied') {
      if (request.service !== 'loan') requireText(answer.deliveryUrl, 'the delivery link (deliveryUrl)');
    } else if (answer.outcome === 'unfillable') requireText(answer.reason, 'a reason the item cannot be supplied');
    else throw new Error('outcome must be found, supplied or unfillable');
  });
  taskUpdate(receiveUpdate, 'receive', 'receive');
  taskUpdate(renewAnswerUpdate, 'renewAnswer', 'renewAnswer', (answer) => {
    if (typeof answer.approve !== 'boolean') throw new Error('approve must be true or false');
    if (answer.approve) {
      const due = Date.parse(answer.dueDate ?? '');
      if (Number.isNaN(due)) throw new Error('an approved renewal needs the new due date (dueDate)');
      if (state.loan && due <= Date.parse(state.loan.dueDate)) throw new Error(`the new due date must be after ${state.loan.dueDate}`);
    }
  });

  /** Updates the requesting library sends about a loan it holds; no task stands behind them. */
  function loanUpdate(update: typeof returnUpdate, key: 'return' | 'renew', check: () => void = () => undefined) {
    setHandler(
      update,
      (answer: ActorInput) => applied(key, answer),
      {
        validator: (answer: ActorInput) => {
          requireActor(answer?.actor);
          if (!ON_LOAN_STATUSES.includes(state.status)) throw new Error(`request ${state.requestId} is ${state.status}, not on loan`);
          if (answers[key] !== undefined) throw new Error(`a ${key} is already being handled`);
          const { libraryId } = request.requester;
          if (answer.actor.role !== CENTRE.role && answer.actor.libraryId !== libraryId) {
            throw new Error(`only ${libraryId}, which borrowed the item, can ${key} it`);
          }
          check();
        },
      },
    );
  }
  loanUpdate(returnUpdate, 'return');
  loanUpdate(renewUpdate, 'renew', () => {
    if (state.loan?.renewalPending) throw new Error('a renewal is already waiting for the supplier');
  });

  setHandler(
    cancelUpdate,
    async (input: CancelInput) => {
      pendingCancel = input;
      await condition(() => state.status === 'cancelled');
      return state;
    },
    {
      validator: (input: CancelInput) => {
        requireActor(input?.actor);
        requireText(input.reason, 'a reason for cancelling');
        if (!CANCELLABLE_STATUSES.includes(state.status)) throw new Error(`request ${state.requestId} is ${state.status} and can no longer be cancelled`);
        if (pendingCancel) throw new Error(`request ${state.requestId} is already being cancelled`);
      },
    },
  );

  // ---- phases ----

  async function finish(status: 'completed' | 'unfilled' | 'rejected' | 'cancelled', detail: { by?: string; note?: string; supplierId?: string } = {}) {
    state.tasks = [];
    state.supplier = undefined;
    if (status !== 'completed') state.reason = detail.note;
    await record(status, detail);
    if (status === 'unfilled' || status === 'cancelled') await notifyReader(status, { reason: detail.note });
    return 'end' as const;
  }

  async function begin(): Promise<Phase> {
    await record('submitted', { by: request.requester.patronId });
    await record('checking');
    const availability = await activities.checkAvailability(request);
    checkpoint();
    await record('routing');
    const routing = await activities.routeRequest({ request, holdings: availability.holdings });
    checkpoint();
    state.decision = routing.decision;
    state.rulesetVersion = routing.decision.rulesetVersion;
    costLimit = routing.autoApproveLimit;
    estimatedCosts = routing.estimatedCosts;
    state.rota = routing.decision.rota.map((entry) => entry.supplierId);
    upsertSearchAttributes([{ key: RULESET_VERSION, value: routing.decision.rulesetVersion }]);
    await record('routing', { note: `${routing.decision.outcome} under configuration ${routing.decision.rulesetVersion}` });
    const reason = routing.decision.tasks.map((task) => task.reason).join('; ') || undefined;
    switch (routing.decision.outcome) {
      case 'reject':
        return finish('rejected', { note: reason ?? 'refused by the routing rules' });
      case 'local':
        return finish('completed', { note: 'held by the requesting library; served locally' });
      case 'review':
        return 'review';
      case 'escalate':
        return 'searchProxy';
      case 'route':
        return routing.decision.tasks.some((task) => task.type === 'approveCost') ? 'approveRoute' : 'source';
    }
  }

  /** Routing found the best supplier dearer than the library lets a request cost unasked. */
  async function approveRoute(): Promise<Phase> {
    const supplierId = state.rota[0]!;
    const cost = estimatedCosts[supplierId] ?? { amount: 0, currency: costLimit?.currency ?? 'CNY' };
    if (await approveCost(supplierId, cost, 'routing')) return 'source';
    return finish('rejected', { note: `estimated cost ${cost.amount} ${cost.currency} not approved` });
  }

  async function review(): Promise<Phase> {
    // The task opens before the status changes, so whoever sees the new status can answer it.
    const task = openTask('review', { role: 'librarian', libraryId: request.requester.libraryId }, { reasons: state.decision?.tasks ?? [] });
    await record('awaiting-review');
    const answer = await answered(task, 'review');
    if (answer.decision === 'reject') return finish('rejected', { by: answer.actor.subject, note: answer.reason });
    if (answer.decision === 'changeRota') state.rota = [...answer.rota!];
    await record('routing', { by: answer.actor.subject, note: `review: ${answer.decision}; rota ${state.rota.join(', ') || '(empty)'}` });
    return state.rota.length > 0 ? 'source' : 'searchProxy';
  }

  function withinLimit(cost: Money): boolean {
    const limits = [costLimit, request.maxCost].filter((limit): limit is Money => limit !== undefined);
    return limits.every((limit) => limit.currency === cost.currency && cost.amount <= limit.amount);
  }

  async function approveCost(supplierId: string, cost: Money, then: RequestStatus): Promise<boolean> {
    const task = openTask('approveCost', { role: 'librarian', libraryId: request.requester.libraryId }, { supplierId, cost });
    await record('awaiting-cost-approval', { supplierId, note: `${supplierId}: ${cost.amount} ${cost.currency}` });
    const answer = await answered(task, 'approveCost');
    await record(then, { by: answer.actor.subject, supplierId, note: `cost ${answer.approve ? 'approved' : 'refused'}${answer.reason ? `: ${answer.reason}` : ''}` });
    return answer.approve;
  }

  async function charge(supplierId: string, attempt: number, named: Money | undefined) {
    const price = named ?? acceptedCost ?? estimatedCosts[supplierId];
    if (!price || price.amount <= 0) return;
    const key = `${workflowId}:charge:${attempt}`;
    await activities.postCharge({
      key,
      requestId: state.requestId,
      libraryId: request.requester.libraryId,
      supplierId,
      amount: price.amount,
      currency: price.currency,
    });
    state.charges.push({ key, supplierId, amount: price.amount, currency: price.currency });
  }

  function tried(supplierId: string, outcome: TryOutcome, reason?: string): 'next' {
    state.tried.push({ supplierId, outcome, reason, at: iso(now()) });
    state.supplier = undefined;
    return 'next';
  }

  /** Sends to one supplier and follows its messages until it fills, declines or misses its deadline. */
  async function trySupplier(supplierId: string): Promise<'filled' | 'next'> {
    const attempt = ++state.attempts;
    const window = (state.decision?.deadlineHours ?? 24) * HOUR;
    let deadline = now() + window;
    acceptedCost = undefined;
    // A supplier may answer twice (a retried send after a crash is answered again); what is left
    // of an earlier try must not be read as this supplier's answer.
    inbox.length = 0;
    state.supplier = { id: supplierId, attempt, deadline: iso(deadline) };
    upsertSearchAttributes([{ key: CURRENT_SUPPLIER, value: supplierId }]);
    await record('with-supplier', { supplierId, note: `try ${attempt}` });
    try {
      await sendToSupplier({ key: `${workflowId}:send:${attempt}`, requestId: state.requestId, supplierId, request });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      await record('with-supplier', { supplierId, note: `could not send: ${error.cause?.message ?? error.message}` });
      return tried(supplierId, 'send-failed', error.cause?.message);
    }
    checkpoint();
    for (;;) {
      const arrived = await wait(() => inbox.length > 0, deadline - now());
      if (!arrived) {
        await notifySupplier(supplierId, 'cancel', { reason: 'deadline missed' });
        await record('with-supplier', { supplierId, note: `deadline ${iso(deadline)} missed` });
        return tried(supplierId, 'deadline-missed');
      }
      const message = inbox.shift()!;
      state.supplier!.status = message.status;
      const note = message.reason ? `${message.status}: ${message.reason}` : message.status;
      switch (message.status) {
        case 'RequestReceived':
          await record('with-supplier', { supplierId, note });
          break;
        case 'ExpectToSupply':
        case 'WillSupply': {
          const extension = (message.status === 'WillSupply' ? timings.willSupplyExtensionHours : timings.expectToSupplyExtensionHours) * HOUR;
          deadline = Math.max(deadline, now() + extension);
          state.supplier!.deadline = iso(deadline);
          await record('with-supplier', { supplierId, note: `${note}; deadline ${iso(deadline)}` });
          break;
        }
        case 'RetryPossible': {
          if (!message.cost) {
            await record('with-supplier', { supplierId, note });
            return tried(supplierId, 'unfilled', message.reason ?? 'retry possible without a price');
          }
          const approved = withinLimit(message.cost) || (await approveCost(supplierId, message.cost, 'with-supplier'));
          if (!approved) {
            await notifySupplier(supplierId, 'refuseCost', { cost: message.cost });
            return tried(supplierId, 'cost-refused', `${message.cost.amount} ${message.cost.currency}`);
          }
          acceptedCost = message.cost;
          await notifySupplier(supplierId, 'acceptCost', { cost: message.cost });
          deadline = now() + window;
          state.supplier!.deadline = iso(deadline);
          await record('with-supplier', { supplierId, note: `cost ${message.cost.amount} ${message.cost.currency} accepted` });
          break;
        }
        case 'Unfilled':
          await record('with-supplier', { supplierId, note });
          return tried(supplierId, 'unfilled', message.reason);
        case 'CopyCompleted':
          await charge(supplierId, attempt, message.cost);
          state.delivery = {
            kind: request.service === 'ebook' ? 'ebook' : 'copy',
            url: message.deliveryUrl,
            supplierId,
            expiresAt: iso(now() + (request.service === 'ebook' ? timings.ebookValidDays * DAY : timings.copyLinkValidHours * HOUR)),
          };
          state.supplier = undefined;
          return 'filled';
        case 'Loaned':
          await charge(supplierId, attempt, message.cost);
          state.loan = {
            supplierId,
            dueDate: message.dueDate ?? iso(now() + timings.loanPeriodDays * DAY),
            renewals: 0,
            renewalPending: false,
          };
          state.supplier = undefined;
          return 'filled';
        default:
          await record('with-supplier', { supplierId, note: `${note} (not expected now; ignored)` });
      }
    }
  }

  async function source(): Promise<Phase> {
    while (state.rota.length > 0) {
      const supplierId = state.rota.shift()!;
      if ((await trySupplier(supplierId)) === 'filled') return state.loan ? 'shipped' : 'delivered';
    }
    return 'searchProxy';
  }

  async function searchProxy(): Promise<Phase> {
    const task = openTask('searchProxy', { role: 'search-proxy', libraryId: CENTRE.libraryId }, { tried: state.tried });
    await record('with-search-proxy', { note: state.tried.length > 0 ? `rota exhausted after ${state.tried.length} tries` : 'escalated by routing' });
    const answer = await answered(task, 'searchProxy');
    const by = answer.actor.subject;
    switch (answer.outcome) {
      case 'found':
        state.rota = [answer.supplierId!];
        await record('routing', { by, note: `found at ${answer.supplierId}` });
        return 'source';
      case 'supplied':
        if (request.service === 'loan') {
          state.loan = { supplierId: 'search-proxy', dueDate: iso(now() + timings.loanPeriodDays * DAY), renewals: 0, renewalPending: false };
          return 'shipped';
        }
        state.delivery = {
          kind: request.service === 'ebook' ? 'ebook' : 'copy',
          url: answer.deliveryUrl,
          supplierId: 'search-proxy',
          expiresAt: iso(now() + timings.copyLinkValidHours * HOUR),
        };
        return 'delivered';
      default:
        return finish('unfilled', { by, note: answer.reason });
    }
  }

  async function delivered(): Promise<Phase> {
    const delivery = state.delivery!;
    await record('delivered', { supplierId: delivery.supplierId, note: `${delivery.kind} available until ${delivery.expiresAt}` });
    await notifyReader('delivered', { url: delivery.url, expiresAt: delivery.expiresAt });
    await sleep(Math.max(Date.parse(delivery.expiresAt) - now(), 1));
    return finish('completed', { note: `${delivery.kind === 'ebook' ? 'e-book download' : 'copy link'} expired` });
  }

  async function shipped(): Promise<Phase> {
    const loan = state.loan!;
    const task = openTask('receive', { role: 'librarian', libraryId: request.requester.libraryId }, { supplierId: loan.supplierId });
    await record('shipped', { supplierId: loan.supplierId, note: `due ${loan.dueDate}` });
    await notifyReader('shipped', { dueDate: loan.dueDate });
    const answer = await answered(task, 'receive');
    await notifySupplier(loan.supplierId, 'received');
    await record('loaned', { by: answer.actor.subject, supplierId: loan.supplierId, note: `received; due ${loan.dueDate}` });
    return 'onLoan';
  }

  async function renewal(by: string): Promise<void> {
    const loan = state.loan!;
    loan.renewalPending = true;
    const task = openTask('renewAnswer', { role: 'supplier', libraryId: loan.supplierId }, { dueDate: loan.dueDate, requestedBy: by });
    await notifySupplier(loan.supplierId, 'renew', { dueDate: loan.dueDate });
    await record(state.status, { by, note: 'renewal requested' });
    const answer = await answered(task, 'renewAnswer');
    loan.renewalPending = false;
    if (answer.approve) {
      loan.dueDate = answer.dueDate!;
      loan.renewals += 1;
      await record('renewed', { by: answer.actor.subject, supplierId: loan.supplierId, note: `due ${loan.dueDate}` });
    } else {
      await record(state.status, { by: answer.actor.subject, supplierId: loan.supplierId, note: `renewal refused${answer.reason ? `: ${answer.reason}` : ''}` });
    }
  }

  async function returned(by: string): Promise<Phase> {
    const loan = state.loan!;
    await record('returned', { by, supplierId: loan.supplierId });
    await notifySupplier(loan.supplierId, 'returned');
    const confirmed = await wait(() => inbox.some((m) => m.status === 'LoanCompleted'), timings.returnConfirmDays * DAY);
    return finish('completed', { supplierId: loan.supplierId, note: confirmed ? 'return confirmed by the supplier' : 'returned; supplier did not confirm' });
  }

  /** The loan from receipt to return; a long one continues as a new run to keep its history short. */
  async function onLoan(): Promise<Phase> {
    const loan = state.loan!;
    for (;;) {
      if (workflowInfo().historyLength > timings.historyLimit || workflowInfo().continueAsNewSuggested) {
        // Only between events: an answer or message still being handled would be lost to the new run.
        const idle = () => answers.return === undefined && answers.renew === undefined && inbox.length === 0;
        if (idle()) await condition(allHandlersFinished);
        if (idle() && allHandlersFinished()) await continueAsNew<typeof requestLifecycle>({ request, timings, resume: state });
      }
      const due = Date.parse(loan.dueDate);
      const remindAt = due - timings.loanReminderDaysBeforeDue * DAY;
      const wakeAt = loan.remindedFor !== loan.dueDate && now() < remindAt ? remindAt : state.status !== 'overdue' ? due : undefined;
      const woke = await wait(
        () => answers.return !== undefined || answers.renew !== undefined || inbox.length > 0,
        wakeAt === undefined ? undefined : wakeAt - now(),
      );
      if (answers.return) {
        const { actor } = answers.return;
        answers.return = undefined;
        return returned(actor.subject);
      }
      if (answers.renew) {
        const { actor } = answers.renew;
        answers.renew = undefined;
        await renewal(actor.subject);
        continue;
      }
      if (inbox.length > 0) {
        const message = inbox.shift()!;
        if (message.status === 'Recalled') {
          if (message.dueDate) loan.dueDate = message.dueDate;
          await record('recalled', { supplierId: loan.supplierId, note: `recalled; due ${loan.dueDate}` });
          await notifyReader('recalled', { dueDate: loan.dueDate });
        } else if (message.status === 'Overdue' && state.status !== 'overdue') {
          await record('overdue', { supplierId: loan.supplierId, note: 'the supplier reports the item overdue' });
          await notifyReader('overdue', { dueDate: loan.dueDate });
        } else if (message.status === 'LoanCompleted' || message.status === 'CompletedWithoutReturn') {
          return finish('completed', { note: message.status });
        }
        continue;
      }
      if (!woke && now() < due) {
        loan.remindedFor = loan.dueDate;
        await notifyReader('reminder', { dueDate: loan.dueDate });
        await record(state.status, { note: `reminder: due ${loan.dueDate}` });
      } else if (!woke) {
        await record('overdue', { supplierId: loan.supplierId, note: `was due ${loan.dueDate}` });
        await notifyReader('overdue', { dueDate: loan.dueDate });
      }
    }
  }

  type Phase = 'review' | 'approveRoute' | 'source' | 'searchProxy' | 'delivered' | 'shipped' | 'onLoan' | 'end';
  const phases: Record<Exclude<Phase, 'end'>, () => Promise<Phase>> = { review, approveRoute, source, searchProxy, delivered, shipped, onLoan };

  try {
    let phase: Phase = input.resume ? 'onLoan' : await begin();
    while (phase !== 'end') phase = await phases[phase]();
  } catch (error) {
    if (!(error instanceof CancelRequested)) throw error;
    const supplierId = state.supplier?.id;
    if (supplierId) await notifySupplier(supplierId, 'cancel', { reason: pendingCancel!.reason });
    await finish('cancelled', { by: pendingCancel!.actor.subject, note: pendingCancel!.reason });
  }
  // Let every update that led here return its answer before the run closes.
  await condition(allHandlersFinished);
  return state;
}
