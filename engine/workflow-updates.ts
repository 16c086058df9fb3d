import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { isRefusalCode } from '../domain/refusals';
import { Refused } from './refused';

/**
 * Passes an update to a request's workflow. One its validator refuses, or one for a workflow that
 * has ended, is a `Refused` that says why, and changed nothing.
 */
export async function updateWorkflow<R, A>(
  client: Client,
  target: { workflowId: string; what: string; ended: () => Promise<string> },
  update: UpdateDefinition<R, [A]>,
  input: A,
): Promise<R> {
  try {
    return await client.workflow.getHandle(target.workflowId).executeUpdate(update, { args: [input] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const type = error.cause instanceof ApplicationFailure ? error.cause.type : undefined;
      throw new Refused(error.cause?.message ?? error.message, undefined, isRefusalCode(type) ? type : undefined);
    }
    // A closed request takes no more decisions or messages: a peer retrying a late one hears why.
    if (error instanceof WorkflowNotFoundError) throw new Refused(`${target.what} is ${await target.ended()}; it takes no more decisions or messages`, undefined, 'request-closed');
    throw error;
  }
}

/** How a closed workflow ended: from its last state when a worker can replay it, else from Temporal's own status. */
export async function finalStatus(client: Client, workflowId: string, status: () => Promise<string>): Promise<string> {
  try {
    return await status();
  } catch {
    return `closed (${(await client.workflow.getHandle(workflowId).describe()).status.name.toLowerCase()})`;
  }
}
