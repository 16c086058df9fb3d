import type { Money } from './request';

/** ISO 18626 SupplyingAgencyMessage statuses the engine acts on. */
export const ISO18626_STATUSES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'RetryPossible',
  'Unfilled',
  'CopyCompleted',
  'Loaned',
  'Overdue',
  'Recalled',
  'LoanCompleted',
  'CompletedWithoutReturn',
  'Cancelled',
] as const;
export type Iso18626Status = (typeof ISO18626_STATUSES)[number];

/** What a supplier says about a request it holds. */
export interface SupplierMessage {
  supplierId: string;
  status: Iso18626Status;
  /** RetryPossible: what the supplier asks; a fill: what it charges. */
  cost?: Money;
  reason?: string;
  /** CopyCompleted: where the reader downloads the copy or e-book. */
  deliveryUrl?: string;
  /** Loaned and Recalled: when the item is due back. */
  dueDate?: string;
  /** RetryPossible: a condition the supplier sets on supplying (ISO 18626 loanCondition, such as `NoReproduction`). */
  loanCondition?: string;
  /** A note about the request that changes nothing (ISO 18626 reasonForMessage `Notification`); its text is the reason. */
  notification?: boolean;
}

/**
 * How far along a status says the supplier is. A supplier moves forward through these; a message
 * that would take it back (RequestReceived after WillSupply, WillSupply after the copy was sent) is
 * out of order, as when a peer's retries overtake each other.
 */
const STAGE: Record<Iso18626Status, number> = {
  RequestReceived: 1,
  ExpectToSupply: 2,
  WillSupply: 3,
  // A condition may be set at any point before the item is sent, and leaves the stage where it was.
  RetryPossible: 3,
  Unfilled: 4,
  CopyCompleted: 4,
  Loaned: 4,
  Overdue: 5,
  Recalled: 5,
  LoanCompleted: 6,
  CompletedWithoutReturn: 6,
  Cancelled: 6,
};

/** What has been heard from the supplier that holds a request in its current try; a new try starts afresh. */
export interface Heard {
  supplierId: string;
  stage: number;
  /** Every distinct message accepted in this try, as canonical text. */
  messages: string[];
}

type Verdict = { verdict: 'accepted' } | { verdict: 'duplicate' } | { verdict: 'out-of-order'; reason: string };

/** The message with its fields in one order, so a resent message is recognised whatever order its sender wrote. */
function messageText(message: SupplierMessage): string {
  const { supplierId, status, cost, reason, deliveryUrl, dueDate, loanCondition, notification } = message;
  const fields = [supplierId, status, cost ? [cost.amount, cost.currency] : null, reason ?? null, deliveryUrl ?? null, dueDate ?? null];
  // Fields that came later are written only when present, so what was heard before reads the same.
  return JSON.stringify([...fields, ...(loanCondition || notification ? [loanCondition ?? null, notification ?? false] : [])]);
}

/** Whether a message from the supplier that holds the request moves it on, repeats one already heard, or goes back. */
export function judgeSupplierMessage(heard: Heard | undefined, message: SupplierMessage): Verdict {
  if (!heard) return { verdict: 'accepted' };
  if (heard.messages.includes(messageText(message))) return { verdict: 'duplicate' };
  // A note names the supplier's status as it stands, which may be an earlier one: it moves nothing back.
  if (message.notification) return { verdict: 'accepted' };
  const stage = STAGE[message.status];
  if (stage < heard.stage || (message.status === 'RetryPossible' && heard.stage > STAGE.RetryPossible)) {
    return { verdict: 'out-of-order', reason: `${message.status} would go back: ${heard.supplierId} has already reported a later status` };
  }
  return { verdict: 'accepted' };
}

/** `heard` after an accepted message. */
export function hear(heard: Heard | undefined, message: SupplierMessage): Heard {
  return {
    supplierId: message.supplierId,
    stage: message.notification ? (heard?.stage ?? 0) : Math.max(heard?.stage ?? 0, STAGE[message.status]),
    messages: [...(heard?.messages ?? []), messageText(message)],
  };
}
