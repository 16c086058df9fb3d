// What a reader is told of their request by e-mail: Chinese first, then English. Plain text, one
// template per kind of notice; times are given by the network's clock (Beijing time).
import type { ReaderNotice } from '../../domain/notices';
import type { IllRequest } from '../../domain/request';
import type { Library } from '../../rules/types';

export interface Letter {
  subject: string;
  text: string;
}

const BEIJING = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** `2026-12-08 16:00`, Beijing time; a date alone (a due date) stays as it is. */
function when(value: unknown): string {
  const text = String(value ?? '');
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const at = Date.parse(text);
  return Number.isNaN(at) ? text : BEIJING.format(at);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

interface Wording {
  zh: { subject: string; body: string[] };
  en: { subject: string; body: string[] };
}

function wording(notice: ReaderNotice): Wording {
  const { detail } = notice;
  const reason = text(detail.reason);
  switch (notice.kind) {
    case 'delivered':
      return {
        zh: { subject: '您申请的文献已送达', body: [`请在 ${when(detail.expiresAt)}（北京时间）前下载：`, String(detail.url), '链接过期后将无法打开。'] },
        en: { subject: 'Your document is ready', body: [`Download it before ${when(detail.expiresAt)} (Beijing time):`, String(detail.url), 'The link stops working after that.'] },
      };
    case 'shipped':
      return {
        zh: { subject: '您借阅的图书已寄往您的图书馆', body: ['图书到馆后，请到本馆馆际互借处领取。', `应还日期：${when(detail.dueDate)}`] },
        en: { subject: 'Your loan is on its way to your library', body: ['Collect it at your library’s interlibrary-loan desk once it arrives.', `Due back: ${when(detail.dueDate)}`] },
      };
    case 'reminder':
      return {
        zh: { subject: '您借阅的图书即将到期', body: [`应还日期：${when(detail.dueDate)}`, '请按时归还，或申请续借。'] },
        en: { subject: 'Your loan is due soon', body: [`Due back: ${when(detail.dueDate)}`, 'Please return it in time, or ask to renew it.'] },
      };
    case 'overdue':
      return {
        zh: { subject: '您借阅的图书已逾期', body: [`应还日期：${when(detail.dueDate)}`, '请尽快归还。'] },
        en: { subject: 'Your loan is overdue', body: [`It was due back on ${when(detail.dueDate)}.`, 'Please return it as soon as you can.'] },
      };
    case 'recalled':
      return {
        zh: { subject: '您借阅的图书被召回', body: ['出借馆要求提前归还。', `新的应还日期：${when(detail.dueDate)}`] },
        en: { subject: 'Your loan has been recalled', body: ['The lending library asks for it back early.', `Now due back: ${when(detail.dueDate)}`] },
      };
    case 'unfilled':
      return {
        zh: { subject: '您申请的文献未能获取', body: ['很抱歉，没有图书馆能够提供此文献。', ...(reason ? [`原因：${reason}`] : [])] },
        en: { subject: 'Your request could not be filled', body: ['We are sorry: no library could supply it.', ...(reason ? [`Reason: ${reason}`] : [])] },
      };
    case 'cancelled':
      return {
        zh: { subject: '您的申请已取消', body: [...(reason ? [`原因：${reason}`] : [])] },
        en: { subject: 'Your request was cancelled', body: [...(reason ? [`Reason: ${reason}`] : [])] },
      };
    case 'local': {
      const licence = detail.licence as { url?: string } | undefined;
      const where = [String(detail.where ?? ''), ...(text(licence?.url) ? [licence!.url!] : [])];
      return { zh: { subject: '您所在的图书馆即有此文献', body: where }, en: { subject: 'Your own library has it', body: where } };
    }
  }
}

/** The title readers know their request by: the article's or book's, else the journal's. */
function titleOf(request: IllRequest | undefined, requestId: string): string {
  return request?.citation.title ?? request?.citation.journalTitle ?? requestId;
}

/** The reader's mail about a notice of theirs. */
export function letterFor(notice: ReaderNotice, request: IllRequest | undefined): Letter {
  const { zh, en } = wording(notice);
  const title = titleOf(request, notice.requestId);
  const body = [
    `《${title}》`,
    '',
    ...zh.body,
    '',
    `申请号：${notice.requestId}`,
    '',
    '----',
    '',
    `“${title}”`,
    '',
    ...en.body,
    '',
    `Request ${notice.requestId}`,
    '',
  ];
  return { subject: `${zh.subject} / ${en.subject}：${title}`, text: body.join('\n') };
}

/**
 * Where a reader is mailed: the address their request gave, else `<patronId>@<readerMailDomain>` of
 * their library; undefined when neither is known.
 */
export function readerAddress(requester: Pick<IllRequest['requester'], 'patronId' | 'email'>, library: Pick<Library, 'readerMailDomain'> | undefined): string | undefined {
  if (requester.email) return requester.email;
  return library?.readerMailDomain ? `${requester.patronId}@${library.readerMailDomain}` : undefined;
}
