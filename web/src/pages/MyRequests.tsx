import { useState } from 'preact/hooks';
import { FINAL_STATUSES } from '../../../domain/request-state';
import type { RequestDetail, RequestSummary, SearchPage } from '../api';
import { useMessages } from '../i18n';
import { usePolled } from '../polling';
import { useApi } from '../session';
import { Eta } from './Eta';
import { Heading } from './Heading';
import { Paging } from './Paging';

const PAGE_SIZE = 10;

/** A row reads its request in full only when the index says it changed, for the expected delivery time. */
function Row({ item }: { item: RequestSummary }) {
  const { t, time } = useMessages();
  const api = useApi();
  const detail = usePolled(async () => {
    if (FINAL_STATUSES.includes(item.status)) return undefined;
    const answer = await api<RequestDetail>('GET', `/api/requests/${encodeURIComponent(item.id)}`);
    return answer.ok ? answer.body : undefined;
  }, `${item.id}@${item.updatedAt}`, null);
  return (
    <tr>
      <td>
        <a href={`#/request/${encodeURIComponent(item.id)}`}>{item.title ?? item.id}</a>
      </td>
      <td data-status={item.status}>{t.statuses[item.status] ?? item.status}</td>
      <td>{time(item.submittedAt)}</td>
      <td>{FINAL_STATUSES.includes(item.status) ? '' : <Eta eta={detail?.decision?.eta} />}</td>
    </tr>
  );
}

export function MyRequests() {
  const { t } = useMessages();
  const api = useApi();
  // Where the page shown starts; none for the first.
  const [cursor, setCursor] = useState<string>();
  const page = usePolled(async () => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) });
    const answer = await api<SearchPage>('GET', `/api/requests?${query}`);
    return answer.ok ? answer.body : undefined;
  }, cursor ?? '');
  return (
    <>
      <Heading>{t.myRequests}</Heading>
      <p class="hint">{t.refreshing}</p>
      {!page ? (
        <p>{t.loading}</p>
      ) : page.items.length === 0 ? (
        <p>{t.noRequests}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{t.myRequests}</caption>
          <thead>
            <tr>
              <th scope="col">{t.columns.title}</th>
              <th scope="col">{t.columns.status}</th>
              <th scope="col">{t.columns.submitted}</th>
              <th scope="col">{t.columns.eta}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <Row key={item.id} item={item} />
            ))}
          </tbody>
        </table>
      )}
      <Paging label={t.myRequests} cursor={cursor} next={page?.next} setCursor={setCursor} />
    </>
  );
}
