// What each answer of the lending librarians and each message of the borrower does to a lending
// request, and what the borrower is told of it. Pure: the workflow applies these and sends.
import { isoStatus, type BorrowerMessage, type LenderMessage, type LendingState, type LendingStatus } from '../../domain/lending';
import type { LenderAnswerInput } from './definitions';

/** What the borrower is told, before the workflow gives it a key. */
export type Outgoing = Omit<LenderMessage, 'key' | 'lendingId'>;

export interface Change {
  /** The entry the change adds to the request's history. */
  entry: { status: LendingStatus; by: string; note?: string };
  tell?: Outgoing;
}

/** The borrower hears the request's status after the change, for the reason given. */
function told(state: LendingState, reasonForMessage: Outgoing['reasonForMessage'], extra: Partial<Outgoing> = {}): Outgoing {
  return { status: isoStatus(state), reasonForMessage, ...(state.dueDate && !extra.dueDate ? { dueDate: state.dueDate } : {}), ...extra };
}

const withNote = (note: string | undefined) => (note ? { note } : {});

/** Applies a lending librarian's answer at `at`; the caller checked it fits (`answerRefusal`). */
export function applyAnswer(state: LendingState, input: LenderAnswerInput, at: string): Change {
  const by = input.actor.subject;
  const note = input.note;
  const move = (status: LendingStatus, extra: Partial<Outgoing> = {}, reason: Outgoing['reasonForMessage'] = 'StatusChange'): Change => {
    state.status = status;
    return { entry: { status, by, ...withNote(note) }, tell: told(state, reason, { ...withNote(note), ...extra }) };
  };
  switch (input.answer) {
    case 'expect-to-supply':
    case 'will-supply':
      return move(input.answer);
    case 'conditional':
      state.offeredCost = input.cost;
      return move('conditional', { offeredCost: input.cost });
    case 'unfilled':
      return move('unfilled', { reasonUnfilled: input.reason });
    case 'copy-sent':
      state.copySentAt = at;
      return move('copy-sent', input.url ? { deliveryUrl: input.url, sentVia: 'URL' } : { sentVia: 'Mail' });
    case 'loaned':
      state.dueDate = input.dueDate;
      return move('loaned', { sentVia: 'Mail' });
    case 'recall':
      return move('recalled');
    case 'return-received':
      return move('completed');
    case 'cancel':
      state.question = undefined;
      if (input.approve) return move('cancelled', { answerYesNo: 'Y' }, 'CancelResponse');
      return { entry: { status: state.status, by, note: note ?? 'cancel declined' }, tell: told(state, 'CancelResponse', { answerYesNo: 'N', ...withNote(note) }) };
    case 'renew':
      state.question = undefined;
      if (input.approve) {
        state.dueDate = input.dueDate;
        return move('loaned', { answerYesNo: 'Y' }, 'RenewResponse');
      }
      return { entry: { status: state.status, by, note: note ?? 'renewal declined' }, tell: told(state, 'RenewResponse', { answerYesNo: 'N', ...withNote(note) }) };
  }
}

/** Applies a message of the borrower's; the caller checked it fits (`borrowerRefusal`). */
export function applyBorrowerMessage(state: LendingState, message: BorrowerMessage, at: string): Change {
  const by = state.lending.borrower.agencyId;
  const noted = (what: string): Change['entry'] => ({ status: state.status, by, note: message.note ? `${what}: ${message.note}` : what });
  switch (message.action) {
    case 'Cancel':
    case 'Renew':
      state.question = { kind: message.action === 'Cancel' ? 'cancel' : 'renew', at, ...withNote(message.note) };
      return { entry: noted(`the borrower asks to ${state.question.kind}`) };
    case 'ShippedReturn':
      state.status = 'return-shipped';
      return { entry: noted('the borrower sent the item back') };
    case 'Received':
      // A copy has reached the borrower: nothing is left to do. A loan goes on until the item is back.
      if (state.status === 'copy-sent') state.status = 'completed';
      return { entry: noted('the borrower received the item') };
    case 'StatusRequest':
      return { entry: noted('the borrower asked for the status'), tell: told(state, 'StatusRequestResponse') };
    case 'Notification':
      return { entry: noted('the borrower notes') };
    case 'Retry':
      state.agreedCost = state.offeredCost;
      state.status = 'will-supply';
      return {
        entry: noted(`the borrower accepts the price of ${state.agreedCost!.amount} ${state.agreedCost!.currency}`),
        tell: told(state, 'RequestResponse'),
      };
  }
}
