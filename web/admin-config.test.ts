import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ConfigCopy } from '../rules/config-fixture';
import { sampleRequest, startTestService, type TestService } from '../test/service';
import { accessible, CHROMIUM, launchChromium, newPage, signInWith, unreachedByTab } from '../test/browser';

// The administrator's configuration pages in Chromium, on a copy of the shipped configuration: a
// mistake typed into a rule file is shown at its line, and a valid change is compared with the
// version in force and then published, after which routing uses it.

if (!CHROMIUM) console.warn('web/admin-config.test.ts: skipped, no Chromium installed (apt-get install chromium fonts-wqy-microhei)');

const copy = new ConfigCopy();
let app: TestService;
let browser: Browser;
let serial = 0;

const PREFERENCES = 'rules/preferences.yaml';

beforeAll(async () => {
  if (!CHROMIUM) return;
  app = await startTestService({ ILL_CONFIG_DIR: copy.dir });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.service.stop();
  copy.remove();
});

/** A reader's request for the shipped physics article with a DOI, once routed: its decision. */
async function routed(): Promise<Record<string, any>> {
  const request = sampleRequest('foreign-physics-nstl', `admin-web-${process.pid}-${++serial}`);
  const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
  expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
  return (await app.until(request.id, reader, (body) => body.decision !== undefined)).decision;
}

describe.skipIf(!CHROMIUM)('the administrator’s configuration in Chromium', () => {
  it('shows a mistake typed into a rule file at its line, then publishes a valid change after comparing it, and routing uses it', async () => {
    const before = await routed();
    const admin = await app.token('administrator', 'calis');
    const inForce = (await app.call('GET', '/api/admin/config', admin)).body.version as string;
    expect(before.rulesetVersion).toBe(inForce);
    expect(before.rota[0].supplierId).toBe('oa-resolver');

    const page = await newPage(browser);
    await page.goto(`${app.service.url}/#/config`);
    await signInWith(page, admin);
    await page.locator('h1', { hasText: '网络配置' }).waitFor();
    await page.getByRole('button', { name: PREFERENCES, exact: true }).click();
    await page.locator('h2', { hasText: `编辑 ${PREFERENCES}` }).waitFor();
    const editor = page.getByRole('textbox', { name: PREFERENCES });
    await editor.waitFor();
    await accessible(page, 'admin-config');
    expect(await unreachedByTab(page)).toEqual([]);

    // Completion from the rules' schema: on a new line of a rule, the properties a rule may have, with their types.
    await page.locator('.cm-line', { hasText: 'params: { tier: 1 }' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('p');
    const options = page.locator('.cm-tooltip-autocomplete li');
    await expect.poll(() => options.allTextContents()).toContainEqual(expect.stringMatching(/^priority/));
    await page.keyboard.press('Escape');
    // Undone, the file is as it was: no draft.
    const noEdits = page.locator('p', { hasText: '尚未修改任何文件。' });
    for (let undo = 0; undo < 5 && !(await noEdits.isVisible()); undo++) await page.keyboard.press('Control+z');
    await noEdits.waitFor();

    // Line 10: `        - { fact: request, path: $.service, operator: equal, value: copy }`; an operator that does not exist.
    const line10 = page.locator('.cm-line', { hasText: '$.service, operator: equal, value: copy' }).first();
    await line10.click();
    await page.keyboard.press('End');
    for (let i = 0; i < ', value: copy }'.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('z');
    const problem = page.locator('.located.problems li').first();
    await expect.poll(() => problem.textContent(), { timeout: 20_000 }).toMatch(new RegExp(`^${PREFERENCES.replace('.', '\\.')}:10:\\d+: .*equalz`));
    // At its line in the editor: the gutter's marker and the text underlined.
    await expect.poll(() => page.locator('.cm-lint-marker-error').count()).toBe(1);
    expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: '与现行版本比较' }).isDisabled()).toBe(true);
    await accessible(page, 'admin-config-mistake');

    // Fixed, then a valid change: open-access copies from the first tier to the third.
    await page.keyboard.press('Backspace');
    await page.locator('p', { hasText: '尚未修改任何文件。' }).waitFor();
    await page.locator('.cm-line', { hasText: 'params: { tier: 1 }' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('3');
    await page.locator('p', { hasText: '草稿没有问题。' }).waitFor();
    expect(await page.getByRole('button', { name: PREFERENCES + '（已修改）' }).count()).toBe(1);
    // Publishing is offered only once the draft was compared.
    expect(await page.getByRole('button', { name: '发布' }).count()).toBe(0);
    await page.getByRole('button', { name: '与现行版本比较' }).click();
    await page.locator('h2', { hasText: '比较结果' }).waitFor();
    expect(await page.locator('section', { has: page.locator('h2', { hasText: '比较结果' }) }).locator('p').first().textContent()).toBe('最近 30 天的 1 项申请中，有 1 项按草稿路由会不同。');
    expect(await page.locator('tbody tr td').allTextContents()).toEqual([before.requestId, 'oa-resolver → nstl', '', '✓']);
    await accessible(page, 'admin-config-compared');

    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('h1', { hasText: 'Network configuration' }).waitFor();
    expect(await page.locator('h2', { hasText: 'Comparison' }).count()).toBe(1);
    await accessible(page, 'admin-config-compared-english');
    await page.getByRole('button', { name: '中文' }).click();

    await page.getByLabel('发布说明').fill('开放获取降为第三梯队');
    await page.getByRole('button', { name: '发布' }).click();
    await page.locator('p[role=status]', { hasText: '已发布版本' }).waitFor();
    const published = (await app.call('GET', '/api/admin/config', admin)).body.version as string;
    expect(published).not.toBe(inForce);
    expect(copy.read(PREFERENCES)).toContain('params: { tier: 3 }');

    await page.locator('main').getByRole('link', { name: '版本历史' }).click();
    await page.locator('h1', { hasText: '配置版本历史' }).waitFor();
    const entry = page.locator('.versions li').first();
    expect(await entry.locator('h2').textContent()).toContain('开放获取降为第三梯队');
    expect(await entry.locator('h2 code').textContent()).toBe(published.replace('sha256:', '').slice(0, 12));
    await entry.locator('summary').click();
    expect(await entry.locator('pre.diff').textContent()).toMatch(/-\s+params: \{ tier: 1 \}\n.*\+\s+params: \{ tier: 3 \}/);
    await accessible(page, 'admin-config-versions');
    expect(await unreachedByTab(page)).toEqual([]);

    // The next request is routed by the version published, as the comparison said.
    const after = await routed();
    expect(after.rulesetVersion).toBe(published);
    expect(after.rota[0].supplierId).toBe('nstl');
  });
});
