import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import type { ApiError, RequestDetail } from '../api';
import { CENTRE, type RequestState } from '../../../domain/request-state';
import { useMessages } from '../i18n';
import { reasonShown } from '../reasons';
import { useRequestDetail } from '../request-detail';
import { useApi, useSession, type Session } from '../session';
import { Field, problemOf, Refusal } from './Field';
import { Heading } from './Heading';
import { Paging } from './Paging';
import { RequestMissing } from './RequestPage';
import { useInbox } from '../inbox';

const PAGE_SIZE = 10;

/** The workflow hands every search to the centre's desk: staff elsewhere read the requests, and do not answer them. */
const answersSearches = (session: Session | undefined) => session?.role === 'administrator' || (session?.role === 'search-proxy' && session.libraryId === CENTRE.libraryId);

/** The hard-to-find requests waiting for search-proxy staff. */
export function SearchProxyQueue() {
  const { t, time } = useMessages();
  const [cursor, setCursor] = useState<string>();
  const { session } = useSession();
  const page = useInbox(['searchProxy'], cursor, '', PAGE_SIZE);
  return (
    <>
      <Heading>{t.staff.searchProxyQueue}</Heading>
      {!answersSearches(session) && <p>{t.searchDesk.notTheDesk(session?.libraryId ?? '', CENTRE.libraryId)}</p>}
      <p class="hint">{t.refreshing}</p>
      {!page ? (
        <p>{t.loading}</p>
      ) : page.items.length === 0 ? (
        <p>{t.staff.noItems}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{t.staff.searchProxyQueue}</caption>
          <thead>
            <tr>
              <th scope="col">{t.columns.title}</th>
              <th scope="col">{t.staff.requestId}</th>
              <th scope="col">{t.staff.opened}</th>
              <th scope="col">{t.staff.due}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <tr key={item.id}>
                <td>
                  <a href={`#/search-proxy/${encodeURIComponent(item.requestId!)}`}>{item.citation ?? item.requestId}</a>
                </td>
                <td>{item.requestId}</td>
                <td>{time(item.openedAt)}</td>
                <td>{item.dueAt ? `${time(item.dueAt)}${item.overdue ? ` — ${t.staff.overdue}` : ''}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Paging label={t.staff.searchProxyQueue} cursor={cursor} next={page?.next} setCursor={setCursor} />
    </>
  );
}

const OUTCOMES = ['found', 'supplied', 'unfillable'] as const;
type Outcome = (typeof OUTCOMES)[number];

/** One hard-to-find request: who was asked and why each failed, and the staff's answer. */
export function SearchProxyRequest() {
  const { t, time } = useMessages();
  const api = useApi();
  const { session } = useSession();
  const { params } = useRoute();
  const id = params.id ?? '';
  const [outcome, setOutcome] = useState<Outcome>('found');
  const [given, setGiven] = useState({ supplierId: '', deliveryUrl: '', reason: '' });
  const [refusal, setRefusal] = useState<ApiError>();
  const { detail, missing, changed } = useRequestDetail<RequestDetail & Pick<RequestState, 'tried'>>(id);
  if (!detail) return missing ? <RequestMissing error={missing} /> : <p>{t.loading}</p>;
  const needs: Record<Outcome, keyof typeof given> = { found: 'supplierId', supplied: 'deliveryUrl', unfillable: 'reason' };
  const field = needs[outcome];
  const problem = problemOf(refusal, `/body/${field}`);
  const escalated = detail.history.findLast((step) => step.status === 'with-search-proxy');
  const labels = { supplierId: t.staff.supplierId, deliveryUrl: t.staff.link, reason: t.staff.reason };
  return (
    <>
      <Heading>{detail.request.citation.title ?? detail.requestId}</Heading>
      <dl class="facts">
        <dt>{t.staff.requestId}</dt>
        <dd>{detail.requestId}</dd>
        <dt>{t.staff.requestingLibrary}</dt>
        <dd>{detail.request.requester.libraryId}</dd>
        <dt>{t.status}</dt>
        <dd data-status={detail.status}>{t.statuses[detail.status] ?? detail.status}</dd>
        {escalated && (
          <>
            <dt>{t.staff.whyHere}</dt>
            <dd>{escalated.event ? t.audit.events[escalated.event]({ tries: escalated.tries ? String(escalated.tries) : undefined }) : <span lang="en">{escalated.note}</span>}</dd>
          </>
        )}
      </dl>
      <h2>{t.staff.tried}</h2>
      {detail.tried.length === 0 ? (
        <p>{t.staff.triedNothing}</p>
      ) : (
        <ol class="tried">
          {detail.tried.map((attempt) => (
            <li key={`${attempt.supplierId}-${attempt.at}`}>
              <time dateTime={attempt.at}>{time(attempt.at)}</time> {attempt.supplierId}: {t.staff.tryOutcomes[attempt.outcome] ?? attempt.outcome}
              {/* An ISO 18626 reason code by its label; a supplier's own words as written. */}
              {attempt.reason ? ` — ${reasonShown(attempt.reason, t)}` : ''}
            </li>
          ))}
        </ol>
      )}
      {detail.status === 'with-search-proxy' && !answersSearches(session) && <p>{t.searchDesk.readOnly(CENTRE.libraryId)}</p>}
      {detail.status === 'with-search-proxy' && answersSearches(session) && (
        <form
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const value = given[field].trim();
            const answer = await api('POST', `/api/requests/${encodeURIComponent(id)}/search-proxy-answer`, { outcome, ...(value ? { [field]: value } : {}) });
            if (answer.ok) changed();
            else setRefusal(answer.error);
          }}
        >
          <fieldset>
            <legend>{t.staff.answer}</legend>
            {OUTCOMES.map((each) => (
              <label key={each} class="choice">
                <input type="radio" name="outcome" value={each} checked={outcome === each} onChange={() => (setOutcome(each), setRefusal(undefined))} /> {t.staff.outcomes[each]}
              </label>
            ))}
          </fieldset>
          <Field id={field} label={labels[field]} problem={problem}>
            {(described) => <input {...described} value={given[field]} onInput={(event) => setGiven({ ...given, [field]: event.currentTarget.value })} />}
          </Field>
          <Refusal refusal={refusal} placed={Boolean(problem)} />
          <button type="submit">{t.staff.send}</button>
        </form>
      )}
    </>
  );
}
