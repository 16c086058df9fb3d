import { ActivityFailure, allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { answerRefusal, borrowerRefusal, FINAL_LENDING_STATUSES, type LenderMessage, type LendingState, type LendingStatus } from '../domain/lending';
import type { TransitionRecord } from '../domain/transitions';
import type { LendingActivities } from './lending/activities';
import { applyAnswer, applyBorrowerMessage, type Change } from './lending/changes';
import { borrowerMessageUpdate, lenderAnswerUpdate, lendingStatusQuery, type LendingInput } from './lending/definitions';

// A borrower's system that is down is tried again for as long as it takes; one that refuses a
// message outright (an ERROR confirmation) is not asked again, and the refusal is recorded.
const { answerBorrower } = proxyActivities<LendingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['SupplierRefused'] },
});

const DAY = 86_400_000;

/** What the main loop writes and sends for one change, in order. */
interface Unsent {
  status: LendingStatus;
  transitions: TransitionRecord[];
  message?: LenderMessage;
}

/**
 * One lending request, from an outside system's ISO 18626 `request` to a service library until
 * the copy has reached the borrower, the loan is back, or the request is unfilled or cancelled.
 * Answers and messages change the state at once, in their update handlers, so each is checked
 * against every one before it; what the borrower is told goes out in order, from the main loop.
 */
export async function lendingRequest({ lending, receiptWaitDays }: LendingInput): Promise<LendingState> {
  const { workflowId } = workflowInfo();
  const state: LendingState = { lending, status: 'received', history: [] };
  const outbox: Unsent[] = [];

  const apply = ({ entry, tell }: Change) => {
    const at = new Date().toISOString();
    state.history.push({ ...entry, at });
    const transition = { key: `${workflowId}:${state.history.length}`, requestId: lending.id, status: entry.status, at, detail: { by: entry.by, ...(entry.note ? { note: entry.note } : {}) } };
    const message = tell && { ...tell, key: `${workflowId}:tell:${state.history.length}`, lendingId: lending.id };
    outbox.push({ status: state.status, transitions: [transition], message });
  };

  setHandler(lendingStatusQuery, () => state);
  setHandler(
    lenderAnswerUpdate,
    (input) => {
      apply(applyAnswer(state, input, new Date().toISOString()));
      return state;
    },
    { validator: (input) => reject(answerRefusal(state, input)) },
  );
  setHandler(
    borrowerMessageUpdate,
    (message) => {
      apply(applyBorrowerMessage(state, message, new Date().toISOString()));
      return state;
    },
    { validator: (message) => reject(borrowerRefusal(state, message)) },
  );

  // The borrower hears at once that the request arrived.
  apply({ entry: { status: 'received', by: lending.borrower.agencyId, ...(lending.note ? { note: lending.note } : {}) }, tell: { status: 'RequestReceived', reasonForMessage: 'RequestResponse' } });

  for (;;) {
    while (outbox.length > 0) await send(lending.id, outbox.shift()!, apply);
    if (FINAL_LENDING_STATUSES.includes(state.status)) break;
    const waitUntil = nextDeadline(state, receiptWaitDays);
    if (waitUntil === undefined) {
      await condition(() => outbox.length > 0);
      continue;
    }
    if (await condition(() => outbox.length > 0, Math.max(waitUntil - Date.now(), 1))) continue;
    if (state.status === 'copy-sent') {
      state.status = 'completed';
      apply({ entry: { status: 'completed', by: 'network', note: `the borrower did not confirm receipt within ${receiptWaitDays} days` } });
    } else {
      state.status = 'overdue';
      apply({ entry: { status: 'overdue', by: 'network', note: `due ${state.dueDate}` }, tell: { status: 'Overdue', reasonForMessage: 'StatusChange', dueDate: state.dueDate } });
    }
  }
  await condition(allHandlersFinished);
  return state;
}

function reject(refusal: string | undefined): void {
  if (refusal) throw new Error(refusal);
}

/** When the request changes by itself if nobody acts: a sent copy completes, a loan falls overdue. */
function nextDeadline(state: LendingState, receiptWaitDays: number): number | undefined {
  if (state.status === 'copy-sent') return Date.parse(state.copySentAt!) + receiptWaitDays * DAY;
  if (state.status === 'loaned' && state.dueDate) return Date.parse(state.dueDate);
  return undefined;
}

async function send(lendingId: string, entry: Unsent, apply: (change: Change) => void): Promise<void> {
  try {
    await answerBorrower({ lendingId, status: entry.status, transitions: entry.transitions }, entry.message);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    apply({ entry: { status: entry.status, by: 'network', note: `the borrower's system refused the ${entry.message?.status} message: ${error.cause?.message ?? error.message}` } });
  }
}
