import { describe, expect, it } from 'vitest';
import type { ReaderNotice, ReaderNoticeKind } from '../../domain/notices';
import type { IllRequest } from '../../domain/request';
import { letterFor, readerAddress } from './letters';

const request: IllRequest = {
  id: 'whu-2026-000031',
  requester: { libraryId: 'whu', patronId: 'p-7' },
  service: 'loan',
  urgency: 'normal',
  citation: { title: '中国近代史纲要', language: 'zh' },
};
const notice = (kind: ReaderNoticeKind, detail: Record<string, unknown>): ReaderNotice => ({ key: `request-${request.id}:reader:3:${kind}`, requestId: request.id, libraryId: 'whu', patronId: 'p-7', kind, detail });

describe("a reader's mail", () => {
  it.each([
    ['shipped', '您借阅的图书已寄往您的图书馆', 'Your loan is on its way to your library'],
    ['reminder', '您借阅的图书即将到期', 'Your loan is due soon'],
    ['overdue', '您借阅的图书已逾期', 'Your loan is overdue'],
    ['recalled', '您借阅的图书被召回', 'Your loan has been recalled'],
  ] as const)('tells of a loan %s with its due date, in Chinese and then in English', (kind, zh, en) => {
    const letter = letterFor(notice(kind, { dueDate: '2026-12-31' }), request);
    expect(letter.subject).toBe(`${zh} / ${en}：中国近代史纲要`);
    expect(letter.text.indexOf('2026-12-31')).toBeGreaterThan(letter.text.indexOf('《中国近代史纲要》'));
    expect(letter.text.lastIndexOf('2026-12-31')).toBeGreaterThan(letter.text.indexOf('“中国近代史纲要”'));
    expect(letter.text).toContain(`Request ${request.id}`);
  });

  it('gives a delivered copy its link and when it expires, by Beijing time', () => {
    const letter = letterFor(notice('delivered', { url: 'https://copies.example.org/c.pdf', expiresAt: '2026-12-10T23:30:00.000Z' }), request);
    expect(letter.text).toContain('请在 2026-12-11 07:30（北京时间）前下载');
    expect(letter.text).toContain('Download it before 2026-12-11 07:30 (Beijing time)');
    expect(letter.text.match(/https:\/\/copies\.example\.org\/c\.pdf/g)).toHaveLength(2);
  });

  it('says why a request was unfilled or cancelled, where it is known, and names a request by its journal when it has no title', () => {
    const untitled = { ...request, citation: { journalTitle: '历史研究' } };
    expect(letterFor(notice('unfilled', { reason: 'no holder lends it' }), untitled)).toMatchObject({
      subject: '您申请的文献未能获取 / Your request could not be filled：历史研究',
      text: expect.stringContaining('Reason: no holder lends it'),
    });
    expect(letterFor(notice('cancelled', {}), request).text).not.toContain('原因');
    expect(letterFor(notice('local', { where: 'Held by 武汉大学图书馆: call number K25/12' }), request).text).toContain('call number K25/12');
  });

  it("is addressed to the reader's own address, else at their library's reader-mail domain, else to no one", () => {
    expect(readerAddress({ patronId: 'p-7', email: 'p7@example.edu.cn' }, { readerMailDomain: 'whu.edu.cn' })).toBe('p7@example.edu.cn');
    expect(readerAddress({ patronId: 'p-7' }, { readerMailDomain: 'whu.edu.cn' })).toBe('p-7@whu.edu.cn');
    expect(readerAddress({ patronId: 'p-7' }, {})).toBeUndefined();
    expect(readerAddress({ patronId: 'p-7' }, undefined)).toBeUndefined();
  });
});
