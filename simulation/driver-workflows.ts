// The clock of a simulated network run through the real request workflows: each `atInstant`
// workflow waits, on the Temporal server's clock, until an instant the network simulation names
// (a reader submits, a supplier answers, a librarian or search-proxy staff answer a task), then
// does that one thing through an activity, as the outside party would. On the time-skipping test
// server its timer orders that moment among the requests' own deadlines and expiries.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { IllRequest } from '../domain/request';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { TaskType } from '../domain/request-state';

/** What happens at an instant: a reader submits a request, a supplier answers, people answer a task. */
export type DriverAction =
  | { kind: 'submit'; request: IllRequest }
  | { kind: 'supplierMessage'; requestId: string; message: SupplierMessage }
  | { kind: 'task'; requestId: string; task: Extract<TaskType, 'review' | 'approveCost' | 'searchProxy'>; answer: TaskAnswer };

/** A task's answer, without who gives it: the task's assignee when the answer is given. */
export type TaskAnswer =
  | { decision: 'approve' | 'reject'; reason?: string }
  | { approve: boolean; reason?: string }
  | { outcome: 'supplied'; deliveryUrl: string }
  | { outcome: 'unfillable'; reason: string };

export interface DriverActivities {
  act(action: DriverAction): Promise<void>;
}

const { act } = proxyActivities<DriverActivities>({
  startToCloseTimeout: '1 minute',
  // A refused action is the run's finding, recorded by the activity; only a lost connection is worth another try.
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** Does `action` at `at` (epoch milliseconds), or at once when that instant has passed. */
export async function atInstant(at: number, action: DriverAction): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
  await act(action);
}
