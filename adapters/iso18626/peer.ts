// The requesting side of ISO 18626: orders and the requesting library's actions go to a peer ILL
// system as `request`s and `requestingAgencyMessage`s; what the peer then says arrives at the
// engine's `POST /iso18626` as `supplyingAgencyMessage`s.
import type { SupplierNotice, SupplierOrder } from '../../domain/orders';
import type { Money } from '../../domain/request';
import type { Supplier } from '../../rules/types';
import { PermanentSupplierError, type SupplierAdapter } from '../adapter';
import type { HttpOptions } from '../http';
import { exchange } from './exchange';
import {
  buildRequest,
  buildRequestingAgencyMessage,
  type Action,
  type AgencyId,
  type Header,
  type Iso18626Request,
} from './messages';
import { toRequestedDeliveryInfo, toRequestingAgencyInfo } from './addresses';
import { toBibliographicInfo, toPublicationInfo, toServiceLevel, toServiceType } from './statuses';

export interface Iso18626PeerOptions extends HttpOptions {
  /** The network's own agency id, `TYPE:VALUE`. */
  agencyId: string;
}

/** `ISIL:DK-820010` as the standard writes it. */
export function agencyIdOf(text: string): AgencyId {
  const at = text.indexOf(':');
  return { type: text.slice(0, at), value: text.slice(at + 1) };
}

/** An agency id as the configuration writes it, `TYPE:VALUE`. */
export const agencyText = (id: AgencyId): string => `${id.type}:${id.value}`;

/** Whether two agency ids, as the standard or the configuration writes them, name the same agency, whatever their case. */
export function sameAgency(a: AgencyId | string | undefined, b: AgencyId | string | undefined): boolean {
  const text = (id: AgencyId | string) => (typeof id === 'string' ? id : agencyText(id)).toUpperCase();
  return a !== undefined && b !== undefined && text(a) === text(b);
}

/** The most the peer may charge without asking: the least of the library's limit (or a price it approved) and the reader's. */
function maximumCost(order: SupplierOrder): Money | undefined {
  // A price a librarian approved replaces the library's own limit: asking below it would only make the peer ask again.
  const limits = [order.approvedCost ?? order.costLimits?.autoApproveLimit, order.costLimits?.maxCost].filter((limit): limit is Money => limit !== undefined);
  return limits.sort((a, b) => a.amount - b.amount)[0];
}

const ACTIONS: Partial<Record<SupplierNotice['action'], Action>> = {
  cancel: 'Cancel',
  // A price or a loan condition refused ends the request at that peer.
  refuseCost: 'Cancel',
  refuseCondition: 'Cancel',
  renew: 'Renew',
  received: 'Received',
  returned: 'ShippedReturn',
  note: 'Notification',
};

/** The text a requestingAgencyMessage carries for a notice, if any. */
function noteOf({ action, detail }: SupplierNotice): string | undefined {
  if (action === 'refuseCondition') return `loan condition refused: ${String(detail.condition)}`;
  const text = action === 'note' ? detail.note : detail.reason;
  return typeof text === 'string' ? text : undefined;
}

/**
 * The order a notice that accepts a supplier's terms asks again with: at the price agreed, or under
 * the library's own limits when only a loan condition was accepted.
 */
function retryOf(notice: SupplierNotice): { order: SupplierOrder; maximumCosts: Money | undefined; condition?: string } {
  const { detail } = notice;
  const order: SupplierOrder = {
    key: notice.key,
    requestId: notice.requestId,
    supplierId: notice.supplierId,
    request: detail.request as SupplierOrder['request'],
    costLimits: detail.costLimits as SupplierOrder['costLimits'],
    approvedCost: detail.approvedCost as Money | undefined,
    requestingLibrary: notice.requestingLibrary,
  };
  const condition = typeof detail.condition === 'string' ? detail.condition : undefined;
  return { order, maximumCosts: (detail.cost as Money | undefined) ?? maximumCost(order), ...(condition ? { condition } : {}) };
}

/**
 * Sends to peers over ISO 18626 v1.2. The peer confirms each message at once; an ERROR confirmation
 * is a refusal it would repeat, so the request moves on. A repeated send carries the same request id,
 * which the standard has a peer treat as the same request.
 */
export function createIso18626Adapter({ agencyId, ...http }: Iso18626PeerOptions): SupplierAdapter {
  const header = (supplier: Supplier, requestId: string): Header => ({
    supplyingAgencyId: agencyIdOf(supplier.agencyId ?? ''),
    requestingAgencyId: agencyIdOf(agencyId),
    timestamp: new Date().toISOString(),
    requestingAgencyRequestId: requestId,
  });

  /** Posts a message and reads the peer's confirmation of it. */
  const post = async (supplier: Supplier, xml: string, key: string, expected: 'requestConfirmation' | 'requestingAgencyMessageConfirmation') => {
    if (!supplier.agencyId) throw new PermanentSupplierError('no agencyId is configured');
    await exchange(supplier, xml, key, expected, http);
  };

  const request = (order: SupplierOrder, supplier: Supplier, requestType: 'New' | 'Retry', maximumCosts: Money | undefined, note?: string): Omit<Iso18626Request, 'kind'> => {
    const { citation, service, urgency, requester } = order.request;
    const deliveryInfo = toRequestedDeliveryInfo(order.requestingLibrary, service);
    const agencyInfo = toRequestingAgencyInfo(order.requestingLibrary);
    return {
      header: header(supplier, order.requestId),
      bibliographicInfo: { ...toBibliographicInfo(citation), ...(order.holding?.recordId ? { supplierUniqueRecordId: order.holding.recordId } : {}) },
      ...(toPublicationInfo(citation) ? { publicationInfo: toPublicationInfo(citation) } : {}),
      serviceInfo: { requestType, serviceType: toServiceType(service), serviceLevel: toServiceLevel(urgency), ...(note ? { note } : {}) },
      ...(deliveryInfo ? { requestedDeliveryInfo: deliveryInfo } : {}),
      ...(agencyInfo ? { requestingAgencyInfo: agencyInfo } : {}),
      ...(maximumCosts ? { billingInfo: { maximumCosts } } : {}),
      patronInfo: { patronId: requester.patronId },
    };
  };

  return {
    async send(order, supplier) {
      await post(supplier, buildRequest(request(order, supplier, 'New', maximumCost(order))), order.key, 'requestConfirmation');
    },

    async notify(notice, supplier) {
      if (notice.action === 'acceptCost' || notice.action === 'acceptCondition') {
        // The standard's way to take a supplier's condition: ask again, agreeing to its price or its terms.
        const { order, maximumCosts, condition } = retryOf(notice);
        const note = condition ? `loan condition accepted: ${condition}` : undefined;
        await post(supplier, buildRequest(request(order, supplier, 'Retry', maximumCosts, note)), notice.key, 'requestConfirmation');
        return;
      }
      const action = ACTIONS[notice.action];
      if (!action) return;
      const note = noteOf(notice);
      const xml = buildRequestingAgencyMessage({ header: header(supplier, notice.requestId), action, ...(note ? { note } : {}) });
      await post(supplier, xml, notice.key, 'requestingAgencyMessageConfirmation');
    },
  };
}
