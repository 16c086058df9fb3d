import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { accessible, CHROMIUM, focused, launchChromium, newPage, signInWith, unreachedByTab } from '../test/browser';
import { KnexRequestStore } from '../engine/store/knex-store';
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

/** The test plays the supplier that has the request, through the API. */
async function supplierSays(id: string, supplierId: string, message: Record<string, unknown>): Promise<void> {
  const said = await app.call('POST', `/api/requests/${id}/supplier-messages`, await app.token('supplier', supplierId), { supplierId, ...message });
  expect(said.status, JSON.stringify(said.body)).toBe(202);
}

/** The request's audit-trail entries whose facts match. */
async function entries(id: string, token: string, facts: Record<string, unknown>): Promise<unknown[]> {
  const { body } = await app.call('GET', `/api/requests/${id}`, token);
  return body.auditTrail.filter((entry: { detail: Record<string, unknown> }) => expect.objectContaining(facts).asymmetricMatch(entry.detail));
}

const timeline = (page: Page) => page.locator('.timeline');

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
    expect(await ranked.locator('td').nth(3).textContent()).toContain('费用');
    // Who was left out and why, in Chinese from the reasons' kinds: the rule by its name, where it is written apart; none of the engine's English.
    const excluded = page.locator('.excluded li');
    expect(await excluded.count()).toBe(detail.explanation.excluded.length);
    const slow = detail.explanation.excluded.find((entry: { causes: { code: string; rule?: string }[] }) => entry.causes.some((cause) => cause.rule === 'exclude-too-slow-for-deadline'));
    expect(slow, 'an express request leaves a slow supplier out').toBeDefined();
    const where = detail.explanation.ruleSources['exclude-too-slow-for-deadline'];
    const slowText = await page.locator('.excluded li', { hasText: new RegExp(`^${slow.supplierId}:`) }).textContent();
    expect(slowText).toContain(`被规则“exclude-too-slow-for-deadline”排除：promised turnaround exceeds the request's deadline（见 ${where.file} 第 ${where.line} 行）`);
    for (const text of await excluded.allTextContents()) expect(text).not.toMatch(/builtin:|\(rule '|, from /);
    expect(await page.locator('.excluded [lang="en"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.excluded [lang="en"]').first().textContent()).toMatch(/^[\x20-\x7e]+$/);
    const fired = await page.locator('p', { hasText: '触发的规则' }).textContent();
    expect(fired).not.toContain('builtin:');
    if (detail.explanation.rulesFired.includes('builtin:preferred-supplier')) expect(fired).toContain('本馆首选供应方（系统内置）');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('.excluded li', { hasText: new RegExp(`^${slow.supplierId}:`) }).textContent()).toContain(
      `excluded by rule “exclude-too-slow-for-deadline”: promised turnaround exceeds the request's deadline (${where.file}, line ${where.line})`,
    );
    await accessible(page, 'librarian-explanation-english');
    await page.getByRole('button', { name: '中文' }).click();
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
    expect(again.body.error).toMatchObject({ status: 409, code: 'stale-task' });
    // Worded by its code in the page's language, not in the API's English.
    expect(await problem.textContent()).toBe('此任务已不再待办：可能已由他人处理，或申请状态已改变。');
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
    await expect.poll(() => page.locator('[data-status]').textContent(), { timeout: 20_000 }).toBe('借阅中');
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

  it('changes the supplier order from the request page, then sends the supplier a note; the audit trail reads as sentences', async () => {
    const { id, token } = await reviewWaiting('更改供应方顺序的文献');
    const { body: waiting } = await app.call('GET', `/api/requests/${id}`, token);
    const rota: string[] = waiting.decision.rota.map((entry: { supplierId: string }) => entry.supplierId);
    expect(rota.length, 'a rota to change').toBeGreaterThan(1);
    const order = [rota[1]!, rota[0]!];
    const page = await newPage(browser);
    await signIn(page, token, `#/request/${id}`);
    await page.getByLabel('供应方（按顺序，以逗号分隔）').fill(order.join('，'));
    await page.getByRole('button', { name: '更改供应方顺序' }).click();
    const sent = await app.until(id, token, (body) => body.status === 'with-supplier');
    expect(sent.supplier.id).toBe(order[0]);
    // The audit trail is stored in batches behind the workflow's own state.
    await expect.poll(async () => (await entries(id, token, { event: 'reviewed', decision: 'changeRota', rota: order, by: `librarian@${sent.request.requester.libraryId}` })).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-status]').textContent(), { timeout: 30_000 }).toBe('供应方处理中');
    const names: Record<string, string> = sent.supplierNames;
    expect(names[order[0]!], 'suppliers by name').toBeTruthy();
    await expect.poll(() => timeline(page).textContent(), { timeout: 20_000 }).toContain(`馆员审核：更改供应方顺序；供应方顺序：${names[order[0]!]}、${names[order[1]!]}`);
    expect(await timeline(page).textContent()).toContain(`第 1 次发送给 ${names[order[0]!]}`);

    await page.getByLabel('给供应方的留言').fill('请扫描彩色插图，谢谢');
    await page.getByRole('button', { name: '发送给供应方' }).click();
    await expect.poll(async () => (await entries(id, token, { event: 'note-to-supplier', supplierId: order[0], text: '请扫描彩色插图，谢谢' })).length, { timeout: 20_000 }).toBe(1);
    const note = timeline(page).locator('li', { hasText: `给 ${names[order[0]!]} 的留言` });
    await note.waitFor({ timeout: 20_000 });
    // The librarian's words stay as written; nothing of the entry is shown as JSON or in the engine's English.
    expect(await note.locator('q').textContent()).toBe('请扫描彩色插图，谢谢');
    expect(await timeline(page).textContent()).not.toMatch(/[{}]|\btry \d|review: /);
    await accessible(page, 'librarian-request-timeline');
    expect(await unreachedByTab(page)).toEqual([]);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => timeline(page).locator('li').last().textContent()).toContain(`A note to ${names[order[0]!]}`);
    expect(await timeline(page).textContent()).toContain('Reviewed by a librarian: supplier order changed');
    await accessible(page, 'librarian-request-timeline-english');

    // A supplier's ISO 18626 reason code reads by its label, and the request goes on to the next in the order chosen.
    await page.getByRole('button', { name: '中文' }).click();
    await supplierSays(id, order[0]!, { status: 'Unfilled', reason: 'NotOnShelf' });
    const next = await app.until(id, token, (body) => body.supplier?.id === order[1]);
    expect(next.tried[0]).toMatchObject({ supplierId: order[0], outcome: 'unfilled', reason: 'NotOnShelf' });
    await expect.poll(() => timeline(page).textContent(), { timeout: 20_000 }).toContain(`${names[order[0]!]}答复：无法提供，原因：不在架`);
    expect(await timeline(page).textContent()).toContain(`第 2 次发送给 ${names[order[1]!]}`);
  });

  it('approves a supplier’s price from the request page, and the supplier is asked again at it', async () => {
    const { id, token } = await ask('chinese-article-ppv', '需确认费用的文献');
    const sent = await app.until(id, token, (body) => body.status === 'with-supplier');
    const supplierId: string = sent.supplier.id;
    await supplierSays(id, supplierId, { status: 'RetryPossible', cost: { amount: 500, currency: 'CNY' } });
    const waiting = await app.until(id, token, (body) => body.status === 'awaiting-cost-approval');
    const name = waiting.supplierNames[supplierId] ?? supplierId;
    const page = await newPage(browser);
    await signIn(page, token, `#/request/${id}`);
    await expect.poll(() => timeline(page).textContent(), { timeout: 20_000 }).toContain(`${name} 报价 500 元，待本馆确认`);
    await accessible(page, 'librarian-request-cost');
    await page.getByRole('button', { name: '同意', exact: true }).click();
    const approved = await app.until(id, token, (body) => body.status !== 'awaiting-cost-approval');
    expect(approved.status).toBe('with-supplier');
    expect(approved.supplier.id).toBe(supplierId);
    // The entry reaches the audit trail with the workflow's next activity, after the status has moved.
    await expect.poll(async () => (await entries(id, token, { event: 'cost-answered', approved: true, supplierId, cost: { amount: 500, currency: 'CNY' } })).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => timeline(page).textContent(), { timeout: 20_000 }).toContain(`本馆同意 ${name} 的费用 500 元`);
    expect(await page.getByRole('button', { name: '同意', exact: true }).count()).toBe(0);
  });

  it('refuses a supplier’s loan condition with a reason, and the request goes on to the next supplier', async () => {
    const { id, token } = await ask('loan-same-region', '附借阅条件的图书');
    const sent = await app.until(id, token, (body) => body.status === 'with-supplier');
    const first: string = sent.supplier.id;
    await supplierSays(id, first, { status: 'RetryPossible', loanCondition: 'LibraryUseOnly', reason: '珍本' });
    await app.until(id, token, (body) => body.status === 'awaiting-condition-approval');
    const page = await newPage(browser);
    await signIn(page, token, `#/request/${id}`);
    await page.getByRole('button', { name: '不同意' }).waitFor();
    await page.getByLabel('原因', { exact: true }).fill('读者需借出使用');
    await page.getByRole('button', { name: '不同意' }).click();
    const moved = await app.until(id, token, (body) => body.tried?.length > 0);
    expect(moved.supplier?.id, 'the next supplier has it').not.toBe(first);
    expect(moved.tried[0]).toMatchObject({ supplierId: first, outcome: 'condition-refused' });
    await expect.poll(async () => (await entries(id, token, { event: 'condition-answered', approved: false, condition: 'LibraryUseOnly', text: '读者需借出使用' })).length, { timeout: 20_000 }).toBe(1);
    const refused = timeline(page).locator('li', { hasText: '不接受' });
    await refused.waitFor({ timeout: 20_000 });
    expect(await refused.textContent()).toContain('借阅条件：LibraryUseOnly');
    expect(await refused.locator('q').textContent()).toBe('读者需借出使用');
    expect(await timeline(page).textContent()).toContain('提出借阅条件：LibraryUseOnly（珍本）');
  });

  it('confirms receipt, asks to renew and returns a loan from the request page, with due dates in Beijing time', async () => {
    const { id, token } = await ask('loan-same-region', '续借后归还的图书');
    const sent = await app.until(id, token, (body) => body.status === 'with-supplier');
    const supplierId: string = sent.supplier.id;
    // Due at 01:30 in Beijing, still the evening before in UTC.
    await supplierSays(id, supplierId, { status: 'Loaned', dueDate: '2027-01-06T17:30:00Z' });
    await app.until(id, token, (body) => body.tasks.some((task: { type: string }) => task.type === 'receive'));
    const page = await newPage(browser);
    await signIn(page, token, `#/request/${id}`);
    await page.getByRole('button', { name: '确认已收到' }).click();
    await app.until(id, token, (body) => body.status === 'loaned');
    await expect.poll(() => page.locator('[data-status]').textContent(), { timeout: 20_000 }).toBe('借阅中');
    await expect.poll(() => timeline(page).locator('li', { hasText: '借阅中' }).last().textContent(), { timeout: 20_000 }).toContain('应还日期 2027年1月7日 01:30');

    await page.getByRole('button', { name: '申请续借' }).click();
    await expect.poll(async () => (await entries(id, token, { event: 'renewal-requested' })).length, { timeout: 20_000 }).toBe(1);
    // Asked once, the renewal is not asked again while the supplier answers: the page says why by the refusal's code.
    await page.getByRole('button', { name: '申请续借' }).click();
    await expect.poll(() => page.locator('.actions [role=alert]').textContent(), { timeout: 10_000 }).toBe('同一操作正在处理中，请稍后再试。');
    await accessible(page, 'librarian-request-renewal-waiting');
    const desk = await app.token('supplier', supplierId);
    const inbox = await app.call('GET', '/api/tasks?kind=renewAnswer', desk);
    expect(inbox.body.items.map((item: { requestId: string }) => item.requestId)).toContain(id);
    expect((await app.call('POST', `/api/requests/${id}/renew-answer`, desk, { approve: true, dueDate: '2027-02-05T17:30:00Z' })).status).toBe(200);
    await app.until(id, token, (body) => body.status === 'renewed');
    await expect.poll(() => timeline(page).locator('li', { hasText: '已续借' }).last().textContent(), { timeout: 20_000 }).toContain('应还日期 2027年2月6日 01:30');
    await accessible(page, 'librarian-request-renewed');

    await page.getByRole('button', { name: '已归还', exact: true }).click();
    const returned = await app.until(id, token, (body) => body.status === 'returned');
    expect(returned.history.at(-1)).toMatchObject({ status: 'returned', by: `librarian@${returned.request.requester.libraryId}`, supplierId });
    await supplierSays(id, supplierId, { status: 'LoanCompleted' });
    await app.until(id, token, (body) => body.status === 'completed');
    await expect.poll(() => page.locator('[data-status]').textContent(), { timeout: 20_000 }).toBe('已完成');
    expect(await page.getByRole('button', { name: '申请续借' }).count()).toBe(0);
  });

  it('words entries of every age: an old one by its English note, reason codes with a supplier’s words, failures by their class', async () => {
    const { id, token } = await reviewWaiting('各时期记录的申请');
    const at = new Date().toISOString();
    const entry = (n: number, status: string, detail: Record<string, unknown>) => ({ key: `${id}:old-${n}`, requestId: id, status, at, detail });
    // Written as the engine wrote them at the time: the first before entries carried facts.
    await new KnexRequestStore(app.service.database.db).appendEvents([
      entry(1, 'with-supplier', { supplierId: 'nlc', note: 'Unfilled: NotOnShelf' }),
      entry(2, 'with-supplier', { event: 'supplier-status', supplierId: 'nlc', supplierStatus: 'Unfilled', reason: 'NotOnShelf: 在装订', note: 'Unfilled: NotOnShelf: 在装订' }),
      entry(3, 'with-supplier', { event: 'send-failed', supplierId: 'nstl', reason: 'timeout', note: 'could not send: timeout' }),
      entry(4, 'completed', { event: 'supplier-status', supplierStatus: 'LoanCompleted', note: 'LoanCompleted' }),
    ]);
    const page = await newPage(browser);
    await signIn(page, token, `#/request/${id}`);
    const old = timeline(page).locator('li', { has: page.locator('[lang=en]', { hasText: 'Unfilled: NotOnShelf' }) });
    await old.waitFor({ timeout: 20_000 });
    expect(await old.textContent()).toContain('供应方：国家图书馆');
    const words = await timeline(page).textContent();
    expect(words).toContain('国家图书馆 (National Library of China)答复：无法提供，原因：不在架：在装订');
    expect(words).toContain('未能发送给 国家科技图书文献中心 (National Science and Technology Library)：对方系统未在时限内答复');
    expect(words).toContain('— 供应方答复：已收到归还');
    expect(words).not.toContain('undefined');
    await accessible(page, 'librarian-request-old-entries');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => timeline(page).textContent()).toContain('answered: unfilled, because: Not on shelf: 在装订');
    expect(await timeline(page).textContent()).toContain('— the supplier answered: return received');
  });
});
