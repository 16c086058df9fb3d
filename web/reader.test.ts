import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { accessible, CHROMIUM, focused, launchChromium, newPage as newTab } from '../test/browser';
import { startTestService, type TestService } from '../test/service';
import { TokenAuthority } from '../engine/auth/tokens';

// The reader's pages in Debian's Chromium, against the whole service as the API tests start it:
// the test plays the supplier through the API.

const TEMPORAL_UI = 'http://127.0.0.1:8233';

if (!CHROMIUM) console.warn('web/reader.test.ts: skipped, no Chromium installed (apt-get install chromium fonts-wqy-microhei)');

let app: TestService;
let browser: Browser;

beforeAll(async () => {
  if (!CHROMIUM) return;
  app = await startTestService({ ILL_DEV_SIGN_IN: 'on', ILL_TEMPORAL_UI_URL: TEMPORAL_UI });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.service.stop();
});

const newPage = () => newTab(browser);

async function signInAsReader(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^读者 · pku/ }).click();
}

/** The reader's token, as the sign-in page hands it out, to read what the API says of their requests. */
async function readerToken(): Promise<string> {
  const { body } = await app.call('GET', '/api/workbench');
  return body.devIdentities.find((identity: any) => identity.role === 'reader').token;
}

async function fill(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.locator(`#${id}`).fill(value);
}

describe.skipIf(!CHROMIUM)('the reader’s workbench in Chromium', () => {
  it('takes a request from an OpenURL link and shows it moving to its delivery link, without a reload', async () => {
    const page = await newPage();
    const link =
      '/openurl?url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.atitle=' +
      encodeURIComponent('基于深度学习的中文分词研究') +
      '&rft.jtitle=' +
      encodeURIComponent('中文信息学报') +
      '&rft.issn=1003-0077&rft.date=2021&rft.volume=35&rft.spage=1&rft.epage=12';
    await page.goto(`${app.service.url}${link}`);
    expect(new URL(page.url()).hash).toMatch(/^#\/request\/new\?draft=/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('登录');
    await accessible(page, 'sign-in');
    await signInAsReader(page);

    await expect.poll(() => page.locator('#title').inputValue()).toBe('基于深度学习的中文分词研究');
    expect(await page.locator('#journalTitle').inputValue()).toBe('中文信息学报');
    expect(await page.locator('#issn').inputValue()).toBe('1003-0077');
    expect(await page.locator('#year').inputValue()).toBe('2021');
    await accessible(page, 'request-form-openurl');

    // English on asking, and back.
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Ask for a document');
    expect(await page.getByLabel('Journal').inputValue()).toBe('中文信息学报');
    await accessible(page, 'request-form-english');
    await page.getByRole('button', { name: '中文' }).click();

    await page.getByRole('button', { name: '提交申请' }).last().click();
    await page.waitForURL(/#\/requests$/);
    const row = page.getByRole('row', { name: /基于深度学习的中文分词研究/ });
    // The list asks again every few seconds: the request moves on to its supplier in front of the reader.
    await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 30_000 }).toBe('供应方处理中');
    await expect.poll(() => row.locator('td').nth(3).textContent(), { timeout: 10_000 }).toMatch(/^约/);
    await accessible(page, 'my-requests');

    const token = await readerToken();
    const [mine] = (await app.call('GET', '/api/requests?q=' + encodeURIComponent('中文分词'), token)).body.items;
    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`#/request/${mine.id}$`));
    expect(await page.getByRole('link', { name: '在 Temporal 中查看流程' }).getAttribute('href')).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/request-${mine.id}`);
    await accessible(page, 'request-with-supplier');

    const { body: request } = await app.call('GET', `/api/requests/${mine.id}`, token);
    const supplierId = request.supplier.id;
    const copy = `https://example.org/copies/${mine.id}.pdf`;
    const sent = await app.call('POST', `/api/requests/${mine.id}/supplier-messages`, await app.token('supplier', supplierId), { supplierId, status: 'CopyCompleted', deliveryUrl: copy });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);

    const delivered = page.getByRole('link', { name: '打开全文' });
    await delivered.waitFor();
    expect(await delivered.getAttribute('href')).toBe(copy);
    expect(await page.locator('.delivery').textContent()).toMatch(/链接有效期至 \d{4}年/);
    expect(await page.locator('[data-status]').textContent()).toBe('已送达');
    // No cancelling what has been delivered.
    expect(await page.getByRole('button', { name: '取消申请' }).count()).toBe(0);
    await accessible(page, 'request-delivered');
  });

  it('warns of a document already asked for, links to the open request and asks again when confirmed', async () => {
    const page = await newPage();
    await page.goto(`${app.service.url}/#/request/new`);
    await signInAsReader(page);
    const document = { title: '燕园考古新发现', journalTitle: '北京大学学报', year: '2020' };
    await fill(page, document);
    await page.getByRole('button', { name: '提交申请' }).last().click();
    await page.waitForURL(/#\/requests$/);

    await page.goto(`${app.service.url}/#/request/new`);
    await fill(page, document);
    await page.getByRole('button', { name: '提交申请' }).last().click();
    const warning = page.getByRole('alert');
    await expect.poll(() => warning.locator('h2').textContent()).toBe('您已有一项相同文献的申请尚未完成');
    const token = await readerToken();
    const open = (await app.call('GET', '/api/requests?q=' + encodeURIComponent('燕园考古'), token)).body.items;
    expect(open).toHaveLength(1);
    expect(await warning.getByRole('link', { name: '查看该申请' }).getAttribute('href')).toBe(`#/request/${open[0].id}`);
    await accessible(page, 'duplicate-warning');

    await warning.getByRole('button', { name: '仍然提交' }).click();
    await page.waitForURL(/#\/requests$/);
    await expect.poll(async () => (await app.call('GET', '/api/requests?q=' + encodeURIComponent('燕园考古'), token)).body.items.length).toBe(2);
    await expect.poll(() => page.getByRole('row', { name: /燕园考古新发现/ }).count()).toBe(2);
  });

  it('shows what the API refuses beside the field it names', async () => {
    const page = await newPage();
    await page.goto(`${app.service.url}/#/request/new`);
    await signInAsReader(page);
    await fill(page, { title: '明清小说研究', journalTitle: '文学遗产', year: '明年' });
    await page.getByRole('button', { name: '提交申请' }).last().click();
    const year = page.locator('#year');
    await expect.poll(() => year.getAttribute('aria-invalid')).toBe('true');
    const problem = page.locator('#year-problem');
    expect(await problem.textContent()).toBe('must be an integer');
    // Beside its field, and read out with it.
    expect(await year.getAttribute('aria-describedby')).toBe('year-problem');
    expect(await page.locator('.field:has(#year) #year-problem').count()).toBe(1);
    expect(await page.locator('#title').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByRole('alert').locator('li').allTextContents()).toEqual(['年份: must be an integer']);
    expect(new URL(page.url()).hash).toBe('#/request/new');
    await accessible(page, 'field-problem');
  });

  it('can be filled in and submitted with the keyboard alone, its focus always visible', async () => {
    const page = await newPage();
    await page.goto(`${app.service.url}/#/request/new`);
    await signInAsReader(page);
    await page.locator('#title').waitFor();
    // A page opened within the workbench announces itself: its title takes the focus.
    await expect.poll(async () => (await focused(page)).text).toBe('提交文献申请');
    for (let presses = 0; (await focused(page)).id !== 'title'; presses++) {
      expect(presses, 'the title field is reached by Tab').toBeLessThan(15);
      await page.keyboard.press('Tab');
    }
    expect((await focused(page)).outlineStyle).not.toBe('none');
    await page.keyboard.type('键盘提交的文献');
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('authors');
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('journalTitle');
    await page.keyboard.type('图书情报工作');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/requests$/);
    await page.getByRole('row', { name: /键盘提交的文献/ }).waitFor();
  });

  it('cancels a request while it may, with the reason the reader gives', async () => {
    const page = await newPage();
    await page.goto(`${app.service.url}/#/request/new`);
    await signInAsReader(page);
    await fill(page, { title: '宋代书院制度考', journalTitle: '历史研究', year: '2019' });
    await page.getByRole('button', { name: '提交申请' }).last().click();
    const row = page.getByRole('row', { name: /宋代书院制度考/ });
    await row.getByRole('link').click();
    const cancel = page.getByRole('button', { name: '取消申请' });
    await cancel.click();
    // No reason, no cancelling: the API names the field and the page shows it there.
    await expect.poll(() => page.locator('#cancel-reason').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#cancel-problem').textContent()).toBe('must not be blank');
    await page.getByLabel('取消原因').fill('已在本馆找到');
    await cancel.click();
    await expect.poll(() => page.locator('[data-status]').textContent()).toBe('已取消');
    expect(await cancel.count()).toBe(0);
    expect(await page.locator('.facts').textContent()).toContain('原因已在本馆找到');
    expect(await page.locator('.facts').textContent()).not.toContain('预计送达');
    await accessible(page, 'request-cancelled');
  });

  it('pages through a reader’s requests, signed in with a pasted token', async () => {
    const patronId = `p-pages-${process.pid}`;
    const token = await app.token('reader', 'pku', patronId);
    for (let n = 1; n <= 11; n++) {
      const asked = await app.call('POST', '/api/requests', token, { requester: { libraryId: 'pku', patronId }, service: 'copy', urgency: 'normal', citation: { title: `分页测试文献 ${n}`, journalTitle: '图书馆杂志', year: 2020 } });
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    }
    const page = await newPage();
    await page.goto(`${app.service.url}/#/requests`);
    await page.getByLabel('访问令牌（Bearer）').fill('not a token');
    await page.getByRole('button', { name: '登录' }).click();
    expect(await page.locator('#token-problem').textContent()).toBe('令牌无法识别');
    await page.getByLabel('访问令牌（Bearer）').fill(token);
    await page.getByRole('button', { name: '登录' }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(10);
    // Newest first: the first page ends with the second asked.
    expect(await rows.first().locator('td').first().textContent()).toBe('分页测试文献 11');
    await page.getByRole('button', { name: '下一页' }).click();
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('分页测试文献 1')]);
    expect(await page.getByRole('button', { name: '下一页' }).count()).toBe(0);
    await accessible(page, 'my-requests-second-page');
    await page.getByRole('button', { name: '第一页' }).click();
    await expect.poll(() => rows.count()).toBe(10);
  });

  it('signs out a reader whose token the API no longer takes', async () => {
    const foreign = await new TokenAuthority('a key this service has never used, 32+ chars').issue({ role: 'reader', libraryId: 'pku', subject: 'reader-pku' });
    const page = await newPage();
    await page.goto(`${app.service.url}/#/requests`);
    await page.getByLabel('访问令牌（Bearer）').fill(foreign);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('button', { name: /^读者 · pku/ }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('ill.token'))).toBeNull();
  });
});
