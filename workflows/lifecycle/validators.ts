// What an update must satisfy before the workflow accepts it. Pure: each throws the reason a caller
// is refused (the API answers 409 with it), and a refused update leaves nothing in the history.
import type { Actor, RequestState, Task, TaskType } from '../../domain/request-state';
import { CANCELLABLE_STATUSES, CENTRE, currentSupplier, FINAL_STATUSES, ON_LOAN_STATUSES } from '../../domain/request-state';
import { supplierNoteProblem } from '../../domain/orders';
import { ISO18626_STATUSES, type SupplierMessage } from '../../domain/supplier-messages';
import { ApplicationFailure } from '@temporalio/common';
import type { RefusalCode } from '../../domain/refusals';
import type { CancelInput, CloseInput, RenewAnswerInput, ReviewInput, SearchProxyAnswer, SupplierNoteInput } from '../definitions';

/** A refusal a client can act on by its code (the failure's type), which the API passes on as `error.code`. */
const refusal = (code: RefusalCode, message: string) => ApplicationFailure.create({ message, type: code, nonRetryable: true });

function requireText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${what} is required`);
}

function requireActor(actor: Actor | undefined): void {
  if (!actor || typeof actor !== 'object') throw new Error('the acting account (actor) is required');
  requireText(actor.subject, 'actor.subject');
  requireText(actor.role, 'actor.role');
  requireText(actor.libraryId, 'actor.libraryId');
}

function openTaskOf(state: RequestState, type: TaskType): Task {
  const task = state.tasks.find((t) => t.type === type);
  if (!task) throw refusal('stale-task', `request ${state.requestId} has no open ${type} task (it is ${state.status})`);
  return task;
}

/** The centre answers any task; anyone else only the tasks assigned to their role and library. */
function assertAssignee(task: Task, actor: Actor): void {
  if (actor.role === CENTRE.role) return;
  if (actor.role !== task.assignee.role || actor.libraryId !== task.assignee.libraryId) {
    throw new Error(`the ${task.type} task is assigned to a ${task.assignee.role} of ${task.assignee.libraryId}`);
  }
}

/** An answer to an open task, by its assignee, that nobody has answered yet. */
export function checkTaskAnswer(state: RequestState, type: TaskType, actor: Actor | undefined, alreadyAnswered: boolean): void {
  requireActor(actor);
  const task = openTaskOf(state, type);
  if (alreadyAnswered) throw refusal('stale-task', `the ${type} task has already been answered`);
  assertAssignee(task, actor!);
}

export function checkReview(state: RequestState, answer: ReviewInput): void {
  if (!['approve', 'reject', 'changeRota'].includes(answer.decision)) throw new Error('decision must be approve, reject or changeRota');
  if (answer.decision === 'reject') requireText(answer.reason, 'a reason for rejecting');
  if (answer.decision === 'changeRota') {
    if (!Array.isArray(answer.rota) || answer.rota.length === 0) throw new Error('changeRota needs a non-empty rota');
    const offered = new Set(state.decision?.rota.map((entry) => entry.supplierId));
    const unknown = answer.rota.filter((id) => !offered.has(id));
    if (unknown.length > 0) throw new Error(`not in the rota: ${unknown.join(', ')}`);
    if (new Set(answer.rota).size !== answer.rota.length) throw new Error('the rota names a supplier twice');
  }
}

export function checkApproval(answer: { approve: unknown }): void {
  if (typeof answer.approve !== 'boolean') throw new Error('approve must be true or false');
}

export function checkSearchProxyAnswer(state: RequestState, answer: SearchProxyAnswer): void {
  if (answer.outcome === 'found') requireText(answer.supplierId, 'the supplier where the item was found (supplierId)');
  else if (answer.outcome === 'supplied') {
    if (state.request.service !== 'loan') requireText(answer.deliveryUrl, 'the delivery link (deliveryUrl)');
  } else if (answer.outcome === 'unfillable') requireText(answer.reason, 'a reason the item cannot be supplied');
  else throw new Error('outcome must be found, supplied or unfillable');
}

export function checkRenewAnswer(state: RequestState, answer: RenewAnswerInput): void {
  checkApproval(answer);
  if (!answer.approve) return;
  const due = Date.parse(answer.dueDate ?? '');
  if (Number.isNaN(due)) throw new Error('an approved renewal needs the new due date (dueDate)');
  if (state.loan && due <= Date.parse(state.loan.dueDate)) throw new Error(`the new due date must be after ${state.loan.dueDate}`);
}

/** Only the requesting library, or the centre, acts on a request where no task names who answers. */
function assertRequestingLibrary(state: RequestState, actor: Actor, which: string, what: string): void {
  const { libraryId } = state.request.requester;
  if (actor.role !== CENTRE.role && actor.libraryId !== libraryId) throw new Error(`only ${libraryId}, which ${which}, can ${what}`);
}

/** A return or renewal the borrowing library sends about a loan it holds; no task stands behind it. */
export function checkLoanAction(state: RequestState, action: 'return' | 'renew', actor: Actor | undefined, alreadyHandling: boolean): void {
  requireActor(actor);
  if (!ON_LOAN_STATUSES.includes(state.status)) throw new Error(`request ${state.requestId} is ${state.status}, not on loan`);
  if (alreadyHandling) throw refusal('in-progress', `a ${action} is already being handled`);
  assertRequestingLibrary(state, actor!, 'borrowed the item', `${action} it`);
  if (action === 'renew' && state.loan?.renewalPending) throw refusal('in-progress', 'a renewal is already waiting for the supplier');
}

/** A note from the requesting library to the supplier that has the request, one at a time. */
export function checkSupplierNote(state: RequestState, input: SupplierNoteInput, alreadySending: boolean): void {
  requireActor(input?.actor);
  const problem = supplierNoteProblem(input.note);
  if (problem) throw new Error(problem);
  const supplierId = currentSupplier(state);
  if (!supplierId) throw new Error(`request ${state.requestId} is ${state.status} and with no supplier to send a note to`);
  assertRequestingLibrary(state, input.actor, 'made the request', `send ${supplierId} a note`);
  if (alreadySending) throw refusal('in-progress', `a note to ${supplierId} is still being sent; send this one after it`);
}

export function checkCancel(state: RequestState, input: CancelInput, alreadyCancelling: boolean): void {
  requireActor(input?.actor);
  requireText(input.reason, 'a reason for cancelling');
  if (!CANCELLABLE_STATUSES.includes(state.status)) throw new Error(`request ${state.requestId} is ${state.status} and can no longer be cancelled`);
  if (alreadyCancelling) throw new Error(`request ${state.requestId} is already being cancelled`);
}

/** Only the centre's staff close a request by hand, with a reason, once, and only while it is open. */
export function checkClose(state: RequestState, input: CloseInput, alreadyEnding: boolean): void {
  requireActor(input?.actor);
  requireText(input.reason, 'a reason for closing');
  if (input.actor.role !== CENTRE.role) throw new Error(`only the centre's staff (${CENTRE.role}) can close a request`);
  if (FINAL_STATUSES.includes(state.status)) throw refusal('request-closed', `request ${state.requestId} is ${state.status} and can no longer be closed`);
  if (alreadyEnding) throw new Error(`request ${state.requestId} is already being closed or cancelled`);
}

/** A supplier may speak only of a request it holds, while the request is open. */
export function checkSupplierMessage(state: RequestState, message: SupplierMessage): void {
  if (!message || typeof message !== 'object') throw new Error('the message is required');
  requireText(message.supplierId, 'supplierId');
  if (!ISO18626_STATUSES.includes(message.status)) throw new Error(`status must be one of ${ISO18626_STATUSES.join(', ')}`);
  if (FINAL_STATUSES.includes(state.status)) throw refusal('request-closed', `request ${state.requestId} is ${state.status}`);
  if (message.supplierId !== currentSupplier(state)) throw new Error(`request ${state.requestId} is not with supplier ${message.supplierId} (it is ${state.status})`);
}
