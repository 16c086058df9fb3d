// How the engine talks to a lending request's workflow: its input, its state query, and the two
// updates that move it (the lending librarians' answers and the borrower's messages).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { BorrowerMessage, LendingAnswer, LendingRequest, LendingState } from '../../domain/lending';
import type { Actor } from '../../domain/request-state';

export interface LendingInput {
  lending: LendingRequest;
  /** How long a sent copy waits for the borrower to say it arrived before the request completes. */
  receiptWaitDays: number;
}

export type LenderAnswerInput = LendingAnswer & { actor: Actor };

export const lendingStatusQuery = defineQuery<LendingState>('lendingStatus');
export const lenderAnswerUpdate = defineUpdate<LendingState, [LenderAnswerInput]>('lenderAnswer');
export const borrowerMessageUpdate = defineUpdate<LendingState, [BorrowerMessage]>('borrowerMessage');

export const lendingWorkflowId = (lendingId: string) => `lending-${lendingId}`;
