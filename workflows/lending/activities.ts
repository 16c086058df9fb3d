// The activities a lending request's workflow calls, as types only.
import type { LenderMessage, LendingStatus } from '../../domain/lending';
import type { TransitionRecord } from '../../domain/transitions';

export interface LendingActivities {
  /**
   * Records the lending request's status and the audit-trail entries that led to it, then, when
   * there is one, sends the borrower the message: once per key, however often it is retried.
   */
  answerBorrower(record: { lendingId: string; status: LendingStatus; transitions: TransitionRecord[] }, message?: LenderMessage): Promise<void>;
}
