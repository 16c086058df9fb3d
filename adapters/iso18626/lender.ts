// The supplying side of ISO 18626: an outside system's `request` to one of the network's service
// libraries becomes a lending request, and the library's answers go back to it as
// `supplyingAgencyMessage`s.
import type { Borrower, LenderMessage, LendingRequest, LendingService } from '../../domain/lending';
import type { Citation, Urgency } from '../../domain/request';
import type { HttpOptions, Target } from '../http';
import { exchange } from './exchange';
import { buildSupplyingAgencyMessage, type Address, type Iso18626Request, type ServiceType } from './messages';
import { agencyIdOf, agencyText } from './peer';

const SERVICE: Record<ServiceType, LendingService> = { Copy: 'copy', Loan: 'loan', CopyOrLoan: 'copy-or-loan' };

/** The service level code list's urgent values; anything else a peer sends is treated as normal. */
function urgency(level: string | undefined): Urgency {
  const value = level?.toLowerCase();
  return value === 'rush' || value === 'express' ? value : 'normal';
}

/** The item as a citation: for an article, the component is the article and the title the journal's. */
function citationOf({ bibliographicInfo: bib, publicationInfo }: Iso18626Request): Citation {
  const id = (code: string) => bib.bibliographicItemId?.find((item) => item.code.toUpperCase() === code)?.identifier;
  const authors = (text: string | undefined) => (text ? text.split(/\s*;\s*/).filter(Boolean) : undefined);
  const year = Number(publicationInfo?.publicationDate?.match(/\d{4}/)?.[0]);
  const item = bib.titleOfComponent
    ? { title: bib.titleOfComponent, authors: authors(bib.authorOfComponent), journalTitle: bib.title }
    : { title: bib.title, authors: authors(bib.author) };
  const citation: Citation = { ...item, isbn: id('ISBN'), issn: id('ISSN'), doi: id('DOI'), year: year || undefined, volume: bib.volume, issue: bib.issue, pages: bib.pagesRequested };
  return Object.fromEntries(Object.entries(citation).filter(([, value]) => value !== undefined)) as Citation;
}

/** The web address the borrower asked answers to go to, if it gave one. */
function answerAddress(addresses: Address[] | undefined): string | undefined {
  for (const address of addresses ?? []) {
    if (!('electronicAddress' in address)) continue;
    const { electronicAddressType: type, electronicAddressData: data } = address.electronicAddress;
    if (type.toUpperCase() === 'URL' && /^https?:\/\//i.test(data)) return data;
  }
  return undefined;
}

/** What the network keeps of a `request` addressed to one of its service libraries. */
export function toLendingRequest(
  request: Iso18626Request,
  at: { id: string; lenderId: string; peer?: { id: string; endpoint?: string }; receivedAt: string },
): LendingRequest {
  const { header, serviceInfo, billingInfo, patronInfo, requestingAgencyInfo } = request;
  const address = answerAddress(requestingAgencyInfo?.address) ?? at.peer?.endpoint;
  const borrower: Borrower = {
    agencyId: agencyText(header.requestingAgencyId),
    requestId: header.requestingAgencyRequestId,
    ...(at.peer ? { peerId: at.peer.id } : {}),
    ...(address ? { address } : {}),
    ...(requestingAgencyInfo?.name ? { name: requestingAgencyInfo.name } : {}),
  };
  return {
    id: at.id,
    lenderId: at.lenderId,
    lenderAgencyId: agencyText(header.supplyingAgencyId),
    borrower,
    citation: citationOf(request),
    service: SERVICE[serviceInfo?.serviceType ?? 'CopyOrLoan'],
    urgency: urgency(serviceInfo?.serviceLevel),
    ...(billingInfo?.maximumCosts ? { maxCost: billingInfo.maximumCosts } : {}),
    ...(patronInfo?.patronId ? { patronId: patronInfo.patronId } : {}),
    ...(request.bibliographicInfo.supplierUniqueRecordId ? { recordId: request.bibliographicInfo.supplierUniqueRecordId } : {}),
    ...(serviceInfo?.note ? { note: serviceInfo.note } : {}),
    receivedAt: at.receivedAt,
  };
}

/**
 * Sends a lending library's message to its borrower, at the address the borrower's request gave
 * (else its configured endpoint) with the credentials configured for it. The key goes with every
 * attempt, so a borrower that keeps keys acts on a retried message once.
 */
export function createIso18626Lender(http: HttpOptions = {}) {
  return async (message: LenderMessage, lending: LendingRequest, target: Target & { id: string }): Promise<void> => {
    const now = new Date().toISOString();
    const xml = buildSupplyingAgencyMessage({
      header: {
        supplyingAgencyId: agencyIdOf(lending.lenderAgencyId),
        requestingAgencyId: agencyIdOf(lending.borrower.agencyId),
        timestamp: now,
        requestingAgencyRequestId: lending.borrower.requestId,
        supplyingAgencyRequestId: lending.id,
      },
      messageInfo: {
        reasonForMessage: message.reasonForMessage,
        ...(message.answerYesNo ? { answerYesNo: message.answerYesNo } : {}),
        ...(message.note ? { note: message.note } : {}),
        ...(message.reasonUnfilled ? { reasonUnfilled: message.reasonUnfilled } : {}),
        ...(message.offeredCost ? { offeredCosts: message.offeredCost } : {}),
      },
      statusInfo: { status: message.status, lastChange: now, ...(message.dueDate ? { dueDate: message.dueDate } : {}) },
      ...(message.sentVia ? { deliveryInfo: { dateSent: now, sentVia: message.sentVia, ...(message.deliveryUrl ? { itemId: message.deliveryUrl } : {}) } } : {}),
    });
    await exchange(target, xml, message.key, 'supplyingAgencyMessageConfirmation', http);
  };
}

export type Iso18626Lender = ReturnType<typeof createIso18626Lender>;
