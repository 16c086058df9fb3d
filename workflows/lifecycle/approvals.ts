// What a supplier asks before it supplies, and the requesting library's answer: a price above the
// library's limits (at routing, or an ISO 18626 RetryPossible with a cost) or a loan condition
// (RetryPossible with a loanCondition: in the library only, no copies made). Accepted, the supplier
// is asked again on its terms; refused, it is told so and the rota moves on.
import { exceededLimit } from '../../domain/money';
import type { Money } from '../../domain/request';
import type { AuditFacts, RequestStatus, TryOutcome } from '../../domain/request-state';
import type { SupplierMessage } from '../../domain/supplier-messages';
import type { RequestRun } from './run';
import { answered, openTask } from './tasks';

/** Requests started before this marker took a RetryPossible without a price as the supplier declining. */
const LOAN_CONDITIONS = 'loan-conditions-reviewed';

export type RetryAnswer = { accepted: true; facts: AuditFacts } | { accepted: false; outcome: TryOutcome; reason?: string };

/** A librarian of the requesting library approves a price, or refuses it. */
export async function approveCost(run: RequestRun, supplierId: string, cost: Money, then: RequestStatus): Promise<boolean> {
  const task = openTask(run, 'approveCost', { role: 'librarian', libraryId: run.request.requester.libraryId }, { supplierId, cost });
  await run.record('awaiting-cost-approval', { event: 'cost-offered', supplierId, cost, note: `${supplierId}: ${cost.amount} ${cost.currency}` });
  const answer = await answered(run, task, 'approveCost');
  await run.record(then, { event: 'cost-answered', by: answer.actor.subject, supplierId, cost, approved: answer.approve, ...(answer.reason ? { text: answer.reason } : {}), note: `cost ${answer.approve ? 'approved' : 'refused'}${answer.reason ? `: ${answer.reason}` : ''}` });
  return answer.approve;
}

/** A librarian of the requesting library accepts the supplier's loan condition, shown with the supplier's reason, or refuses it. */
async function approveCondition(run: RequestRun, supplierId: string, condition: string, reason: string | undefined): Promise<boolean> {
  const task = openTask(run, 'loanCondition', { role: 'librarian', libraryId: run.request.requester.libraryId }, { supplierId, condition, ...(reason ? { reason } : {}) });
  await run.record('awaiting-condition-approval', { event: 'condition-offered', supplierId, condition, ...(reason ? { reason } : {}), note: `${supplierId}: loan condition ${condition}` });
  const answer = await answered(run, task, 'loanCondition');
  await run.record('with-supplier', { event: 'condition-answered', by: answer.actor.subject, supplierId, condition, approved: answer.approve, ...(answer.reason ? { text: answer.reason } : {}), note: `loan condition ${condition} ${answer.approve ? 'accepted' : 'refused'}${answer.reason ? `: ${answer.reason}` : ''}` });
  return answer.approve;
}

/** What the supplier is asked again with: the request and the most the library lets it cost. */
function retryTerms(run: RequestRun, supplierId: string) {
  const { request } = run;
  return { request, costLimits: { autoApproveLimit: run.costLimit, maxCost: request.maxCost }, approvedCost: run.approvedCosts[supplierId] };
}

/** Answers a supplier's RetryPossible; `said` is how the message reads in the request's history. */
export async function answerRetry(run: RequestRun, supplierId: string, message: SupplierMessage, said: AuditFacts): Promise<RetryAnswer> {
  const condition = message.loanCondition && run.since(LOAN_CONDITIONS) ? message.loanCondition : undefined;
  if (condition && !(await approveCondition(run, supplierId, condition, message.reason))) {
    await run.notifySupplier(supplierId, 'refuseCondition', { condition });
    return { accepted: false, outcome: 'condition-refused', reason: condition };
  }
  if (!message.cost) {
    if (!condition) {
      await run.record('with-supplier', said);
      return { accepted: false, outcome: 'unfilled', reason: message.reason ?? 'retry possible without a price' };
    }
    // The request goes with the answer: an ISO 18626 peer is told yes by being asked again.
    await run.notifySupplier(supplierId, 'acceptCondition', { condition, ...retryTerms(run, supplierId) });
    return { accepted: true, facts: { event: 'retry-accepted', condition, note: `asked again, accepting loan condition ${condition}` } };
  }
  const limits = { autoApproveLimit: run.costLimit, maxCost: run.request.maxCost };
  const approved = !exceededLimit(message.cost, limits) || (await approveCost(run, supplierId, message.cost, 'with-supplier'));
  if (!approved) {
    await run.notifySupplier(supplierId, 'refuseCost', { cost: message.cost });
    return { accepted: false, outcome: 'cost-refused', reason: `${message.cost.amount} ${message.cost.currency}` };
  }
  run.acceptedCost = message.cost;
  // The request goes with the answer: an ISO 18626 peer is told yes by being asked again at its price.
  await run.notifySupplier(supplierId, 'acceptCost', { cost: message.cost, request: run.request, ...(condition ? { condition } : {}) });
  return { accepted: true, facts: { event: 'retry-accepted', cost: message.cost, ...(condition ? { condition } : {}), note: `cost ${message.cost.amount} ${message.cost.currency} accepted` } };
}
