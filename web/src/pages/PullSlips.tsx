import { useRoute } from 'preact-iso';
import type { Holding } from '../../../domain/holdings';
import type { RequestSummary, SearchPage } from '../api';
import { useMessages } from '../i18n';
import { usePolled } from '../polling';
import { useApi, useSession } from '../session';
import { Heading } from './Heading';

/** What a supplier's search shows of a request it is asked to supply: the requesting library, not the reader; and where its own copy stands. */
type Supplied = RequestSummary & { libraryId: string; holding?: Holding | null };

/** One slip a page for the chosen requests, for the stacks: what to pull and where it goes. */
export function PullSlips() {
  const { t, time } = useMessages();
  const api = useApi();
  const { session } = useSession();
  const desk = encodeURIComponent(session?.libraryId ?? '');
  const { query } = useRoute();
  const ids = (query.ids ?? '').split(',').filter(Boolean);
  const found = usePolled(
    async () => {
      const answer = await api<SearchPage>('GET', '/api/requests?limit=100');
      if (!answer.ok) return undefined;
      const chosen = (answer.body.items as Supplied[]).filter((item) => ids.includes(item.id));
      // The library's own holding of each item: where staff find it on the shelves.
      return Promise.all(
        chosen.map(async (item) => {
          const held = await api<{ holding: Holding | null }>('GET', `/api/suppliers/${desk}/requests/${encodeURIComponent(item.id)}/holding`);
          return { ...item, holding: held.ok ? held.body.holding : undefined };
        }),
      );
    },
    ids.join(','),
    null,
  );
  return (
    <>
      <Heading>{t.staff.pullSlipsTitle}</Heading>
      <p class="no-print">
        <button type="button" onClick={() => print()}>
          {t.staff.print}
        </button>{' '}
        <a href="#/">{t.staff.inbox}</a>
      </p>
      {!found ? (
        <p>{t.loading}</p>
      ) : found.length === 0 ? (
        <p class="no-slips">{t.slips.none}</p>
      ) : (
        found.map((item) => (
          <section key={item.id} class="slip" aria-labelledby={`slip-${item.id} slip-id-${item.id}`}>
            <h2 id={`slip-${item.id}`}>{item.title ?? item.id}</h2>
            <dl class="facts">
              <dt>{t.slips.callNumber}</dt>
              <dd class="call-number">{item.holding?.callNumber ?? t.slips.noCallNumber}</dd>
              {item.holding?.recordId && (
                <>
                  <dt>{t.slips.recordId}</dt>
                  <dd>{item.holding.recordId}</dd>
                </>
              )}
              <dt>{t.staff.requestingLibrary}</dt>
              <dd>{item.libraryId}</dd>
              <dt>{t.staff.requestId}</dt>
              <dd id={`slip-id-${item.id}`}>{item.id}</dd>
              <dt>{t.service}</dt>
              <dd>{t.services[item.service as keyof typeof t.services] ?? item.service}</dd>
              <dt>{t.columns.submitted}</dt>
              <dd>{time(item.submittedAt)}</dd>
            </dl>
          </section>
        ))
      )}
    </>
  );
}
