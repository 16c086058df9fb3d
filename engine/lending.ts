import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { toLendingRequest } from '../adapters/iso18626/lender';
import type { AgencyId, Iso18626Request } from '../adapters/iso18626/messages';
import { agencyText, sameAgency } from '../adapters/iso18626/peer';
import type { BorrowerMessage, LendingState } from '../domain/lending';
import type { Supplier } from '../rules/types';
import { borrowerMessageUpdate, lenderAnswerUpdate, lendingStatusQuery, lendingWorkflowId, type LenderAnswerInput } from '../workflows/lending/definitions';
import type { lendingRequest } from '../workflows/lendingRequest';
import type { NetworkHolder } from './network';
import { Refused } from './refused';
import type { RequestStore } from './store/store';
import { finalStatus, updateWorkflow } from './workflow-updates';

/** How long a copy sent waits for the borrower to confirm it arrived before its lending request completes. */
const RECEIPT_WAIT_DAYS = 14;

/** The network's id for a borrower's request: the same however often the borrower sends it. */
export function lendingId(borrowerAgencyId: string, borrowerRequestId: string): string {
  return `L${createHash('sha256').update(`${borrowerAgencyId.toUpperCase()}\n${borrowerRequestId}`).digest('hex').slice(0, 23)}`;
}

/** The service library a borrower addressed, by the agency id in the configuration. */
function lenderAddressed(suppliers: Supplier[], agency: AgencyId): Supplier | undefined {
  return suppliers.find((supplier) => supplier.kind === 'service-library' && sameAgency(supplier.agencyId, agency));
}

/**
 * Lending to outside systems: a borrower's request becomes a workflow of its own, idempotent on
 * the borrower's request id; the lending librarians' answers and the borrower's later messages
 * are updates to it, refused with a reason when they do not fit.
 */
export class LendingService {
  constructor(
    private readonly client: Client,
    private readonly store: RequestStore,
    private readonly network: Pick<NetworkHolder, 'current'>,
    private readonly taskQueue: string,
  ) {}

  /** Takes a borrower's `request`; a repeat of one taken before is `duplicate`, and a retry agreeing to a price goes to the request it retries. */
  async receive(request: Iso18626Request, peer: Supplier | undefined): Promise<{ outcome: 'created' | 'duplicate'; lendingId: string }> {
    const { header, serviceInfo } = request;
    const lender = lenderAddressed(this.network.current().config.suppliers, header.supplyingAgencyId);
    if (!lender) throw new Refused(`supplyingAgencyId ${agencyText(header.supplyingAgencyId)} is no service library of this network`);
    const borrowerAgency = agencyText(header.requestingAgencyId);
    if (!header.requestingAgencyRequestId) throw new Refused('requestingAgencyRequestId is empty: the borrower must name its request');
    const id = lendingId(borrowerAgency, header.requestingAgencyRequestId);
    if (serviceInfo?.requestType === 'Retry' && (await this.store.getLending(id))) {
      await this.borrowerMessage(id, { action: 'Retry', ...(request.billingInfo?.maximumCosts ? { maxCost: request.billingInfo.maximumCosts } : {}) });
      return { outcome: 'duplicate', lendingId: id };
    }
    const lending = toLendingRequest(request, { id, lenderId: lender.id, ...(peer ? { peer: { id: peer.id, endpoint: peer.endpoint } } : {}), receivedAt: new Date().toISOString() });
    const workflowId = lendingWorkflowId(id);
    await this.store.insertLending(lending, workflowId);
    try {
      await this.client.workflow.start<typeof lendingRequest>('lendingRequest', {
        workflowId,
        // A request that has ended is not started again by the same id sent once more.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        taskQueue: this.taskQueue,
        args: [{ lending, receiptWaitDays: RECEIPT_WAIT_DAYS }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      return { outcome: 'duplicate', lendingId: id };
    }
    return { outcome: 'created', lendingId: id };
  }

  state(id: string): Promise<LendingState> {
    return this.client.workflow.getHandle(lendingWorkflowId(id)).query(lendingStatusQuery);
  }

  answer(id: string, input: LenderAnswerInput): Promise<LendingState> {
    return this.update(id, lenderAnswerUpdate, input);
  }

  borrowerMessage(id: string, message: BorrowerMessage): Promise<LendingState> {
    return this.update(id, borrowerMessageUpdate, message);
  }

  private update<A>(id: string, update: UpdateDefinition<LendingState, [A]>, input: A): Promise<LendingState> {
    const workflowId = lendingWorkflowId(id);
    const ended = () => finalStatus(this.client, workflowId, async () => (await this.state(id)).status);
    return updateWorkflow(this.client, { workflowId, what: `lending request ${id}`, ended }, update, input);
  }
}
