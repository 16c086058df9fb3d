// The clock of a simulated network run through the real request workflows: the `driver` workflow
// keeps what the network simulation says will happen and when (a reader submits, a supplier
// answers, a librarian or search-proxy staff answer a task), waits on the Temporal server's clock
// for each instant, and then does that one thing through an activity, as the outside party would.
// On the time-skipping test server its timer orders each moment among the requests' own deadlines
// and expiries; one workflow for the whole run, rather than one for each moment, keeps the run short.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
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

/** One thing to do, at an instant (epoch milliseconds), under an id that makes it happen once. */
export interface Due {
  id: string;
  at: number;
  action: DriverAction;
}

export interface DriverActivities {
  act(action: DriverAction): Promise<void>;
}

/** More things to do; an id given before is ignored. */
export const dueSignal = defineSignal<[Due[]]>('due');

const { act } = proxyActivities<DriverActivities>({
  startToCloseTimeout: '1 minute',
  // A refused action is the run's finding, recorded by the activity; only a lost connection is worth another try.
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** Does each thing at its instant, or at once when that instant has passed; things due together start together. */
export async function driver(): Promise<void> {
  const queue: Due[] = [];
  const known = new Set<string>();
  setHandler(dueSignal, (items) => {
    for (const item of items) {
      if (known.has(item.id)) continue;
      known.add(item.id);
      // After everything due at the same instant or earlier: ties keep the order they were given in.
      const at = queue.findIndex((queued) => queued.at > item.at);
      queue.splice(at < 0 ? queue.length : at, 0, item);
    }
  });
  for (;;) {
    await condition(() => queue.length > 0);
    const next = queue[0]!;
    const wait = next.at - Date.now();
    // Something due sooner may arrive while this one waits.
    if (wait > 0 && (await condition(() => queue[0] !== next, wait))) continue;
    while (queue.length > 0 && queue[0]!.at <= Date.now()) {
      // Each is left to run: the activity records a refusal itself, and a lost one shows as a request that never comes to rest.
      act(queue.shift()!.action).catch(() => undefined);
    }
  }
}
