// The activities the request workflow calls, as types only: the engine implements them,
// and the workflow reaches them through proxyActivities, never by importing the engine.

export interface TransitionRecord {
  /** `<workflow id>:<transition number>`: the same transition is never recorded twice. */
  key: string;
  requestId: string;
  status: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface LifecycleActivities {
  recordTransition(record: TransitionRecord): Promise<void>;
}
