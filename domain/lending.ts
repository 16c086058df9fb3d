// Lending: an outside ILL system asks one of the network's service libraries for an item, and that
// library's librarians answer. What such a request holds, the answers and the borrower's messages,
// and which of them fit the request's state.
import type { Iso18626Status } from './supplier-messages';
import type { Citation, Money, Urgency } from './request';

/** What the borrower asked for; ISO 18626's CopyOrLoan leaves the choice to the lender. */
export type LendingService = 'copy' | 'loan' | 'copy-or-loan';

export interface Borrower {
  /** The outside system's agency id, `TYPE:VALUE`. */
  agencyId: string;
  /** Its own id for the request, which every message about it repeats. */
  requestId: string;
  /** The configured peer it is, when it is one. */
  peerId?: string;
  /** Where it takes answers: the URL its request gave, else the peer's configured endpoint. */
  address?: string;
  name?: string;
}

/** A lending request as it arrived: the network's record of what was asked, never changed after. */
export interface LendingRequest {
  id: string;
  /** The service library asked (its supplier id in the configuration), and its agency id as the borrower addressed it. */
  lenderId: string;
  lenderAgencyId: string;
  borrower: Borrower;
  citation: Citation;
  service: LendingService;
  urgency: Urgency;
  maxCost?: Money;
  patronId?: string;
  /** The lender's own record of the item, when the borrower's union catalogue knew it. */
  recordId?: string;
  note?: string;
  receivedAt: string;
}

export const LENDING_STATUSES = [
  'received',
  'expect-to-supply',
  'will-supply',
  'conditional',
  'copy-sent',
  'loaned',
  'overdue',
  'recalled',
  'return-shipped',
  'unfilled',
  'cancelled',
  'completed',
] as const;
export type LendingStatus = (typeof LENDING_STATUSES)[number];

export const FINAL_LENDING_STATUSES: readonly LendingStatus[] = ['unfilled', 'cancelled', 'completed'];

/**
 * Why a lender cannot supply. ReasonUnfilled is an open code list in ISO 18626; these are the
 * reasons of the ILL protocol before it (ISO 10161) that a service library gives.
 */
export const UNFILLED_REASONS = [
  'NotHeld',
  'NotOnShelf',
  'OnLoan',
  'InProcess',
  'Lost',
  'NonCirculating',
  'PoorCondition',
  'PolicyProblem',
  'CostExceedsLimit',
  'NotFoundAsCited',
  'Other',
] as const;
export type UnfilledReason = (typeof UNFILLED_REASONS)[number];

/** What the lending library's librarians answer. */
export type LendingAnswer = { note?: string } & (
  | { answer: 'expect-to-supply' }
  | { answer: 'will-supply' }
  /** Supplies only at this price: the borrower agrees by asking again (ISO 18626 RetryPossible). */
  | { answer: 'conditional'; cost: Money }
  | { answer: 'unfilled'; reason: UnfilledReason }
  | { answer: 'copy-sent'; url?: string }
  | { answer: 'loaned'; dueDate: string }
  | { answer: 'recall' }
  | { answer: 'return-received' }
  /** To the borrower's own request to cancel or renew. */
  | { answer: 'cancel'; approve: boolean }
  | { answer: 'renew'; approve: boolean; dueDate?: string }
);
export type LendingAnswerKind = LendingAnswer['answer'];

/** What the borrower's system says about a request it made (ISO 18626 requestingAgencyMessage actions, and a retry agreeing to a price). */
export type BorrowerMessage = { note?: string } & (
  | { action: 'Cancel' | 'Renew' | 'ShippedReturn' | 'Received' | 'StatusRequest' | 'Notification' }
  | { action: 'Retry'; maxCost?: Money }
);

/** A question of the borrower's that waits for the lending librarians. */
export interface LendingQuestion {
  kind: 'cancel' | 'renew';
  note?: string;
  at: string;
}

export interface LendingState {
  lending: LendingRequest;
  status: LendingStatus;
  question?: LendingQuestion;
  /** The price offered with a conditional answer, and the one the borrower accepted. */
  offeredCost?: Money;
  agreedCost?: Money;
  dueDate?: string;
  /** When the copy went out: the borrower's wait to confirm it counts from here. */
  copySentAt?: string;
  history: { status: LendingStatus; at: string; by?: string; note?: string }[];
}

const BEFORE_SUPPLY: readonly LendingStatus[] = ['received', 'expect-to-supply', 'will-supply'];
const ON_LOAN: readonly LendingStatus[] = ['loaned', 'overdue'];
const OUT: readonly LendingStatus[] = [...ON_LOAN, 'recalled'];

const FITS: Record<LendingAnswerKind, (state: LendingState) => string | undefined> = {
  'expect-to-supply': (s) => within(s, ['received']),
  'will-supply': (s) => within(s, ['received', 'expect-to-supply']),
  conditional: (s) => within(s, ['received', 'expect-to-supply']),
  unfilled: (s) => within(s, [...BEFORE_SUPPLY, 'conditional']),
  'copy-sent': (s) => within(s, BEFORE_SUPPLY) ?? (s.lending.service === 'loan' ? 'the borrower asked for a loan, not a copy' : undefined),
  loaned: (s) => within(s, BEFORE_SUPPLY) ?? (s.lending.service === 'copy' ? 'the borrower asked for a copy, not a loan' : undefined),
  recall: (s) => within(s, ON_LOAN),
  'return-received': (s) => within(s, [...OUT, 'return-shipped']),
  cancel: (s) => (s.question?.kind === 'cancel' ? undefined : 'the borrower has not asked to cancel'),
  renew: (s) => (s.question?.kind === 'renew' ? undefined : 'the borrower has not asked to renew'),
};

function within(state: LendingState, statuses: readonly LendingStatus[]): string | undefined {
  return statuses.includes(state.status) ? undefined : `a lending request that is ${state.status} takes no such answer`;
}

/** Why an answer does not fit the request now, or nothing when it does. */
export function answerRefusal(state: LendingState, answer: LendingAnswer): string | undefined {
  if (FINAL_LENDING_STATUSES.includes(state.status)) return `the lending request is ${state.status}`;
  const wrong = FITS[answer.answer](state);
  if (wrong) return wrong;
  if (answer.answer === 'loaned' || (answer.answer === 'renew' && answer.approve)) {
    const due = answer.dueDate ? Date.parse(answer.dueDate) : NaN;
    if (Number.isNaN(due)) return 'dueDate must be a date and time, for example 2026-12-31T00:00:00Z';
  }
  if (answer.answer === 'conditional' && !(answer.cost.amount > 0)) return 'a conditional answer names a price above zero';
  return undefined;
}

/** Why the borrower's message does not fit the request now, or nothing when it does. */
export function borrowerRefusal(state: LendingState, message: BorrowerMessage): string | undefined {
  if (FINAL_LENDING_STATUSES.includes(state.status)) return `the lending request is ${state.status}`;
  switch (message.action) {
    case 'Cancel':
      return within(state, [...BEFORE_SUPPLY, 'conditional']) && 'the item was supplied already; it cannot be cancelled';
    case 'Renew':
      return within(state, ON_LOAN) ?? (state.question ? `a ${state.question.kind} request waits for the lender already` : undefined);
    case 'ShippedReturn':
      return within(state, OUT);
    case 'Received':
      return within(state, ['copy-sent', ...OUT]);
    case 'Retry': {
      if (state.status !== 'conditional') return `the lender set no condition on this request (it is ${state.status})`;
      const offered = state.offeredCost!;
      const agreed = message.maxCost;
      if (!agreed || agreed.currency !== offered.currency || agreed.amount < offered.amount) {
        return `a retry must agree to the price offered, ${offered.amount} ${offered.currency}, in billingInfo/maximumCosts`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

const ISO_STATUS: Record<Exclude<LendingStatus, 'completed'>, Iso18626Status> = {
  received: 'RequestReceived',
  'expect-to-supply': 'ExpectToSupply',
  'will-supply': 'WillSupply',
  conditional: 'RetryPossible',
  'copy-sent': 'CopyCompleted',
  loaned: 'Loaned',
  overdue: 'Overdue',
  recalled: 'Recalled',
  // The borrower has sent it back; until it arrives the loan stands.
  'return-shipped': 'Loaned',
  unfilled: 'Unfilled',
  cancelled: 'Cancelled',
};

/** The ISO 18626 status a lending request shows its borrower. */
export function isoStatus(state: Pick<LendingState, 'status' | 'dueDate'>): Iso18626Status {
  if (state.status !== 'completed') return ISO_STATUS[state.status];
  return state.dueDate ? 'LoanCompleted' : 'CopyCompleted';
}

/** Why a lender writes to its borrower (ISO 18626 reasonForMessage). */
export type LenderMessageReason = 'RequestResponse' | 'StatusRequestResponse' | 'RenewResponse' | 'CancelResponse' | 'StatusChange';

/** A supplyingAgencyMessage the lending library sends its borrower: one per key, however often it is retried. */
export interface LenderMessage {
  key: string;
  lendingId: string;
  status: Iso18626Status;
  reasonForMessage: LenderMessageReason;
  /** A cancel or renew request granted or not. */
  answerYesNo?: 'Y' | 'N';
  note?: string;
  reasonUnfilled?: string;
  offeredCost?: Money;
  dueDate?: string;
  /** A copy sent: where the borrower downloads it; absent means it went by post. */
  deliveryUrl?: string;
  /** A copy or loan sent: by what means. */
  sentVia?: 'URL' | 'Mail';
}
