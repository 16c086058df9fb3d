import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { fakeIso18626Borrower, type FakeBorrower } from '../simulator/iso18626-borrower';
import { listen } from '../simulator/vendor';
import { sampleRequest, sentToOneOfTwoHolders, startTestService, type TestService } from '../test/service';
import { accessible, CHROMIUM, focused, launchChromium, newPage, signInWith, supplyCard, unreachedByTab } from '../test/browser';

// The supplying library's and search-proxy staff's pages in Chromium; the test plays the reader and
// the requesting library through the API.

if (!CHROMIUM) console.warn('web/supplier.test.ts: skipped, no Chromium installed (apt-get install chromium fonts-wqy-microhei)');

let app: TestService;
let browser: Browser;
let serial = 0;
/** The National Library's ILL system, borrowing from the network's service libraries over ISO 18626. */
let borrower: FakeBorrower;
let borrowerServer: { url: string; close: () => Promise<void> } | undefined;

const sample = (name: string) => sampleRequest(name, `web-${process.pid}-${++serial}`);

beforeAll(async () => {
  if (!CHROMIUM) return;
  app = await startTestService({ ILL_DEV_SIGN_IN: 'on' });
  browser = await launchChromium();
  // The borrower gives its own address for answers in each request it sends.
  borrower = fakeIso18626Borrower({ networkUrl: `${app.service.url}/iso18626`, agencyId: 'ISIL:CN-100000-0' });
  borrowerServer = await listen(borrower);
  borrower.answersUrl = `${borrowerServer.url}/iso18626`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await borrowerServer?.close();
  await app?.service.stop();
});

/** A reader's request for the shipped Chinese article, once it waits at its supplier: the request and that supplier. */
async function atSupplier(): Promise<{ id: string; supplierId: string; reader: string }> {
  const request = sample('chinese-article-ppv');
  const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
  expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
  const sent = await app.until(request.id, reader, (body) => body.status === 'with-supplier');
  return { id: request.id, supplierId: sent.supplier.id, reader };
}

async function asSupplier(supplierId: string): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(`${app.service.url}/#/`);
  await signInWith(page, await app.token('supplier', supplierId));
  await page.locator('h1', { hasText: '待供应申请' }).waitFor();
  return page;
}

describe.skipIf(!CHROMIUM)('the supplying library and search-proxy staff in Chromium', () => {
  it('lists a request sent to the supplier, refuses a link that is not one beside its field, and delivers the copy sent', async () => {
    const { id, supplierId, reader } = await atSupplier();
    const page = await asSupplier(supplierId);
    const item = supplyCard(page, id);
    await item.waitFor();
    expect(await item.locator('h2').textContent()).toBeTruthy();
    // A copy asked for: labelled as document delivery, and the copy's sending offered first.
    expect(await item.locator('dd').first().textContent()).toBe('文献传递申请');
    expect(await item.getByLabel('答复').inputValue()).toBe('copy-sent');
    await accessible(page, 'supplier-inbox');
    expect(await unreachedByTab(page)).toEqual([]);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Requests to supply');
    expect(await item.getByLabel('Answer').locator('option').allTextContents()).toEqual(['Will supply', 'Unfilled', 'Conditional, at a cost', 'Copy sent']);
    await accessible(page, 'supplier-inbox-english');
    await page.getByRole('button', { name: '中文' }).click();

    await item.getByLabel('答复').selectOption('copy-sent');
    const link = item.getByLabel('复制件链接');
    await link.fill('ftp://example.org/copy.pdf');
    await item.getByRole('button', { name: '发送答复' }).click();
    await expect.poll(() => link.getAttribute('aria-invalid')).toBe('true');
    const problemId = await link.getAttribute('aria-describedby');
    expect(await item.locator(`.field #${problemId}`).textContent()).toBe('must be an http or https address');
    await accessible(page, 'supplier-refused-link');

    const copy = `https://example.org/copies/${id}.pdf`;
    await link.fill(copy);
    await item.getByRole('button', { name: '发送答复' }).click();
    const delivered = await app.until(id, reader, (body) => body.status === 'delivered');
    expect(delivered.delivery.url).toBe(copy);
    await expect.poll(() => supplyCard(page, id).count()).toBe(0);
  });

  it('shows a 409 with its reason where the answer does not fit the request', async () => {
    const { id, supplierId } = await atSupplier();
    const page = await asSupplier(supplierId);
    const item = supplyCard(page, id);
    await item.waitFor();
    // The supplier's system has already reported a later status: an answer going back is refused, and the page says why.
    const later = await app.call('POST', `/api/requests/${id}/supplier-messages`, await app.token('supplier', supplierId), { supplierId, status: 'LoanCompleted' });
    expect(later.status).toBe(202);
    await item.getByLabel('答复').selectOption('will-supply');
    await item.getByRole('button', { name: '发送答复' }).click();
    const alert = item.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('供应方已报告了更靠后的状态，此答复会使申请倒退，未予接受。');
    await accessible(page, 'supplier-conflict');
  });

  it('prints pull slips for two chosen requests, reached by the keyboard alone', async () => {
    const first = await atSupplier();
    const second = await atSupplier();
    expect(second.supplierId).toBe(first.supplierId);
    const page = await asSupplier(first.supplierId);
    for (const { id } of [first, second]) {
      await supplyCard(page, id).waitFor();
      await supplyCard(page, id).getByRole('checkbox').check();
    }
    const slips = page.getByRole('link', { name: /^打印取书单/ });
    // Keyboard: from the page's title, Tab reaches the pull-slip link and Enter opens it.
    await page.locator('h1').focus();
    for (let presses = 0; !(await slips.evaluate((link) => link === (globalThis as any).document.activeElement)); presses++) {
      expect(presses, 'the pull-slip link is reached by Tab').toBeLessThan(10);
      await page.keyboard.press('Tab');
    }
    expect((await focused(page)).outlineStyle).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: '取书单' }).waitFor();
    const slip = page.locator('section.slip');
    await expect.poll(() => slip.count()).toBe(2);
    for (const { id } of [first, second]) {
      const text = await page.locator('section.slip', { hasText: id }).textContent();
      expect(text).toContain('申请馆');
      expect(text).toContain(id);
    }
    await accessible(page, 'pull-slips');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    await page.screenshot({ path: 'test-artifacts/pull-slips-print.png', fullPage: true });
  });

  it('puts an escalated request in the search-proxy queue with what was tried, and takes staff’s answer of a named supplier', async () => {
    const request = sample('rare-escalate');
    const library = await app.token('librarian', request.requester.libraryId);
    expect((await app.call('POST', '/api/requests', library, request)).status).toBe(201);
    await app.until(request.id, library, (body) => body.status === 'with-search-proxy');

    // Staff of a member library are not the centre's desk: their queue says whose the searches are and lists none, and the request reads without a form.
    const member = await newPage(browser);
    await member.goto(`${app.service.url}/#/`);
    await signInWith(member, await app.token('search-proxy', 'pku'));
    await member.getByText('代查代检请求由中心（centre）的代查代检馆员答复').waitFor();
    await expect.poll(() => member.getByText('暂无待处理事项。').count()).toBe(1);
    expect(await member.getByRole('row', { name: new RegExp(request.id) }).count()).toBe(0);
    await accessible(member, 'search-proxy-queue-member');
    await member.goto(`${app.service.url}/#/search-proxy/${request.id}`);
    await member.getByText('此申请由中心（centre）的代查代检馆员答复；您可查看，但不能答复。').waitFor();
    expect(await member.getByRole('button', { name: '发送答复' }).count()).toBe(0);
    await accessible(member, 'search-proxy-request-member');
    await member.close();

    const page = await newPage(browser);
    await page.goto(`${app.service.url}/#/`);
    await signInWith(page, await app.token('search-proxy', 'centre'));
    const row = page.getByRole('row', { name: new RegExp(request.id) });
    await row.waitFor();
    await accessible(page, 'search-proxy-queue');
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: '已尝试' }).waitFor();
    expect(await page.locator('.facts').textContent()).toContain(request.id);
    expect(await page.locator('.facts').textContent()).toContain('转代查代检的原因路由规则转代查代检');
    expect(await page.locator('.tried').count()).toBe(0);
    await accessible(page, 'search-proxy-request');
    expect(await unreachedByTab(page)).toEqual([]);

    // Found, with no supplier named: the field is named beside it.
    await page.getByRole('button', { name: '发送答复' }).click();
    const supplier = page.getByLabel('供应馆代码');
    await expect.poll(() => supplier.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field #supplierId-problem').textContent()).toBeTruthy();
    await supplier.fill('pku');
    await supplier.press('Enter');
    const moved = await app.until(request.id, library, (body) => body.status !== 'with-search-proxy');
    expect(moved.history).toContainEqual(expect.objectContaining({ by: 'search-proxy@centre' }));
    await expect.poll(() => page.locator('[data-status]').textContent()).not.toBe('代查代检中');
  });

  it('shows search-proxy staff each supplier tried and why it failed, once the rota is exhausted', async () => {
    const request = sample('chinese-article-ppv');
    const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    const refused: string[] = [];
    for (let state = await app.until(request.id, reader, (body) => body.status === 'with-supplier'); state.status === 'with-supplier'; ) {
      expect(refused.length, 'the rota ends').toBeLessThan(8);
      const supplierId = state.supplier.id as string;
      const said = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', supplierId), { supplierId, status: 'Unfilled', reason: `NotOnShelf: ${supplierId} 在装订` });
      expect(said.status).toBe(202);
      refused.push(supplierId);
      state = await app.until(request.id, reader, (body) => body.status !== 'with-supplier' || body.supplier?.id !== supplierId);
    }
    const page = await newPage(browser);
    await page.goto(`${app.service.url}/#/search-proxy/${request.id}`);
    await signInWith(page, await app.token('search-proxy', 'centre'));
    const tries = page.locator('.tried li');
    await expect.poll(() => tries.count()).toBe(refused.length);
    // The reason code in words, what the supplier wrote after it as written.
    for (const [n, supplierId] of refused.entries()) expect(await tries.nth(n).textContent()).toMatch(new RegExp(`${supplierId}: 无法提供 — 不在架：${supplierId} 在装订$`));
    expect(await page.locator('.facts').textContent()).toContain(`已尝试 ${refused.length} 个供应方均未满足，转代查代检`);
    await accessible(page, 'search-proxy-tried');
  });

  it('ships a loan with its due date from the list, then grants the borrower’s renewal to a later date', async () => {
    const request = sample('loan-same-region');
    const library = await app.token('librarian', request.requester.libraryId);
    const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    const sent = await app.until(request.id, library, (body) => body.status === 'with-supplier');
    const page = await asSupplier(sent.supplier.id);
    const item = supplyCard(page, request.id);
    // A loan asked for: labelled as one, with the shipping offered first and no copy to send.
    await expect.poll(() => item.locator('dd').first().textContent()).toBe('馆际借阅申请');
    expect(await item.getByLabel('答复').inputValue()).toBe('loaned');
    expect(await item.getByLabel('答复').locator('option').allTextContents()).toEqual(['将提供', '无法提供', '有条件提供（需付费）', '已寄出（借出）']);
    await accessible(page, 'supplier-loan-asked');
    const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    await item.getByLabel('应还日期').fill(day(30));
    await item.getByRole('button', { name: '发送答复' }).click();
    const shipped = await app.until(request.id, library, (body) => body.status !== 'with-supplier');
    expect(shipped.history.at(-1).status).toBe('shipped');
    // The end of the chosen day in China.
    expect(new Date(shipped.loan.dueDate).toISOString()).toBe(new Date(`${day(30)}T23:59:59+08:00`).toISOString());
    await app.call('POST', `/api/requests/${request.id}/receive`, library, {});
    await app.until(request.id, library, (body) => body.status === 'loaned');
    expect((await app.call('POST', `/api/requests/${request.id}/renew`, reader, {})).status).toBe(200);

    const renewal = page.locator('article.task', { hasText: '续借申请' }).filter({ hasText: request.id });
    await renewal.waitFor();
    await accessible(page, 'supplier-renewal');
    // A renewal is nothing to pull from the shelves.
    expect(await renewal.getByRole('checkbox').count()).toBe(0);
    await renewal.getByLabel('应还日期').fill(day(60));
    await renewal.getByRole('button', { name: '同意续借', exact: true }).click();
    const renewed = await app.until(request.id, library, (body) => body.status === 'renewed');
    expect(renewed.history.at(-1).status).toBe('renewed');
    expect(new Date(renewed.loan.dueDate).toISOString()).toBe(new Date(`${day(60)}T23:59:59+08:00`).toISOString());
    await expect.poll(() => renewal.count()).toBe(0);

    // The borrower sends the book back: it is in the inbox again as a returned loan, whose receipt is the one answer.
    expect((await app.call('POST', `/api/requests/${request.id}/return`, library, {})).status).toBe(200);
    const back = supplyCard(page, request.id);
    await back.waitFor();
    expect(await back.locator('dd').first().textContent()).toBe('借阅归还（申请馆已寄回，待确认收到）');
    expect(await back.getByLabel('答复').locator('option').allTextContents()).toEqual(['已收到归还']);
    expect(await back.getByLabel('答复').inputValue()).toBe('return-received');
    expect(await back.getByRole('checkbox').count()).toBe(0);
    await accessible(page, 'supplier-loan-returned');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => back.locator('dd').first().textContent()).toBe('Loan returned (sent back by the borrowing library; confirm its receipt)');
    await page.getByRole('button', { name: '中文' }).click();
    await back.getByRole('button', { name: '发送答复' }).click();
    await app.until(request.id, library, (body) => body.status === 'completed');
    await expect.poll(() => supplyCard(page, request.id).count()).toBe(0);
  });

  it('answers unfilled with a reason, and the next supplier’s conditional answer with its cost, from the list', async () => {
    const { id, supplierId, reader } = await atSupplier();
    let page = await asSupplier(supplierId);
    await supplyCard(page, id).getByLabel('答复').selectOption('unfilled');
    await supplyCard(page, id).getByLabel('原因').selectOption('NotOnShelf');
    await supplyCard(page, id).getByRole('button', { name: '发送答复' }).click();
    const next = await app.until(id, reader, (body) => body.status !== 'with-supplier' || body.supplier?.id !== supplierId);
    expect(next.tried[0]).toMatchObject({ supplierId, outcome: 'unfilled', reason: 'NotOnShelf' });

    page = await asSupplier(next.supplier.id);
    const item = supplyCard(page, id);
    await item.getByLabel('答复').selectOption('conditional');
    await item.getByLabel('费用（人民币元）').fill('500');
    await item.getByRole('button', { name: '发送答复' }).click();
    const asked = await app.until(id, reader, (body) => body.status !== 'with-supplier');
    expect(asked.status).toBe('awaiting-cost-approval');
  });

  it('answers an outside borrower’s lending request from the list, and the borrower hears it over ISO 18626', async () => {
    const requestId = `nlc-web-${process.pid}-${++serial}`;
    const asked = await borrower.ask('ISIL:CN-PKU', requestId, {
      bibliographicInfo: { title: '北京大学学报', titleOfComponent: '燕园考古（馆外借阅）', bibliographicItemId: [{ code: 'ISSN', identifier: '1000-5919' }] },
      serviceInfo: { serviceType: 'Copy', requestType: 'New' },
    });
    expect((asked as { confirmationHeader: { messageStatus: string } }).confirmationHeader.messageStatus).toBe('OK');
    const lendingId = (await borrower.heard(requestId, 1))[0]!.header.supplyingAgencyRequestId!;

    const page = await asSupplier('pku');
    const item = supplyCard(page, lendingId);
    await item.waitFor();
    expect(await item.locator('h2').textContent()).toBe('燕园考古（馆外借阅）');
    expect(await item.locator('dd').first().textContent()).toBe('馆外借阅申请');
    // A link that is not one is refused beside its field, by the lending API's own check.
    await item.getByLabel('答复').selectOption('copy-sent');
    const link = item.getByLabel('复制件链接');
    await link.fill('ftp://lib.pku.edu.cn/copy.pdf');
    await item.getByRole('button', { name: '发送答复' }).click();
    await expect.poll(() => link.getAttribute('aria-invalid')).toBe('true');
    await accessible(page, 'supplier-lending-refused-link');
    expect((await app.call('GET', `/api/lending/${lendingId}`, await app.token('librarian', 'pku'))).body.status).toBe('received');

    const copy = `https://lib.pku.edu.cn/ill/copies/${lendingId}.pdf`;
    await link.fill(copy);
    await item.getByRole('button', { name: '发送答复' }).click();
    const heard = await borrower.heard(requestId, 2);
    expect(heard[1]).toMatchObject({ statusInfo: { status: 'CopyCompleted' }, deliveryInfo: { itemId: copy, sentVia: 'URL' } });
    const lending = await app.call('GET', `/api/lending/${lendingId}`, await app.token('librarian', 'pku'));
    expect(lending.body.status).toBe('copy-sent');
    expect(lending.body.history.at(-1)).toMatchObject({ status: 'copy-sent', by: 'supplier@pku' });
    await expect.poll(() => supplyCard(page, lendingId).count()).toBe(0);
  });

  it('prints on each pull slip the call number of the supplier’s own holding, and no other library’s', async () => {
    // What the API gives each desk is shown in engine/api/decisions.test.ts; here, what the slip prints of it.
    const { request, own, other } = await sentToOneOfTwoHolders(app, sample('loan-same-region'));

    const page = await asSupplier(own.libraryId);
    await supplyCard(page, request.id).getByRole('checkbox').check();
    await page.getByRole('link', { name: /^打印取书单/ }).click();
    const slip = page.locator('section.slip', { hasText: request.id });
    await expect.poll(() => slip.locator('.call-number').textContent()).toBe(own.callNumber);
    const text = await slip.textContent();
    expect(text).toContain(`索书号${own.callNumber}`);
    expect(text).toContain(`本馆记录号${own.recordId}`);
    expect(text).not.toContain(other.callNumber);
    await accessible(page, 'pull-slip-call-number');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => slip.textContent()).toContain(`Call number${own.callNumber}`);
    await page.getByRole('button', { name: '中文' }).click();
  });
});
