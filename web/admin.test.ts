import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ledgerDate, ledgerMonth } from '../domain/ledger';
import { sampleRequest, startTestService, type TestService } from '../test/service';
import { eventually } from '../test/eventually';
import { accessible, CHROMIUM, focused, launchChromium, newPage, signInWith, unreachedByTab } from '../test/browser';

// The centre's administrator's reports, supplier knowledge, settlement and kept mail in Chromium.
// The test plays readers, suppliers and search-proxy staff through the API so there is something
// to report: two copies delivered at a price, one request found nowhere.

if (!CHROMIUM) console.warn('web/admin.test.ts: skipped, no Chromium installed (apt-get install chromium fonts-wqy-microhei)');

let app: TestService;
let browser: Browser;
let admin: string;
let serial = 0;
const delivered: { id: string; supplierId: string; url: string; email: string }[] = [];
/** The suppliers that answered Unfilled before another filled. */
const refused: string[] = [];
const MARKUP = '<b id="injected">深度学习</b> & 图书馆';

const sample = (name: string) => sampleRequest(name, `adm-${process.pid}-${++serial}`);

/**
 * A reader's copy request, filled by the supplier it went to at `price` yuan; the reader's notice is kept
 * as mail. With a `refusal`, the first supplier answers Unfilled with it and the next one fills.
 */
async function deliver(price: number, title?: string, refusal?: string) {
  const request = sample('chinese-article-ppv');
  if (title) request.citation.title = title;
  request.requester.email = `reader-${serial}@example.edu.cn`;
  const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
  expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
  let sent = await app.until(request.id, reader, (body) => body.status === 'with-supplier');
  if (refusal) {
    const refuser = sent.supplier.id as string;
    const said = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', refuser), { supplierId: refuser, status: 'Unfilled', reason: refusal });
    expect(said.status).toBe(202);
    refused.push(refuser);
    sent = await app.until(request.id, reader, (body) => body.status === 'with-supplier' && body.supplier?.id !== refuser);
  }
  const supplierId = sent.supplier.id as string;
  const url = `https://copies.example.org/${request.id}.pdf`;
  const message = { supplierId, status: 'CopyCompleted', deliveryUrl: url, cost: { amount: price, currency: 'CNY' } };
  expect((await app.call('POST', `/api/requests/${request.id}/supplier-messages`, await app.token('supplier', supplierId), message)).status).toBe(202);
  await app.until(request.id, reader, (body) => body.status === 'delivered');
  delivered.push({ id: request.id, supplierId, url, email: request.requester.email });
}

/** A rare book's request that search-proxy staff find nowhere. */
async function findNowhere() {
  const request = sample('rare-escalate');
  const library = await app.token('librarian', request.requester.libraryId);
  expect((await app.call('POST', '/api/requests', library, request)).status).toBe(201);
  await app.until(request.id, library, (body) => body.status === 'with-search-proxy');
  const answer = await app.call('POST', `/api/requests/${request.id}/search-proxy-answer`, await app.token('search-proxy', 'centre'), { outcome: 'unfillable', reason: 'no library holds it' });
  expect(answer.status).toBeLessThan(300);
  await app.until(request.id, library, (body) => body.status === 'unfilled');
  // The reports read the audit trail, whose last entries reach the store with the reader's notice, after the status has moved.
  const report = async (name: string) => (await app.call('GET', `/api/reports/${name}`, admin)).body.rows as Record<string, unknown>[];
  await eventually(() => report('fill-rate'), ([rates]) => rates?.unfilled === 1, (rows) => `the fill rate counts no unfilled request: ${JSON.stringify(rows)}`);
  await eventually(
    () => report('unfilled-reasons'),
    (rows) => rows.some((row) => row.level === 'request' && String(row.reason).includes('no library holds it')),
    (rows) => `no request's reason among ${JSON.stringify(rows)}`,
  );
}

beforeAll(async () => {
  if (!CHROMIUM) return;
  app = await startTestService();
  browser = await launchChromium();
  admin = await app.token('administrator', 'centre', 'staff@centre');
  await deliver(23.45);
  // A title with markup in it, which the reader's mail carries as text.
  // Its first supplier refuses with an ISO 18626 reason code and a note of its own.
  await deliver(8.8, MARKUP, 'NotOnShelf: 在装订');
  await findNowhere();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.service.stop();
});

async function asAdministrator(hash = ''): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(`${app.service.url}/#/${hash}`);
  await signInWith(page, admin);
  return page;
}

/** A report's table, its cells row by row. */
const cells = (page: Page, report: string) =>
  page.locator(`section[data-report="${report}"] table.figures tbody tr`).evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));

/** Clicks the button that downloads a CSV and answers the file's lines. */
async function downloaded(page: Page, button: ReturnType<Page['getByRole']>): Promise<{ name: string; lines: string[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const text = await readFile((await download.path())!, 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return { name: download.suggestedFilename(), lines: text.slice(1).split('\r\n') };
}

describe.skipIf(!CHROMIUM)('the administrator in Chromium', () => {
  it('lands on the reports: each chart drawn, its table the API’s figures, its CSV downloaded with the rows', async () => {
    const page = await asAdministrator();
    await page.locator('h1', { hasText: '统计报表' }).waitFor();
    for (const report of ['outcomes', 'turnaround-supplier', 'turnaround-month', 'volumes', 'unfilled-reasons']) await page.locator(`section[data-report="${report}"] canvas`).first().waitFor();

    const fillRate = (await app.call('GET', '/api/reports/fill-rate', admin)).body.rows[0];
    expect(fillRate).toMatchObject({ filled: 2, unfilled: 1 });
    expect(await cells(page, 'outcomes')).toEqual([
      [String(fillRate.requests), String(fillRate.filled), String(fillRate.unfilled), String(fillRate.cancelled), String(fillRate.rejected), String(fillRate.open), `${(fillRate.fillRate * 100).toFixed(1)}%`],
    ]);
    const bySupplier = (await app.call('GET', '/api/reports/turnaround?by=supplier', admin)).body.rows;
    expect(bySupplier.length).toBeGreaterThan(0);
    expect(await cells(page, 'turnaround-supplier')).toEqual(bySupplier.map((row: Record<string, unknown>) => [row.supplier, row.filled, row.medianHours, row.p90Hours].map(String)));
    const volumes = (await app.call('GET', '/api/reports/volumes', admin)).body.rows;
    expect((await cells(page, 'volumes')).map((row) => row.slice(0, 3))).toEqual(volumes.map((row: Record<string, unknown>) => [row.library, row.requests, row.filled].map(String)));

    const csv = await downloaded(page, page.getByRole('button', { name: '下载 CSV：各供应馆的周转时间' }));
    expect(csv.name).toBe('turnaround.csv');
    expect(csv.lines[0]).toBe('supplier,filled,medianHours,p90Hours');
    expect(csv.lines.slice(1, -1)).toEqual(bySupplier.map((row: Record<string, unknown>) => [row.supplier, row.filled, row.medianHours, row.p90Hours].join(',')));
    const volumesCsv = await downloaded(page, page.getByRole('button', { name: '下载 CSV：各图书馆的申请量' }));
    expect(volumesCsv.lines).toContainEqual(expect.stringMatching(/^szu,2,2,0,0,0,0,1$/));

    // Why requests went unfilled: a supplier's reason code in words with its own note after it, search-proxy staff's words as written.
    const reasons = (await app.call('GET', '/api/reports/unfilled-reasons', admin)).body.rows;
    const [refuser] = refused;
    expect(reasons).toContainEqual({ level: 'supplier', supplierId: refuser, reason: 'NotOnShelf: 在装订', count: 1 });
    const request = reasons.find((row: Record<string, unknown>) => row.level === 'request');
    expect(request).toMatchObject({ supplierId: null, count: 1 });
    expect(request.reason).toContain('no library holds it');
    expect(await cells(page, 'unfilled-reasons')).toEqual(
      reasons.map((row: Record<string, unknown>) =>
        row.level === 'request' ? ['申请最终未满足', '—', row.reason, '1'] : ['供应馆无法提供', row.supplierId, row.supplierId === refuser ? '不在架：在装订' : row.reason, String(row.count)],
      ),
    );
    const reasonsCsv = await downloaded(page, page.getByRole('button', { name: '下载 CSV：未满足的原因' }));
    expect(reasonsCsv.name).toBe('unfilled-reasons.csv');
    expect(reasonsCsv.lines[0]).toBe('level,supplierId,reason,count');
    expect(reasonsCsv.lines).toContain(`supplier,${refuser},NotOnShelf: 在装订,1`);

    await accessible(page, 'admin-reports');
    expect(await unreachedByTab(page)).toEqual([]);

    // A period after every request, from tomorrow in China: nothing to chart.
    const tomorrow = ledgerDate(new Date(Date.now() + 86_400_000));
    await page.getByLabel('提交日期自').fill(tomorrow);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('section[data-report="outcomes"]').textContent()).toContain('该期间没有数据。');
    await expect.poll(() => page.locator('canvas').count()).toBe(0);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Reports');
    await page.getByLabel('Submitted from').fill('');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('section[data-report="unfilled-reasons"] canvas').waitFor();
    expect(await cells(page, 'unfilled-reasons')).toContainEqual(['Supplier could not supply', refuser, 'Not on shelf: 在装订', '1']);
    await accessible(page, 'admin-reports-english');
  });

  it('shows each supplier’s configured targets beside what routing observed, as the API does, and one supplier’s page', async () => {
    const page = await asAdministrator();
    await page.getByRole('link', { name: '供应馆知识库' }).click();
    await page.locator('h1', { hasText: '供应馆知识库' }).waitFor();
    const { supplierId } = delivered[0]!;
    const known = (await app.call('GET', `/api/suppliers/${supplierId}/knowledge`, admin)).body;
    expect(known.observed.fillRate).toBeGreaterThan(0);
    const row = page.locator(`tr[data-supplier="${supplierId}"]`);
    expect(await row.locator('[data-column="observedFillRate"]').textContent()).toBe(`${(known.observed.fillRate * 100).toFixed(1)}%`);
    expect(await row.locator('[data-column="ordersEnded"]').textContent()).toBe(String(known.orders.ended));
    await accessible(page, 'admin-knowledge');
    expect(await unreachedByTab(page)).toEqual([]);

    await row.getByRole('link', { name: known.name }).click();
    await page.locator('h1', { hasText: known.name }).waitFor();
    expect(await page.locator('[data-field="orders"]').textContent()).toBe(`已结束 ${known.orders.ended}，进行中 ${known.orders.open}`);
    expect(await page.getByRole('table', { name: '观察到的表现' }).textContent()).toContain(`${(known.observed.fillRate * 100).toFixed(1)}%`);
    await accessible(page, 'admin-supplier-knowledge');
    expect(await unreachedByTab(page)).toEqual([]);
  });

  it('shows a library’s statement with the posting, downloads it, and closes a past month once confirmed', async () => {
    const page = await asAdministrator('settlement');
    await page.locator('h1', { hasText: '结算' }).waitFor();
    // Libraries are picked by name, as the network lists them, not typed by code.
    const { libraries } = (await app.call('GET', '/api/libraries', admin)).body;
    const picker = page.getByLabel('图书馆', { exact: true });
    await expect.poll(() => picker.locator('option').allTextContents()).toEqual(['（请选择）', ...libraries.map((library: Record<string, string>) => `${library.name}（${library.id}，${library.region}）`)]);
    expect(await page.locator('.hint').first().textContent()).toBe('请选择图书馆或供应馆以查看其对账单。');
    await picker.selectOption('szu');
    await page.getByRole('button', { name: '查看' }).click();
    const { id } = delivered[0]!;
    const price = page.locator(`tr[data-request="${id}"][data-kind="price"]`);
    await price.waitFor();
    expect(await price.locator('td').allTextContents()).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), id, `supplier:${delivered[0]!.supplierId}`, '文献费', '23.45 CNY']);
    const month = ledgerMonth(new Date());
    expect(await page.locator('[data-field="balanced"]').textContent()).toBe('本月借贷平衡。');

    const csv = await downloaded(page, page.getByRole('button', { name: /^下载 CSV/ }));
    expect(csv.name).toBe(`statement-library-szu-${month}.csv`);
    expect(csv.lines).toContainEqual(`${csv.lines.find((line) => line.includes(id))!.slice(0, 10)},${id},supplier:${delivered[0]!.supplierId},price,23.45,CNY`);
    await accessible(page, 'admin-settlement');
    expect(await unreachedByTab(page)).toEqual([]);

    // The supplier's side of the same posting, the supplier picked from the network's suppliers.
    await page.getByLabel('账户').selectOption('supplier');
    const suppliers = page.getByLabel('供应馆', { exact: true });
    expect(await suppliers.locator('option').count()).toBe((await app.call('GET', '/api/suppliers', admin)).body.suppliers.length + 1);
    await suppliers.selectOption(delivered[0]!.supplierId);
    await page.getByRole('button', { name: '查看' }).click();
    await page.locator(`tr[data-request="${id}"][data-kind="price"]`, { hasText: 'library:szu' }).waitFor();
    await accessible(page, 'admin-settlement-supplier');

    // The running month cannot be closed: the page says why and offers no button.
    expect(await page.locator('section.month').textContent()).toContain(`${month} 尚未结束，结束后方可结账。`);
    expect(await page.getByRole('button', { name: `结账 ${month}` }).count()).toBe(0);

    const past = '2026-01';
    await page.getByLabel('月份').fill(past);
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByRole('button', { name: `结账 ${past}` }).click();
    // Asked first, the keyboard on the answer; cancelling leaves it open and the keyboard back on the button.
    const focusedText = async () => (await focused(page)).text;
    await expect.poll(focusedText).toBe('确认结账');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(focusedText).toBe(`结账 ${past}`);
    expect((await app.call('GET', `/api/ledger/months/${past}`, admin)).body.closed).toBeNull();
    await page.keyboard.press('Enter');
    await accessible(page, 'admin-settlement-confirm');
    await expect.poll(focusedText).toBe('确认结账');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-field="closed"]').textContent()).toMatch(/^已由 staff@centre 于 .+ 结账。$/);
    expect((await app.call('GET', `/api/ledger/months/${past}`, admin)).body.closed).toMatchObject({ by: 'staff@centre' });
    expect(await page.getByRole('button', { name: `结账 ${past}` }).count()).toBe(0);
  });

  it('lists the mail kept for readers and opens one as text', async () => {
    const page = await asAdministrator('mail');
    const { url, email } = delivered[1]!;
    const row = page.locator('tr', { hasText: email });
    await row.waitFor();
    await accessible(page, 'admin-mail');
    expect(await unreachedByTab(page)).toEqual([]);
    await row.getByRole('link').click();
    await page.locator('h2', { hasText: '正文' }).waitFor();
    expect(await page.locator('.facts').textContent()).toContain(email);
    expect(await page.locator('pre.mail-text').textContent()).toContain(url);
    expect(await page.locator('pre.mail-text').textContent()).toContain(MARKUP);
    expect(await page.locator('#injected').count()).toBe(0);
    await accessible(page, 'admin-mail-one');
    expect(await unreachedByTab(page)).toEqual([]);
  });

  it('shows a librarian their own library’s reports and statements only, and no closing of months', async () => {
    const page = await newPage(browser);
    await page.goto(`${app.service.url}/#/reports`);
    const szu = await app.token('librarian', 'szu');
    await signInWith(page, szu);
    await page.locator('h1', { hasText: '统计报表' }).waitFor();
    expect(await page.locator('.hint').first().textContent()).toBe('仅统计本馆（szu）提交的申请。');
    await page.locator('section[data-report="volumes"] canvas').waitFor();
    // The centre's figures count nwnu's request found nowhere; szu's own do not.
    expect((await cells(page, 'volumes')).map((row) => row[0])).toEqual(['szu']);
    expect((await cells(page, 'outcomes'))[0]!.slice(0, 3)).toEqual(['2', '2', '0']);
    const csv = await downloaded(page, page.getByRole('button', { name: '下载 CSV：各图书馆的申请量' }));
    expect(csv.lines.slice(1, -1)).toEqual(['szu,2,2,0,0,0,0,1']);
    await accessible(page, 'librarian-reports');

    await page.getByRole('link', { name: '结算' }).click();
    await page.locator('h1', { hasText: '结算' }).waitFor();
    await page.locator(`tr[data-request="${delivered[0]!.id}"][data-kind="price"]`).waitFor();
    expect(await page.locator('#statement-library').count()).toBe(0);
    expect(await page.getByLabel('账户').locator('option').allTextContents()).toEqual(['图书馆（申请方）', '图书馆（供应方）']);
    expect(await page.locator('section.month').count()).toBe(0);
    await accessible(page, 'librarian-settlement');
    expect(await unreachedByTab(page)).toEqual([]);
  });

  it('shows a supplier desk its own supplier’s statement and figures, and no other account', async () => {
    const { id, supplierId } = delivered[0]!;
    const page = await newPage(browser);
    await page.goto(`${app.service.url}/#/`);
    await signInWith(page, await app.token('supplier', supplierId));
    await page.getByRole('link', { name: '结算' }).click();
    await page.locator('h1', { hasText: '结算' }).waitFor();
    const price = page.locator(`tr[data-request="${id}"][data-kind="price"]`);
    await price.waitFor();
    expect(await price.locator('td').nth(2).textContent()).toBe('library:szu');
    expect(await page.locator('#statement-title').textContent()).toContain(supplierId);
    expect(await page.getByLabel('账户').locator('option').allTextContents()).toEqual(['图书馆（供应方）']);
    expect(await page.locator('#statement-library').count()).toBe(0);
    expect(await page.locator('section.month').count()).toBe(0);
    await accessible(page, 'supplier-settlement');
    expect(await unreachedByTab(page)).toEqual([]);

    const known = (await app.call('GET', `/api/suppliers/${supplierId}/knowledge`, admin)).body;
    await page.getByRole('link', { name: '本馆供应表现' }).click();
    await page.locator('h1', { hasText: known.name }).waitFor();
    expect(await page.locator('[data-field="orders"]').textContent()).toBe(`已结束 ${known.orders.ended}，进行中 ${known.orders.open}`);
    expect(await page.getByRole('table', { name: '观察到的表现' }).textContent()).toContain(`${(known.observed.fillRate * 100).toFixed(1)}%`);
    // A supplier desk reads no other supplier's figures: there is no list to go back to.
    expect(await page.getByRole('link', { name: '返回供应馆知识库' }).count()).toBe(0);
    await accessible(page, 'supplier-knowledge');
    expect(await unreachedByTab(page)).toEqual([]);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Our figures as a supplier' }).waitFor();
    await page.getByRole('link', { name: 'Settlement' }).click();
    await price.waitFor();
    await accessible(page, 'supplier-settlement-english');
  });
});
