/** One entry of a request's audit trail, as the store keeps it. */
export interface TransitionRecord {
  /** `<workflow id>:<transition number>`: the same transition is never recorded twice. */
  key: string;
  requestId: string;
  status: string;
  at: string;
  detail: Record<string, unknown>;
}
