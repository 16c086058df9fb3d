import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildConfirmation,
  buildRequest,
  buildRequestingAgencyMessage,
  buildSupplyingAgencyMessage,
  Iso18626BuildError,
  isConfirmedKind,
  parseMessage,
  type ErrorType,
  type Header,
  type Iso18626Message,
  type Iso18626Request,
  type MessageKind,
  type RequestingAgencyMessage,
  type SupplyingAgencyMessage,
} from './messages';
import { checkIso18626Xml } from './xml';

const SAMPLES = path.resolve(__dirname, '../../../shared/iso18626/samples');
const sampleNames = readdirSync(SAMPLES).filter((name) => name.endsWith('.xml'));
const sample = (name: string) => readFileSync(path.join(SAMPLES, name), 'utf8');

async function parsed(xml: string): Promise<Iso18626Message> {
  const result = await parseMessage(xml);
  if (!result.ok) throw new Error(`${result.errorType}: ${result.errorValue}`);
  return result.message;
}

/** Built text must be valid before anything else is said about it. */
async function valid(xml: string): Promise<string> {
  expect(await checkIso18626Xml(xml)).toBeUndefined();
  return xml;
}

describe('the shared samples', () => {
  const invalid: Record<string, { errorType: ErrorType; kind?: MessageKind; errorValue: RegExp }> = {
    'msg-invalid.xml': { errorType: 'BadlyFormedMessage', errorValue: /^\/ISO18626Message, line 6: Missing child element/ },
    'reqmsg-invalid-action.xml': {
      errorType: 'UnsupportedActionType',
      kind: 'requestingAgencyMessage',
      errorValue: /^\/ISO18626Message\/requestingAgencyMessage\/action, line 23: The value 'WeCancelThisMessage' is not an element of the set/,
    },
    'supmsg-invalid-reason.xml': {
      errorType: 'UnsupportedReasonForMessageType',
      kind: 'supplyingAgencyMessage',
      errorValue: /^\/ISO18626Message\/supplyingAgencyMessage\/messageInfo\/reasonForMessage, line 24: The value 'NoGoodReason'/,
    },
    'supmsg-invalid-status.xml': {
      errorType: 'UnrecognisedDataValue',
      kind: 'supplyingAgencyMessage',
      errorValue: /^\/ISO18626Message\/supplyingAgencyMessage\/statusInfo\/status, line 27: The value 'WeCouldLoan'/,
    },
  };

  it('has an expectation for every invalid sample', () => {
    expect(sampleNames.filter((name) => name.includes('invalid')).sort()).toEqual(Object.keys(invalid).sort());
  });

  it.each(Object.entries(invalid))('refuses %s', async (name, expected) => {
    const result = await parseMessage(sample(name));
    expect(result).toMatchObject({ ok: false, errorType: expected.errorType });
    expect(result.ok || result.kind).toBe(expected.kind);
    expect(result.ok || result.errorValue).toMatch(expected.errorValue);
  });

  it('keeps the ids of a refused message, to repeat in the confirmation', async () => {
    expect(await parseMessage(sample('reqmsg-invalid-action.xml'))).toMatchObject({
      header: {
        supplyingAgencyId: { type: 'ISIL', value: 'SLNP_TWO_A' },
        requestingAgencyId: { type: 'ISIL', value: 'SLNP_ONE' },
        requestingAgencyRequestId: 'reqid',
      },
    });
  });

  const kindOf = (name: string): MessageKind =>
    name.startsWith('supmsg') ? 'supplyingAgencyMessage' : name.startsWith('reqmsg') ? 'requestingAgencyMessage' : 'request';

  it.each(sampleNames.filter((name) => !name.includes('invalid')))('accepts %s', async (name) => {
    expect((await parsed(sample(name))).kind).toBe(kindOf(name));
  });

  it('reads a request written with tag0: prefixes', async () => {
    expect(await parsed(sample('renew-req.xml'))).toEqual({
      kind: 'request',
      header: {
        supplyingAgencyId: { type: 'ISIL', value: 'BROKER' },
        requestingAgencyId: { type: 'ISIL', value: 'REQ' },
        timestamp: '2024-11-28T10:25:11.136Z',
        requestingAgencyRequestId: 'js-test-1017',
      },
      bibliographicInfo: {
        supplierUniqueRecordId: 'LOANED_OVERDUE',
        title: 'Lord of the Rings',
        author: 'JRR Tolkien',
        bibliographicItemId: [{ identifier: '1983', code: 'ISBN' }],
      },
      serviceInfo: { requestType: 'New', requestSubType: ['PatronRequest'], serviceType: 'Loan', note: '#RENEW#' },
    });
  });

  it('reads a request in the default namespace, empty supplierInfo and all', async () => {
    expect(await parsed(sample('request-willsupply-loaned.xml'))).toMatchObject({
      publicationInfo: { publicationDate: '1954' },
      supplierInfo: [{}],
      requestedDeliveryInfo: [{ address: { physicalAddress: { line1: 'The Prancing Pony Inn, Bree' } } }],
      patronInfo: { patronId: '123' },
    });
  });

  it('reads the supplying and requesting agencies’ messages', async () => {
    const header = {
      supplyingAgencyId: { type: 'ISIL', value: 'SUP_B' },
      requestingAgencyId: { type: 'ISIL', value: 'SUP_A' },
      timestamp: '2024-12-12T20:12:00.62959771Z',
      requestingAgencyRequestId: '6ad1ff2e-bab2-4978-b064-656c0e67ebd6',
      supplyingAgencyRequestId: 'c488bef0-5735-4c33-ba13-a9f343447574',
    };
    expect(await parsed(sample('supmsg-ok.xml'))).toEqual({
      kind: 'supplyingAgencyMessage',
      header,
      messageInfo: { reasonForMessage: 'StatusChange' },
      statusInfo: { status: 'Loaned', lastChange: '2024-12-12T20:12:00.629710681Z' },
      deliveryInfo: { dateSent: '2024-12-12T20:12:00.629725783Z', itemId: '12345' },
    });
    expect(await parsed(sample('reqmsg-no-reqid.xml'))).toMatchObject({
      kind: 'requestingAgencyMessage',
      action: 'Cancel',
      header: { requestingAgencyRequestId: '' },
    });
  });

  it('reads the same message alike whatever the namespace prefix', async () => {
    const plain = sample('supmsg-ok.xml');
    // The sample already binds ill: to the namespace beside the default one.
    const prefixed = (prefix: string) =>
      plain
        .replace(/<(\/?)(?!\?)([A-Za-z])/g, `<$1${prefix}:$2`)
        .replace(`xmlns="http://illtransactions.org/2013/iso18626"`, prefix === 'ill' ? '' : `xmlns:${prefix}="http://illtransactions.org/2013/iso18626"`);
    const expected = await parsed(plain);
    for (const prefix of ['ill', 'tag0']) {
      const xml = prefixed(prefix);
      expect(xml).toContain(`<${prefix}:statusInfo>`);
      expect(await parsed(xml)).toEqual(expected);
    }
  });
});

const header: Header = {
  supplyingAgencyId: { type: 'ISIL', value: 'CN-NLC' },
  requestingAgencyId: { type: 'ISIL', value: 'CN-PKU' },
  timestamp: '2026-11-30T08:00:00.000Z',
  requestingAgencyRequestId: 'pku-2026-000001',
};

const fullRequest: Omit<Iso18626Request, 'kind'> = {
  header: {
    ...header,
    multipleItemRequestId: 'pku-batch-7',
    supplyingAgencyRequestId: 'nlc-88',
    requestingAgencyAuthentication: { accountId: 'pku', securityCode: 's3cret' },
  },
  bibliographicInfo: {
    supplierUniqueRecordId: 'nlc:012345678',
    title: '中文信息学报',
    author: 'Chinese Information Processing Society',
    subtitle: 'Journal of Chinese Information Processing',
    seriesTitle: 'CIPS',
    edition: '1st',
    titleOfComponent: 'Deep learning for word segmentation <revisited> & extended',
    authorOfComponent: 'Li Wei; Zhang San',
    volume: '35',
    issue: '4',
    pagesRequested: '1-12',
    estimatedNoPages: '12',
    bibliographicItemId: [
      { identifier: '1003-0077', code: 'ISSN' },
      { identifier: '10.3969/j.issn.1003-0077.2021.04.001', code: 'DOI' },
    ],
    sponsor: 'CALIS',
    informationSource: 'CALIS union catalogue',
    bibliographicRecordId: [{ code: 'OCLC', identifier: '0012345' }],
  },
  publicationInfo: { publisher: 'CIPS', publicationType: 'Journal', publicationDate: '2021', placeOfPublication: 'Beijing' },
  serviceInfo: {
    requestType: 'Retry',
    requestSubType: ['PatronRequest', 'SupplyingLibrarysChoice'],
    requestingAgencyPreviousRequestId: 'pku-2026-000000',
    serviceType: 'Copy',
    serviceLevel: 'Rush',
    preferredFormat: 'PDF',
    needBeforeDate: '2026-12-07T00:00:00+08:00',
    copyrightCompliance: 'CN-Fair-Use',
    anyEdition: 'Y',
    startDate: '2026-12-01T00:00:00Z',
    endDate: '2026-12-31T00:00:00Z',
    note: 'Please send the PDF to the reader.',
  },
  supplierInfo: [
    {
      sortOrder: 1,
      supplierCode: { type: 'ISIL', value: 'CN-NLC' },
      supplierDescription: 'National Library of China',
      bibliographicRecordId: { code: 'NLC', identifier: '012345678' },
      callNumber: 'Z1/35',
      summaryHoldings: '1986-',
      availabilityNote: 'on shelf',
    },
    { sortOrder: 2, supplierCode: { type: 'ISIL', value: 'CN-SHL' } },
  ],
  requestedDeliveryInfo: [
    { sortOrder: 1, address: { electronicAddress: { electronicAddressType: 'Email', electronicAddressData: 'ill@lib.pku.edu.cn' } } },
    { sortOrder: 2, address: { physicalAddress: { line1: 'Peking University Library', locality: 'Beijing', postalCode: '100871', country: 'CN' } } },
  ],
  requestingAgencyInfo: {
    name: 'Peking University Library',
    contactName: 'ILL office',
    address: [{ electronicAddress: { electronicAddressType: 'Email', electronicAddressData: 'ill@lib.pku.edu.cn' } }],
  },
  patronInfo: {
    patronId: 'p-1',
    surname: 'Li',
    givenName: 'Wei',
    patronType: 'Faculty',
    sendToPatron: 'N',
    address: [{ physicalAddress: { line1: 'Room 101', region: 'CN-BJ' } }],
  },
  billingInfo: {
    paymentMethod: 'CALIS settlement',
    maximumCosts: { amount: 30.5, currency: 'CNY' },
    billingMethod: 'Account',
    billingName: 'Peking University Library',
    address: { physicalAddress: { line1: 'Finance office' } },
  },
};

const fullSupplyingMessage: Omit<SupplyingAgencyMessage, 'kind'> = {
  header: { ...header, supplyingAgencyRequestId: 'nlc-88' },
  messageInfo: {
    reasonForMessage: 'RequestResponse',
    answerYesNo: 'Y',
    note: 'Copy available for download',
    reasonUnfilled: 'NotOnShelf',
    reasonRetry: 'CostExceedsMaxCost',
    offeredCosts: { amount: 0.0000001, currency: 'CNY' },
    retryAfter: '2026-12-01T00:00:00Z',
    retryBefore: '2026-12-31T23:59:59.999999999Z',
  },
  statusInfo: {
    status: 'CopyCompleted',
    expectedDeliveryDate: '2026-12-01T00:00:00Z',
    dueDate: '2027-01-01T00:00:00Z',
    lastChange: '2026-11-30T09:00:00Z',
  },
  deliveryInfo: {
    dateSent: '2026-11-30T09:00:00Z',
    itemId: 'https://delivery.nlc.cn/c/88',
    sentVia: 'URL',
    sentToPatron: false,
    loanCondition: 'LibraryUseOnly',
    deliveredFormat: 'PDF',
    deliveryCosts: { amount: 1234567.89, currency: 'CNY' },
  },
  returnInfo: { returnAgencyId: { type: 'ISIL', value: 'CN-NLC' }, name: 'NLC ILL', physicalAddress: { line1: '33 Zhongguancun South St' } },
};

const requestingMessage: Omit<RequestingAgencyMessage, 'kind'> = {
  header: { ...header, supplyingAgencyRequestId: 'nlc-88' },
  action: 'Renew',
  note: 'The reader needs two more weeks.',
};

describe('built messages', () => {
  it.each([
    ['a request with every element', () => buildRequest(fullRequest), { kind: 'request', ...fullRequest }],
    [
      'a minimal request',
      () => buildRequest({ header, bibliographicInfo: {} }),
      { kind: 'request', header, bibliographicInfo: {} },
    ],
    ['a supplying agency message with every element', () => buildSupplyingAgencyMessage(fullSupplyingMessage), { kind: 'supplyingAgencyMessage', ...fullSupplyingMessage }],
    [
      'a minimal supplying agency message',
      () =>
        buildSupplyingAgencyMessage({
          header,
          messageInfo: { reasonForMessage: 'StatusChange' },
          statusInfo: { status: 'Unfilled', lastChange: '2026-11-30T09:00:00Z' },
        }),
      { kind: 'supplyingAgencyMessage', header, messageInfo: { reasonForMessage: 'StatusChange' }, statusInfo: { status: 'Unfilled', lastChange: '2026-11-30T09:00:00Z' } },
    ],
    ['a requesting agency message', () => buildRequestingAgencyMessage(requestingMessage), { kind: 'requestingAgencyMessage', ...requestingMessage }],
    ['a requesting agency message without a note', () => buildRequestingAgencyMessage({ header, action: 'Received' }), { kind: 'requestingAgencyMessage', header, action: 'Received' }],
  ] as const)('%s is valid and reads back the same', async (_name, build, expected) => {
    const xml = await valid(build());
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<ISO18626Message xmlns="http:\/\/illtransactions.org\/2013\/iso18626" xmlns:ill="http:\/\/illtransactions.org\/2013\/iso18626" ill:version="1.2">/);
    expect(await parsed(xml)).toEqual(expected);
  });

  it('writes every action and every reason for message the standard has', async () => {
    for (const action of ['StatusRequest', 'Received', 'Cancel', 'Renew', 'ShippedReturn', 'ShippedForward', 'Notification'] as const) {
      expect(await parsed(await valid(buildRequestingAgencyMessage({ header, action })))).toMatchObject({ action });
    }
    for (const reasonForMessage of ['RequestResponse', 'StatusRequestResponse', 'RenewResponse', 'CancelResponse', 'StatusChange', 'Notification'] as const) {
      const xml = buildSupplyingAgencyMessage({ header, messageInfo: { reasonForMessage }, statusInfo: { status: 'WillSupply', lastChange: header.timestamp } });
      expect(await parsed(await valid(xml))).toMatchObject({ messageInfo: { reasonForMessage } });
    }
  });

  it('refuses to build what the schema would refuse, naming the field', () => {
    const at = (lastChange: string) => () =>
      buildSupplyingAgencyMessage({ header, messageInfo: { reasonForMessage: 'StatusChange' }, statusInfo: { status: 'Loaned', lastChange } });
    expect(at('2026-11-30')).toThrow(/statusInfo\/lastChange: "2026-11-30" is not an xs:dateTime/);
    expect(at('2026-02-29T00:00:00Z')).toThrow(Iso18626BuildError);
    expect(at('2028-02-29T00:00:00Z')).not.toThrow();
    expect(at('2026-11-30 08:00:00')).toThrow(Iso18626BuildError);
    expect(() =>
      buildSupplyingAgencyMessage({
        header,
        messageInfo: { reasonForMessage: 'StatusChange', offeredCosts: { amount: Number.NaN, currency: 'CNY' } },
        statusInfo: { status: 'RetryPossible', lastChange: header.timestamp },
      }),
    ).toThrow(/messageInfo\/offeredCosts\/monetaryValue: NaN is not an amount/);
    expect(() => buildRequestingAgencyMessage({ header, action: 'Recall' as never })).toThrow(/action: "Recall" is not one of StatusRequest/);
    expect(() => buildRequestingAgencyMessage({ header, action: 'Cancel', note: 'bell \u0007' })).toThrow(/a character XML cannot carry/);
    expect(() => buildRequest({ header, bibliographicInfo: {}, supplierInfo: [{ sortOrder: 1.5 }] })).toThrow(/supplierInfo\/sortOrder: 1.5 is not an integer/);
  });

  it('writes an empty requestingAgencyRequestId rather than leaving out the required element', async () => {
    const xml = await valid(buildRequestingAgencyMessage({ header: { ...header, requestingAgencyRequestId: '' }, action: 'StatusRequest' }));
    expect(await parsed(xml)).toMatchObject({ header: { requestingAgencyRequestId: '' } });
  });
});

describe('confirmations', () => {
  const times = { timestamp: '2026-11-30T08:00:01Z', timestampReceived: '2026-11-30T08:00:00.5Z' };
  const ids = {
    supplyingAgencyId: header.supplyingAgencyId,
    requestingAgencyId: header.requestingAgencyId,
    requestingAgencyRequestId: header.requestingAgencyRequestId,
  };

  it('answers a request', async () => {
    const xml = await valid(buildConfirmation('request', header, { status: 'OK', ...times }));
    expect(await parsed(xml)).toEqual({ kind: 'requestConfirmation', confirmationHeader: { ...ids, ...times, messageStatus: 'OK' } });
  });

  it('answers a supplying agency message, repeating its reason', async () => {
    const xml = await valid(buildConfirmation('supplyingAgencyMessage', header, { status: 'OK', reasonForMessage: 'StatusChange', ...times }));
    expect(await parsed(xml)).toEqual({
      kind: 'supplyingAgencyMessageConfirmation',
      confirmationHeader: { ...ids, ...times, messageStatus: 'OK' },
      reasonForMessage: 'StatusChange',
    });
  });

  it('answers a requesting agency message with an error', async () => {
    const xml = await valid(
      buildConfirmation('requestingAgencyMessage', header, {
        status: 'ERROR',
        errorType: 'UnsupportedActionType',
        errorValue: '/ISO18626Message/requestingAgencyMessage/action, line 23: ShippedForward is not supported',
        ...times,
      }),
    );
    expect(await parsed(xml)).toEqual({
      kind: 'requestingAgencyMessageConfirmation',
      confirmationHeader: { ...ids, ...times, messageStatus: 'ERROR' },
      errorData: { errorType: 'UnsupportedActionType', errorValue: '/ISO18626Message/requestingAgencyMessage/action, line 23: ShippedForward is not supported' },
    });
  });

  it('answers each refused sample with a valid confirmation of the right kind', async () => {
    for (const name of ['reqmsg-invalid-action.xml', 'supmsg-invalid-reason.xml', 'supmsg-invalid-status.xml']) {
      const result = await parseMessage(sample(name));
      if (result.ok || !isConfirmedKind(result.kind)) throw new Error(`${name} was not refused as a message to confirm`);
      const { kind, header: echoed = {}, errorType, errorValue } = result;
      const xml = await valid(buildConfirmation(kind, echoed, { status: 'ERROR', errorType, errorValue }));
      expect(await parsed(xml)).toMatchObject({ kind: `${kind}Confirmation`, confirmationHeader: { messageStatus: 'ERROR' }, errorData: { errorType, errorValue } });
    }
  });

  it('answers even a message whose header could not be read, stamping the time itself', async () => {
    const before = Date.now();
    const xml = await valid(buildConfirmation('request', {}, { status: 'ERROR', errorType: 'BadlyFormedMessage' }));
    const confirmation = await parsed(xml);
    if (confirmation.kind !== 'requestConfirmation') throw new Error(confirmation.kind);
    expect(confirmation.confirmationHeader.supplyingAgencyId).toBeUndefined();
    expect(Date.parse(confirmation.confirmationHeader.timestamp)).toBeGreaterThanOrEqual(before - 1);
    expect(confirmation.errorData).toEqual({ errorType: 'BadlyFormedMessage' });
  });
});

describe('tolerant reading', () => {
  it('takes empty and omitted optional elements as absent', async () => {
    const xml = `<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">
      <supplyingAgencyMessage>
        <header>
          <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>CN-NLC</agencyIdValue></supplyingAgencyId>
          <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>CN-PKU</agencyIdValue></requestingAgencyId>
          <multipleItemRequestId></multipleItemRequestId>
          <timestamp>2026-11-30T08:00:00Z</timestamp>
          <requestingAgencyRequestId>pku-2026-000001</requestingAgencyRequestId>
          <supplyingAgencyRequestId/>
          <requestingAgencyAuthentication/>
        </header>
        <messageInfo>
          <reasonForMessage>StatusChange</reasonForMessage>
          <note>
          </note>
          <reasonUnfilled></reasonUnfilled>
        </messageInfo>
        <statusInfo>
          <status>Unfilled</status>
          <lastChange>2026-11-30T08:00:00Z</lastChange>
        </statusInfo>
        <returnInfo/>
      </supplyingAgencyMessage>
    </ISO18626Message>`;
    expect(await parsed(xml)).toEqual({
      kind: 'supplyingAgencyMessage',
      header: { ...header, timestamp: '2026-11-30T08:00:00Z', requestingAgencyAuthentication: {} },
      messageInfo: { reasonForMessage: 'StatusChange' },
      statusInfo: { status: 'Unfilled', lastChange: '2026-11-30T08:00:00Z' },
      returnInfo: {},
    });
  });

  it('takes sentToPatron in every form xs:boolean allows', async () => {
    for (const [written, read] of [['true', true], ['1', true], ['false', false], ['0', false]] as const) {
      const xml = buildSupplyingAgencyMessage({
        header,
        messageInfo: { reasonForMessage: 'StatusChange' },
        statusInfo: { status: 'Loaned', lastChange: header.timestamp },
        deliveryInfo: { dateSent: header.timestamp, sentToPatron: true },
      }).replace('<sentToPatron>true</sentToPatron>', `<sentToPatron>${written}</sentToPatron>`);
      expect(await parsed(xml)).toMatchObject({ deliveryInfo: { sentToPatron: read } });
    }
  });
});
