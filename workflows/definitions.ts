// How the engine talks to a request's workflow: its input, and the queries, updates and signal it answers.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IllRequest } from '../domain/request';
import type { Actor, RequestState, RequestStatus, TaskType } from '../domain/request-state';
import type { SupplierMessage } from '../domain/supplier-messages';

/** Durations the workflow runs on, fixed when the request starts so a configuration change never alters a running request. */
export interface LifecycleTimings {
  expectToSupplyExtensionHours: number;
  willSupplyExtensionHours: number;
  copyLinkValidHours: number;
  ebookValidDays: number;
  loanPeriodDays: number;
  loanReminderDaysBeforeDue: number;
  /** After a return, how long to wait for the supplier to confirm before completing. */
  returnConfirmDays: number;
  taskDueHours: Record<TaskType, number>;
  /** History length past which a long loan continues as a new run. */
  historyLimit: number;
}

export interface LifecycleInput {
  request: IllRequest;
  timings: LifecycleTimings;
  /** Carried over by continue-as-new. */
  resume?: RequestState;
}

export interface ReviewInput {
  actor: Actor;
  decision: 'approve' | 'reject' | 'changeRota';
  rota?: string[];
  reason?: string;
}

export interface CostApprovalInput {
  actor: Actor;
  approve: boolean;
  reason?: string;
}

/** A librarian's answer to a loan condition a supplier set: accepted, the supplier is asked again; refused, the rota moves on. */
export type LoanConditionAnswer = CostApprovalInput;

/** A note from the requesting library to the supplier that has the request. */
export interface SupplierNoteInput {
  actor: Actor;
  note: string;
}

export interface SearchProxyAnswer {
  actor: Actor;
  outcome: 'found' | 'supplied' | 'unfillable';
  /** `found`: the supplier that has it. */
  supplierId?: string;
  /** `supplied`: where the reader gets the copy. */
  deliveryUrl?: string;
  reason?: string;
}

export interface ActorInput {
  actor: Actor;
}

export interface RenewAnswerInput {
  actor: Actor;
  approve: boolean;
  dueDate?: string;
  reason?: string;
}

/** What became of a supplier's message: acted on, or recognised as a repeat or a step back and recorded without effect. */
export interface SupplierMessageReceipt {
  outcome: 'accepted' | 'duplicate' | 'out-of-order';
  reason?: string;
  /** The request's status when the message arrived. */
  status: RequestStatus;
}

export interface CancelInput {
  actor: Actor;
  reason: string;
}

/** The centre's staff closing a request by hand, whatever open status it is in: a partner gone silent, a request a fault broke. */
export interface CloseInput {
  actor: Actor;
  reason: string;
}

export const statusQuery = defineQuery<RequestState>('status');
/** A supplier's message, checked and judged inside the workflow, so two racing messages cannot both pass. */
export const supplierMessageUpdate = defineUpdate<SupplierMessageReceipt, [SupplierMessage]>('supplierMessage');
/** Supplier messages as requests started before `supplierMessageUpdate` received them; kept so their histories replay. */
export const supplierMessageSignal = defineSignal<[SupplierMessage]>('supplierMessage');
export const reviewUpdate = defineUpdate<RequestState, [ReviewInput]>('review');
export const approveCostUpdate = defineUpdate<RequestState, [CostApprovalInput]>('approveCost');
export const loanConditionUpdate = defineUpdate<RequestState, [LoanConditionAnswer]>('loanCondition');
export const supplierNoteUpdate = defineUpdate<RequestState, [SupplierNoteInput]>('supplierNote');
export const searchProxyUpdate = defineUpdate<RequestState, [SearchProxyAnswer]>('searchProxyAnswer');
export const receiveUpdate = defineUpdate<RequestState, [ActorInput]>('receive');
export const returnUpdate = defineUpdate<RequestState, [ActorInput]>('return');
export const renewUpdate = defineUpdate<RequestState, [ActorInput]>('renew');
export const renewAnswerUpdate = defineUpdate<RequestState, [RenewAnswerInput]>('renewAnswer');
export const cancelUpdate = defineUpdate<RequestState, [CancelInput]>('cancel');
export const closeUpdate = defineUpdate<RequestState, [CloseInput]>('close');

export const requestWorkflowId = (requestId: string) => `request-${requestId}`;
