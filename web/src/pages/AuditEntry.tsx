import type { AuditFacts, RequestStatus } from '../../../domain/request-state';
import { SEND_FAILURE_EVENTS, type SendFailure } from '../../../domain/send-failures';
import { useMessages } from '../i18n';
import type { Worded } from '../messages';
import { reasonShown } from '../reasons';

/** One entry of a request's history or audit trail: its status, then what it tells in words. */
export interface Entry {
  status: string;
  at: string;
  detail?: AuditFacts;
}

/**
 * An entry as a person reads it, in the page's language: a sentence for each kind of event, with
 * suppliers by name, times in China, amounts with their currency, reason codes by their labels; words
 * a person wrote (a reason, a note) follow as they wrote them. An entry with no event shows the
 * engine's English note beside what its facts tell: one recorded before facts were kept says there
 * what happened (`Unfilled: NotOnShelf`), which its supplier alone would not.
 */
export function AuditEntry({ entry, supplierNames = {}, showActor = true }: { entry: Entry; supplierNames?: Record<string, string>; showActor?: boolean }) {
  const { t, time } = useMessages();
  const a = t.audit;
  const facts = entry.detail ?? {};
  const supplier = facts.supplierId && (supplierNames[facts.supplierId] ?? facts.supplierId);
  const money = (cost: AuditFacts['cost']) => cost && `${cost.amount.toLocaleString()} ${cost.currency === 'CNY' ? '元' : cost.currency}`;
  // A failed call's reason is its class; a supplier's is a reason code, perhaps with its words.
  const failure = facts.event !== undefined && SEND_FAILURE_EVENTS.includes(facts.event);
  const worded: Worded = {
    // An entry that names no supplier still reads as a sentence about the one that answered.
    supplier: supplier || a.theSupplier,
    reason: facts.reason && (failure ? (a.sendFailures[facts.reason as SendFailure] ?? facts.reason) : reasonShown(facts.reason, t)),
    attempt: facts.attempt?.toString(),
    dueDate: facts.dueDate && time(facts.dueDate),
    deadline: facts.deadline && time(facts.deadline),
    expiresAt: facts.expiresAt && time(facts.expiresAt),
    cost: money(facts.cost),
    condition: facts.condition,
    supplierStatus: facts.supplierStatus && (a.supplierStatuses[facts.supplierStatus as keyof typeof a.supplierStatuses] ?? facts.supplierStatus),
    decision: facts.decision && (a.decisions[facts.decision] ?? facts.decision),
    rota: facts.rota && (facts.rota.length > 0 ? facts.rota.map((id) => supplierNames[id] ?? id).join('、') : a.emptyRota),
    outcome: facts.outcome && (a.outcomes[facts.outcome as keyof typeof a.outcomes] ?? facts.outcome),
    // A configuration's hash is told apart by its first digits, as people quote a commit.
    rulesetVersion: facts.rulesetVersion?.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…'),
    task: facts.task && (t.librarian.kinds[facts.task] ?? facts.task),
    delivery: facts.delivery && a.deliveries[facts.delivery],
    tries: facts.tries ? String(facts.tries) : undefined,
    reversed: facts.reversed?.toString(),
    settled: facts.settled ? String(facts.settled) : undefined,
    approved: facts.approved,
  };
  // Without an event, the status says what happened; the facts it carries are shown by their labels.
  const told = facts.event
    ? a.events[facts.event](worded)
    : [supplier && a.supplier(supplier), worded.dueDate && a.dueDate(worded.dueDate), worded.expiresAt && a.expiresAt(worded.expiresAt)].filter(Boolean).join('；');
  // Such an entry's note says what its status does not; one carrying a due date or a link's expiry only repeats it.
  const untold = !facts.event && !facts.dueDate && !facts.expiresAt && facts.note !== facts.text && facts.note;
  return (
    <>
      <time dateTime={entry.at}>{time(entry.at)}</time> <strong>{t.statuses[entry.status as RequestStatus] ?? entry.status}</strong>
      {told && <span class="told"> — {told}</span>}
      {facts.text && (
        <>
          {told ? a.textLead : ' — '}
          <q class="text">{facts.text}</q>
        </>
      )}
      {untold && (
        <span class="told" lang="en">
          {' '}
          — {untold}
        </span>
      )}
      {showActor && facts.by && <span class="by">{a.by(facts.by)}</span>}
    </>
  );
}
