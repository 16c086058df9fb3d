import { useEffect, useRef, useState } from 'preact/hooks';
import { ledgerMonth, type Account, type AccountKind, type PostingKind } from '../../../domain/ledger';
import { useCsvDownload } from '../download';
import { useMessages } from '../i18n';
import { usePolled } from '../polling';
import { useApi, useSession } from '../session';
import { Heading } from './Heading';

/** An account's statement of a month, as `GET /api/ledger/statements` answers: amounts in yuan, debits positive. */
interface Statement {
  account: Account;
  month: string;
  balances: { currency: string; opening: string; debits: string; credits: string; closing: string }[];
  postings: { date: string; requestId: string; counterparty: Account; kind: PostingKind; amount: string; currency: string; key: string }[];
}

/** A month's totals, as `GET /api/ledger/months/:month` answers. */
interface MonthTotals {
  month: string;
  closed: { at: string; by: string } | null;
  balanced: boolean;
  currencies: { currency: string; debits: string; credits: string; sum: string; postings: number }[];
}

interface Choice {
  month: string;
  kind: AccountKind;
  library: string;
}

/** A library or supplier as `GET /api/libraries` and `GET /api/suppliers` list them. */
interface Member {
  id: string;
  name: string;
  region?: string;
}

type Members = Record<'library' | 'supplier', Member[]>;

/** The network's libraries and suppliers, for the centre's staff to pick an account from; nobody else lists them. */
function useMembers(centre: boolean): Members | undefined {
  const api = useApi();
  return usePolled(
    async () => {
      if (!centre) return undefined;
      const [libraries, suppliers] = await Promise.all([api<{ libraries: Member[] }>('GET', '/api/libraries'), api<{ suppliers: Member[] }>('GET', '/api/suppliers')]);
      return libraries.ok && suppliers.ok ? { library: libraries.body.libraries, supplier: suppliers.body.suppliers } : undefined;
    },
    String(centre),
    null,
  );
}

const accountName = (account: Account) => (account.kind === 'centre' ? 'centre' : `${account.kind}:${account.id}`);

function statementPath(choice: Choice): string {
  const query = new URLSearchParams({ month: choice.month, account: choice.kind });
  if (choice.kind !== 'centre') query.set('library', choice.library);
  return `/api/ledger/statements?${query}`;
}

function StatementView({ choice }: { choice: Choice }) {
  const { t } = useMessages();
  const a = t.admin;
  const api = useApi();
  const download = useCsvDownload();
  const [problem, setProblem] = useState<string>();
  const path = statementPath(choice);
  const found = usePolled(
    async () => {
      const answer = await api<Statement>('GET', path);
      return answer.ok ? answer.body : answer.error.message;
    },
    path,
    null,
  );
  if (found === undefined) return <p>{t.loading}</p>;
  if (typeof found === 'string') return <p role="alert" class="problem">{found}</p>;
  const title = a.statementOf(choice.kind === 'centre' ? a.accountKinds.centre : `${a.accountKinds[choice.kind]} ${choice.library}`, choice.month);
  return (
    <section aria-labelledby="statement-title" class="statement">
      <h2 id="statement-title">{title}</h2>
      {found.balances.length === 0 ? (
        <p>{a.noPostings}</p>
      ) : (
        <table class="balances">
          <caption>{a.balances}</caption>
          <thead>
            <tr>
              <th scope="col">{a.currency}</th>
              <th scope="col">{a.opening}</th>
              <th scope="col">{a.debits}</th>
              <th scope="col">{a.credits}</th>
              <th scope="col">{a.closing}</th>
            </tr>
          </thead>
          <tbody>
            {found.balances.map((balance) => (
              <tr key={balance.currency}>
                <th scope="row">{balance.currency}</th>
                <td>{balance.opening}</td>
                <td>{balance.debits}</td>
                <td>{balance.credits}</td>
                <td>{balance.closing}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {found.postings.length > 0 && (
        <table class="postings">
          <caption>{a.postings}</caption>
          <thead>
            <tr>
              <th scope="col">{a.date}</th>
              <th scope="col">{a.request}</th>
              <th scope="col">{a.counterparty}</th>
              <th scope="col">{a.postingKind}</th>
              <th scope="col" class="amount">
                {a.amount}
              </th>
            </tr>
          </thead>
          <tbody>
            {found.postings.map((posting) => (
              <tr key={posting.key} data-request={posting.requestId} data-kind={posting.kind}>
                <td>{posting.date}</td>
                <td>{posting.requestId}</td>
                <td>{accountName(posting.counterparty)}</td>
                <td>{a.postingKinds[posting.kind]}</td>
                <td class="amount">
                  {posting.amount} {posting.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <button type="button" onClick={async () => setProblem(await download(`${path}&format=csv`, 'statement.csv'))}>
          {a.downloadCsv(title)}
        </button>
      </p>
      {problem && <p role="alert" class="problem">{problem}</p>}
    </section>
  );
}

/** The month's postings summed per currency, whether they balance, and closing a month that has ended. */
function MonthView({ month }: { month: string }) {
  const { t, time } = useMessages();
  const a = t.admin;
  const api = useApi();
  const [asked, setAsked] = useState(false);
  const [closings, setClosings] = useState(0);
  const [problem, setProblem] = useState<string>();
  const confirm = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const opened = useRef(false);
  useEffect(() => {
    // The button pressed gives way to the question, and the question back to it: the keyboard stays where the choice is.
    if (asked) confirm.current?.focus();
    else if (opened.current) ask.current?.focus();
    opened.current = asked;
  }, [asked]);
  const totals = usePolled(
    async () => {
      const answer = await api<MonthTotals>('GET', `/api/ledger/months/${month}`);
      return answer.ok ? answer.body : undefined;
    },
    `${month}#${closings}`,
    null,
  );
  const close = async () => {
    const answer = await api<MonthTotals>('POST', `/api/ledger/months/${month}/close`, {});
    setAsked(false);
    setProblem(answer.ok ? undefined : answer.error.message);
    setClosings(closings + 1);
  };
  return (
    <section aria-labelledby="month-title" class="month">
      <h2 id="month-title">{a.monthTotals(month)}</h2>
      {!totals ? (
        <p>{t.loading}</p>
      ) : (
        <>
          <p data-field="balanced">{totals.balanced ? a.balanced : a.unbalanced}</p>
          <p data-field="closed">{totals.closed ? a.closedBy(totals.closed.by, time(totals.closed.at)) : a.notClosed}</p>
          {totals.currencies.length === 0 ? (
            <p>{a.noPostings}</p>
          ) : (
            <table>
              <caption class="visually-hidden">{a.monthTotals(month)}</caption>
              <thead>
                <tr>
                  <th scope="col">{a.currency}</th>
                  <th scope="col">{a.debits}</th>
                  <th scope="col">{a.credits}</th>
                  <th scope="col">{a.sum}</th>
                  <th scope="col">{a.postingCount}</th>
                </tr>
              </thead>
              <tbody>
                {totals.currencies.map((currency) => (
                  <tr key={currency.currency}>
                    <th scope="row">{currency.currency}</th>
                    <td>{currency.debits}</td>
                    <td>{currency.credits}</td>
                    <td>{currency.sum}</td>
                    <td>{currency.postings}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!totals.closed && month >= ledgerMonth(new Date()) && <p class="hint">{a.monthRunning(month)}</p>}
          {!totals.closed &&
            month < ledgerMonth(new Date()) &&
            (asked ? (
              <div class="confirm" role="group" aria-labelledby="close-question">
                <p id="close-question">{a.confirmClose(month)}</p>
                <button type="button" ref={confirm} onClick={close}>
                  {a.confirm}
                </button>{' '}
                <button type="button" onClick={() => setAsked(false)}>
                  {a.cancel}
                </button>
              </div>
            ) : (
              <p>
                <button type="button" ref={ask} onClick={() => setAsked(true)}>
                  {a.close(month)}
                </button>
              </p>
            ))}
          {problem && (
            <p role="alert" class="problem">
              {problem}
            </p>
          )}
        </>
      )}
    </section>
  );
}

/**
 * Monthly statements: the centre's staff any account's, picked from the network's members, with the
 * month's totals and its closing; a librarian their own library's, as requester and as supplier; a
 * supplier desk its supplier's.
 */
export function Settlement() {
  const { t } = useMessages();
  const a = t.admin;
  const { session } = useSession();
  const centre = session?.role === 'administrator';
  const own = centre ? '' : (session?.libraryId ?? '');
  const kinds: AccountKind[] = centre ? ['library', 'supplier', 'centre'] : session?.role === 'supplier' ? ['supplier'] : ['library', 'supplier'];
  const [draft, setDraft] = useState<Choice>({ month: ledgerMonth(new Date()), kind: kinds[0]!, library: own });
  const [choice, setChoice] = useState<Choice>(draft);
  const members = useMembers(centre);
  // A service library is a supplier too: its account stays picked when the kind changes, any other is picked again.
  const keeps = (kind: AccountKind) => !centre || (kind !== 'centre' && members?.[kind].some((member) => member.id === draft.library));
  const ready = choice.kind === 'centre' || choice.library !== '';
  return (
    <>
      <Heading>{a.settlement}</Heading>
      <form
        class="search"
        aria-label={a.chooseStatement}
        onSubmit={(event) => {
          event.preventDefault();
          setChoice(draft);
        }}
      >
        <div class="field">
          <label for="statement-month">{a.month}</label>
          <input id="statement-month" type="month" required value={draft.month} onInput={(event) => setDraft({ ...draft, month: event.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="statement-account">{a.account}</label>
          <select
            id="statement-account"
            value={draft.kind}
            onChange={(event) => {
              const kind = event.currentTarget.value as AccountKind;
              setDraft({ ...draft, kind, library: keeps(kind) ? draft.library : '' });
            }}
          >
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {a.accountKinds[kind]}
              </option>
            ))}
          </select>
        </div>
        {centre && draft.kind !== 'centre' && (
          <div class="field">
            <label for="statement-library">{draft.kind === 'supplier' ? a.supplier : a.columns.library}</label>
            <select id="statement-library" value={draft.library} onChange={(event) => setDraft({ ...draft, library: event.currentTarget.value })}>
              <option value="">{a.chooseMember}</option>
              {(members?.[draft.kind] ?? []).map((member) => (
                <option key={member.id} value={member.id}>
                  {a.member(member.name, member.id, member.region)}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit">{a.show}</button>
      </form>
      {ready ? <StatementView choice={choice} /> : <p class="hint">{a.chooseLibrary}</p>}
      {centre && <MonthView key={choice.month} month={choice.month} />}
    </>
  );
}
