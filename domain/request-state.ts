import type { RouteDecision } from './decision';
import type { IllRequest } from './request';
import type { Heard, Iso18626Status } from './supplier-messages';

// Where a request stands, as its workflow keeps it and the API, the workbench and adapters read it.

/**
 * Named after ISO 18626 statuses where one fits; the supplier's own ISO 18626 status while it works
 * on the request is `RequestState.supplier.status`.
 */
export const REQUEST_STATUSES = [
  'submitted',
  'checking',
  'routing',
  'awaiting-review',
  'with-supplier',
  'awaiting-cost-approval',
  'awaiting-condition-approval',
  'with-search-proxy',
  'delivered',
  'shipped',
  'loaned',
  'renewed',
  'overdue',
  'recalled',
  'returned',
  'completed',
  'unfilled',
  'cancelled',
  'rejected',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const FINAL_STATUSES: readonly RequestStatus[] = ['completed', 'unfilled', 'cancelled', 'rejected'];
/** A request may be cancelled until something has been delivered or shipped: the statuses listed before `delivered`. */
export const CANCELLABLE_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.slice(0, REQUEST_STATUSES.indexOf('delivered'));
export const ON_LOAN_STATUSES: readonly RequestStatus[] = ['loaned', 'renewed', 'overdue', 'recalled'];

/** Who answers a task or acts on a request, as the API authenticated them. */
export interface Actor {
  subject: string;
  role: string;
  libraryId: string;
}

/** Every kind of human task the lifecycle opens; the policy gives each a due time. */
export const TASK_TYPES = ['review', 'approveCost', 'loanCondition', 'searchProxy', 'receive', 'renewAnswer'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/**
 * Where a request in a supplier's inbox stands for it: asked to supply (and not yet shipped or
 * sent), or a loan the borrower has sent back, whose return it confirms.
 */
export type SupplyStage = 'asked' | 'returned';

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

/**
 * What an entry of a request's history and audit trail tells besides its status, as facts a page
 * words in its reader's language: `event` names what happened (absent where the status says it),
 * the other fields its particulars. `note` says it all in English, for logs and for entries recorded
 * before the facts were; where a person wrote words (a reason, a note), `text` holds them as written.
 */
export type AuditFacts = {
  event?: AuditEvent;
  /** Who acted: a reader's id or a staff account. */
  by?: string;
  supplierId?: string;
  note?: string;
  text?: string;
  /** Machine-made words: why a send failed, or the reason code a supplier gave (ISO 18626 ReasonUnfilled and the like). */
  reason?: string;
  attempt?: number;
  dueDate?: string;
  deadline?: string;
  expiresAt?: string;
  cost?: { amount: number; currency: string };
  approved?: boolean;
  condition?: string;
  /** The ISO 18626 status a supplier reported. */
  supplierStatus?: string;
  decision?: string;
  rota?: string[];
  outcome?: string;
  rulesetVersion?: string;
  tries?: number;
  task?: TaskType;
  delivery?: 'copy' | 'ebook';
  reversed?: number;
  settled?: number;
};

export const AUDIT_EVENTS = [
  'routed',
  'reviewed',
  'sent',
  'send-failed',
  'deadline-missed',
  'supplier-status',
  'supplier-status-ignored',
  'retry-accepted',
  'cost-offered',
  'cost-answered',
  'estimate-refused',
  'condition-offered',
  'condition-answered',
  'escalated',
  'found',
  'renewal-requested',
  'renewal-refused',
  'reminder',
  'return-confirmed',
  'return-unconfirmed',
  'link-expired',
  'served-locally',
  'note-from-supplier',
  'note-to-supplier',
  'note-not-sent',
  'task-escalated',
  'close-not-told',
  'charges-reversed',
  'closed',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export interface Transition extends AuditFacts {
  status: RequestStatus;
  at: string;
}

export type TryOutcome = 'unfilled' | 'deadline-missed' | 'send-failed' | 'cost-refused' | 'condition-refused';

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
  supplier?: { id: string; status?: Iso18626Status; deadline: string; attempt: number };
  /** What the supplier holding the request has said in this try, so a repeat or a step back is not acted on. */
  heard?: Heard;
  tried: { supplierId: string; outcome: TryOutcome; reason?: string; at: string }[];
  tasks: Task[];
  delivery?: { kind: 'copy' | 'ebook'; url?: string; expiresAt: string; supplierId: string };
  loan?: { supplierId: string; dueDate: string; renewals: number; renewalPending: boolean; remindedFor?: string };
  charges: { key: string; supplierId: string; amount: number; currency: string }[];
  history: Transition[];
  /** The reason a request ended unfilled, cancelled or rejected. */
  reason?: string;
}

/**
 * The supplier a request is with: the one working on it, the lender of a loan, or the one that
 * delivered a copy (whose repeated answer is then recognised rather than refused). None once final.
 */
export function currentSupplier(state: Pick<RequestState, 'status' | 'supplier' | 'loan' | 'delivery'>): string | undefined {
  if (FINAL_STATUSES.includes(state.status)) return undefined;
  return state.supplier?.id ?? state.loan?.supplierId ?? state.delivery?.supplierId;
}
