import { ISO18626_STATUSES, type Iso18626Status } from '../../domain/supplier-messages';
import { ISO18626_NAMESPACE, readIso18626Xml, writeXml, type ReadOptions, type XmlTree } from './xml';

// The ISO 18626 v1.2 messages, as the engine reads and writes them. Names are the standard's. A
// schemeValuePair (agencyIdType, reasonUnfilled, currencyCode, ...) is kept as its value: no peer
// of the network qualifies them with a `scheme`, and the engine reads only the value.

export const ISO18626_VERSION = '1.2';

export const MESSAGE_KINDS = [
  'request',
  'requestConfirmation',
  'supplyingAgencyMessage',
  'supplyingAgencyMessageConfirmation',
  'requestingAgencyMessage',
  'requestingAgencyMessageConfirmation',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** The messages a confirmation answers; a confirmation itself is not answered. */
export const CONFIRMED_KINDS = ['request', 'supplyingAgencyMessage', 'requestingAgencyMessage'] as const;
export type ConfirmedKind = (typeof CONFIRMED_KINDS)[number];

export function isConfirmedKind(kind: MessageKind | undefined): kind is ConfirmedKind {
  return (CONFIRMED_KINDS as readonly (MessageKind | undefined)[]).includes(kind);
}

export const ERROR_TYPES = [
  'UnsupportedActionType',
  'UnsupportedReasonForMessageType',
  'UnrecognisedDataElement',
  'UnrecognisedDataValue',
  'BadlyFormedMessage',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const ACTIONS = ['StatusRequest', 'Received', 'Cancel', 'Renew', 'ShippedReturn', 'ShippedForward', 'Notification'] as const;
export type Action = (typeof ACTIONS)[number];

export const REASONS_FOR_MESSAGE = [
  'RequestResponse',
  'StatusRequestResponse',
  'RenewResponse',
  'CancelResponse',
  'StatusChange',
  'Notification',
] as const;
export type ReasonForMessage = (typeof REASONS_FOR_MESSAGE)[number];

export const SERVICE_TYPES = ['Copy', 'Loan', 'CopyOrLoan'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const REQUEST_TYPES = ['New', 'Retry', 'Reminder'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUEST_SUB_TYPES = ['BookingRequest', 'MultipleItemRequest', 'PatronRequest', 'TransferRequest', 'SupplyingLibrarysChoice'] as const;
export type RequestSubType = (typeof REQUEST_SUB_TYPES)[number];

export type YesNo = 'Y' | 'N';
export type MessageStatus = 'OK' | 'ERROR';

/** xs:dateTime text, for example `2026-11-30T08:00:00Z`; kept as text because peers send nanoseconds. */
export type DateTime = string;

export interface AgencyId {
  /** ISIL, OCLC, ... */
  type: string;
  value: string;
}

export interface Costs {
  amount: number;
  /** ISO 4217. */
  currency: string;
}

export interface Header {
  supplyingAgencyId: AgencyId;
  requestingAgencyId: AgencyId;
  multipleItemRequestId?: string;
  timestamp: DateTime;
  /** Required by the schema, yet some peers send it empty: kept as sent, for the receiver to judge. */
  requestingAgencyRequestId: string;
  supplyingAgencyRequestId?: string;
  requestingAgencyAuthentication?: { accountId?: string; securityCode?: string };
}

export interface BibliographicItemId {
  identifier: string;
  /** ISBN, ISSN, DOI, ... */
  code: string;
}

export interface BibliographicRecordId {
  code: string;
  identifier: string;
}

export interface BibliographicInfo {
  supplierUniqueRecordId?: string;
  /** The book's or the journal's title. */
  title?: string;
  author?: string;
  subtitle?: string;
  seriesTitle?: string;
  edition?: string;
  /** The article's or chapter's title. */
  titleOfComponent?: string;
  authorOfComponent?: string;
  volume?: string;
  issue?: string;
  pagesRequested?: string;
  estimatedNoPages?: string;
  bibliographicItemId?: BibliographicItemId[];
  sponsor?: string;
  informationSource?: string;
  bibliographicRecordId?: BibliographicRecordId[];
}

export interface PublicationInfo {
  publisher?: string;
  publicationType?: string;
  publicationDate?: string;
  placeOfPublication?: string;
}

export interface ServiceInfo {
  requestType?: RequestType;
  requestSubType?: RequestSubType[];
  requestingAgencyPreviousRequestId?: string;
  serviceType: ServiceType;
  serviceLevel?: string;
  preferredFormat?: string;
  needBeforeDate?: DateTime;
  copyrightCompliance?: string;
  anyEdition?: YesNo;
  startDate?: DateTime;
  endDate?: DateTime;
  note?: string;
}

export interface SupplierInfo {
  sortOrder?: number;
  supplierCode?: AgencyId;
  supplierDescription?: string;
  bibliographicRecordId?: BibliographicRecordId;
  callNumber?: string;
  summaryHoldings?: string;
  availabilityNote?: string;
}

export interface PhysicalAddress {
  line1?: string;
  line2?: string;
  locality?: string;
  postalCode?: string;
  /** ISO 3166-2. */
  region?: string;
  /** ISO 3166-1. */
  country?: string;
}

export interface ElectronicAddress {
  /** Email, URL, FTP, ... */
  electronicAddressType: string;
  electronicAddressData: string;
}

export type Address = { electronicAddress: ElectronicAddress } | { physicalAddress: PhysicalAddress };

export interface RequestedDeliveryInfo {
  sortOrder?: number;
  address?: Address;
}

export interface RequestingAgencyInfo {
  name?: string;
  contactName?: string;
  address?: Address[];
}

export interface PatronInfo {
  patronId?: string;
  surname?: string;
  givenName?: string;
  patronType?: string;
  sendToPatron?: YesNo;
  address?: Address[];
}

export interface BillingInfo {
  paymentMethod?: string;
  maximumCosts?: Costs;
  billingMethod?: string;
  billingName?: string;
  address?: Address;
}

export interface Iso18626Request {
  kind: 'request';
  header: Header;
  bibliographicInfo: BibliographicInfo;
  publicationInfo?: PublicationInfo;
  serviceInfo?: ServiceInfo;
  supplierInfo?: SupplierInfo[];
  requestedDeliveryInfo?: RequestedDeliveryInfo[];
  requestingAgencyInfo?: RequestingAgencyInfo;
  patronInfo?: PatronInfo;
  billingInfo?: BillingInfo;
}

export interface MessageInfo {
  reasonForMessage: ReasonForMessage;
  answerYesNo?: YesNo;
  note?: string;
  reasonUnfilled?: string;
  reasonRetry?: string;
  offeredCosts?: Costs;
  retryAfter?: DateTime;
  retryBefore?: DateTime;
}

export interface StatusInfo {
  status: Iso18626Status;
  expectedDeliveryDate?: DateTime;
  dueDate?: DateTime;
  lastChange: DateTime;
}

export interface DeliveryInfo {
  dateSent: DateTime;
  itemId?: string;
  /** Mail, Email, URL, FTP, ... */
  sentVia?: string;
  sentToPatron?: boolean;
  loanCondition?: string;
  deliveredFormat?: string;
  deliveryCosts?: Costs;
}

export interface ReturnInfo {
  returnAgencyId?: AgencyId;
  name?: string;
  physicalAddress?: PhysicalAddress;
}

export interface SupplyingAgencyMessage {
  kind: 'supplyingAgencyMessage';
  header: Header;
  messageInfo: MessageInfo;
  statusInfo: StatusInfo;
  deliveryInfo?: DeliveryInfo;
  returnInfo?: ReturnInfo;
}

export interface RequestingAgencyMessage {
  kind: 'requestingAgencyMessage';
  header: Header;
  action: Action;
  note?: string;
}

/** What a confirmation repeats of the message it answers; all of it may be missing from a bad message. */
export interface ConfirmedIds {
  supplyingAgencyId?: AgencyId;
  requestingAgencyId?: AgencyId;
  requestingAgencyRequestId?: string;
  multipleItemRequestId?: string;
}

export interface ConfirmationHeader extends ConfirmedIds {
  timestamp: DateTime;
  timestampReceived: DateTime;
  messageStatus: MessageStatus;
}

export interface ErrorData {
  errorType: ErrorType;
  errorValue?: string;
}

export interface RequestConfirmation {
  kind: 'requestConfirmation';
  confirmationHeader: ConfirmationHeader;
  errorData?: ErrorData;
}

export interface SupplyingAgencyMessageConfirmation {
  kind: 'supplyingAgencyMessageConfirmation';
  confirmationHeader: ConfirmationHeader;
  reasonForMessage?: ReasonForMessage;
  errorData?: ErrorData;
}

export interface RequestingAgencyMessageConfirmation {
  kind: 'requestingAgencyMessageConfirmation';
  confirmationHeader: ConfirmationHeader;
  action?: Action;
  errorData?: ErrorData;
}

export type Iso18626Message =
  | Iso18626Request
  | RequestConfirmation
  | SupplyingAgencyMessage
  | SupplyingAgencyMessageConfirmation
  | RequestingAgencyMessage
  | RequestingAgencyMessageConfirmation;

export type ParseResult =
  | { ok: true; message: Iso18626Message }
  | {
      ok: false;
      errorType: ErrorType;
      /** What is wrong and where (element path and line), for the confirmation's errorValue. */
      errorValue: string;
      /** The kind of message it was, when that much could be read, so the right confirmation answers it. */
      kind?: MessageKind;
      /** The ids to repeat in that confirmation, as far as they could be read. */
      header?: ConfirmedIds;
    };

/**
 * Reads a received ISO 18626 message. Nothing is returned as a message unless it is well-formed
 * and valid against the v1.2 schema; see `readIso18626Xml` for the limits and the entity policy.
 */
export async function parseMessage(xml: string, options?: ReadOptions): Promise<ParseResult> {
  const reading = await readIso18626Xml(xml, options);
  if (!reading.ok) {
    const found = reading.tree ? messageElement(reading.tree) : undefined;
    return {
      ok: false,
      ...reading.problem,
      ...(found && { kind: found.kind }),
      ...(found && { header: confirmedIdsOf(element(found.body, 'header') ?? element(found.body, 'confirmationHeader') ?? {}) }),
    };
  }
  const found = messageElement(reading.tree);
  // The schema admits exactly one of the six messages under ISO18626Message, so this cannot happen.
  if (!found) throw new Error('a schema-valid ISO 18626 message without a message element');
  return { ok: true, message: readMessage(found.kind, found.body) };
}

// ---- reading: the tree is schema-valid, so required elements are there and values are in range.

type Tree = Record<string, unknown>;

function messageElement(tree: XmlTree): { kind: MessageKind; body: Tree } | undefined {
  const root = element(tree, 'ISO18626Message');
  if (!root) return undefined;
  const kind = MESSAGE_KINDS.find((name) => name in root);
  return kind && { kind, body: element(root, kind) ?? {} };
}

function readMessage(kind: MessageKind, body: Tree): Iso18626Message {
  switch (kind) {
    case 'request':
      return readRequest(body);
    case 'supplyingAgencyMessage':
      return readSupplyingAgencyMessage(body);
    case 'requestingAgencyMessage':
      return compact({ kind, header: readHeader(required(body, 'header')), action: text(body, 'action') as Action, note: optionalText(body, 'note') });
    case 'requestConfirmation':
      return compact({ kind, confirmationHeader: readConfirmationHeader(body), errorData: readErrorData(body) });
    case 'supplyingAgencyMessageConfirmation':
      return compact({
        kind,
        confirmationHeader: readConfirmationHeader(body),
        reasonForMessage: optionalText(body, 'reasonForMessage') as ReasonForMessage | undefined,
        errorData: readErrorData(body),
      });
    case 'requestingAgencyMessageConfirmation':
      return compact({
        kind,
        confirmationHeader: readConfirmationHeader(body),
        action: optionalText(body, 'action') as Action | undefined,
        errorData: readErrorData(body),
      });
  }
}

function readRequest(body: Tree): Iso18626Request {
  const bib = required(body, 'bibliographicInfo');
  const publication = element(body, 'publicationInfo');
  const service = element(body, 'serviceInfo');
  const agency = element(body, 'requestingAgencyInfo');
  const patron = element(body, 'patronInfo');
  const billing = element(body, 'billingInfo');
  const billingAddress = billing && element(billing, 'address');
  return compact({
    kind: 'request',
    header: readHeader(required(body, 'header')),
    bibliographicInfo: compact({
      supplierUniqueRecordId: optionalText(bib, 'supplierUniqueRecordId'),
      title: optionalText(bib, 'title'),
      author: optionalText(bib, 'author'),
      subtitle: optionalText(bib, 'subtitle'),
      seriesTitle: optionalText(bib, 'seriesTitle'),
      edition: optionalText(bib, 'edition'),
      titleOfComponent: optionalText(bib, 'titleOfComponent'),
      authorOfComponent: optionalText(bib, 'authorOfComponent'),
      volume: optionalText(bib, 'volume'),
      issue: optionalText(bib, 'issue'),
      pagesRequested: optionalText(bib, 'pagesRequested'),
      estimatedNoPages: optionalText(bib, 'estimatedNoPages'),
      bibliographicItemId: list(bib, 'bibliographicItemId', (id) => ({
        identifier: text(id, 'bibliographicItemIdentifier'),
        code: text(id, 'bibliographicItemIdentifierCode'),
      })),
      sponsor: optionalText(bib, 'sponsor'),
      informationSource: optionalText(bib, 'informationSource'),
      bibliographicRecordId: list(bib, 'bibliographicRecordId', readRecordId),
    }),
    publicationInfo:
      publication &&
      compact({
        publisher: optionalText(publication, 'publisher'),
        publicationType: optionalText(publication, 'publicationType'),
        publicationDate: optionalText(publication, 'publicationDate'),
        placeOfPublication: optionalText(publication, 'placeOfPublication'),
      }),
    serviceInfo:
      service &&
      compact({
        requestType: optionalText(service, 'requestType') as RequestType | undefined,
        requestSubType: texts(service, 'requestSubType') as RequestSubType[] | undefined,
        requestingAgencyPreviousRequestId: optionalText(service, 'requestingAgencyPreviousRequestId'),
        serviceType: text(service, 'serviceType') as ServiceType,
        serviceLevel: optionalText(service, 'serviceLevel'),
        preferredFormat: optionalText(service, 'preferredFormat'),
        needBeforeDate: optionalText(service, 'needBeforeDate'),
        copyrightCompliance: optionalText(service, 'copyrightCompliance'),
        anyEdition: optionalText(service, 'anyEdition') as YesNo | undefined,
        startDate: optionalText(service, 'startDate'),
        endDate: optionalText(service, 'endDate'),
        note: optionalText(service, 'note'),
      }),
    supplierInfo: list(body, 'supplierInfo', (info) => {
      const code = element(info, 'supplierCode');
      const record = element(info, 'bibliographicRecordId');
      return compact({
        sortOrder: optionalInteger(info, 'sortOrder'),
        supplierCode: code && readAgencyId(code),
        supplierDescription: optionalText(info, 'supplierDescription'),
        bibliographicRecordId: record && readRecordId(record),
        callNumber: optionalText(info, 'callNumber'),
        summaryHoldings: optionalText(info, 'summaryHoldings'),
        availabilityNote: optionalText(info, 'availabilityNote'),
      });
    }),
    requestedDeliveryInfo: list(body, 'requestedDeliveryInfo', (info) => {
      const address = element(info, 'address');
      return compact({ sortOrder: optionalInteger(info, 'sortOrder'), address: address && readAddress(address) });
    }),
    requestingAgencyInfo:
      agency &&
      compact({
        name: optionalText(agency, 'name'),
        contactName: optionalText(agency, 'contactName'),
        address: list(agency, 'address', readAddress),
      }),
    patronInfo:
      patron &&
      compact({
        patronId: optionalText(patron, 'patronId'),
        surname: optionalText(patron, 'surname'),
        givenName: optionalText(patron, 'givenName'),
        patronType: optionalText(patron, 'patronType'),
        sendToPatron: optionalText(patron, 'sendToPatron') as YesNo | undefined,
        address: list(patron, 'address', readAddress),
      }),
    billingInfo:
      billing &&
      compact({
        paymentMethod: optionalText(billing, 'paymentMethod'),
        maximumCosts: optionalCosts(billing, 'maximumCosts'),
        billingMethod: optionalText(billing, 'billingMethod'),
        billingName: optionalText(billing, 'billingName'),
        address: billingAddress && readAddress(billingAddress),
      }),
  });
}

function readSupplyingAgencyMessage(body: Tree): SupplyingAgencyMessage {
  const info = required(body, 'messageInfo');
  const status = required(body, 'statusInfo');
  const delivery = element(body, 'deliveryInfo');
  const returning = element(body, 'returnInfo');
  const returnAgency = returning && element(returning, 'returnAgencyId');
  const returnAddress = returning && element(returning, 'physicalAddress');
  const sentToPatron = delivery && optionalText(delivery, 'sentToPatron');
  return compact({
    kind: 'supplyingAgencyMessage',
    header: readHeader(required(body, 'header')),
    messageInfo: compact({
      reasonForMessage: text(info, 'reasonForMessage') as ReasonForMessage,
      answerYesNo: optionalText(info, 'answerYesNo') as YesNo | undefined,
      note: optionalText(info, 'note'),
      reasonUnfilled: optionalText(info, 'reasonUnfilled'),
      reasonRetry: optionalText(info, 'reasonRetry'),
      offeredCosts: optionalCosts(info, 'offeredCosts'),
      retryAfter: optionalText(info, 'retryAfter'),
      retryBefore: optionalText(info, 'retryBefore'),
    }),
    statusInfo: compact({
      status: text(status, 'status') as Iso18626Status,
      expectedDeliveryDate: optionalText(status, 'expectedDeliveryDate'),
      dueDate: optionalText(status, 'dueDate'),
      lastChange: text(status, 'lastChange'),
    }),
    deliveryInfo:
      delivery &&
      compact({
        dateSent: text(delivery, 'dateSent'),
        itemId: optionalText(delivery, 'itemId'),
        sentVia: optionalText(delivery, 'sentVia'),
        // xs:boolean: true, false, 1 or 0.
        sentToPatron: sentToPatron === undefined ? undefined : sentToPatron === 'true' || sentToPatron === '1',
        loanCondition: optionalText(delivery, 'loanCondition'),
        deliveredFormat: optionalText(delivery, 'deliveredFormat'),
        deliveryCosts: optionalCosts(delivery, 'deliveryCosts'),
      }),
    returnInfo:
      returning &&
      compact({
        returnAgencyId: returnAgency && readAgencyId(returnAgency),
        name: optionalText(returning, 'name'),
        physicalAddress: returnAddress && readPhysicalAddress(returnAddress),
      }),
  });
}

function readHeader(header: Tree): Header {
  const authentication = element(header, 'requestingAgencyAuthentication');
  return compact({
    supplyingAgencyId: readAgencyId(required(header, 'supplyingAgencyId')),
    requestingAgencyId: readAgencyId(required(header, 'requestingAgencyId')),
    multipleItemRequestId: optionalText(header, 'multipleItemRequestId'),
    timestamp: text(header, 'timestamp'),
    requestingAgencyRequestId: text(header, 'requestingAgencyRequestId'),
    supplyingAgencyRequestId: optionalText(header, 'supplyingAgencyRequestId'),
    requestingAgencyAuthentication:
      authentication &&
      compact({ accountId: optionalText(authentication, 'accountId'), securityCode: optionalText(authentication, 'securityCode') }),
  });
}

function readConfirmationHeader(body: Tree): ConfirmationHeader {
  const header = required(body, 'confirmationHeader');
  return compact({
    ...confirmedIdsOf(header),
    timestamp: text(header, 'timestamp'),
    timestampReceived: text(header, 'timestampReceived'),
    messageStatus: text(header, 'messageStatus') as MessageStatus,
  });
}

function readErrorData(body: Tree): ErrorData | undefined {
  const data = element(body, 'errorData');
  return data && compact({ errorType: text(data, 'errorType') as ErrorType, errorValue: optionalText(data, 'errorValue') });
}

/** Also reads the header of a message the schema refused, so every field is optional and checked. */
function confirmedIdsOf(header: Tree): ConfirmedIds {
  const agencyId = (key: string) => {
    const id = element(header, key);
    const type = id && optionalText(id, 'agencyIdType');
    const value = id && optionalText(id, 'agencyIdValue');
    return type !== undefined && value !== undefined ? { type, value } : undefined;
  };
  return compact({
    supplyingAgencyId: agencyId('supplyingAgencyId'),
    requestingAgencyId: agencyId('requestingAgencyId'),
    requestingAgencyRequestId: optionalText(header, 'requestingAgencyRequestId'),
    multipleItemRequestId: optionalText(header, 'multipleItemRequestId'),
  });
}

function readAgencyId(id: Tree): AgencyId {
  return { type: text(id, 'agencyIdType'), value: text(id, 'agencyIdValue') };
}

function readRecordId(id: Tree): BibliographicRecordId {
  return { code: text(id, 'bibliographicRecordIdentifierCode'), identifier: text(id, 'bibliographicRecordIdentifier') };
}

function readAddress(address: Tree): Address {
  const electronic = element(address, 'electronicAddress');
  if (electronic) {
    return {
      electronicAddress: {
        electronicAddressType: text(electronic, 'electronicAddressType'),
        electronicAddressData: text(electronic, 'electronicAddressData'),
      },
    };
  }
  return { physicalAddress: readPhysicalAddress(required(address, 'physicalAddress')) };
}

function readPhysicalAddress(address: Tree): PhysicalAddress {
  return compact({
    line1: optionalText(address, 'line1'),
    line2: optionalText(address, 'line2'),
    locality: optionalText(address, 'locality'),
    postalCode: optionalText(address, 'postalCode'),
    region: optionalText(address, 'region'),
    country: optionalText(address, 'country'),
  });
}

function optionalCosts(parent: Tree, key: string): Costs | undefined {
  const costs = element(parent, key);
  return costs && { amount: Number(text(costs, 'monetaryValue')), currency: text(costs, 'currencyCode') };
}

/** A child element; an empty one (`<supplierInfo/>`) reads as an element with no children. */
function element(parent: Tree, key: string): Tree | undefined {
  return asTree(parent[key]);
}

function asTree(value: unknown): Tree | undefined {
  if (typeof value === 'string') return value.trim() === '' ? {} : undefined;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Tree) : undefined;
}

function required(parent: Tree, key: string): Tree {
  return element(parent, key) ?? {};
}

function list<T>(parent: Tree, key: string, read: (element: Tree) => T): T[] | undefined {
  const values = parent[key];
  if (!Array.isArray(values)) return undefined;
  return values.map((value: unknown) => read(asTree(value) ?? {}));
}

/** A required element's text: an empty one stays empty, since the schema lets any string through. */
function text(parent: Tree, key: string): string {
  const value = parent[key];
  return typeof value === 'string' ? value.trim() : '';
}

/** An optional element's text: an empty element counts as absent. */
function optionalText(parent: Tree, key: string): string | undefined {
  return text(parent, key) || undefined;
}

function texts(parent: Tree, key: string): string[] | undefined {
  const values = parent[key];
  return Array.isArray(values) ? values.map((value: unknown) => (typeof value === 'string' ? value.trim() : '')) : undefined;
}

function optionalInteger(parent: Tree, key: string): number | undefined {
  const value = optionalText(parent, key);
  return value === undefined ? undefined : Number(value);
}

/** Drops the keys whose value is undefined, so a message read back equals the one built. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

// ---- building: strict, so a peer never gets a message the schema refuses.

/** A value that would make an invalid ISO 18626 message; nothing was built. */
export class Iso18626BuildError extends Error {
  override name = 'Iso18626BuildError';
}

type Body<M> = Omit<M, 'kind'>;

export function buildRequest(request: Body<Iso18626Request>): string {
  const bib = request.bibliographicInfo;
  const publication = request.publicationInfo;
  const service = request.serviceInfo;
  const agency = request.requestingAgencyInfo;
  const patron = request.patronInfo;
  const billing = request.billingInfo;
  return message('request', {
    header: writeHeader(request.header),
    bibliographicInfo: {
      supplierUniqueRecordId: string(bib.supplierUniqueRecordId),
      title: string(bib.title),
      author: string(bib.author),
      subtitle: string(bib.subtitle),
      seriesTitle: string(bib.seriesTitle),
      edition: string(bib.edition),
      titleOfComponent: string(bib.titleOfComponent),
      authorOfComponent: string(bib.authorOfComponent),
      volume: string(bib.volume),
      issue: string(bib.issue),
      pagesRequested: string(bib.pagesRequested),
      estimatedNoPages: string(bib.estimatedNoPages),
      bibliographicItemId: bib.bibliographicItemId?.map((id) => ({
        bibliographicItemIdentifier: string(id.identifier),
        bibliographicItemIdentifierCode: string(id.code),
      })),
      sponsor: string(bib.sponsor),
      informationSource: string(bib.informationSource),
      bibliographicRecordId: bib.bibliographicRecordId?.map(writeRecordId),
    },
    publicationInfo: publication && {
      publisher: string(publication.publisher),
      publicationType: string(publication.publicationType),
      publicationDate: string(publication.publicationDate),
      placeOfPublication: string(publication.placeOfPublication),
    },
    serviceInfo: service && {
      requestType: oneOf(REQUEST_TYPES, service.requestType, 'serviceInfo/requestType'),
      requestSubType: service.requestSubType?.map((subType) => oneOf(REQUEST_SUB_TYPES, subType, 'serviceInfo/requestSubType')),
      requestingAgencyPreviousRequestId: string(service.requestingAgencyPreviousRequestId),
      serviceType: oneOf(SERVICE_TYPES, service.serviceType, 'serviceInfo/serviceType'),
      serviceLevel: string(service.serviceLevel),
      preferredFormat: string(service.preferredFormat),
      needBeforeDate: dateTime(service.needBeforeDate, 'serviceInfo/needBeforeDate'),
      copyrightCompliance: string(service.copyrightCompliance),
      anyEdition: oneOf(['Y', 'N'], service.anyEdition, 'serviceInfo/anyEdition'),
      startDate: dateTime(service.startDate, 'serviceInfo/startDate'),
      endDate: dateTime(service.endDate, 'serviceInfo/endDate'),
      note: string(service.note),
    },
    supplierInfo: request.supplierInfo?.map((info) => ({
      sortOrder: integer(info.sortOrder, 'supplierInfo/sortOrder'),
      supplierCode: info.supplierCode && writeAgencyId(info.supplierCode),
      supplierDescription: string(info.supplierDescription),
      bibliographicRecordId: info.bibliographicRecordId && writeRecordId(info.bibliographicRecordId),
      callNumber: string(info.callNumber),
      summaryHoldings: string(info.summaryHoldings),
      availabilityNote: string(info.availabilityNote),
    })),
    requestedDeliveryInfo: request.requestedDeliveryInfo?.map((info) => ({
      sortOrder: integer(info.sortOrder, 'requestedDeliveryInfo/sortOrder'),
      address: info.address && writeAddress(info.address),
    })),
    requestingAgencyInfo: agency && {
      name: string(agency.name),
      contactName: string(agency.contactName),
      address: agency.address?.map(writeAddress),
    },
    patronInfo: patron && {
      patronId: string(patron.patronId),
      surname: string(patron.surname),
      givenName: string(patron.givenName),
      patronType: string(patron.patronType),
      sendToPatron: oneOf(['Y', 'N'], patron.sendToPatron, 'patronInfo/sendToPatron'),
      address: patron.address?.map(writeAddress),
    },
    billingInfo: billing && {
      paymentMethod: string(billing.paymentMethod),
      maximumCosts: billing.maximumCosts && writeCosts(billing.maximumCosts, 'billingInfo/maximumCosts'),
      billingMethod: string(billing.billingMethod),
      billingName: string(billing.billingName),
      address: billing.address && writeAddress(billing.address),
    },
  });
}

export function buildSupplyingAgencyMessage(supplying: Body<SupplyingAgencyMessage>): string {
  const { messageInfo: info, statusInfo: status, deliveryInfo: delivery, returnInfo: returning } = supplying;
  return message('supplyingAgencyMessage', {
    header: writeHeader(supplying.header),
    messageInfo: {
      reasonForMessage: oneOf(REASONS_FOR_MESSAGE, info.reasonForMessage, 'messageInfo/reasonForMessage'),
      answerYesNo: oneOf(['Y', 'N'], info.answerYesNo, 'messageInfo/answerYesNo'),
      note: string(info.note),
      reasonUnfilled: string(info.reasonUnfilled),
      reasonRetry: string(info.reasonRetry),
      offeredCosts: info.offeredCosts && writeCosts(info.offeredCosts, 'messageInfo/offeredCosts'),
      retryAfter: dateTime(info.retryAfter, 'messageInfo/retryAfter'),
      retryBefore: dateTime(info.retryBefore, 'messageInfo/retryBefore'),
    },
    statusInfo: {
      status: oneOf(ISO18626_STATUSES, status.status, 'statusInfo/status'),
      expectedDeliveryDate: dateTime(status.expectedDeliveryDate, 'statusInfo/expectedDeliveryDate'),
      dueDate: dateTime(status.dueDate, 'statusInfo/dueDate'),
      lastChange: dateTime(status.lastChange, 'statusInfo/lastChange'),
    },
    deliveryInfo: delivery && {
      dateSent: dateTime(delivery.dateSent, 'deliveryInfo/dateSent'),
      itemId: string(delivery.itemId),
      sentVia: string(delivery.sentVia),
      sentToPatron: delivery.sentToPatron === undefined ? undefined : String(delivery.sentToPatron),
      loanCondition: string(delivery.loanCondition),
      deliveredFormat: string(delivery.deliveredFormat),
      deliveryCosts: delivery.deliveryCosts && writeCosts(delivery.deliveryCosts, 'deliveryInfo/deliveryCosts'),
    },
    returnInfo: returning && {
      returnAgencyId: returning.returnAgencyId && writeAgencyId(returning.returnAgencyId),
      name: string(returning.name),
      physicalAddress: returning.physicalAddress && writePhysicalAddress(returning.physicalAddress),
    },
  });
}

export function buildRequestingAgencyMessage(requesting: Body<RequestingAgencyMessage>): string {
  return message('requestingAgencyMessage', {
    header: writeHeader(requesting.header),
    action: oneOf(ACTIONS, requesting.action, 'action'),
    note: string(requesting.note),
  });
}

/** How a received message is answered; an ERROR names the ISO 18626 error type. */
export type ConfirmationAnswer = ({ status: 'OK' } | { status: 'ERROR'; errorType: ErrorType; errorValue?: string }) & {
  /** When the message being confirmed arrived; now by default. */
  timestampReceived?: DateTime;
  /** When the confirmation is made; now by default. */
  timestamp?: DateTime;
};

/** What each confirmation may repeat of the message it answers, besides the ids. */
interface ConfirmationEcho {
  request: object;
  supplyingAgencyMessage: { reasonForMessage?: ReasonForMessage };
  requestingAgencyMessage: { action?: Action };
}

/** The confirmation that answers a received `kind` of message, repeating the ids of its header. */
export function buildConfirmation<K extends ConfirmedKind>(
  kind: K,
  header: ConfirmedIds,
  answer: ConfirmationAnswer & ConfirmationEcho[K],
): string {
  const now = new Date().toISOString();
  const confirmationHeader = {
    supplyingAgencyId: header.supplyingAgencyId && writeAgencyId(header.supplyingAgencyId),
    requestingAgencyId: header.requestingAgencyId && writeAgencyId(header.requestingAgencyId),
    timestamp: dateTime(answer.timestamp ?? now, 'confirmationHeader/timestamp'),
    requestingAgencyRequestId: string(header.requestingAgencyRequestId),
    multipleItemRequestId: string(header.multipleItemRequestId),
    timestampReceived: dateTime(answer.timestampReceived ?? now, 'confirmationHeader/timestampReceived'),
    messageStatus: answer.status,
  };
  const errorData =
    answer.status === 'ERROR'
      ? { errorType: oneOf(ERROR_TYPES, answer.errorType, 'errorData/errorType'), errorValue: string(answer.errorValue) }
      : undefined;
  switch (kind) {
    case 'request':
      return message('requestConfirmation', { confirmationHeader, errorData });
    case 'supplyingAgencyMessage': {
      const { reasonForMessage } = answer as ConfirmationEcho['supplyingAgencyMessage'];
      return message('supplyingAgencyMessageConfirmation', {
        confirmationHeader,
        reasonForMessage: oneOf(REASONS_FOR_MESSAGE, reasonForMessage, 'reasonForMessage'),
        errorData,
      });
    }
    default: {
      const { action } = answer as ConfirmationEcho['requestingAgencyMessage'];
      return message('requestingAgencyMessageConfirmation', { confirmationHeader, action: oneOf(ACTIONS, action, 'action'), errorData });
    }
  }
}

function message(kind: MessageKind, body: XmlTree): string {
  return writeXml({
    ISO18626Message: {
      '@xmlns': ISO18626_NAMESPACE,
      '@xmlns:ill': ISO18626_NAMESPACE,
      '@ill:version': ISO18626_VERSION,
      [kind]: body,
    },
  });
}

function writeHeader(header: Header): XmlTree {
  const authentication = header.requestingAgencyAuthentication;
  return {
    supplyingAgencyId: writeAgencyId(header.supplyingAgencyId),
    requestingAgencyId: writeAgencyId(header.requestingAgencyId),
    // Required, though it is empty unless the request is one of several.
    multipleItemRequestId: string(header.multipleItemRequestId) ?? '',
    timestamp: dateTime(header.timestamp, 'header/timestamp'),
    requestingAgencyRequestId: string(header.requestingAgencyRequestId),
    supplyingAgencyRequestId: string(header.supplyingAgencyRequestId),
    requestingAgencyAuthentication: authentication && {
      accountId: string(authentication.accountId),
      securityCode: string(authentication.securityCode),
    },
  };
}

function writeAgencyId(id: AgencyId): XmlTree {
  return { agencyIdType: string(id.type), agencyIdValue: string(id.value) };
}

function writeRecordId(id: BibliographicRecordId): XmlTree {
  return { bibliographicRecordIdentifierCode: string(id.code), bibliographicRecordIdentifier: string(id.identifier) };
}

function writeAddress(address: Address): XmlTree {
  if ('electronicAddress' in address) {
    const { electronicAddressType, electronicAddressData } = address.electronicAddress;
    return { electronicAddress: { electronicAddressType: string(electronicAddressType), electronicAddressData: string(electronicAddressData) } };
  }
  return { physicalAddress: writePhysicalAddress(address.physicalAddress) };
}

function writePhysicalAddress(address: PhysicalAddress): XmlTree {
  return {
    line1: string(address.line1),
    line2: string(address.line2),
    locality: string(address.locality),
    postalCode: string(address.postalCode),
    region: string(address.region),
    country: string(address.country),
  };
}

function writeCosts(costs: Costs, where: string): XmlTree {
  return { currencyCode: string(costs.currency), monetaryValue: decimal(costs.amount, `${where}/monetaryValue`) };
}

// Characters XML 1.0 cannot carry at all, not even escaped.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function string<T extends string | undefined>(value: T): T {
  if (value !== undefined && NOT_XML.test(value)) {
    throw new Iso18626BuildError(`${JSON.stringify(value)} holds a character XML cannot carry`);
  }
  return value;
}

const XS_DATE_TIME = /^(-?(?!0000-)\d{4,})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?$/;

function dateTime<T extends string | undefined>(value: T, where: string): T {
  const parts = value === undefined ? undefined : XS_DATE_TIME.exec(value);
  // The pattern lets 31 February through; the schema does not.
  if (value !== undefined && !(parts && Number(parts[3]) <= daysIn(Number(parts[1]), Number(parts[2])))) {
    throw new Iso18626BuildError(`${where}: ${JSON.stringify(value)} is not an xs:dateTime such as 2026-11-30T08:00:00Z`);
  }
  return value;
}

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function decimal(value: number, where: string): string {
  if (!Number.isFinite(value)) throw new Iso18626BuildError(`${where}: ${value} is not an amount`);
  // Plain notation: xs:decimal has no exponent, which String() would use for very small or large numbers.
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

function integer(value: number | undefined, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value)) throw new Iso18626BuildError(`${where}: ${value} is not an integer`);
  return String(value);
}

function oneOf<const V extends string, T extends string | undefined>(allowed: readonly V[], value: T, where: string): T {
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw new Iso18626BuildError(`${where}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return value;
}
