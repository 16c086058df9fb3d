import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { accessible, CHROMIUM, focused, launchChromium, newPage, signInWith, unreachedByTab } from '../test/browser';
import { sampleRequest, startTestService, type TestService } from '../test/service';

// The requesting librarian's pages in Debian's Chromium, against the whole service: the test asks
// for the library's requests and plays the supplier through the API.

if (!CHROMIUM) console.warn('web/librarian.test.ts: skipped, no Chromium installed (apt-get install chromium fonts-wqy-microhei)');

let app: TestService;
let browser: Browser;
let serial = 0;

beforeAll(async () => {
  if (!CHROMIUM) return;
  app = await startTestService({});
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.service.stop();
});

/** A request of the shipped samples, under a title of its own so the pages can be searched for it. */
async function ask(name: string, title: string): Promise<{ id: string; token: string }> {
  const request = sampleRequest(name, `web-${process.pid}-${++serial}`);
  const token = await app.token('librarian', request.requester.libraryId);
  const asked = await app.call('POST', '/api/requests', token, { ...request, citation: { ...request.citation, title } });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  return { id: request.id, token };
}

async function reviewWaiting(title: string): Promise<{ id: string; token: string }> {
  const asked = await ask('express-copy-review', title);
  await app.until(asked.id, asked.token, (body) => body.status === 'awaiting-review');
  return asked;
}

async function signIn(page: Page, token: string, at = '#/tasks'): Promise<void> {
  await page.goto(`${app.service.url}/${at}`);
  await signInWith(page, token);
}

const inboxRow = (page: Page, title: string) => page.getByRole('row', { name: new RegExp(title) });

describe.skipIf(!CHROMIUM)('the requesting librarian’s workbench in Chromium', () => {
  it('shows a request needing review in the inbox, explains its routing and approves it, and it leaves the inbox', async () => {
    const { id, token } = await reviewWaiting('全球疾病负担研究（审核）');
    const page = await newPage(browser);
    await signIn(page, token);
    const row = inboxRow(page, '全球疾病负担研究（审核）');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('审核路由');
    expect(await page.locator('.counts').textContent()).toMatch(/审核路由: [1-9]/);
    await accessible(page, 'librarian-inbox');
    expect(await unreachedByTab(page)).toEqual([]);
    // Every word in English too.
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Tasks');
    expect(await row.locator('td').nth(1).textContent()).toBe('Review routing');
    await accessible(page, 'librarian-inbox-english');
    await page.getByRole('button', { name: '中文' }).click();

    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`#/request/${id}$`));
    await page.getByRole('heading', { name: '路由说明' }).waitFor();
    const { body: detail } = await app.call('GET', `/api/requests/${id}`, token);
    const first = detail.explanation.ranked[0];
    const ranked = page.locator('.ranked tbody tr').first();
    expect(await ranked.locator('td').nth(1).textContent()).toBe(first.supplierId);
    expect(await ranked.locator('td').nth(3).textContent()).toContain(Object.keys(first.terms)[0]);
    expect(await page.locator('.timeline li').count()).toBe(detail.auditTrail.length);
    // Only what fits a request awaiting review.
    expect(await page.getByRole('button', { name: '确认已收到' }).count()).toBe(0);
    await accessible(page, 'librarian-request-review');
    expect(await unreachedByTab(page)).toEqual([]);

    // A rejection without its reason: the API names the field and the page shows it there.
    await page.getByRole('button', { name: '拒绝申请' }).click();
    await expect.poll(() => page.locator('#review-reason').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#review-reason').getAttribute('aria-describedby')).toBe('review-reason-problem');

    // The keyboard reaches the approval from the page's title.
    await page.locator('h1').focus();
    for (let presses = 0; (await focused(page)).text !== '批准路由'; presses++) {
      expect(presses, 'the approval is reached by Tab').toBeLessThan(15);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-status]').textContent(), { timeout: 30_000 }).toBe('供应方处理中');
    expect(await page.getByRole('button', { name: '批准路由' }).count()).toBe(0);
    await page.getByRole('button', { name: '发送给供应方' }).waitFor();
    await accessible(page, 'librarian-request-approved');

    await page.getByRole('link', { name: '待办任务' }).click();
    await page.getByRole('heading', { name: '待办任务' }).waitFor();
    await expect.poll(() => inboxRow(page, '全球疾病负担研究（审核）').count()).toBe(0);
  });

  it('approves two reviews together, each through its own decision', async () => {
    const one = await reviewWaiting('批量审核文献甲');
    const two = await reviewWaiting('批量审核文献乙');
    const page = await newPage(browser);
    await signIn(page, one.token);
    await page.getByLabel('任务类型').selectOption('review');
    for (const title of ['批量审核文献甲', '批量审核文献乙']) await page.getByRole('checkbox', { name: `选择：${title}` }).check();
    await accessible(page, 'librarian-inbox-selected');
    await page.getByRole('button', { name: '批准所选审核' }).click();
    await expect.poll(() => inboxRow(page, '批量审核文献').count(), { timeout: 20_000 }).toBe(0);
    for (const { id, token } of [one, two]) {
      const { body } = await app.call('GET', `/api/requests/${id}`, token);
      expect(body.history).toContainEqual(expect.objectContaining({ note: expect.stringContaining('review: approve') }));
    }
  });

  it('shows beside its row a task that no longer applies when answered with others', async () => {
    const one = await reviewWaiting('已被处理的审核');
    const two = await reviewWaiting('仍待处理的审核');
    const page = await newPage(browser);
    await signIn(page, one.token);
    for (const title of ['已被处理的审核', '仍待处理的审核']) await page.getByRole('checkbox', { name: `选择：${title}` }).check();
    // A selection holds the inbox still: the other answer lands while the rows stay as selected.
    await page.waitForLoadState('networkidle');
    expect((await app.call('POST', `/api/requests/${one.id}/review`, one.token, { decision: 'approve' })).status).toBe(200);
    await page.getByRole('button', { name: '批准所选审核' }).click();
    const problem = inboxRow(page, '已被处理的审核').locator('.problem');
    await problem.waitFor();
    const again = await app.call('POST', `/api/requests/${one.id}/review`, one.token, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(await problem.textContent()).toBe(again.body.error.message);
    expect(await inboxRow(page, '仍待处理的审核').locator('.problem').count()).toBe(0);
    await expect.poll(async () => (await app.call('GET', `/api/requests/${two.id}`, two.token)).body.status).not.toBe('awaiting-review');
    await accessible(page, 'librarian-inbox-failure');
  });

  it('confirms a loan received once its supplier has lent it', async () => {
    const { id, token } = await ask('loan-same-region', '红楼梦研究（借阅）');
    const lent = await app.until(id, token, (body) => body.status === 'with-supplier');
    const supplierId = lent.supplier.id;
    const dueDate = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const said = await app.call('POST', `/api/requests/${id}/supplier-messages`, await app.token('supplier', supplierId), { supplierId, status: 'Loaned', dueDate });
    expect(said.status, JSON.stringify(said.body)).toBe(202);
    await app.until(id, token, (body) => body.tasks.some((task: { type: string }) => task.type === 'receive'));

    const page = await newPage(browser);
    await signIn(page, token);
    await page.getByRole('checkbox', { name: '选择：红楼梦研究（借阅）' }).check();
    await page.getByRole('button', { name: '确认所选已收到' }).click();
    await expect.poll(() => inboxRow(page, '红楼梦研究（借阅）').count(), { timeout: 20_000 }).toBe(0);
    await app.until(id, token, (body) => body.status === 'loaned');

    await page.goto(`${app.service.url}/#/request/${id}`);
    await expect.poll(() => page.locator('[data-status]').textContent()).toBe('借阅中');
    await page.getByRole('button', { name: '已归还' }).waitFor();
    await accessible(page, 'librarian-request-loaned');
  });

  it('finds the library’s request by its title', async () => {
    const { id, token } = await ask('express-copy-review', '馆员检索专用题名');
    const page = await newPage(browser);
    await signIn(page, token, '#/search');
    await page.getByLabel('关键词（篇名、刊名、作者、ISSN 等）').fill('检索专用');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getByRole('link').getAttribute('href')).toBe(`#/request/${id}`);
    await accessible(page, 'librarian-search');
    expect(await unreachedByTab(page)).toEqual([]);
    await page.getByLabel('状态').selectOption('completed');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.getByText('没有符合条件的申请。').waitFor();
  });
});
