import Router from '@koa/router';
import type { Context } from 'koa';
import type { UpdateDefinition } from '@temporalio/common';
import type { RequestService } from '../../requests';
import type { RequestStore } from '../../store/store';
import {
  approveCostUpdate,
  cancelUpdate,
  loanConditionUpdate,
  receiveUpdate,
  renewAnswerUpdate,
  renewUpdate,
  returnUpdate,
  reviewUpdate,
  searchProxyUpdate,
  supplierNoteUpdate,
} from '../../../workflows/definitions';
import { supplierNoteProblem } from '../../../domain/orders';
import type { Actor, RequestState } from '../../../domain/request-state';
import { ISO18626_STATUSES, type Iso18626Status, type SupplierMessage } from '../../../domain/supplier-messages';
import { centre, requestingLibrary, requestingLibraryOrReader, searchProxyStaff, type Allowed } from '../access';
import type { AuthState } from '../authenticate';
import { HttpError } from '../http-error';
import { jsonBody } from '../input';

export interface DecisionRoutesDeps {
  requests: RequestService;
  store: RequestStore;
}

// Who may take a decision on a request; the workflow then checks it fits the request's state and task.
const supplyingLibrary: Allowed = (caller, request) => centre(caller, request) || caller.role === 'supplier';

interface Decision {
  path: string;
  allowed: Allowed;
  /** The fields a caller may send, besides the actor the token supplies. */
  fields: string[];
  /** What is wrong with the fields' values that no request's state could make right (a 400), if anything. */
  problem?: (fields: Record<string, unknown>) => string | undefined;
  apply(requests: RequestService, requestId: string, input: Record<string, unknown> & { actor: Actor }): Promise<RequestState>;
}

function decision<A>(path: string, update: UpdateDefinition<RequestState, [A]>, allowed: Allowed, fields: string[], problem?: Decision['problem']): Decision {
  // The workflow's validator checks the fields' values against the request; here mostly their names are known.
  return { path, allowed, fields, problem, apply: (requests, requestId, input) => requests.decide(requestId, update, input as A) };
}

const DECISIONS: Decision[] = [
  decision('review', reviewUpdate, requestingLibrary, ['decision', 'rota', 'reason']),
  decision('approve-cost', approveCostUpdate, requestingLibrary, ['approve', 'reason']),
  decision('loan-condition', loanConditionUpdate, requestingLibrary, ['approve', 'reason']),
  decision('supplier-note', supplierNoteUpdate, requestingLibrary, ['note'], (fields) => supplierNoteProblem(fields.note)),
  decision('search-proxy-answer', searchProxyUpdate, searchProxyStaff, ['outcome', 'supplierId', 'deliveryUrl', 'reason']),
  decision('receive', receiveUpdate, requestingLibrary, []),
  decision('return', returnUpdate, requestingLibrary, []),
  decision('renew', renewUpdate, requestingLibraryOrReader, []),
  decision('renew-answer', renewAnswerUpdate, supplyingLibrary, ['approve', 'dueDate', 'reason']),
  decision('cancel', cancelUpdate, requestingLibraryOrReader, ['reason']),
];

const SUPPLIER_MESSAGE_FIELDS = ['supplierId', 'status', 'cost', 'reason', 'deliveryUrl', 'dueDate', 'loanCondition'];

/** The shape of a supplier's message, checked before it reaches the workflow, which judges whether it fits the request. */
function checkSupplierMessage(message: Record<string, unknown>): SupplierMessage {
  const problem = (field: string, expected: string) => new HttpError(400, `${field} must be ${expected}`);
  if (typeof message.supplierId !== 'string' || message.supplierId === '') throw problem('supplierId', 'a supplier id');
  if (!ISO18626_STATUSES.includes(message.status as Iso18626Status)) throw problem('status', `one of ${ISO18626_STATUSES.join(', ')}`);
  if (message.cost !== undefined) {
    const cost = message.cost as Record<string, unknown>;
    const amount = cost?.amount;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) throw problem('cost.amount', 'a number of 0 or more');
    if (typeof cost.currency !== 'string' || !/^[A-Z]{3}$/.test(cost.currency)) throw problem('cost.currency', 'an ISO 4217 code such as CNY');
  }
  for (const field of ['reason', 'deliveryUrl', 'loanCondition'] as const) {
    if (message[field] !== undefined && typeof message[field] !== 'string') throw problem(field, 'text');
  }
  if (message.dueDate !== undefined && Number.isNaN(Date.parse(String(message.dueDate)))) throw problem('dueDate', 'an ISO date');
  return message as unknown as SupplierMessage;
}

/** Librarians', staff's and suppliers' decisions on a request, each a workflow update. */
export function decisionRoutes({ requests, store }: DecisionRoutesDeps): Router<AuthState> {
  const router = new Router<AuthState>({ prefix: '/api/requests/:id' });

  const requestFor = async (ctx: Context & { state: AuthState }, allowed: Allowed, what: string) => {
    const stored = await store.getRequest(ctx.params.id!);
    if (!stored) throw new HttpError(404, `no request ${ctx.params.id}`);
    if (!allowed(ctx.state.caller, stored.request)) throw new HttpError(403, `a ${ctx.state.caller.role} of ${ctx.state.caller.libraryId} cannot ${what} request ${stored.request.id}`);
    return stored.request;
  };

  for (const decision of DECISIONS) {
    router.post(`/${decision.path}`, async (ctx) => {
      const fields = jsonBody(ctx, decision.fields);
      const problem = decision.problem?.(fields);
      if (problem) throw new HttpError(400, problem);
      const request = await requestFor(ctx, decision.allowed, decision.path.replaceAll('-', ' '));
      const { subject, role, libraryId } = ctx.state.caller;
      const actor: Actor = { subject, role, libraryId };
      ctx.body = await decision.apply(requests, request.id, { ...fields, actor });
    });
  }

  router.post('/supplier-messages', async (ctx) => {
    const message = checkSupplierMessage(jsonBody(ctx, SUPPLIER_MESSAGE_FIELDS));
    const request = await requestFor(ctx, supplyingLibrary, 'answer for a supplier on');
    const { caller } = ctx.state;
    if (caller.role !== 'administrator' && caller.libraryId !== message.supplierId) {
      throw new HttpError(403, `${caller.libraryId} cannot answer for supplier ${String(message.supplierId)}`);
    }
    const receipt = await requests.supplierMessage(request.id, message);
    // A repeat is answered as a success, so a peer retrying a message it already sent stops; a step back is refused.
    if (receipt.outcome === 'out-of-order') throw new HttpError(409, receipt.reason ?? 'the message is out of order', { status: receipt.status });
    ctx.status = receipt.outcome === 'accepted' ? 202 : 200;
    ctx.body = { accepted: receipt.outcome === 'accepted', ...(receipt.outcome === 'duplicate' ? { duplicate: true } : {}), status: receipt.status };
  });

  return router;
}
