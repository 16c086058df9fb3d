import Router from '@koa/router';
import type { RouteDecision } from '../../../domain/decision';
import { REQUEST_STATUSES } from '../../../domain/request-state';
import type { NetworkHolder } from '../../network';
import type { RequestService } from '../../requests';
import type { IndexedRequest, Page, RequestSearch, RequestStore } from '../../store/store';
import { ROLES, type Caller } from '../../auth/tokens';
import { canRead } from '../access';
import { readersState, withoutWhy } from '../reader-view';
import type { AuthState } from '../authenticate';
import { INSTANT, Routes, SAFE_ID, type Schema } from '../contract';
import { HttpError } from '../http-error';
import { cursorPage } from '../input';

export interface SearchRoutesDeps {
  requests: RequestService;
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
  now?: () => Date;
}


const listOf = (values: readonly string[]): Schema => ({ type: 'array', items: { enum: values }, minItems: 1, uniqueItems: true });

interface SearchQuery {
  status?: string[];
  library?: string;
  supplier?: string;
  reader?: string;
  urgency?: string[];
  service?: string[];
  submittedFrom?: string;
  submittedTo?: string;
  q?: string;
  sort: RequestSearch['sort'];
  order: RequestSearch['order'];
  limit: number;
  cursor?: string;
}

/**
 * What a caller may search: readers their own requests, librarians their library's, suppliers those
 * they are or were asked to supply, search-proxy staff and administrators every one. A filter naming
 * another library or reader than a reader's or a librarian's own is refused rather than answered
 * with nothing, so a mistaken filter is not taken for an empty list.
 */
function scopeOf(caller: Caller, query: SearchQuery): Partial<RequestSearch> {
  const refuse = (what: string) => new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot search the requests of ${what}`);
  switch (caller.role) {
    case 'reader':
      if (query.library && query.library !== caller.libraryId) throw refuse(query.library);
      if (query.reader && query.reader !== caller.subject) throw refuse(query.reader);
      return { libraryId: caller.libraryId, patronId: caller.subject };
    case 'librarian':
      if (query.library && query.library !== caller.libraryId) throw refuse(query.library);
      return { libraryId: caller.libraryId };
    case 'supplier':
      // A supplier learns what it is asked to supply, not who asked for it.
      if (query.reader) throw new HttpError(403, `a supplier of ${caller.libraryId} cannot search requests by reader`);
      return { askedOf: caller.libraryId };
    default:
      return {};
  }
}

/**
 * Why the request is routed as it is: the ranked suppliers with their score terms, the rules that
 * fired and where each is written, and who was left out and why (in English, and by kind where the
 * decision keeps it).
 */
export function explanationOf(decision: RouteDecision | undefined) {
  if (!decision) return null;
  const rulesFired = [...new Set([...decision.rota.flatMap((entry) => entry.rules), ...decision.tasks.flatMap((task) => (task.rule ? [task.rule] : []))])];
  return {
    outcome: decision.outcome,
    rulesetVersion: decision.rulesetVersion,
    ranked: decision.rota.map((entry, n) => ({ rank: n + 1, supplierId: entry.supplierId, score: entry.score, terms: entry.terms, rules: entry.rules, ...(entry.deadline ? { deadline: entry.deadline } : {}) })),
    rulesFired,
    excluded: decision.excluded,
    tasks: decision.tasks,
    deadlineHours: decision.deadlineHours,
    ...(decision.reason ? { reason: decision.reason } : {}),
    ...(decision.unmappedSubjects ? { unmappedSubjects: decision.unmappedSubjects } : {}),
    ...(decision.eta ? { eta: decision.eta } : {}),
    ...(decision.ruleSources ? { ruleSources: decision.ruleSources } : {}),
  };
}

/** A request as a supplier asked for it sees it in a list: without the reader, the requesting library's tasks, or the other suppliers asked. */
function asSupplierSees(item: IndexedRequest): Omit<IndexedRequest, 'patronId' | 'tasks' | 'suppliers'> {
  const { patronId: _patronId, tasks: _tasks, suppliers: _suppliers, ...seen } = item;
  return seen;
}

const DEFAULT_GRACE_MINUTES = 60;

/** Searching requests, the requests nobody has acted on in time, and one request in full. */
export function searchRoutes({ requests, store, network, now = () => new Date() }: SearchRoutesDeps): Routes {
  const routes = new Routes(new Router<AuthState>());

  routes.add<SearchQuery>(
    {
      method: 'get',
      path: '/api/requests',
      summary: 'Search requests',
      roles: ROLES,
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: listOf(REQUEST_STATUSES),
          library: SAFE_ID,
          supplier: SAFE_ID,
          reader: { type: 'string', minLength: 1, maxLength: 128 },
          urgency: listOf(['normal', 'rush', 'express']),
          service: listOf(['copy', 'loan', 'ebook']),
          submittedFrom: INSTANT,
          submittedTo: INSTANT,
          q: { type: 'string', minLength: 1, maxLength: 200 },
          sort: { enum: ['submitted', 'updated', 'deadline'], default: 'submitted' },
          order: { enum: ['asc', 'desc'], default: 'desc' },
          ...cursorPage(100),
        },
      },
      responses: { 200: { description: 'A page of requests, with `next` when there are more.' } },
    },
    async (ctx, { query }) => {
      const scope = scopeOf(ctx.state.caller, query);
      const instant = (value: string | undefined) => value && new Date(value).toISOString();
      const found: Page<IndexedRequest> = await store.searchRequests({
          statuses: query.status,
          libraryId: query.library,
          supplierId: query.supplier,
          patronId: query.reader,
          urgencies: query.urgency,
          services: query.service,
          submittedFrom: instant(query.submittedFrom),
          submittedTo: instant(query.submittedTo),
          text: query.q,
          sort: query.sort,
          order: query.order,
          limit: query.limit,
          cursor: query.cursor,
          ...scope,
        });
      ctx.body = ctx.state.caller.role === 'supplier' ? { ...found, items: found.items.map(asSupplierSees) } : found;
    },
  );

  // Registered before the request by its id, which would take `stalled` for an id.
  routes.add<{ graceMinutes: number; library?: string; limit: number; cursor?: string }>(
    {
      method: 'get',
      path: '/api/requests/stalled',
      summary: 'List stalled requests',
      roles: ['administrator'],
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { graceMinutes: { type: 'integer', minimum: 0, maximum: 43_200, default: DEFAULT_GRACE_MINUTES }, library: SAFE_ID, ...cursorPage(100) },
      },
      responses: { 200: { description: 'Open requests whose earliest deadline passed more than the grace period ago, oldest deadline first.' } },
    },
    async (ctx, { query }) => {
      const stalledBefore = new Date(now().getTime() - query.graceMinutes * 60_000).toISOString();
      ctx.body = await store.searchRequests({ stalledBefore, libraryId: query.library, sort: 'deadline', order: 'asc', limit: query.limit, cursor: query.cursor });
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/requests/:id',
      summary: 'Read a request',
      roles: ROLES,
      responses: { 200: { description: 'The request where it stands, why it is routed as it is, and its whole audit trail.' } },
    },
    async (ctx, { params }) => {
      const stored = await store.getRequest(params.id!);
      if (!stored) throw new HttpError(404, `no request ${params.id}`);
      canRead(ctx.state.caller, stored.request);
      const [whole, recorded] = await Promise.all([requests.state(stored.request.id), store.listEvents(stored.request.id)]);
      const reader = ctx.state.caller.role === 'reader';
      const state = reader ? readersState(whole) : whole;
      const events = reader ? recorded.map((event) => ({ ...event, detail: withoutWhy(event.detail) })) : recorded;
      // The suppliers the request names anywhere, by the names people know them by.
      const named = new Set([
        ...(state.decision?.rota ?? []).map((entry) => entry.supplierId),
        ...(state.decision?.excluded ?? []).map((entry) => entry.supplierId),
        ...events.flatMap(({ detail }) => (typeof detail.supplierId === 'string' ? [detail.supplierId] : [])),
        ...(Array.isArray(state.tried) ? state.tried.map((entry) => entry.supplierId) : []),
      ]);
      const supplierNames = Object.fromEntries(network.current().config.suppliers.filter((supplier) => named.has(supplier.id)).map((supplier) => [supplier.id, supplier.name]));
      ctx.body = {
        id: stored.request.id,
        workflowId: stored.workflowId,
        submittedAt: stored.createdAt,
        ...state,
        explanation: explanationOf(state.decision),
        auditTrail: events.map(({ key, status, at, detail }) => ({ key, status, at, detail })),
        supplierNames,
      };
    },
  );

  return routes;
}
