import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { IllRequest } from '../rules/types';
import { canonicalJson } from '../rules/version';
import { requestWorkflowId, statusQuery, type RequestState } from '../workflows/definitions';
import { REQUESTING_LIBRARY, URGENCY } from '../workflows/search-attributes';
import type { RequestStore } from './store/store';

/** `duplicate`: the same request was submitted before; `conflict`: another request already has this id. */
export type SubmitResult = { outcome: 'created' | 'duplicate' | 'conflict'; workflowId: string };

/**
 * Submits a request: saves it, then starts its workflow. Both steps are idempotent on the request id,
 * so a client that retries after a timeout neither duplicates the request nor loses it.
 */
export class RequestService {
  constructor(
    private readonly client: Client,
    private readonly store: RequestStore,
    private readonly taskQueue: string,
  ) {}

  async submit(request: IllRequest): Promise<SubmitResult> {
    const workflowId = requestWorkflowId(request.id);
    const inserted = await this.store.insertRequest(request, workflowId);
    if (!inserted) {
      const existing = await this.store.getRequest(request.id);
      if (existing && canonicalJson(existing.request) !== canonicalJson(request)) {
        return { outcome: 'conflict', workflowId };
      }
    }
    try {
      await this.client.workflow.start('requestLifecycle', {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ request }],
        typedSearchAttributes: [
          { key: REQUESTING_LIBRARY, value: request.requester.libraryId },
          { key: URGENCY, value: request.urgency },
        ],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      return { outcome: 'duplicate', workflowId };
    }
    return { outcome: 'created', workflowId };
  }

  async state(requestId: string): Promise<RequestState> {
    return this.client.workflow.getHandle(requestWorkflowId(requestId)).query(statusQuery);
  }
}
