// The centre's ledger as members see it: a library's (or a supplier's) statement of a month, and
// for the centre's staff, the check that a month's postings balance and the closing of a month.
import Router from '@koa/router';
import { formatMinor, ledgerDate, ledgerMonth, type Account, type AccountKind } from '../../../domain/ledger';
import type { Caller } from '../../auth/tokens';
import type { NetworkHolder } from '../../network';
import type { RequestStore, Statement } from '../../store/store';
import type { AuthState } from '../authenticate';
import { NO_FIELDS, Routes, SAFE_ID, type Schema } from '../contract';
import { csv, wantsCsv } from '../csv';
import { HttpError } from '../http-error';

export interface LedgerRoutesDeps {
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
}

const MONTH: Schema = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'A calendar month in China time, YYYY-MM.' };

interface StatementQuery {
  library?: string;
  month: string;
  account: AccountKind;
  format?: 'json' | 'csv';
}

/**
 * Whose statement a caller may read: the centre's staff any; a librarian their library's, as
 * requester and, a service library being a supplier too, as supplier; a supplier's staff their
 * supplier account. Any other answers as if the account did not exist.
 */
function mayRead(caller: Caller, account: Account): boolean {
  if (caller.role === 'administrator') return true;
  if (account.id !== caller.libraryId) return false;
  return account.kind === 'supplier' ? caller.role === 'supplier' || caller.role === 'librarian' : account.kind === 'library' && caller.role === 'librarian';
}

const name = (account: Account) => (account.kind === 'centre' ? 'centre' : `${account.kind}:${account.id}`);

function statementJson({ account, month, balances, postings }: Statement) {
  return {
    account,
    month,
    balances: balances.map((b) => ({ currency: b.currency, opening: formatMinor(b.openingMinor), debits: formatMinor(b.debitsMinor), credits: formatMinor(b.creditsMinor), closing: formatMinor(b.closingMinor) })),
    postings: postings.map((p) => ({
      date: ledgerDate(p.postedAt),
      at: p.postedAt,
      requestId: p.requestId,
      counterparty: p.counterparty,
      kind: p.kind,
      amount: formatMinor(p.amountMinor),
      currency: p.currency,
      key: p.key,
      ...(p.reverses ? { reverses: p.reverses } : {}),
    })),
  };
}

/** One row per posting between each currency's opening and closing balance and its totals; debits positive. */
const STATEMENT_COLUMNS = ['date', 'request', 'counterparty', 'kind', 'amount', 'currency'];

function statementCsv({ month, balances, postings }: Statement): string {
  const rows: Record<string, string>[] = [];
  const line = (date: string, request: string, counterparty: string, kind: string, amountMinor: number, currency: string) =>
    rows.push({ date, request, counterparty, kind, amount: formatMinor(amountMinor), currency });
  for (const b of balances) {
    line(`${month}-01`, '', '', 'opening balance', b.openingMinor, b.currency);
    for (const p of postings.filter((posting) => posting.currency === b.currency)) line(ledgerDate(p.postedAt), p.requestId, name(p.counterparty), p.kind, p.amountMinor, p.currency);
    line('', '', '', 'total debits', b.debitsMinor, b.currency);
    line('', '', '', 'total credits', b.creditsMinor, b.currency);
    line('', '', '', 'closing balance', b.closingMinor, b.currency);
  }
  return csv(STATEMENT_COLUMNS, rows);
}

export function ledgerRoutes({ store, network }: LedgerRoutesDeps): Routes {
  const routes = new Routes(new Router<AuthState>());

  routes.add<StatementQuery>(
    {
      method: 'get',
      path: '/api/ledger/statements',
      summary: 'Read an account’s statement of a month',
      roles: ['librarian', 'supplier', 'administrator'],
      query: {
        type: 'object',
        additionalProperties: false,
        required: ['month'],
        properties: {
          library: { ...SAFE_ID, description: 'The library (or supplier) whose account it is; not for the centre’s.' },
          month: MONTH,
          account: { enum: ['library', 'supplier', 'centre'], default: 'library', description: 'The library as requester, as supplier, or the centre’s own account.' },
          format: { enum: ['json', 'csv'], description: 'csv: as a spreadsheet (so does Accept: text/csv).' },
        },
        if: { required: ['account'], properties: { account: { const: 'centre' } } },
        else: { required: ['library'] },
      },
      responses: { '200': { description: 'Opening balance, each posting (date, request, counterparty, kind, amount), totals and closing balance, per currency; amounts in yuan as exact decimals, debits positive.' } },
    },
    async (ctx, { query }) => {
      const account: Account = query.account === 'centre' ? { kind: 'centre', id: 'centre' } : { kind: query.account, id: query.library! };
      const { config } = network.current();
      const known = account.kind === 'centre' || (account.kind === 'library' ? config.libraries : config.suppliers).some((entry) => entry.id === account.id);
      if (!known || !mayRead(ctx.state.caller, account)) throw new HttpError(404, `no ${account.kind === 'centre' ? 'centre' : account.kind} account ${account.id}`);
      const statement = await store.statement(account, query.month);
      if (!wantsCsv(ctx, query.format)) {
        ctx.body = statementJson(statement);
        return;
      }
      ctx.type = 'text/csv; charset=utf-8; header=present';
      ctx.attachment(`statement-${name(account).replace(':', '-')}-${query.month}.csv`);
      ctx.body = statementCsv(statement);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/ledger/months/:month',
      summary: 'Check that a month’s postings balance',
      roles: ['administrator'],
      params: { month: MONTH },
      responses: { '200': { description: 'Per currency, the month’s debits, credits and their sum, which is zero when the books balance.' } },
    },
    async (ctx, { params }) => {
      const [totals, closed] = await Promise.all([store.monthTotals(params.month!), store.monthClosed(params.month!)]);
      ctx.body = {
        month: params.month,
        closed: closed ?? null,
        balanced: totals.every((t) => t.sumMinor === 0),
        currencies: totals.map((t) => ({ currency: t.currency, debits: formatMinor(t.debitsMinor), credits: formatMinor(t.creditsMinor), sum: formatMinor(t.sumMinor), postings: t.postings })),
      };
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/ledger/months/:month/close',
      summary: 'Close a month’s statements',
      roles: ['administrator'],
      params: { month: MONTH },
      body: NO_FIELDS,
      responses: {
        '200': { description: 'The month is settled: a request closed from now on has what was posted in it left as it is. Closing it again changes nothing.' },
        '409': { description: 'The month has not ended yet (China time).' },
      },
    },
    async (ctx, { params }) => {
      const month = params.month!;
      if (month >= ledgerMonth(new Date())) throw new HttpError(409, `${month} has not ended yet; only a past month's statements can be closed`);
      await store.closeMonth(month, ctx.state.caller.subject);
      ctx.body = { month, closed: await store.monthClosed(month) };
    },
  );

  return routes;
}
