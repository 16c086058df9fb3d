import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { useMessages } from '../i18n';
import { RefusalWords } from '../refusal';
import { useInbox, type InboxItem } from '../inbox';
import { POLL_MS } from '../polling';
import { useApi } from '../session';
import { Heading } from './Heading';
import { Paging } from './Paging';

const PAGE_SIZE = 20;

/** Kinds that many tasks can share one answer for: the body each is answered with. */
const BATCH_ANSWERS: Record<string, unknown> = { review: { decision: 'approve' }, receive: {} };

export function Inbox() {
  const { t, time } = useMessages();
  const l = t.librarian;
  const api = useApi();
  const [kind, setKind] = useState('');
  const [cursor, setCursor] = useState<string>();
  const [changes, setChanges] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Tasks the last batch could not answer, kept on the page with why even once the inbox no longer lists them.
  const [failures, setFailures] = useState<{ task: InboxItem; error: ApiError }[]>([]);
  // While the librarian holds a selection the rows stay still under their hand; the answer asks again.
  const page = useInbox(kind ? [kind] : [], cursor, `${changes}#${selected.size > 0}`, PAGE_SIZE, selected.size > 0 ? null : POLL_MS);
  const listed = page?.items ?? [];
  const rows = [...failures.map(({ task }) => task).filter((task) => !listed.some((item) => item.id === task.id)), ...listed];
  const chosen = rows.filter((task) => selected.has(task.id));

  /** Each task through its own decision route: one that no longer applies fails alone, beside its row. */
  const answerAll = async (batchKind: string) => {
    const tasks = chosen.filter((task) => task.kind === batchKind);
    const answers = await Promise.all(tasks.map((task) => api(task.answer.method, task.answer.path, BATCH_ANSWERS[batchKind])));
    const failed = tasks.flatMap((task, n) => {
      const answer = answers[n]!;
      return answer.ok ? [] : [{ task, error: answer.error }];
    });
    setFailures(failed);
    setSelected(new Set());
    setChanges(changes + 1);
  };

  return (
    <>
      <Heading>{l.inbox}</Heading>
      <p class="hint">{t.refreshing}</p>
      {page && (
        <ul class="counts" aria-label={l.counts}>
          {Object.entries(page.counts).map(([name, count]) => (
            <li key={name}>
              {l.kinds[name] ?? name}: {count}
            </li>
          ))}
        </ul>
      )}
      <div class="field">
        <label for="inbox-kind">{l.kindFilter}</label>
        <select
          id="inbox-kind"
          value={kind}
          onChange={(event) => {
            setKind(event.currentTarget.value);
            setCursor(undefined);
          }}
        >
          <option value="">{l.allKinds}</option>
          {Object.entries(l.kinds).map(([name, label]) => (
            <option key={name} value={name}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="batch">
        {Object.keys(BATCH_ANSWERS).map((batchKind) => (
          <button key={batchKind} type="button" disabled={!chosen.some((task) => task.kind === batchKind)} onClick={() => void answerAll(batchKind)}>
            {l.batch[batchKind]}
          </button>
        ))}
      </div>
      {!page ? (
        <p>{t.loading}</p>
      ) : rows.length === 0 ? (
        <p>{l.noTasks}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{l.inbox}</caption>
          <thead>
            <tr>
              <th scope="col">{l.select}</th>
              <th scope="col">{l.kind}</th>
              <th scope="col">{t.columns.title}</th>
              <th scope="col">{l.due}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((task) => {
              const failure = failures.find((entry) => entry.task.id === task.id)?.error;
              const title = task.citation ?? task.requestId ?? task.id;
              return (
                <tr key={task.id} data-overdue={task.overdue || undefined}>
                  <td>
                    {task.kind in BATCH_ANSWERS && (
                      <input
                        type="checkbox"
                        aria-label={l.selectTask(title)}
                        checked={selected.has(task.id)}
                        onChange={(event) => {
                          const next = new Set(selected);
                          if (event.currentTarget.checked) next.add(task.id);
                          else next.delete(task.id);
                          setSelected(next);
                        }}
                      />
                    )}
                  </td>
                  <td>{l.kinds[task.kind] ?? task.kind}</td>
                  <td>
                    {task.requestId ? <a href={`#/request/${encodeURIComponent(task.requestId)}`}>{title}</a> : title}
                    {failure && (
                      <p class="problem" role="alert">
                        <RefusalWords refusal={failure} />
                      </p>
                    )}
                  </td>
                  <td>
                    {time(task.dueAt ?? undefined)}
                    {task.overdue && <strong class="overdue"> {l.overdue}</strong>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Paging label={l.inbox} cursor={cursor} next={page?.next} setCursor={setCursor} />
    </>
  );
}
