import { describe, expect, it } from 'vitest';
import { ISO18626_STATUSES } from '../../domain/supplier-messages';
import { buildRequest, buildSupplyingAgencyMessage, parseMessage, type Header, type MessageInfo, type SupplyingAgencyMessage } from './messages';
import { toBibliographicInfo, toPublicationInfo, toServiceLevel, toServiceType, toSupplierMessage } from './statuses';
import { checkIso18626Xml } from './xml';

const header: Header = {
  supplyingAgencyId: { type: 'ISIL', value: 'CN-NLC' },
  requestingAgencyId: { type: 'ISIL', value: 'CN-PKU' },
  timestamp: '2026-11-30T08:00:00Z',
  requestingAgencyRequestId: 'pku-2026-000001',
};

type Fields = Partial<Omit<SupplyingAgencyMessage, 'kind' | 'header' | 'messageInfo'>> & { messageInfo?: Partial<MessageInfo> };

function message(fields: Fields): Omit<SupplyingAgencyMessage, 'kind'> {
  return {
    header,
    ...fields,
    messageInfo: { reasonForMessage: 'StatusChange', ...fields.messageInfo },
    statusInfo: fields.statusInfo ?? { status: 'WillSupply', lastChange: '2026-11-30T09:00:00Z' },
  };
}

describe('toSupplierMessage', () => {
  it.each(ISO18626_STATUSES)('passes %s on as received over the wire', async (status) => {
    const xml = buildSupplyingAgencyMessage(message({ statusInfo: { status, lastChange: '2026-11-30T09:00:00Z' } }));
    expect(await checkIso18626Xml(xml)).toBeUndefined();
    const result = await parseMessage(xml);
    if (!result.ok || result.message.kind !== 'supplyingAgencyMessage') throw new Error(JSON.stringify(result));
    expect(toSupplierMessage('nlc', result.message)).toEqual({ supplierId: 'nlc', status });
  });

  it('takes the cost a supplier asks, or else what delivery cost', () => {
    const offered = { amount: 45, currency: 'CNY' };
    const delivery = { amount: 12.5, currency: 'CNY' };
    const deliveryInfo = { dateSent: '2026-11-30T09:00:00Z', deliveryCosts: delivery };
    expect(toSupplierMessage('nlc', message({ messageInfo: { offeredCosts: offered }, statusInfo: { status: 'RetryPossible', lastChange: '2026-11-30T09:00:00Z' } })).cost).toEqual(offered);
    expect(toSupplierMessage('nlc', message({ messageInfo: { offeredCosts: offered }, deliveryInfo })).cost).toEqual(offered);
    expect(toSupplierMessage('nlc', message({ deliveryInfo })).cost).toEqual(delivery);
  });

  it('gives the reason as the code and the note together', () => {
    const unfilled = { status: 'Unfilled', lastChange: '2026-11-30T09:00:00Z' } as const;
    expect(toSupplierMessage('nlc', message({ messageInfo: { reasonUnfilled: 'NotHeld', note: 'Missing from shelf' }, statusInfo: unfilled })).reason).toBe(
      'NotHeld: Missing from shelf',
    );
    expect(toSupplierMessage('nlc', message({ messageInfo: { reasonRetry: 'CostExceedsMaxCost' } })).reason).toBe('CostExceedsMaxCost');
    expect(toSupplierMessage('nlc', message({ messageInfo: { note: 'Expect it on Monday' } })).reason).toBe('Expect it on Monday');
    expect(toSupplierMessage('nlc', message({}))).not.toHaveProperty('reason');
  });

  describe('the download link of a completed copy', () => {
    const completed = { status: 'CopyCompleted', lastChange: '2026-11-30T09:00:00Z' } as const;

    it('is the item id when that is a web address', () => {
      const sent = message({ statusInfo: completed, deliveryInfo: { dateSent: '2026-11-30T09:00:00Z', itemId: 'https://delivery.nlc.cn/c/88?t=1' } });
      expect(toSupplierMessage('nlc', sent).deliveryUrl).toBe('https://delivery.nlc.cn/c/88?t=1');
    });

    it('is found in the note for peers that put it there', () => {
      const sent = message({
        statusInfo: completed,
        messageInfo: { note: 'Your copy: https://delivery.nlc.cn/c/88. Valid for 72 hours.' },
        deliveryInfo: { dateSent: '2026-11-30T09:00:00Z', itemId: 'NLC-88' },
      });
      expect(toSupplierMessage('nlc', sent).deliveryUrl).toBe('https://delivery.nlc.cn/c/88');
    });

    it('is not taken from any other message', () => {
      const unfilled = message({
        statusInfo: { status: 'Unfilled', lastChange: '2026-11-30T09:00:00Z' },
        messageInfo: { note: 'See our policy at https://nlc.cn/ill-policy' },
      });
      expect(toSupplierMessage('nlc', unfilled)).not.toHaveProperty('deliveryUrl');
      expect(toSupplierMessage('nlc', message({ statusInfo: completed, messageInfo: { note: 'sent by post' } }))).not.toHaveProperty('deliveryUrl');
    });
  });

  describe('a loan condition', () => {
    const retry = { status: 'RetryPossible', lastChange: '2026-11-30T09:00:00Z' } as const;

    it('is the deliveryInfo loanCondition a RetryPossible names, over the wire', async () => {
      const xml = buildSupplyingAgencyMessage(
        message({
          statusInfo: retry,
          messageInfo: { reasonRetry: 'LoanCondition', note: 'reading room only' },
          deliveryInfo: { dateSent: '2026-11-30T09:00:00Z', loanCondition: 'LibraryUseOnly' },
        }),
      );
      expect(await checkIso18626Xml(xml)).toBeUndefined();
      const result = await parseMessage(xml);
      if (!result.ok || result.message.kind !== 'supplyingAgencyMessage') throw new Error(JSON.stringify(result));
      expect(toSupplierMessage('nlc', result.message)).toEqual({ supplierId: 'nlc', status: 'RetryPossible', reason: 'LoanCondition: reading room only', loanCondition: 'LibraryUseOnly' });
    });

    it('is the note, or the code itself, when reasonRetry says LoanCondition without one', () => {
      expect(toSupplierMessage('nlc', message({ statusInfo: retry, messageInfo: { reasonRetry: 'LoanCondition', note: 'No photocopies' } })).loanCondition).toBe('No photocopies');
      expect(toSupplierMessage('nlc', message({ statusInfo: retry, messageInfo: { reasonRetry: 'LoanCondition' } })).loanCondition).toBe('LoanCondition');
    });

    it('is not read from a price, nor from any other status', () => {
      expect(toSupplierMessage('nlc', message({ statusInfo: retry, messageInfo: { reasonRetry: 'CostExceedsMaxCost', offeredCosts: { amount: 40, currency: 'CNY' } } }))).not.toHaveProperty('loanCondition');
      const loaned = message({ statusInfo: { status: 'Loaned', lastChange: '2026-11-30T09:00:00Z' }, deliveryInfo: { dateSent: '2026-11-30T09:00:00Z', loanCondition: 'LibraryUseOnly' } });
      expect(toSupplierMessage('nlc', loaned)).not.toHaveProperty('loanCondition');
    });
  });

  it('marks a Notification as a note, with its text as the reason', () => {
    const note = toSupplierMessage('nlc', message({ messageInfo: { reasonForMessage: 'Notification', note: 'At the bindery until Friday' } }));
    expect(note).toEqual({ supplierId: 'nlc', status: 'WillSupply', reason: 'At the bindery until Friday', notification: true });
    expect(toSupplierMessage('nlc', message({ messageInfo: { reasonForMessage: 'StatusChange' } }))).not.toHaveProperty('notification');
  });

  it('gives the due date in UTC, whatever zone or precision the peer wrote', () => {
    const due = (dueDate: string) => toSupplierMessage('nlc', message({ statusInfo: { status: 'Loaned', dueDate, lastChange: '2026-11-30T09:00:00Z' } })).dueDate;
    expect(due('2026-12-30T23:59:59.629710681Z')).toBe('2026-12-30T23:59:59.629Z');
    expect(due('2026-12-31T08:00:00+08:00')).toBe('2026-12-31T00:00:00.000Z');
    expect(due('2026-12-31T00:00:00')).toBe('2026-12-31T00:00:00.000Z');
  });
});

describe('what the requesting side sends', () => {
  it('asks for a copy, a loan, or an e-book as a copy', () => {
    expect(toServiceType('copy')).toBe('Copy');
    expect(toServiceType('loan')).toBe('Loan');
    expect(toServiceType('ebook')).toBe('Copy');
  });

  it('says how urgent the request is', () => {
    expect(toServiceLevel('normal')).toBe('Normal');
    expect(toServiceLevel('rush')).toBe('Rush');
    expect(toServiceLevel('express')).toBe('Express');
  });

  it('describes an article by its journal and a book by its own title', () => {
    const article = {
      title: 'Deep learning for word segmentation',
      authors: ['Li Wei', 'Zhang San'],
      journalTitle: 'Journal of Chinese Information Processing',
      issn: '1003-0077',
      doi: '10.3969/j.issn.1003-0077.2021.04.001',
      year: 2021,
      volume: '35',
      issue: '4',
      pages: '1-12',
    };
    expect(toBibliographicInfo(article)).toEqual({
      title: 'Journal of Chinese Information Processing',
      titleOfComponent: 'Deep learning for word segmentation',
      authorOfComponent: 'Li Wei; Zhang San',
      volume: '35',
      issue: '4',
      pagesRequested: '1-12',
      bibliographicItemId: [
        { code: 'ISSN', identifier: '1003-0077' },
        { code: 'DOI', identifier: '10.3969/j.issn.1003-0077.2021.04.001' },
      ],
    });
    expect(toBibliographicInfo({ title: '红楼梦', authors: ['曹雪芹'], isbn: '9787020002207' })).toEqual({
      title: '红楼梦',
      author: '曹雪芹',
      bibliographicItemId: [{ code: 'ISBN', identifier: '9787020002207' }],
    });
    expect(toPublicationInfo(article)).toEqual({ publicationDate: '2021' });
    expect(toPublicationInfo({ title: 'Undated' })).toBeUndefined();
  });

  it('makes a valid request of them for every service and urgency', async () => {
    for (const service of ['copy', 'loan', 'ebook'] as const) {
      for (const urgency of ['normal', 'rush', 'express'] as const) {
        const citation = { title: 'Deep learning', journalTitle: 'JCIP', issn: '1003-0077', year: 2021 };
        const xml = buildRequest({
          header,
          bibliographicInfo: toBibliographicInfo(citation),
          publicationInfo: toPublicationInfo(citation),
          serviceInfo: { requestType: 'New', serviceType: toServiceType(service), serviceLevel: toServiceLevel(urgency) },
        });
        expect(await checkIso18626Xml(xml)).toBeUndefined();
      }
    }
  });
});
