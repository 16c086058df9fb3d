import type { Citation, Service, Urgency } from '../../domain/request';
import type { SupplierMessage } from '../../domain/supplier-messages';
import type { BibliographicInfo, PublicationInfo, ServiceType, SupplyingAgencyMessage } from './messages';

/** The standard's reasonRetry for a supplier that will supply only on a condition it names. */
const LOAN_CONDITION = 'LoanCondition';

/**
 * What a peer's supplyingAgencyMessage tells the engine about the request it holds. The v1.2 schema
 * has no element for a download link, so peers put it in deliveryInfo/itemId or in the note. A
 * RetryPossible sets a loan condition with deliveryInfo/loanCondition, or with reasonRetry
 * `LoanCondition` and the condition in the note; a Notification is a note that changes nothing.
 */
export function toSupplierMessage(supplierId: string, message: Omit<SupplyingAgencyMessage, 'kind'>): SupplierMessage {
  const { messageInfo, statusInfo, deliveryInfo } = message;
  const costs = messageInfo.offeredCosts ?? deliveryInfo?.deliveryCosts;
  const reason = [messageInfo.reasonUnfilled ?? messageInfo.reasonRetry, messageInfo.note].filter(Boolean).join(': ');
  // Only a completed copy is delivered; a link in another message (a policy page with Unfilled) is not the copy.
  const deliveryUrl =
    statusInfo.status === 'CopyCompleted' ? (webUrl(deliveryInfo?.itemId) ?? webUrl(messageInfo.note)) : undefined;
  const loanCondition =
    statusInfo.status === 'RetryPossible' ? (deliveryInfo?.loanCondition ?? (messageInfo.reasonRetry === LOAN_CONDITION ? (messageInfo.note ?? LOAN_CONDITION) : undefined)) : undefined;
  return {
    supplierId,
    status: statusInfo.status,
    ...(costs && { cost: { amount: costs.amount, currency: costs.currency } }),
    ...(reason && { reason }),
    ...(deliveryUrl && { deliveryUrl }),
    ...(statusInfo.dueDate && { dueDate: utc(statusInfo.dueDate) }),
    ...(loanCondition && { loanCondition }),
    ...(messageInfo.reasonForMessage === 'Notification' && { notification: true }),
  };
}

const SERVICE_TYPE: Record<Service, ServiceType> = {
  copy: 'Copy',
  loan: 'Loan',
  // A CALIS e-book download is not returned: to a peer it is an electronic copy.
  ebook: 'Copy',
};

export function toServiceType(service: Service): ServiceType {
  return SERVICE_TYPE[service];
}

/** Values of the ISO 18626 service level code list. */
const SERVICE_LEVEL: Record<Urgency, string> = {
  normal: 'Normal',
  rush: 'Rush',
  express: 'Express',
};

export function toServiceLevel(urgency: Urgency): string {
  return SERVICE_LEVEL[urgency];
}

/**
 * A citation as ISO 18626 describes an item: for an article, `title` is the journal's and the
 * article is the component; for a book, the book is the title.
 */
export function toBibliographicInfo(citation: Citation): BibliographicInfo {
  const authors = citation.authors?.length ? citation.authors.join('; ') : undefined;
  const item =
    citation.journalTitle !== undefined
      ? { title: citation.journalTitle, titleOfComponent: citation.title, authorOfComponent: authors }
      : { title: citation.title, author: authors };
  const ids = [
    citation.isbn && { code: 'ISBN', identifier: citation.isbn },
    citation.issn && { code: 'ISSN', identifier: citation.issn },
    citation.doi && { code: 'DOI', identifier: citation.doi },
  ].filter((id) => !!id);
  const info: BibliographicInfo = {
    ...item,
    volume: citation.volume,
    issue: citation.issue,
    pagesRequested: citation.pages,
    bibliographicItemId: ids.length ? ids : undefined,
  };
  return Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined));
}

export function toPublicationInfo(citation: Citation): PublicationInfo | undefined {
  return citation.year === undefined ? undefined : { publicationDate: String(citation.year) };
}

function webUrl(text: string | undefined): string | undefined {
  const found = text?.match(/https?:\/\/[^\s<>"']+/)?.[0].replace(/[.,;:!?)\]]+$/, '');
  if (!found) return undefined;
  try {
    return new URL(found).href;
  } catch {
    return undefined;
  }
}

/**
 * The engine compares due dates with Date.parse inside workflows, which reads a time without a
 * zone in the worker's own zone; written in UTC, every worker reads the same instant.
 */
function utc(dateTime: string): string {
  const time = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(dateTime) ? dateTime : `${dateTime}Z`);
  // A year JavaScript cannot hold is passed on as sent rather than losing the whole message.
  return Number.isNaN(time) ? dateTime : new Date(time).toISOString();
}
