import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LifecycleActivities } from './activities';
import {
  cancelUpdate,
  statusQuery,
  type CancelInput,
  type LifecycleInput,
  type RequestState,
  type RequestStatus,
} from './definitions';

const { recordTransition } = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

const FINAL: RequestStatus[] = ['cancelled'];

/** One request, from submission to a final state. */
export async function requestLifecycle(input: LifecycleInput): Promise<RequestState> {
  const state: RequestState = { requestId: input.request.id, status: 'submitted', request: input.request, history: [] };

  const transition = async (status: RequestStatus, by?: string, note?: string) => {
    const at = new Date().toISOString();
    state.status = status;
    state.history.push({ status, at, by, note });
    await recordTransition({
      key: `${workflowInfo().workflowId}:${state.history.length}`,
      requestId: state.requestId,
      status,
      at,
      detail: { by, note },
    });
  };

  setHandler(statusQuery, () => state);
  setHandler(
    cancelUpdate,
    async ({ by, reason }: CancelInput) => {
      await transition('cancelled', by, reason);
      return state;
    },
    {
      validator: ({ by, reason }: CancelInput) => {
        if (FINAL.includes(state.status)) throw new Error(`request ${state.requestId} is already ${state.status}`);
        if (typeof by !== 'string' || by === '') throw new Error('cancel needs who cancels (by)');
        if (typeof reason !== 'string' || reason.trim() === '') throw new Error('cancel needs a reason');
      },
    },
  );

  await transition('submitted', input.request.requester.patronId);
  await condition(() => FINAL.includes(state.status));
  return state;
}
