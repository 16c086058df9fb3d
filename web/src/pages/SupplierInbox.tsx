import { useState } from 'preact/hooks';
import { useMessages } from '../i18n';
import { useInbox, type InboxItem } from '../inbox';
import { Heading } from './Heading';
import { RenewalAnswer, SupplyAnswer } from './SupplyAnswer';
import { Paging } from './Paging';

const PAGE_SIZE = 10;

/** The supplying library's incoming requests, each with the answers that fit it, and pull slips for those chosen. */
export function SupplierInbox() {
  const { t, time } = useMessages();
  const [cursor, setCursor] = useState<string>();
  const [changes, setChanges] = useState(0);
  const [chosen, setChosen] = useState<string[]>([]);
  const page = useInbox(['supply', 'renewAnswer', 'lendingAnswer'], cursor, String(changes), PAGE_SIZE);
  // A request at the supplier by what it is asked to do: a copy, a loan, or a loan come back.
  const kindOf = (item: InboxItem) =>
    item.kind === 'supply' && item.stage === 'returned' ? t.supplyDesk.returnedLoan : item.kind === 'supply' && item.service ? t.supplyDesk.asked[item.service] : (t.staff.kinds[item.kind] ?? item.kind);
  const slips = chosen.length > 0 ? `#/pull-slips?ids=${encodeURIComponent(chosen.join(','))}` : undefined;
  return (
    <>
      <Heading>{t.staff.inbox}</Heading>
      <p class="hint">{t.refreshing}</p>
      <p>
        {slips ? (
          <a class="action" href={slips}>
            {t.staff.pullSlips} ({chosen.length})
          </a>
        ) : (
          <span class="hint">{t.staff.pullSlips}</span>
        )}
      </p>
      {!page ? (
        <p>{t.loading}</p>
      ) : page.items.length === 0 ? (
        <p>{t.staff.noItems}</p>
      ) : (
        page.items.map((item) => {
          const title = item.citation ?? item.requestId ?? item.lendingId ?? item.id;
          const ref = item.requestId ?? item.lendingId ?? item.id;
          const headingId = `item-${item.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
          return (
            <article key={item.id} class="task" aria-labelledby={headingId}>
              <h2 id={headingId}>{title}</h2>
              {item.kind === 'supply' && item.stage !== 'returned' && item.requestId && (
                <label class="choose">
                  <input
                    type="checkbox"
                    checked={chosen.includes(item.requestId)}
                    onChange={(event) => setChosen(event.currentTarget.checked ? [...chosen, item.requestId!] : chosen.filter((id) => id !== item.requestId))}
                  />{' '}
                  {t.staff.select(title)}
                </label>
              )}
              <dl class="facts">
                <dt>{t.service}</dt>
                <dd>{kindOf(item)}</dd>
                <dt>{t.staff.requestId}</dt>
                <dd>{ref}</dd>
                <dt>{t.staff.opened}</dt>
                <dd>{time(item.openedAt)}</dd>
                {item.dueAt && (
                  <>
                    <dt>{t.staff.due}</dt>
                    <dd>
                      {time(item.dueAt)}
                      {item.overdue ? ` — ${t.staff.overdue}` : ''}
                    </dd>
                  </>
                )}
              </dl>
              {item.kind === 'renewAnswer' ? <RenewalAnswer item={item} onDone={() => setChanges(changes + 1)} /> : <SupplyAnswer item={item} onDone={() => setChanges(changes + 1)} />}
            </article>
          );
        })
      )}
      <Paging label={t.staff.inbox} cursor={cursor} next={page?.next} setCursor={setCursor} />
    </>
  );
}
