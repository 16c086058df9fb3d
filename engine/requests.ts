import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { RequestState } from '../domain/request-state';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { IllRequest } from '../domain/request';
import { canonicalJson } from '../rules/version';
import { requestWorkflowId, statusQuery, supplierMessageUpdate, type SupplierMessageReceipt } from '../workflows/definitions';
import type { requestLifecycle } from '../workflows/requestLifecycle';
import { REQUEST_STATUS, REQUESTING_LIBRARY, URGENCY } from '../workflows/search-attributes';
import type { ServiceMetrics } from './metrics';
import type { NetworkHolder } from './network';
import type { Admission, RequestStore } from './store/store';
import { lifecycleTimings } from './timings';
import { finalStatus, updateWorkflow } from './workflow-updates';

/** `duplicate`: the same request was submitted before; `conflict`: another request already has this id. */
export type SubmitResult = { outcome: 'created' | 'duplicate' | 'conflict'; workflowId: string };

import { Refused } from './refused';

export { Refused };

/**
 * Submits requests and passes decisions to their workflows. Submission is idempotent on the request
 * id, so a client that retries after a timeout neither duplicates a request nor loses it.
 */
export class RequestService {
  constructor(
    private readonly client: Client,
    private readonly store: RequestStore,
    private readonly network: Pick<NetworkHolder, 'current'>,
    private readonly taskQueue: string,
    private readonly metrics?: Pick<ServiceMetrics, 'supplierAnswered'>,
  ) {}

  async submit(request: IllRequest, admit?: Admission): Promise<SubmitResult> {
    const { config } = this.network.current();
    if (!config.libraries.some((library) => library.id === request.requester.libraryId)) {
      throw new Refused(`library '${request.requester.libraryId}' is not a member of the network`, '/requester/libraryId');
    }
    const workflowId = requestWorkflowId(request.id);
    const inserted = await this.store.insertRequest(request, workflowId, admit);
    if (!inserted) {
      const existing = await this.store.getRequest(request.id);
      if (existing && canonicalJson(existing.request) !== canonicalJson(request)) return { outcome: 'conflict', workflowId };
    }
    try {
      await this.client.workflow.start<typeof requestLifecycle>('requestLifecycle', {
        workflowId,
        // A request that has ended is not started again by the same id sent once more.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        taskQueue: this.taskQueue,
        args: [{ request, timings: lifecycleTimings(config.policy) }],
        typedSearchAttributes: [
          { key: REQUEST_STATUS, value: 'submitted' },
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

  state(requestId: string): Promise<RequestState> {
    return this.client.workflow.getHandle(requestWorkflowId(requestId)).query(statusQuery);
  }

  /** Applies a decision; one that does not fit the request's state is refused and changes nothing. */
  decide<A>(requestId: string, update: UpdateDefinition<RequestState, [A]>, input: A): Promise<RequestState> {
    return this.update(requestId, update, input);
  }

  /** Passes on a supplier's message; the workflow judges it, so a repeat or a step back is recorded and not acted on. */
  async supplierMessage(requestId: string, message: SupplierMessage): Promise<SupplierMessageReceipt> {
    const receipt = await this.update(requestId, supplierMessageUpdate, message);
    if (this.metrics && receipt.outcome === 'accepted' && !message.notification) {
      // Every supplier's answers pass here (the API, ISO 18626 peers, adapters that answer at once); a repeat is not an answer.
      const sentAt = await this.store.orderSentAt(requestId, message.supplierId);
      if (sentAt) this.metrics.supplierAnswered(message.supplierId, message.status, Math.max(0, Date.now() - Date.parse(sentAt)) / 1000);
    }
    return receipt;
  }

  private update<R, A>(requestId: string, update: UpdateDefinition<R, [A]>, input: A): Promise<R> {
    const workflowId = requestWorkflowId(requestId);
    const ended = () => finalStatus(this.client, workflowId, async () => (await this.client.workflow.getHandle(workflowId).query(statusQuery)).status);
    return updateWorkflow(this.client, { workflowId, what: `request ${requestId}`, ended }, update, input);
  }
}
