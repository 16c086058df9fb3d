import { useState } from 'preact/hooks';
import { FINAL_STATUSES } from '../../../domain/request-state';
import type { ApiError, RequestDetail } from '../api';
import { useMessages } from '../i18n';
import { RefusalWords } from '../refusal';
import { useApi } from '../session';
import { AuditEntry, type Entry } from './AuditEntry';
import { ExclusionWords, RuleName } from './RouteWords';
import type { Exclusion, WrittenAt } from '../../../domain/decision';

/** What `GET /api/requests/:id` adds for the library: why it is routed so, and every step recorded. */
export type LibrarianDetail = RequestDetail & {
  tasks: { type: string }[];
  supplier?: { id: string };
  loan?: { supplierId: string };
  explanation: {
    ranked: { rank: number; supplierId: string; score: number; terms: Record<string, number>; rules: string[] }[];
    rulesFired: string[];
    excluded: Exclusion[];
    ruleSources?: Record<string, WrittenAt>;
  } | null;
  auditTrail: (Entry & { key: string })[];
};

interface Field {
  name: string;
  label: string;
}

/**
 * One decision on the request: its fields, then one button; what the API refuses is shown beside the
 * field it names, or under the button when it names none.
 */
function Action({ id, route, label, fields = [], body, onDone }: { id: string; route: string; label: string; fields?: Field[]; body(values: Record<string, string>): unknown; onDone(): void }) {
  const api = useApi();
  const [values, setValues] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError>();
  const fieldProblem = (name: string) => refusal?.problems?.find((problem) => problem.path === `/body/${name}`)?.message;
  const unplaced = refusal && !fields.some((field) => fieldProblem(field.name)) ? refusal : undefined;
  return (
    <form
      class="action"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const answer = await api('POST', `/api/requests/${encodeURIComponent(id)}/${route}`, body(values));
        if (answer.ok) {
          setRefusal(undefined);
          setValues({});
          onDone();
        } else {
          setRefusal(answer.error);
          // The page was out of date: it is read again, so the decisions that fit the request now are shown.
          if (answer.error.code === 'stale-task') onDone();
        }
      }}
    >
      {fields.map((field) => {
        const fieldId = `${route}-${field.name}`;
        const problem = fieldProblem(field.name);
        return (
          <div class="field" key={field.name}>
            <label for={fieldId}>{field.label}</label>
            <input
              id={fieldId}
              value={values[field.name] ?? ''}
              onInput={(event) => setValues({ ...values, [field.name]: event.currentTarget.value })}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${fieldId}-problem` : undefined}
            />
            {problem && (
              <p class="problem" id={`${fieldId}-problem`} lang="en">
                {problem}
              </p>
            )}
          </div>
        );
      })}
      <button type="submit">{label}</button>
      {unplaced && (
        <p class="problem" role="alert">
          <RefusalWords refusal={unplaced} />
        </p>
      )}
    </form>
  );
}

const LOAN_STATUSES = ['loaned', 'renewed', 'overdue', 'recalled'];

/** The decisions that fit the request where it stands: its open tasks, its loan, its supplier. */
function Actions({ detail, onDone }: { detail: LibrarianDetail; onDone(): void }) {
  const { t } = useMessages();
  const l = t.librarian;
  const id = detail.requestId;
  const open = (type: string) => detail.tasks.some((task) => task.type === type);
  const reason = { name: 'reason', label: l.reason };
  const approval = (route: string) => (
    <>
      <Action id={id} route={route} label={l.approve} body={() => ({ approve: true })} onDone={onDone} />
      <Action id={id} route={route} label={l.refuse} fields={[reason]} body={(values) => ({ approve: false, reason: values.reason })} onDone={onDone} />
    </>
  );
  const actions = [
    open('review') && (
      <>
        <Action id={id} route="review" label={l.approveRouting} body={() => ({ decision: 'approve' })} onDone={onDone} />
        <Action id={id} route="review" label={l.reject} fields={[reason]} body={(values) => ({ decision: 'reject', reason: values.reason })} onDone={onDone} />
        <Action
          id={id}
          route="review"
          label={l.changeRota}
          fields={[{ name: 'rota', label: l.rota }]}
          body={(values) => ({ decision: 'changeRota', rota: (values.rota ?? '').split(/[,，\s]+/).filter(Boolean) })}
          onDone={onDone}
        />
      </>
    ),
    open('approveCost') && approval('approve-cost'),
    open('loanCondition') && approval('loan-condition'),
    open('receive') && <Action id={id} route="receive" label={l.receive} body={() => ({})} onDone={onDone} />,
    detail.loan && LOAN_STATUSES.includes(detail.status) && (
      <>
        <Action id={id} route="return" label={l.return} body={() => ({})} onDone={onDone} />
        <Action id={id} route="renew" label={l.renew} body={() => ({})} onDone={onDone} />
      </>
    ),
    detail.supplier && !FINAL_STATUSES.includes(detail.status) && (
      <Action id={id} route="supplier-note" label={l.sendNote} fields={[{ name: 'note', label: l.note }]} body={(values) => ({ note: values.note ?? '' })} onDone={onDone} />
    ),
  ].filter(Boolean);
  if (actions.length === 0) return null;
  return (
    <section class="actions" aria-labelledby="actions">
      <h2 id="actions">{l.actions}</h2>
      {actions}
    </section>
  );
}

/** Rule names in a list, each in words. */
function Rules({ names, sources }: { names: string[]; sources: Record<string, WrittenAt> | undefined }) {
  const { t } = useMessages();
  return (
    <>
      {names.map((name, n) => (
        <span key={name}>
          {n > 0 && t.routing.list}
          <RuleName name={name} sources={sources} />
        </span>
      ))}
    </>
  );
}

function Explanation({ explanation }: { explanation: NonNullable<LibrarianDetail['explanation']> }) {
  const { t } = useMessages();
  const l = t.librarian;
  const sources = explanation.ruleSources;
  return (
    <section aria-labelledby="explanation">
      <h2 id="explanation">{l.explanation}</h2>
      <table class="ranked">
        <caption class="visually-hidden">{l.ranked}</caption>
        <thead>
          <tr>
            <th scope="col">{l.rank}</th>
            <th scope="col">{l.supplier}</th>
            <th scope="col">{l.score}</th>
            <th scope="col">{l.terms}</th>
            <th scope="col">{l.rules}</th>
          </tr>
        </thead>
        <tbody>
          {explanation.ranked.map((entry) => (
            <tr key={entry.supplierId}>
              <td>{entry.rank}</td>
              <td>{entry.supplierId}</td>
              <td>{entry.score.toFixed(2)}</td>
              <td>
                {Object.entries(entry.terms)
                  .map(([term, value]) => `${t.routing.terms[term] ?? term} ${value.toFixed(2)}`)
                  .join(t.routing.separator)}
              </td>
              <td>
                <Rules names={entry.rules} sources={sources} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {l.rulesFired}: {explanation.rulesFired.length > 0 ? <Rules names={explanation.rulesFired} sources={sources} /> : l.none}
      </p>
      <h3>{l.excluded}</h3>
      {explanation.excluded.length === 0 ? (
        <p>{l.none}</p>
      ) : (
        <ul class="excluded">
          {explanation.excluded.map((entry) => (
            <li key={entry.supplierId}>
              {entry.supplierId}: <ExclusionWords entry={entry} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What a librarian of the requesting library sees besides what the reader sees. */
export function LibrarianRequest({ detail, onDone }: { detail: LibrarianDetail; onDone(): void }) {
  const { t } = useMessages();
  const l = t.librarian;
  return (
    <>
      <Actions detail={detail} onDone={onDone} />
      {detail.explanation && <Explanation explanation={detail.explanation} />}
      <section aria-labelledby="timeline">
        <h2 id="timeline">{l.timeline}</h2>
        <ol class="history timeline">
          {detail.auditTrail.map((event) => (
            <li key={event.key}>
              <AuditEntry entry={event} supplierNames={detail.supplierNames} />
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
