import Router from '@koa/router';
import { LENDING_STATUSES, UNFILLED_REASONS, type LendingAnswer, type LendingStatus } from '../../../domain/lending';
import type { Caller } from '../../auth/tokens';
import type { LendingService } from '../../lending';
import type { NetworkHolder } from '../../network';
import type { RequestStore, StoredLending } from '../../store/store';
import type { AuthState } from '../authenticate';
import { INSTANT, MONEY, PROBLEM, Routes, type RouteContext, type Schema } from '../contract';
import { HttpError } from '../http-error';
import { pageQuery, paged, type Page } from '../input';

export interface LendingRoutesDeps {
  lending: LendingService;
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
}

/** The lending library's own staff (as librarians or as its supplier desk) and the centre. */
function mayLend(caller: Caller, lenderId: string): boolean {
  return caller.role === 'administrator' || ((caller.role === 'librarian' || caller.role === 'supplier') && caller.libraryId === lenderId);
}

const LENDERS = ['librarian', 'supplier', 'administrator'] as const;

/** Each answer with the fields it takes; whether it fits the lending request now is the workflow's to judge. */
const ANSWER_FIELDS: Record<LendingAnswer['answer'], { required?: string[]; properties?: Record<string, Schema> }> = {
  'expect-to-supply': {},
  'will-supply': {},
  conditional: { required: ['cost'], properties: { cost: { ...MONEY, properties: { ...(MONEY.properties as object), amount: { type: 'number', exclusiveMinimum: 0 } } } } },
  unfilled: { required: ['reason'], properties: { reason: { enum: UNFILLED_REASONS } } },
  'copy-sent': { properties: { url: { type: 'string', format: 'uri', pattern: '^https?://', [PROBLEM]: 'must be an http or https address' } } },
  loaned: { required: ['dueDate'], properties: { dueDate: INSTANT } },
  recall: {},
  'return-received': {},
  cancel: { required: ['approve'], properties: { approve: { type: 'boolean' } } },
  renew: { required: ['approve'], properties: { approve: { type: 'boolean' }, dueDate: INSTANT } },
};

const ANSWER: Schema = {
  type: 'object',
  required: ['answer'],
  discriminator: { propertyName: 'answer' },
  oneOf: Object.entries(ANSWER_FIELDS).map(([answer, { required = [], properties = {} }]) => ({
    type: 'object',
    additionalProperties: false,
    required: ['answer', ...required],
    properties: { answer: { const: answer }, note: { type: 'string', maxLength: 1000 }, ...properties },
  })),
};

const STATUS = `(${LENDING_STATUSES.join('|')})`;

/**
 * Lending requests from outside systems, for the service library asked: its list, each request with
 * its history, and the librarians' answers, which go to the borrower as ISO 18626 messages.
 */
export function lendingRoutes({ lending, store, network }: LendingRoutesDeps): Routes {
  const lendingFor = async (ctx: RouteContext, id: string): Promise<StoredLending> => {
    const stored = await store.getLending(id);
    // Another library's lending request answers as one that does not exist, so its ids do not leak.
    if (!stored || !mayLend(ctx.state.caller, stored.lending.lenderId)) throw new HttpError(404, `no lending request ${id}`);
    return stored;
  };

  return new Routes(new Router<AuthState>())
    .add<Page & { status?: string }>(
      {
        method: 'get',
        path: '/api/libraries/:libraryId/lending',
        summary: "List a service library's lending requests from outside systems, newest first",
        roles: LENDERS,
        query: pageQuery({
          status: { type: 'string', pattern: `^${STATUS}(,${STATUS})*$`, [PROBLEM]: `must be one or more of ${LENDING_STATUSES.join(', ')}, separated by commas` },
        }),
      },
      async (ctx, { params, query: { limit, before, status } }) => {
        const lenderId = params.libraryId!;
        const { caller } = ctx.state;
        if (!mayLend(caller, lenderId)) throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot see the lending requests of ${lenderId}`);
        if (!network.current().config.suppliers.some((supplier) => supplier.id === lenderId && supplier.kind === 'service-library')) {
          throw new HttpError(404, `${lenderId} is no service library of the network`);
        }
        const found = await store.listLending(lenderId, { limit, before, statuses: status?.split(',') as LendingStatus[] | undefined });
        ctx.body = paged(
          found.map(({ lending: item, status, seq, updatedAt }) => ({ ...item, status, seq, updatedAt })),
          limit,
          'lending',
        );
      },
    )
    .add({ method: 'get', path: '/api/lending/:id', summary: 'Read a lending request, what waits for the librarians, and its history', roles: LENDERS }, async (ctx, { params }) => {
      const stored = await lendingFor(ctx, params.id!);
      // The workflow knows what waits for the librarians (a borrower's question, a price offered); the audit trail is the store's.
      const { question, offeredCost, agreedCost, dueDate, status } = await lending.state(stored.lending.id);
      const history = await store.listLendingEvents(stored.lending.id);
      ctx.body = { ...stored.lending, status, question, offeredCost, agreedCost, dueDate, history: history.map((event) => ({ status: event.status, at: event.at, ...event.detail })) };
    })
    .add<unknown, LendingAnswer>(
      { method: 'post', path: '/api/lending/:id/answer', summary: "Answer a lending request; the borrower hears it as an ISO 18626 message", roles: LENDERS, body: ANSWER },
      async (ctx, { params, body: answer }) => {
        const stored = await lendingFor(ctx, params.id!);
        const { subject, role, libraryId } = ctx.state.caller;
        ctx.body = await lending.answer(stored.lending.id, { ...answer, actor: { subject, role, libraryId } });
      },
    );
}
