import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IllRequest } from '../rules/types';

export type RequestStatus = 'submitted' | 'cancelled';

export interface Transition {
  status: RequestStatus;
  at: string;
  by?: string;
  note?: string;
}

export interface RequestState {
  requestId: string;
  status: RequestStatus;
  request: IllRequest;
  history: Transition[];
}

export interface LifecycleInput {
  request: IllRequest;
}

export interface CancelInput {
  /** Who cancels: a reader's or librarian's account id. */
  by: string;
  reason: string;
}

export const statusQuery = defineQuery<RequestState>('status');
export const cancelUpdate = defineUpdate<RequestState, [CancelInput]>('cancel');

export const requestWorkflowId = (requestId: string) => `request-${requestId}`;
