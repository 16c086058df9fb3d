import { useState } from 'preact/hooks';
import { UNFILLED_REASONS } from '../../../domain/lending';
import type { ApiError } from '../api';
import { useMessages } from '../i18n';
import { useApi, useSession } from '../session';
import { Field, problemOf, Refusal } from './Field';
import type { InboxItem } from '../inbox';

/** An item of `GET /api/tasks`, with the route that answers it. */
const ANSWERS = ['will-supply', 'unfilled', 'conditional', 'copy-sent', 'loaned', 'return-received'] as const;
type Answer = (typeof ANSWERS)[number];

interface Given {
  answer: Answer;
  reason: string;
  cost: string;
  link: string;
  dueDate: string;
}

/**
 * The answers that fit where the request stands for the supplier, the one it most often gives first:
 * a returned loan's receipt alone; otherwise the service's own sending (a copy sent, a loan shipped)
 * beside accepting, refusing or naming a price. An item saying neither is offered every answer.
 */
function answersFor(item: InboxItem): { offered: readonly Answer[]; first: Answer } {
  if (item.stage === 'returned') return { offered: ['return-received'], first: 'return-received' };
  if (!item.service) return { offered: ANSWERS, first: 'will-supply' };
  const sends: Answer = item.service === 'loan' ? 'loaned' : 'copy-sent';
  return { offered: ['will-supply', 'unfilled', 'conditional', sends], first: sends };
}

/** The end of the chosen day in China, as the API takes instants. */
const dueInstant = (day: string) => (day ? `${day}T23:59:59+08:00` : undefined);

/**
 * One vocabulary for both kinds of request a supplier fills: the network's own requests take it as an
 * ISO 18626 supplier message, outside borrowers' lending requests as the lending answer it names.
 */
function bodyOf(item: InboxItem, supplierId: string, given: Given): unknown {
  const cost = given.cost === '' ? undefined : { amount: Number(given.cost), currency: 'CNY' };
  const dueDate = dueInstant(given.dueDate);
  if (item.lendingId) {
    const fields: Record<Answer, object> = {
      'will-supply': {},
      unfilled: { reason: given.reason },
      conditional: { cost },
      'copy-sent': { url: given.link || undefined },
      loaned: { dueDate },
      'return-received': {},
    };
    return { answer: given.answer, ...fields[given.answer] };
  }
  const messages: Record<Answer, object> = {
    'will-supply': { status: 'WillSupply' },
    unfilled: { status: 'Unfilled', reason: given.reason || undefined },
    // ISO 18626 offers to supply at a price as RetryPossible with the cost: the requesting library approves it or not.
    conditional: { status: 'RetryPossible', cost },
    'copy-sent': { status: 'CopyCompleted', deliveryUrl: given.link || undefined },
    loaned: { status: 'Loaned', dueDate },
    'return-received': { status: 'LoanCompleted' },
  };
  return { supplierId, ...messages[given.answer] };
}

/** The answers that fit a request to fill, each with the one field it needs. */
export function SupplyAnswer({ item, onDone }: { item: InboxItem; onDone(): void }) {
  const { t } = useMessages();
  const api = useApi();
  const { session } = useSession();
  const { offered, first } = answersFor(item);
  const [given, setGiven] = useState<Given>({ answer: first, reason: 'NotHeld', cost: '', link: '', dueDate: '' });
  const [refusal, setRefusal] = useState<ApiError>();
  const set = (change: Partial<Given>) => setGiven({ ...given, ...change });
  const key = item.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const problems = {
    reason: problemOf(refusal, '/body/reason'),
    cost: problemOf(refusal, '/body/cost'),
    link: problemOf(refusal, '/body/deliveryUrl', '/body/url'),
    dueDate: problemOf(refusal, '/body/dueDate'),
  };
  const placed = Object.values(problems).some(Boolean);
  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const answer = await api(item.answer.method, item.answer.path, bodyOf(item, session?.libraryId ?? '', given));
        if (answer.ok) onDone();
        else setRefusal(answer.error);
      }}
    >
      <Field id={`answer-${key}`} label={t.staff.answer}>
        {(described) => (
          <select {...described} value={given.answer} onChange={(event) => set({ answer: event.currentTarget.value as Answer })}>
            {offered.map((answer) => (
              <option key={answer} value={answer}>
                {t.staff.answers[answer]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {given.answer === 'unfilled' && (
        <Field id={`reason-${key}`} label={t.staff.reason} problem={problems.reason}>
          {(described) => (
            <select {...described} value={given.reason} onChange={(event) => set({ reason: event.currentTarget.value })}>
              {UNFILLED_REASONS.map((reason) => (
                <option key={reason} value={reason}>
                  {t.staff.unfilledReasons[reason]}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {given.answer === 'conditional' && (
        <Field id={`cost-${key}`} label={t.staff.cost} problem={problems.cost}>
          {(described) => <input {...described} inputMode="decimal" value={given.cost} onInput={(event) => set({ cost: event.currentTarget.value })} />}
        </Field>
      )}
      {given.answer === 'copy-sent' && (
        <Field id={`link-${key}`} label={t.staff.link} problem={problems.link}>
          {(described) => <input {...described} type="url" value={given.link} onInput={(event) => set({ link: event.currentTarget.value })} />}
        </Field>
      )}
      {given.answer === 'loaned' && (
        <Field id={`due-${key}`} label={t.staff.dueDate} problem={problems.dueDate}>
          {(described) => <input {...described} type="date" value={given.dueDate} onInput={(event) => set({ dueDate: event.currentTarget.value })} />}
        </Field>
      )}
      <Refusal refusal={refusal} placed={placed} />
      <button type="submit">{t.staff.send}</button>
    </form>
  );
}

/** A borrower's renewal: granted to a new due date, or refused with a reason. */
export function RenewalAnswer({ item, onDone }: { item: InboxItem; onDone(): void }) {
  const { t } = useMessages();
  const api = useApi();
  const [dueDate, setDueDate] = useState('');
  const [refusal, setRefusal] = useState<ApiError>();
  const key = item.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const problem = problemOf(refusal, '/body/dueDate');
  const answer = async (approve: boolean) => {
    const body = item.lendingId ? { answer: 'renew', approve, dueDate: dueInstant(dueDate) } : { approve, dueDate: dueInstant(dueDate) };
    const answered = await api(item.answer.method, item.answer.path, body);
    if (answered.ok) onDone();
    else setRefusal(answered.error);
  };
  return (
    <form noValidate onSubmit={(event) => (event.preventDefault(), void answer(true))}>
      <Field id={`renew-due-${key}`} label={t.staff.dueDate} problem={problem}>
        {(described) => <input {...described} type="date" value={dueDate} onInput={(event) => setDueDate(event.currentTarget.value)} />}
      </Field>
      <Refusal refusal={refusal} placed={Boolean(problem)} />
      <button type="submit">{t.staff.renewApprove}</button>{' '}
      <button type="button" onClick={() => void answer(false)}>
        {t.staff.renewRefuse}
      </button>
    </form>
  );
}
