import Router from '@koa/router';
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
import { SUPPLIER_NOTE_MAX_LENGTH } from '../../../domain/orders';
import type { Actor, RequestState } from '../../../domain/request-state';
import { ISO18626_STATUSES, type SupplierMessage } from '../../../domain/supplier-messages';
import type { RefusalCode } from '../../../domain/refusals';
import type { Role } from '../../auth/tokens';
import { centre, requestingLibrary, requestingLibraryOrReader, searchProxyDesk, searchProxyStaff, type Allowed } from '../access';
import type { AuthState } from '../authenticate';
import { INSTANT, MONEY, NO_FIELDS, PROBLEM, Routes, SAFE_ID, TEXT, type RouteContext, type Schema } from '../contract';
import { HttpError } from '../http-error';

export interface DecisionRoutesDeps {
  requests: RequestService;
  store: RequestStore;
}

// Who may take a decision on a request; the workflow then checks it fits the request's state and task.
const supplyingLibrary: Allowed = (caller, request) => centre(caller, request) || caller.role === 'supplier';
/** Who may see the request at all: anyone else is answered as if it did not exist. */
const readable: Allowed = (caller, request) => searchProxyStaff(caller, request) || requestingLibraryOrReader(caller, request);

const ADDRESS: Schema = { type: 'string', format: 'uri', pattern: '^https?://', [PROBLEM]: 'must be an http or https address' };
const APPROVAL: Schema = { type: 'object', additionalProperties: false, required: ['approve'], properties: { approve: { type: 'boolean' }, reason: { type: 'string' } } };
/** A field the body needs when another has a value. */
const needs = (field: string, value: unknown, needed: string): Schema => ({ if: { required: [field], properties: { [field]: { const: value } } }, then: { required: [needed] } });

interface Decision {
  path: string;
  summary: string;
  roles: Role[];
  allowed: Allowed;
  /** The fields a caller may send, besides the actor the token supplies; the workflow judges them against the request. */
  body: Schema;
  apply(requests: RequestService, requestId: string, input: Record<string, unknown> & { actor: Actor }): Promise<RequestState>;
}

/** The workflow's validator checks the fields' values against the request; the schema, their shapes. */
const decision = <A>(update: UpdateDefinition<RequestState, [A]>, given: Omit<Decision, 'apply'>): Decision => ({
  ...given,
  apply: (requests, requestId, input) => requests.decide(requestId, update, input as A),
});

const LIBRARY: Role[] = ['librarian', 'administrator'];

const DECISIONS: Decision[] = [
  decision(reviewUpdate, {
    path: 'review',
    summary: 'Review a routing decision: approve, reject or change the rota',
    roles: LIBRARY,
    allowed: requestingLibrary,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['decision'],
      properties: { decision: { enum: ['approve', 'reject', 'changeRota'] }, rota: { type: 'array', minItems: 1, items: SAFE_ID }, reason: { type: 'string' } },
      allOf: [needs('decision', 'changeRota', 'rota'), needs('decision', 'reject', 'reason')],
    },
  }),
  decision(approveCostUpdate, { path: 'approve-cost', summary: 'Approve or refuse the cost a supplier asks', roles: LIBRARY, allowed: requestingLibrary, body: APPROVAL }),
  decision(loanConditionUpdate, { path: 'loan-condition', summary: 'Accept or refuse a condition a supplier sets', roles: LIBRARY, allowed: requestingLibrary, body: APPROVAL }),
  decision(supplierNoteUpdate, {
    path: 'supplier-note',
    summary: 'Send a note to the supplier that has the request',
    roles: LIBRARY,
    allowed: requestingLibrary,
    body: { type: 'object', additionalProperties: false, required: ['note'], properties: { note: { ...TEXT, maxLength: SUPPLIER_NOTE_MAX_LENGTH } } },
  }),
  decision(searchProxyUpdate, {
    path: 'search-proxy-answer',
    summary: 'Answer a search-proxy task: found elsewhere, supplied, or unfillable',
    roles: ['search-proxy', 'administrator'],
    allowed: searchProxyDesk,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['outcome'],
      properties: { outcome: { enum: ['found', 'supplied', 'unfillable'] }, supplierId: SAFE_ID, deliveryUrl: ADDRESS, reason: { type: 'string' } },
      allOf: [needs('outcome', 'found', 'supplierId'), needs('outcome', 'unfillable', 'reason')],
    },
  }),
  decision(receiveUpdate, { path: 'receive', summary: 'Confirm the item or copy was received', roles: LIBRARY, allowed: requestingLibrary, body: NO_FIELDS }),
  decision(returnUpdate, { path: 'return', summary: 'Return a loaned item', roles: LIBRARY, allowed: requestingLibrary, body: NO_FIELDS }),
  decision(renewUpdate, { path: 'renew', summary: 'Ask to renew a loan', roles: ['reader', ...LIBRARY], allowed: requestingLibraryOrReader, body: NO_FIELDS }),
  decision(renewAnswerUpdate, {
    path: 'renew-answer',
    summary: "Answer a borrower's renewal as the supplying library",
    roles: ['supplier', 'administrator'],
    allowed: supplyingLibrary,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['approve'],
      properties: { approve: { type: 'boolean' }, dueDate: INSTANT, reason: { type: 'string' } },
      ...needs('approve', true, 'dueDate'),
    },
  }),
  decision(cancelUpdate, {
    path: 'cancel',
    summary: 'Cancel a request',
    roles: ['reader', ...LIBRARY],
    allowed: requestingLibraryOrReader,
    body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: TEXT } },
  }),
];

const SUPPLIER_MESSAGE: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['supplierId', 'status'],
  properties: {
    supplierId: SAFE_ID,
    status: { enum: ISO18626_STATUSES },
    cost: MONEY,
    reason: { type: 'string' },
    deliveryUrl: ADDRESS,
    dueDate: INSTANT,
    loanCondition: { type: 'string' },
  },
};

/** Librarians', staff's and suppliers' decisions on a request, each a workflow update. */
export function decisionRoutes({ requests, store }: DecisionRoutesDeps): Routes {
  const routes = new Routes(new Router<AuthState>());

  const requestFor = async (ctx: RouteContext, id: string, allowed: Allowed, what: string) => {
    const stored = await store.getRequest(id);
    const { caller } = ctx.state;
    // Another library's request answers as one that does not exist, so its ids do not leak.
    if (!stored || !(allowed(caller, stored.request) || readable(caller, stored.request))) throw new HttpError(404, `no request ${id}`);
    if (!allowed(caller, stored.request)) throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot ${what} request ${stored.request.id}`);
    return stored.request;
  };

  for (const decision of DECISIONS) {
    routes.add<unknown, Record<string, unknown>>(
      { method: 'post', path: `/api/requests/:id/${decision.path}`, summary: decision.summary, roles: decision.roles, body: decision.body, responses: { '200': { description: 'The request as it stands after the decision' } } },
      async (ctx, { params, body }) => {
        const request = await requestFor(ctx, params.id!, decision.allowed, decision.path.replaceAll('-', ' '));
        const { subject, role, libraryId } = ctx.state.caller;
        const actor: Actor = { subject, role, libraryId };
        ctx.body = await decision.apply(requests, request.id, { ...body, actor });
      },
    );
  }

  routes.add<unknown, SupplierMessage>(
    {
      method: 'post',
      path: '/api/requests/:id/supplier-messages',
      summary: "Pass on a supplier's message about a request it holds",
      roles: ['supplier', 'administrator'],
      body: SUPPLIER_MESSAGE,
      responses: { '202': { description: 'Taken and acted on' }, '200': { description: 'A repeat, recorded and not acted on again' } },
    },
    async (ctx, { params, body: message }) => {
      const request = await requestFor(ctx, params.id!, supplyingLibrary, 'answer for a supplier on');
      const { caller } = ctx.state;
      if (caller.role !== 'administrator' && caller.libraryId !== message.supplierId) {
        throw new HttpError(403, `${caller.libraryId} cannot answer for supplier ${message.supplierId}`);
      }
      const receipt = await requests.supplierMessage(request.id, message);
      // A repeat is answered as a success, so a peer retrying a message it already sent stops; a step back is refused.
      if (receipt.outcome === 'out-of-order') throw new HttpError(409, receipt.reason ?? 'the message is out of order', { code: 'out-of-order' satisfies RefusalCode, requestStatus: receipt.status });
      ctx.status = receipt.outcome === 'accepted' ? 202 : 200;
      ctx.body = { accepted: receipt.outcome === 'accepted', ...(receipt.outcome === 'duplicate' ? { duplicate: true } : {}), status: receipt.status };
    },
  );

  return routes;
}
