import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';
import type { KeptMail } from '../../../domain/kept-mail';
import { useMessages } from '../i18n';
import { usePolled } from '../polling';
import { useApi } from '../session';
import { Heading } from './Heading';

const PAGE = 50;
/** The most the API lists at once. */
const MOST = 500;

/** The mail kept under the data directory, newest first; the API lists the newest so many, so "more" asks for more of them. */
export function KeptMailList() {
  const { t, time } = useMessages();
  const a = t.admin;
  const api = useApi();
  const [limit, setLimit] = useState(PAGE);
  const mail = usePolled(
    async () => {
      const answer = await api<{ mail: KeptMail[] }>('GET', `/api/mail?limit=${limit}`);
      return answer.ok ? answer.body.mail : undefined;
    },
    String(limit),
  );
  return (
    <>
      <Heading>{a.mail}</Heading>
      <p class="hint">{a.mailHint}</p>
      {!mail ? (
        <p>{t.loading}</p>
      ) : mail.length === 0 ? (
        <p>{a.noMail}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{a.mail}</caption>
          <thead>
            <tr>
              <th scope="col">{a.subject}</th>
              <th scope="col">{a.recipient}</th>
              <th scope="col">{a.date}</th>
            </tr>
          </thead>
          <tbody>
            {mail.map((one) => (
              <tr key={one.id} data-mail={one.id}>
                <td>
                  <a href={`#/mail/${one.id}`}>{one.subject || a.noSubject}</a>
                </td>
                <td>{one.to}</td>
                <td>{time(one.date)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mail && mail.length === limit && limit < MOST && (
        <nav class="pages" aria-label={a.mail}>
          <button type="button" onClick={() => setLimit(Math.min(limit + PAGE, MOST))}>
            {t.more}
          </button>
        </nav>
      )}
    </>
  );
}

/** One kept message, its text shown as text: a mail's markup is never put into the page. */
export function KeptMailPage() {
  const { t, time } = useMessages();
  const a = t.admin;
  const api = useApi();
  const { params } = useRoute();
  const id = params.id ?? '';
  const mail = usePolled(
    async () => {
      const answer = await api<KeptMail>('GET', `/api/mail/${encodeURIComponent(id)}`);
      return answer.ok ? answer.body : answer.status === 404 ? null : undefined;
    },
    id,
    null,
  );
  if (mail === undefined) return <p>{t.loading}</p>;
  if (mail === null) return <p>{a.noMailById(id)}</p>;
  return (
    <>
      <Heading>{mail.subject || a.noSubject}</Heading>
      <p>
        <a href="#/mail">{a.backToMail}</a>
      </p>
      <dl class="facts">
        <dt>{a.sender}</dt>
        <dd>{mail.from}</dd>
        <dt>{a.recipient}</dt>
        <dd>{mail.to}</dd>
        <dt>{a.date}</dt>
        <dd>{time(mail.date)}</dd>
        <dt>{a.messageId}</dt>
        <dd>{mail.messageId}</dd>
      </dl>
      <h2>{a.mailText}</h2>
      <pre class="mail-text">
        {mail.text}
      </pre>
    </>
  );
}
