import type { IllRequest } from '../../rules/types';

export interface StoredRequest {
  request: IllRequest;
  workflowId: string;
  createdAt: string;
}

export interface RequestEvent {
  /** Unique per transition (workflow id and transition number), so a retried write is a no-op. */
  key: string;
  requestId: string;
  status: string;
  at: string;
  detail: Record<string, unknown>;
}

/** What the engine keeps outside Temporal: requests as submitted, and their audit trail. */
export interface RequestStore {
  /** Saves a new request; false when one with this id exists already (nothing is changed). */
  insertRequest(request: IllRequest, workflowId: string): Promise<boolean>;
  getRequest(id: string): Promise<StoredRequest | undefined>;
  /** Appends to the audit trail; returns false when the event was recorded before. */
  appendEvent(event: RequestEvent): Promise<boolean>;
  listEvents(requestId: string): Promise<RequestEvent[]>;
  ping(): Promise<void>;
}
