import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SupplierMessage, SupplierStatus } from '../rules/orders';
import type { IllRequest, RouteDecision } from '../rules/types';

export type { SupplierMessage, SupplierStatus } from '../rules/orders';

/**
 * Where a request stands. Named after ISO 18626 statuses where one fits; the supplier's own
 * ISO 18626 status while it works on the request is `RequestState.supplier.status`.
 */
export type RequestStatus =
  | 'submitted'
  | 'checking'
  | 'routing'
  | 'awaiting-review'
  | 'with-supplier'
  | 'awaiting-cost-approval'
  | 'with-search-proxy'
  | 'delivered'
  | 'shipped'
  | 'loaned'
  | 'renewed'
  | 'overdue'
  | 'recalled'
  | 'returned'
  | 'completed'
  | 'unfilled'
  | 'cancelled'
  | 'rejected';

export const FINAL_STATUSES: readonly RequestStatus[] = ['completed', 'unfilled', 'cancelled', 'rejected'];
/** A request may be cancelled until something has been delivered or shipped. */
export const CANCELLABLE_STATUSES: readonly RequestStatus[] = [
  'submitted',
  'checking',
  'routing',
  'awaiting-review',
  'with-supplier',
  'awaiting-cost-approval',
  'with-search-proxy',
];
export const ON_LOAN_STATUSES: readonly RequestStatus[] = ['loaned', 'renewed', 'overdue', 'recalled'];

/** Who answers a task or acts on a request, as the API authenticated them. */
export interface Actor {
  subject: string;
  role: string;
  libraryId: string;
}

export type TaskType = 'review' | 'approveCost' | 'searchProxy' | 'receive' | 'return' | 'renewAnswer';

/** The centre's own queue, where overdue tasks go. */
export const CENTRE = { role: 'administrator', libraryId: 'centre' } as const;

export interface Task {
  id: string;
  type: TaskType;
  assignee: { role: string; libraryId: string };
  openedAt: string;
  dueAt: string;
  escalated: boolean;
  detail: Record<string, unknown>;
}

export interface Transition {
  status: RequestStatus;
  at: string;
  by?: string;
  note?: string;
  supplierId?: string;
}

export type TryOutcome = 'unfilled' | 'deadline-missed' | 'send-failed' | 'cost-refused';

export interface RequestState {
  requestId: string;
  status: RequestStatus;
  request: IllRequest;
  /** The routing decision, kept so replay never evaluates rules again. */
  decision?: RouteDecision;
  rulesetVersion?: string;
  /** Suppliers still to try, best first (a review may change it). */
  rota: string[];
  /** Supplier tries so far; also numbers sends and charges so a retry never repeats one. */
  attempts: number;
  supplier?: { id: string; status?: SupplierStatus; deadline: string; attempt: number };
  tried: { supplierId: string; outcome: TryOutcome; reason?: string; at: string }[];
  tasks: Task[];
  delivery?: { kind: 'copy' | 'ebook'; url?: string; expiresAt: string; supplierId: string };
  loan?: { supplierId: string; dueDate: string; renewals: number; renewalPending: boolean; remindedFor?: string };
  charges: { key: string; supplierId: string; amount: number; currency: string }[];
  history: Transition[];
  /** The reason a request ended unfilled, cancelled or rejected. */
  reason?: string;
}

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

export interface CancelInput {
  actor: Actor;
  reason: string;
}

export const statusQuery = defineQuery<RequestState>('status');
export const supplierMessageSignal = defineSignal<[SupplierMessage]>('supplierMessage');
export const reviewUpdate = defineUpdate<RequestState, [ReviewInput]>('review');
export const approveCostUpdate = defineUpdate<RequestState, [CostApprovalInput]>('approveCost');
export const searchProxyUpdate = defineUpdate<RequestState, [SearchProxyAnswer]>('searchProxyAnswer');
export const receiveUpdate = defineUpdate<RequestState, [ActorInput]>('receive');
export const returnUpdate = defineUpdate<RequestState, [ActorInput]>('return');
export const renewUpdate = defineUpdate<RequestState, [ActorInput]>('renew');
export const renewAnswerUpdate = defineUpdate<RequestState, [RenewAnswerInput]>('renewAnswer');
export const cancelUpdate = defineUpdate<RequestState, [CancelInput]>('cancel');

export const requestWorkflowId = (requestId: string) => `request-${requestId}`;
