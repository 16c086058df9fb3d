import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { Citation, Service, Urgency } from '../../../domain/request';
import { draftFrom, type ApiError } from '../api';
import { useMessages } from '../i18n';
import { RefusalWords } from '../refusal';
import type { Messages } from '../messages';
import { useApi, useSession } from '../session';
import { Heading } from './Heading';

type CitationField = keyof Messages['fields'];
const CITATION_FIELDS = ['title', 'authors', 'journalTitle', 'issn', 'isbn', 'doi', 'year', 'volume', 'issue', 'pages', 'language'] as const satisfies readonly CitationField[];
const SERVICES: Service[] = ['copy', 'loan', 'ebook'];
const URGENCIES: Urgency[] = ['normal', 'rush', 'express'];

type Values = Record<CitationField, string>;

function valuesOf(citation: Citation | undefined): Values {
  const text = (value: unknown) => (value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value));
  return Object.fromEntries(CITATION_FIELDS.map((field) => [field, text(citation?.[field])])) as Values;
}

/** The citation as the API takes it: blanks left out, the year a number where it is one (else as typed, for the API to name). */
function citationOf(values: Values): Record<string, unknown> {
  const citation: Record<string, unknown> = {};
  for (const field of CITATION_FIELDS) {
    const value = values[field].trim();
    if (value === '') continue;
    if (field === 'authors') citation.authors = value.split(/[,，;；、]/).map((name) => name.trim()).filter(Boolean);
    else if (field === 'year') citation.year = /^\d+$/.test(value) ? Number(value) : value;
    else citation[field] = value;
  }
  return citation;
}

/** Which field a problem's JSON pointer names: `/body/citation/issn` is the ISSN, `/body/service` the service. */
const fieldOf = (pointer: string) => pointer.replace(/^\/body\/(citation\/)?/, '').split('/')[0] ?? '';

export function RequestForm() {
  const { t } = useMessages();
  const { session } = useSession();
  const api = useApi();
  const { query, route } = useLocation();
  const [draft] = useState(() => draftFrom(query.draft));
  const [values, setValues] = useState(() => valuesOf(draft?.citation));
  const [service, setService] = useState<Service>(draft?.service ?? 'copy');
  const [urgency, setUrgency] = useState<Urgency>('normal');
  const [refusal, setRefusal] = useState<ApiError>();
  const [sending, setSending] = useState(false);

  const submit = async (confirmDuplicate: boolean) => {
    if (!session) return;
    setSending(true);
    const body = { requester: { libraryId: session.libraryId, patronId: session.subject }, service, urgency, citation: citationOf(values) };
    const answer = await api<{ id: string }>('POST', `/api/requests${confirmDuplicate ? '?duplicate=confirm' : ''}`, body);
    setSending(false);
    if (answer.ok) route('/requests');
    else setRefusal(answer.error);
  };

  const problems = refusal?.problems ?? [];
  const problemFor = (field: string) => problems.find((problem) => fieldOf(problem.path) === field)?.message;
  const describedBy = (field: string) => (problemFor(field) ? `${field}-problem` : undefined);
  const labelOf = (field: string): string | undefined =>
    field === 'service' ? t.service : field === 'urgency' ? t.urgency : (CITATION_FIELDS as readonly string[]).includes(field) ? t.fields[field as CitationField] : undefined;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(false);
      }}
    >
      <Heading>{t.newRequest}</Heading>
      {draft && (
        <div class="note" role="status">
          <p>{t.draftFromLink}</p>
          {draft.problems && draft.problems.length > 0 && (
            <>
              <p>{t.draftProblems}</p>
              <ul>
                {draft.problems.map((problem) => (
                  <li key={problem.key}>
                    <code>{problem.key}</code>: {problem.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {refusal?.duplicateOf && (
        <div class="warning" role="alert">
          <h2>{t.duplicateTitle}</h2>
          <p>
            <a href={`#/request/${encodeURIComponent(refusal.duplicateOf)}`}>{t.openRequest}</a>{' '}
            <button type="button" onClick={() => void submit(true)} disabled={sending}>
              {t.askAnyway}
            </button>
          </p>
        </div>
      )}
      {refusal && !refusal.duplicateOf && (
        <div class="warning" role="alert">
          <p>{problems.length > 0 ? t.problemsSummary : <RefusalWords refusal={refusal} />}</p>
          {problems.length > 0 && (
            <ul>
              {problems.map((problem) => (
                <li key={problem.path}>
                  {labelOf(fieldOf(problem.path)) ?? problem.path}: {problem.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <fieldset>
        <legend>{t.citation}</legend>
        {CITATION_FIELDS.map((field) => (
          <div class="field" key={field}>
            <label for={field}>{t.fields[field]}</label>
            <input
              id={field}
              name={field}
              value={values[field]}
              inputMode={field === 'year' ? 'numeric' : undefined}
              aria-invalid={problemFor(field) ? true : undefined}
              aria-describedby={describedBy(field)}
              onInput={(event) => setValues({ ...values, [field]: event.currentTarget.value })}
            />
            {problemFor(field) && (
              <p class="problem" id={`${field}-problem`}>
                {problemFor(field)}
              </p>
            )}
          </div>
        ))}
      </fieldset>
      <div class="field">
        <label for="service">{t.service}</label>
        <select id="service" value={service} aria-describedby={describedBy('service')} onChange={(event) => setService(event.currentTarget.value as Service)}>
          {SERVICES.map((name) => (
            <option key={name} value={name}>
              {t.services[name]}
            </option>
          ))}
        </select>
        {problemFor('service') && (
          <p class="problem" id="service-problem">
            {problemFor('service')}
          </p>
        )}
      </div>
      <div class="field">
        <label for="urgency">{t.urgency}</label>
        <select id="urgency" value={urgency} aria-describedby={describedBy('urgency')} onChange={(event) => setUrgency(event.currentTarget.value as Urgency)}>
          {URGENCIES.map((name) => (
            <option key={name} value={name}>
              {t.urgencies[name]}
            </option>
          ))}
        </select>
        {problemFor('urgency') && (
          <p class="problem" id="urgency-problem">
            {problemFor('urgency')}
          </p>
        )}
      </div>
      <button type="submit" disabled={sending}>
        {sending ? t.submitting : t.submit}
      </button>
    </form>
  );
}
