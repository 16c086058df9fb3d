import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { CANCELLABLE_STATUSES, FINAL_STATUSES } from '../../../domain/request-state';
import { call, type ApiError, type WorkbenchInfo } from '../api';
import { useMessages } from '../i18n';
import { RefusalWords } from '../refusal';
import { AuditEntry } from './AuditEntry';
import { useRequestDetail } from '../request-detail';
import { useApi, useSession } from '../session';
import { Eta } from './Eta';
import { Heading } from './Heading';
import { LibrarianRequest, type LibrarianDetail } from './LibrarianRequest';

type Detail = LibrarianDetail & { workflowId: string };

function WorkflowLink({ workflowId }: { workflowId: string }) {
  const { t } = useMessages();
  const [info, setInfo] = useState<WorkbenchInfo>();
  useEffect(() => {
    void call<WorkbenchInfo>(undefined, 'GET', '/api/workbench').then((answer) => answer.ok && setInfo(answer.body));
  }, []);
  const ui = info?.temporalUi;
  if (!ui) return null;
  return (
    <p>
      <a href={`${ui.url}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`} target="_blank" rel="noreferrer">
        {t.workflow}
      </a>
    </p>
  );
}

function Cancel({ id, onDone }: { id: string; onDone(): void }) {
  const { t } = useMessages();
  const api = useApi();
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState<ApiError>();
  const fieldProblem = refusal?.problems?.find((entry) => entry.path === '/body/reason')?.message;
  const problem = fieldProblem ?? (refusal && <RefusalWords refusal={refusal} />);
  return (
    <form
      class="cancel"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const answer = await api('POST', `/api/requests/${encodeURIComponent(id)}/cancel`, { reason });
        if (answer.ok) onDone();
        else setRefusal(answer.error);
      }}
    >
      <div class="field">
        <label for="cancel-reason">{t.cancelReason}</label>
        <input id="cancel-reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} aria-invalid={problem ? true : undefined} aria-describedby={problem ? 'cancel-problem' : undefined} />
        {problem && (
          <p class="problem" id="cancel-problem">
            {problem}
          </p>
        )}
      </div>
      <button type="submit">{t.cancel}</button>
    </form>
  );
}

/**
 * A request the page could not show. The API answers one the caller may not see as if it did not
 * exist, so the page says both in the caller's language; anything else as any refusal is said. The
 * page still says what it is, for screen readers and for the eye.
 */
export function RequestMissing({ error }: { error: ApiError }) {
  const { t } = useMessages();
  return (
    <>
      <Heading>{t.request}</Heading>
      <p role="alert">{error.status === 404 ? t.requestNotFound : <RefusalWords refusal={error} />}</p>
    </>
  );
}

export function RequestPage() {
  const { t, time } = useMessages();
  const { session } = useSession();
  const { params } = useRoute();
  const id = params.id ?? '';
  const { detail, missing, changed } = useRequestDetail<Detail>(id);
  if (!detail) return missing ? <RequestMissing error={missing} /> : <p>{t.loading}</p>;
  const { citation } = detail.request;
  return (
    <>
      <Heading>{citation.title ?? detail.requestId}</Heading>
      <dl class="facts">
        {citation.journalTitle && (
          <>
            <dt>{t.fields.journalTitle}</dt>
            <dd>{citation.journalTitle}</dd>
          </>
        )}
        <dt>{t.status}</dt>
        <dd data-status={detail.status}>{t.statuses[detail.status] ?? detail.status}</dd>
        <dt>{t.service}</dt>
        <dd>{t.services[detail.request.service] ?? detail.request.service}</dd>
        {detail.decision?.eta && !detail.delivery && !FINAL_STATUSES.includes(detail.status) && (
          <>
            <dt>{t.columns.eta}</dt>
            <dd>
              <Eta eta={detail.decision.eta} />
            </dd>
          </>
        )}
        {detail.reason && (
          <>
            <dt>{t.reason}</dt>
            <dd>{detail.reason}</dd>
          </>
        )}
      </dl>
      {detail.delivery?.url && (
        <section class="delivery" aria-labelledby="delivery">
          <h2 id="delivery">{t.delivery}</h2>
          <p>
            <a href={detail.delivery.url} target="_blank" rel="noreferrer">
              {t.deliveryLink}
            </a>
          </p>
          <p>{t.expires(time(detail.delivery.expiresAt))}</p>
        </section>
      )}
      {CANCELLABLE_STATUSES.includes(detail.status) && <Cancel id={detail.requestId} onDone={changed} />}
      {session?.role === 'librarian' && <LibrarianRequest detail={detail} onDone={changed} />}
      <WorkflowLink workflowId={detail.workflowId} />
      <h2>{t.history}</h2>
      <ol class="history">
        {detail.history.map((step) => (
          <li key={`${step.at}-${step.status}`}>
            <AuditEntry entry={{ status: step.status, at: step.at, detail: step }} supplierNames={detail.supplierNames} showActor={false} />
          </li>
        ))}
      </ol>
    </>
  );
}
