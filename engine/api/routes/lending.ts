import Router from '@koa/router';
import type { Context } from 'koa';
import { LENDING_STATUSES, UNFILLED_REASONS, type LendingAnswer, type LendingAnswerKind, type LendingStatus } from '../../../domain/lending';
import type { Caller } from '../../auth/tokens';
import type { LendingService } from '../../lending';
import type { NetworkHolder } from '../../network';
import type { RequestStore, StoredLending } from '../../store/store';
import type { AuthState } from '../authenticate';
import { HttpError } from '../http-error';
import { jsonBody, page, paged } from '../input';

export interface LendingRoutesDeps {
  lending: LendingService;
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
}

/** The lending library's own staff (as librarians or as its supplier desk) and the centre. */
function mayLend(caller: Caller, lenderId: string): boolean {
  return caller.role === 'administrator' || ((caller.role === 'librarian' || caller.role === 'supplier') && caller.libraryId === lenderId);
}

const ANSWER_FIELDS: Record<LendingAnswerKind, string[]> = {
  'expect-to-supply': [],
  'will-supply': [],
  conditional: ['cost'],
  unfilled: ['reason'],
  'copy-sent': ['url'],
  loaned: ['dueDate'],
  recall: [],
  'return-received': [],
  cancel: ['approve'],
  renew: ['approve', 'dueDate'],
};

/** The shape of an answer; whether it fits the request now is the workflow's to judge. */
function checkAnswer(ctx: Context): LendingAnswer {
  const kind = (ctx.request.body as { answer?: unknown } | undefined)?.answer as LendingAnswerKind;
  if (!Object.hasOwn(ANSWER_FIELDS, kind)) throw new HttpError(400, `answer must be one of ${Object.keys(ANSWER_FIELDS).join(', ')}`);
  const answer = jsonBody(ctx, ['answer', 'note', ...ANSWER_FIELDS[kind]]);
  const problem = (field: string, expected: string) => new HttpError(400, `${field} must be ${expected}`);
  if (answer.note !== undefined && (typeof answer.note !== 'string' || answer.note.length > 1000)) throw problem('note', 'text of at most 1000 characters');
  if (kind === 'conditional') {
    const cost = answer.cost as { amount?: unknown; currency?: unknown } | undefined;
    if (typeof cost?.amount !== 'number' || !(cost.amount > 0)) throw problem('cost.amount', 'a number above 0');
    if (typeof cost.currency !== 'string' || !/^[A-Z]{3}$/.test(cost.currency)) throw problem('cost.currency', 'an ISO 4217 code such as CNY');
  }
  if (kind === 'unfilled' && !UNFILLED_REASONS.includes(answer.reason as never)) throw problem('reason', `one of ${UNFILLED_REASONS.join(', ')}`);
  if (answer.url !== undefined && (typeof answer.url !== 'string' || !/^https?:\/\/\S+$/.test(answer.url))) throw problem('url', 'an http or https address');
  if ((kind === 'cancel' || kind === 'renew') && typeof answer.approve !== 'boolean') throw problem('approve', 'true or false');
  return answer as LendingAnswer;
}

function statuses(raw: unknown): LendingStatus[] | undefined {
  if (raw === undefined) return undefined;
  const asked = String(raw).split(',');
  const unknown = asked.filter((status) => !LENDING_STATUSES.includes(status as LendingStatus));
  if (unknown.length) throw new HttpError(400, `status ${unknown.join(', ')} is not one of ${LENDING_STATUSES.join(', ')}`);
  return asked as LendingStatus[];
}

/**
 * Lending requests from outside systems, for the service library asked: its list, each request with
 * its history, and the librarians' answers, which go to the borrower as ISO 18626 messages.
 */
export function lendingRoutes({ lending, store, network }: LendingRoutesDeps): Router<AuthState> {
  const router = new Router<AuthState>({ prefix: '/api' });

  const lendingFor = async (ctx: Context & { state: AuthState }): Promise<StoredLending> => {
    const stored = await store.getLending(ctx.params.id!);
    // Another library's lending request answers as one that does not exist, so its ids do not leak.
    if (!stored || !mayLend(ctx.state.caller, stored.lending.lenderId)) throw new HttpError(404, `no lending request ${ctx.params.id}`);
    return stored;
  };

  router.get('/libraries/:libraryId/lending', async (ctx) => {
    const lenderId = ctx.params.libraryId!;
    const { caller } = ctx.state;
    if (!mayLend(caller, lenderId)) throw new HttpError(403, `a ${caller.role} of ${caller.libraryId} cannot see the lending requests of ${lenderId}`);
    if (!network.current().config.suppliers.some((supplier) => supplier.id === lenderId && supplier.kind === 'service-library')) {
      throw new HttpError(404, `${lenderId} is no service library of the network`);
    }
    const { limit, before } = page(ctx.query);
    const found = await store.listLending(lenderId, { limit, before, statuses: statuses(ctx.query.status) });
    ctx.body = paged(
      found.map(({ lending: item, status, seq, updatedAt }) => ({ ...item, status, seq, updatedAt })),
      limit,
      'lending',
    );
  });

  router.get('/lending/:id', async (ctx) => {
    const stored = await lendingFor(ctx);
    // The workflow knows what waits for the librarians (a borrower's question, a price offered); the audit trail is the store's.
    const { question, offeredCost, agreedCost, dueDate, status } = await lending.state(stored.lending.id);
    const history = await store.listLendingEvents(stored.lending.id);
    ctx.body = { ...stored.lending, status, question, offeredCost, agreedCost, dueDate, history: history.map((event) => ({ status: event.status, at: event.at, ...event.detail })) };
  });

  router.post('/lending/:id/answer', async (ctx) => {
    const answer = checkAnswer(ctx);
    const stored = await lendingFor(ctx);
    const { subject, role, libraryId } = ctx.state.caller;
    ctx.body = await lending.answer(stored.lending.id, { ...answer, actor: { subject, role, libraryId } });
  });

  return router;
}
