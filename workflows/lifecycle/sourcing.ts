// From submission to a fill: the holdings check, routing, review, and sending to each supplier of the
// rota in turn until one fills (what a supplier asks first is in approvals.ts); search-proxy staff
// when the rota runs out.
import { ActivityFailure } from '@temporalio/workflow';
import type { LocalCopy } from '../../domain/decision';
import { holdingOf } from '../../domain/holdings';
import { CENTRE, type TryOutcome } from '../../domain/request-state';
import { CURRENT_SUPPLIER, RULESET_VERSION } from '../search-attributes';
import { answerRetry, approveCost } from './approvals';
import { failureClass } from './failures';
import { deliveryExpiry, extendedDeadline, HOUR, loanDueDate, tryWindow } from './deadlines';
import type { Phase } from './phases';
import type { RequestRun } from './run';
import { answered, openTask } from './tasks';

/** Who holds the item, then the routing decision: in one activity, or in two for requests started before that. */
async function checkAndRoute(run: RequestRun) {
  if (run.legacy) {
    const availability = await run.checkAvailability();
    run.checkpoint();
    run.holdings = availability.holdings.map(holdingOf);
    await run.record('routing');
    return run.routeRequest(run.holdings.map((holding) => holding.libraryId));
  }
  await run.record('routing');
  const routing = await run.routeRequest();
  run.holdings = (routing.holdings ?? []).map(holdingOf);
  return routing;
}

export async function begin(run: RequestRun): Promise<Phase> {
  const { request, state } = run;
  await run.record('submitted', { by: request.requester.patronId });
  await run.record('checking');
  const routing = await checkAndRoute(run);
  run.checkpoint();
  state.decision = routing.decision;
  state.rulesetVersion = routing.decision.rulesetVersion;
  run.costLimit = routing.autoApproveLimit;
  run.estimatedCosts = routing.estimatedCosts;
  state.rota = routing.decision.rota.map((entry) => entry.supplierId);
  run.setAttribute({ key: RULESET_VERSION, value: routing.decision.rulesetVersion });
  await run.record('routing', { event: 'routed', outcome: routing.decision.outcome, rulesetVersion: routing.decision.rulesetVersion, note: `${routing.decision.outcome} under configuration ${routing.decision.rulesetVersion}` });
  const reason = routing.decision.tasks.map((task) => task.reason).join('; ') || undefined;
  switch (routing.decision.outcome) {
    case 'reject':
      return run.finish('rejected', { note: reason ?? 'refused by the routing rules' });
    case 'local':
      return servedLocally(run, routing.decision.local);
    case 'open-access': {
      const copy = routing.decision.openCopy!;
      state.delivery = { kind: 'copy', url: copy.url, supplierId: copy.supplierId, expiresAt: run.iso(deliveryExpiry('copy', run.now(), run.timings)) };
      return 'delivered';
    }
    case 'review':
      return 'review';
    case 'escalate':
      return 'searchProxy';
    case 'route':
      return routing.decision.tasks.some((task) => task.type === 'approveCost') ? 'approveRoute' : 'source';
  }
}

/**
 * Requests routed before routing said where the library's own copy is were closed with a fixed
 * note and told the reader nothing.
 */
const LOCAL_COPY_TOLD = 'local-copy-told';

/** The reader's own library has it: they are told where, and no supplier is asked. */
async function servedLocally(run: RequestRun, local: LocalCopy | undefined): Promise<Phase> {
  if (!local || !run.since(LOCAL_COPY_TOLD)) return run.finish('completed', { event: 'served-locally', note: 'held by the requesting library; served locally' });
  await run.notifyReader('local', { ...local });
  return run.finish('completed', { note: local.where });
}

/** Routing found the best supplier dearer than the library lets a request cost unasked. */
export async function approveRoute(run: RequestRun): Promise<Phase> {
  const supplierId = run.state.rota[0]!;
  const cost = run.estimatedCosts[supplierId] ?? { amount: 0, currency: run.costLimit?.currency ?? 'CNY' };
  if (await approveCost(run, supplierId, cost, 'routing')) {
    run.approvedCosts[supplierId] = cost;
    return 'source';
  }
  return run.finish('rejected', { event: 'estimate-refused', cost, note: `estimated cost ${cost.amount} ${cost.currency} not approved` });
}

export async function review(run: RequestRun): Promise<Phase> {
  const { request, state } = run;
  // The task opens before the status changes, so whoever sees the new status can answer it.
  const task = openTask(run, 'review', { role: 'librarian', libraryId: request.requester.libraryId }, { reasons: state.decision?.tasks ?? [] });
  await run.record('awaiting-review');
  const answer = await answered(run, task, 'review');
  if (answer.decision === 'reject') return run.finish('rejected', { by: answer.actor.subject, text: answer.reason, note: answer.reason });
  if (answer.decision === 'changeRota') state.rota = [...answer.rota!];
  await run.record('routing', { event: 'reviewed', by: answer.actor.subject, decision: answer.decision, rota: [...state.rota], note: `review: ${answer.decision}; rota ${state.rota.join(', ') || '(empty)'}` });
  return state.rota.length > 0 ? 'source' : 'searchProxy';
}

function tried(run: RequestRun, supplierId: string, outcome: TryOutcome, reason?: string): 'next' {
  run.state.tried.push({ supplierId, outcome, reason, at: run.iso(run.now()) });
  run.state.supplier = undefined;
  return 'next';
}

/**
 * Requests started before this marker gave every supplier its deadline in wall-clock hours from the
 * moment of the try; since, the send counts the supplier's working hours, holidays and closures.
 */
const WORKING_HOURS = 'deadlines-in-working-hours';

/** Sends to one supplier and follows its messages until it fills, declines or misses its deadline. */
async function trySupplier(run: RequestRun, supplierId: string): Promise<'filled' | 'next'> {
  const { request, state, timings } = run;
  const attempt = ++state.attempts;
  const window = tryWindow(state.decision?.deadlineHours);
  let deadline = run.now() + window;
  run.acceptedCost = undefined;
  // What was said in an earlier try, even by this same supplier, is not this try's answer.
  run.inbox.length = 0;
  state.heard = undefined;
  state.supplier = { id: supplierId, attempt, deadline: run.iso(deadline) };
  run.setAttribute({ key: CURRENT_SUPPLIER, value: supplierId });
  await run.record('with-supplier', { event: 'sent', supplierId, attempt, note: `try ${attempt}` });
  try {
    const clock = run.since(WORKING_HOURS) ? { sentAt: run.iso(run.now()), workingHours: state.decision?.deadlineHours ?? window / HOUR } : undefined;
    const sent = await run.sendToSupplier(supplierId, attempt, clock);
    if (sent?.deadline.at !== undefined) {
      deadline = Date.parse(sent.deadline.at);
      state.supplier.deadline = sent.deadline.at;
    }
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const reason = failureClass(error, supplierId, 'the send');
    await run.record('with-supplier', { event: 'send-failed', supplierId, reason, note: `could not send: ${reason}` });
    return tried(run, supplierId, 'send-failed', reason);
  }
  run.checkpoint();
  for (;;) {
    const arrived = await run.wait(() => run.inbox.length > 0, deadline - run.now());
    if (!arrived) {
      await run.notifySupplier(supplierId, 'cancel', { reason: 'deadline missed' });
      await run.record('with-supplier', { event: 'deadline-missed', supplierId, deadline: run.iso(deadline), note: `deadline ${run.iso(deadline)} missed` });
      return tried(run, supplierId, 'deadline-missed');
    }
    const message = run.inbox.shift()!;
    state.supplier!.status = message.status;
    const note = message.reason ? `${message.status}: ${message.reason}` : message.status;
    const said = { event: 'supplier-status', supplierId, supplierStatus: message.status, ...(message.reason ? { reason: message.reason } : {}), note } as const;
    switch (message.status) {
      case 'RequestReceived':
        await run.record('with-supplier', said);
        break;
      case 'ExpectToSupply':
      case 'WillSupply':
        deadline = extendedDeadline(deadline, run.now(), message.status, timings);
        state.supplier!.deadline = run.iso(deadline);
        await run.record('with-supplier', { ...said, deadline: run.iso(deadline), note: `${note}; deadline ${run.iso(deadline)}` });
        break;
      case 'RetryPossible': {
        const answer = await answerRetry(run, supplierId, message, said);
        if (!answer.accepted) return tried(run, supplierId, answer.outcome, answer.reason);
        deadline = run.now() + window;
        state.supplier!.deadline = run.iso(deadline);
        await run.record('with-supplier', { supplierId, ...answer.facts });
        break;
      }
      case 'Unfilled':
        await run.record('with-supplier', said);
        return tried(run, supplierId, 'unfilled', message.reason);
      case 'CopyCompleted':
        await run.charge(supplierId, attempt, message.cost);
        state.delivery = {
          kind: request.service === 'ebook' ? 'ebook' : 'copy',
          url: message.deliveryUrl,
          supplierId,
          expiresAt: run.iso(deliveryExpiry(request.service, run.now(), timings)),
        };
        state.supplier = undefined;
        return 'filled';
      case 'Loaned':
        await run.charge(supplierId, attempt, message.cost);
        state.loan = { supplierId, dueDate: message.dueDate ?? run.iso(loanDueDate(run.now(), timings)), renewals: 0, renewalPending: false };
        state.supplier = undefined;
        return 'filled';
      default:
        await run.record('with-supplier', { ...said, event: 'supplier-status-ignored', note: `${note} (not expected now; ignored)` });
    }
  }
}

export async function source(run: RequestRun): Promise<Phase> {
  const { state } = run;
  while (state.rota.length > 0) {
    const supplierId = state.rota.shift()!;
    if ((await trySupplier(run, supplierId)) === 'filled') return state.loan ? 'shipped' : 'delivered';
  }
  return 'searchProxy';
}

export async function searchProxy(run: RequestRun): Promise<Phase> {
  const { request, state, timings } = run;
  const task = openTask(run, 'searchProxy', { role: 'search-proxy', libraryId: CENTRE.libraryId }, { tried: state.tried });
  await run.record('with-search-proxy', { event: 'escalated', tries: state.tried.length, note: state.tried.length > 0 ? `rota exhausted after ${state.tried.length} tries` : 'escalated by routing' });
  const answer = await answered(run, task, 'searchProxy');
  const by = answer.actor.subject;
  switch (answer.outcome) {
    case 'found':
      state.rota = [answer.supplierId!];
      await run.record('routing', { event: 'found', by, supplierId: answer.supplierId, note: `found at ${answer.supplierId}` });
      return 'source';
    case 'supplied':
      if (request.service === 'loan') {
        state.loan = { supplierId: 'search-proxy', dueDate: run.iso(loanDueDate(run.now(), timings)), renewals: 0, renewalPending: false };
        return 'shipped';
      }
      state.delivery = {
        kind: request.service === 'ebook' ? 'ebook' : 'copy',
        url: answer.deliveryUrl,
        supplierId: 'search-proxy',
        // Staff hand over a copy whatever was asked, so its link lasts as a copy's does.
        expiresAt: run.iso(deliveryExpiry('copy', run.now(), timings)),
      };
      return 'delivered';
    default:
      return run.finish('unfilled', { by, text: answer.reason, note: answer.reason });
  }
}
