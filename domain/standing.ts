import { currentSupplier, type RequestState, type RequestStatus, type Task } from './request-state';

/**
 * Where a request stands when its workflow hands the store a batch of audit-trail entries: what the
 * request index keeps so that librarians can search requests and see their tasks without asking
 * every workflow. It travels with the last entry of the batch.
 */
export interface RequestStanding {
  status: RequestStatus;
  /** The supplier the request is with (working on it, lending it, or having delivered it), and when its try runs out. */
  supplier?: { id: string; deadline?: string };
  /** Every supplier asked so far, the current one included: a supplier may see what it was asked for. */
  asked: string[];
  tasks: StandingTask[];
}

export type StandingTask = Omit<Task, 'detail'>;

/** A copy of what the index keeps, taken from the state so that later changes to the state do not reach it. */
export function standingOf(state: RequestState): RequestStanding {
  const supplierId = currentSupplier(state);
  const holders = [state.supplier?.id, state.loan?.supplierId, state.delivery?.supplierId].filter((id): id is string => id !== undefined);
  const asked = [...new Set([...state.tried.map((t) => t.supplierId), ...holders])];
  return {
    status: state.status,
    ...(supplierId ? { supplier: { id: supplierId, ...(state.supplier?.id === supplierId ? { deadline: state.supplier.deadline } : {}) } } : {}),
    asked,
    tasks: state.tasks.map(({ id, type, assignee, openedAt, dueAt, escalated }) => ({ id, type, assignee: { ...assignee }, openedAt, dueAt, escalated })),
  };
}
