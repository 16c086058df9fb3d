import type { RequestStanding } from './standing';

/** One entry of a request's audit trail, as the store keeps it. */
export interface TransitionRecord {
  /** `<workflow id>:<transition number>`: the same transition is never recorded twice. */
  key: string;
  requestId: string;
  status: string;
  at: string;
  detail: Record<string, unknown>;
  /**
   * Where the request stands after this entry, on the last entry of each batch the workflow hands
   * an activity (the request index is kept from it); absent from batches handed before it was.
   */
  standing?: RequestStanding;
}
