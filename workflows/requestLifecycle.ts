import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { RequestState } from '../domain/request-state';
import type { LifecycleInput } from './definitions';
import { delivered } from './lifecycle/delivery';
import { registerHandlers } from './lifecycle/handlers';
import { onLoan, shipped } from './lifecycle/loan';
import type { Phase } from './lifecycle/phases';
import { CancelRequested, CloseRequested, RequestRun } from './lifecycle/run';
import { closed } from './lifecycle/close';
import { approveRoute, begin, review, searchProxy, source } from './lifecycle/sourcing';

const phases: Record<Exclude<Phase, 'end'>, (run: RequestRun) => Promise<Phase>> = { review, approveRoute, source, searchProxy, delivered, shipped, onLoan };

/** One request, from submission to a final state. */
export async function requestLifecycle(input: LifecycleInput): Promise<RequestState> {
  const run = new RequestRun(input);
  registerHandlers(run);
  try {
    let phase: Phase = input.resume ? 'onLoan' : await begin(run);
    while (phase !== 'end') phase = await phases[phase](run);
  } catch (error) {
    if (error instanceof CloseRequested) await closed(run);
    else if (error instanceof CancelRequested) await cancelled(run);
    else throw error;
  }
  // Let every update that led here return its answer before the run closes.
  await condition(allHandlersFinished);
  return run.state;
}

/** A cancellation before anything was delivered or shipped: the supplier working on it is told. */
async function cancelled(run: RequestRun): Promise<void> {
  const cancel = run.pendingCancel!;
  const supplierId = run.state.supplier?.id;
  if (supplierId) await run.notifySupplier(supplierId, 'cancel', { reason: cancel.reason });
  await run.finish('cancelled', { by: cancel.actor.subject, text: cancel.reason, note: cancel.reason });
}
