import { useState } from 'preact/hooks';
import { REQUEST_STATUSES } from '../../../domain/request-state';
import type { SearchPage } from '../api';
import { dayEnd, dayStart } from '../days';
import { useMessages } from '../i18n';
import { usePolled } from '../polling';
import { useApi } from '../session';
import { Heading } from './Heading';
import { Paging } from './Paging';

const PAGE_SIZE = 20;
const URGENCIES = ['normal', 'rush', 'express'] as const;

interface Criteria {
  status: string;
  urgency: string;
  q: string;
  submittedFrom: string;
  submittedTo: string;
}

const NONE: Criteria = { status: '', urgency: '', q: '', submittedFrom: '', submittedTo: '' };

/** The library's requests, by status, urgency, words of the citation and the days they were asked. */
export function LibrarySearch() {
  const { t, time } = useMessages();
  const l = t.librarian;
  const api = useApi();
  const [draft, setDraft] = useState<Criteria>(NONE);
  const [criteria, setCriteria] = useState<Criteria>(NONE);
  const [cursor, setCursor] = useState<string>();
  const page = usePolled(async () => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (criteria.status) query.set('status', criteria.status);
    if (criteria.urgency) query.set('urgency', criteria.urgency);
    if (criteria.q.trim()) query.set('q', criteria.q.trim());
    if (criteria.submittedFrom) query.set('submittedFrom', dayStart(criteria.submittedFrom));
    if (criteria.submittedTo) query.set('submittedTo', dayEnd(criteria.submittedTo));
    if (cursor) query.set('cursor', cursor);
    const answer = await api<SearchPage>('GET', `/api/requests?${query}`);
    return answer.ok ? answer.body : undefined;
  }, `${JSON.stringify(criteria)}#${cursor ?? ''}`, null);
  const set = (name: keyof Criteria) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: event.currentTarget.value });
  return (
    <>
      <Heading>{l.search}</Heading>
      <form
        class="search"
        onSubmit={(event) => {
          event.preventDefault();
          setCursor(undefined);
          setCriteria(draft);
        }}
      >
        <div class="field">
          <label for="search-q">{l.words}</label>
          <input id="search-q" type="search" value={draft.q} onInput={set('q')} />
        </div>
        <div class="field">
          <label for="search-status">{t.status}</label>
          <select id="search-status" value={draft.status} onChange={set('status')}>
            <option value="">{l.any}</option>
            {REQUEST_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t.statuses[status]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="search-urgency">{t.urgency}</label>
          <select id="search-urgency" value={draft.urgency} onChange={set('urgency')}>
            <option value="">{l.any}</option>
            {URGENCIES.map((urgency) => (
              <option key={urgency} value={urgency}>
                {t.urgencies[urgency]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="search-from">{l.submittedFrom}</label>
          <input id="search-from" type="date" value={draft.submittedFrom} onInput={set('submittedFrom')} />
        </div>
        <div class="field">
          <label for="search-to">{l.submittedTo}</label>
          <input id="search-to" type="date" value={draft.submittedTo} onInput={set('submittedTo')} />
        </div>
        <button type="submit">{l.find}</button>
      </form>
      {!page ? (
        <p>{t.loading}</p>
      ) : page.items.length === 0 ? (
        <p>{l.nothingFound}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{l.search}</caption>
          <thead>
            <tr>
              <th scope="col">{t.columns.title}</th>
              <th scope="col">{t.columns.status}</th>
              <th scope="col">{t.urgency}</th>
              <th scope="col">{t.columns.submitted}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <tr key={item.id}>
                <td>
                  <a href={`#/request/${encodeURIComponent(item.id)}`}>{item.title ?? item.id}</a>
                </td>
                <td data-status={item.status}>{t.statuses[item.status] ?? item.status}</td>
                <td>{t.urgencies[item.urgency as keyof typeof t.urgencies] ?? item.urgency}</td>
                <td>{time(item.submittedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Paging label={l.search} cursor={cursor} next={page?.next} setCursor={setCursor} />
    </>
  );
}
