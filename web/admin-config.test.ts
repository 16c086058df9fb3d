import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sampleRequest } from '../test/service';
import { startAsNpmStart, type StartedService } from '../test/started';
import { accessible, CHROMIUM, launchChromium, newPage, signInWith, unreachedByTab } from '../test/browser';

// The administrator's configuration pages in Chromium, against the service as `npm start` runs it
// beside the supplier simulator, on a copy of the shipped configuration: a mistake typed into a rule
// file is shown at its line, and a valid change is compared with the version in force and then
// published, after which routing uses it.

if (!CHROMIUM) console.warn('web/admin-config.test.ts: skipped, no Chromium installed (apt-get install chromium fonts-wqy-microhei)');

let app: StartedService;
let browser: Browser;
let serial = 0;

const PREFERENCES = 'rules/preferences.yaml';
const NATIONAL = 'suppliers/national.yaml';
const APPROVALS = 'rules/approvals.yaml';

beforeAll(async () => {
  if (!CHROMIUM) return;
  app = await startAsNpmStart();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A file of the service's configuration as it stands on disk. */
const read = (relative: string) => readFileSync(path.join(app.configDir, relative), 'utf8');

/**
 * A reader's request for the shipped physics article, once routed: its decision. The simulated
 * open-access resolver has no copy of its DOI, so it goes to the suppliers ranked.
 */
async function routed(): Promise<Record<string, any>> {
  const request = sampleRequest('foreign-physics-nstl', `admin-web-${process.pid}-${++serial}`);
  const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
  expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
  return (await app.until(request.id, reader, (body) => body.decision !== undefined)).decision;
}

describe.skipIf(!CHROMIUM)('the administrator’s configuration in Chromium', () => {
  it('completes the values the schemas allow, as soon as a key wants one and as fast as it is typed', async () => {
    const page = await newPage(browser);
    await page.goto(`${app.url}/#/config`);
    await signInWith(page, await app.token('administrator', 'calis'));
    await page.getByRole('button', { name: PREFERENCES, exact: true }).click();
    await page.getByRole('textbox', { name: PREFERENCES }).waitFor();
    const options = page.locator('.cm-tooltip-autocomplete li');
    // In the order CodeMirror shows them: best match first, then alphabetical.
    const labels = () => options.locator('.cm-completionLabel').allTextContents();
    const replaceValue = async (line: string, value: string, after = '') => {
      await page.locator('.cm-line', { hasText: line }).first().click();
      await page.keyboard.press('End');
      for (let i = 0; i < after.length; i++) await page.keyboard.press('ArrowLeft');
      for (let i = 0; i < value.length; i++) await page.keyboard.press('Backspace');
    };

    // A rule's event type, in the rule definition the rules array refers to: offered once `type: ` is typed.
    await replaceValue('type: tier', ' tier');
    await page.keyboard.type(' ');
    await expect.poll(labels).toEqual(['approveCost', 'deadline', 'escalate', 'exclude', 'reject', 'review', 'score', 'tier']);
    // Two letters at typing speed narrow the list to the best match first; Enter takes it.
    await page.keyboard.type('sc');
    await expect.poll(async () => (await labels())[0]).toBe('score');
    await accessible(page, 'admin-config-completion');
    await page.keyboard.press('Enter');
    expect(await page.locator('.cm-activeLine').textContent()).toBe('      type: score');
    // Typed over a value with no list open: the schema of an item of the rules array is found for what is typed.
    await replaceValue('type: score', 'score');
    await page.keyboard.type('ti');
    await expect.poll(labels).toEqual(['tier']);
    await page.keyboard.press('Escape');

    // A condition's operator, in a flow mapping of the definition that refers to itself: on demand with nothing typed, then narrowed.
    await replaceValue('$.service, operator: equal, value: copy', 'equal', ', value: copy }');
    await page.keyboard.press('Control+Space');
    await expect.poll(labels).toContain('greaterThanInclusive');
    await page.keyboard.type('st');
    await expect.poll(async () => (await labels())[0]).toBe('startsWith');
    await page.keyboard.press('Escape');

    // In a supplier file: on a new line of a supplier, the properties it lacks; its adapter and kind, from the enums of the supplier definition.
    await page.getByRole('button', { name: NATIONAL, exact: true }).click();
    await page.getByRole('textbox', { name: NATIONAL }).waitFor();
    await page.locator('.cm-line', { hasText: 'fillRate: 0.9' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('c');
    await expect.poll(labels).toEqual(['closures']);
    await page.keyboard.press('Escape');
    await replaceValue('adapter: iso18626', ' iso18626');
    await page.keyboard.type(' ');
    await expect.poll(labels).toEqual(['calis-ebooks', 'iso18626', 'manual', 'open-access', 'vendor-ppv']);
    await page.keyboard.press('Escape');
    await replaceValue('kind: national-library', 'national-library');
    await page.keyboard.type('ca');
    await expect.poll(async () => (await labels()).sort()).toEqual(['calis-ebooks', 'cashl']);
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('shows a mistake typed into a rule file at its line, then publishes a valid change after comparing it, and routing uses it', async () => {
    const before = await routed();
    const admin = await app.token('administrator', 'calis');
    const inForce = (await app.call('GET', '/api/admin/config', admin)).body.version as string;
    expect(before.rulesetVersion).toBe(inForce);
    expect(before.rota[0].supplierId).toBe('nstl');

    const page = await newPage(browser);
    await page.goto(`${app.url}/#/config`);
    await signInWith(page, admin);
    await page.locator('h1', { hasText: '网络配置' }).waitFor();
    await page.getByRole('button', { name: PREFERENCES, exact: true }).click();
    await page.locator('h2', { hasText: `编辑 ${PREFERENCES}` }).waitFor();
    const editor = page.getByRole('textbox', { name: PREFERENCES });
    await editor.waitFor();
    await accessible(page, 'admin-config');
    expect(await unreachedByTab(page)).toEqual([]);

    // A line typed (completion has its own test), then undone: the file is as it was, no draft.
    await page.locator('.cm-line', { hasText: 'params: { tier: 1 }' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('p');
    await page.locator('p', { hasText: '尚未修改任何文件。' }).waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
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

    // Fixed, then a valid change: the rule sending foreign science articles to NSTL puts it in the third tier rather than the first.
    await page.keyboard.press('Backspace');
    await page.locator('p', { hasText: '尚未修改任何文件。' }).waitFor();
    await page.locator('.cm-scroller').evaluate((scroller) => (scroller.scrollTop = 400));
    // The `params: { tier: 1 }` line of the rule whose supplier is NSTL: the first such line after its condition.
    const lines = page.locator('.cm-line');
    const texts = await lines.allTextContents();
    const nstlParams = texts.findIndex((text, at) => text.includes('params: { tier: 1 }') && texts.slice(0, at).some((before) => before.includes('value: nstl }')));
    expect(nstlParams).toBeGreaterThan(0);
    await lines.nth(nstlParams).click();
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
    // NSTL stays first for the request compared, as the library prefers it too; the rota behind it moves.
    expect(await page.locator('tbody tr td').allTextContents()).toEqual([before.requestId, '', '', '✓']);
    await accessible(page, 'admin-config-compared');

    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('h1', { hasText: 'Network configuration' }).waitFor();
    expect(await page.locator('h2', { hasText: 'Comparison' }).count()).toBe(1);
    await accessible(page, 'admin-config-compared-english');
    await page.getByRole('button', { name: '中文' }).click();

    await page.getByLabel('发布说明').fill('外文科技文献规则：NSTL 降为第三梯队');
    await page.getByRole('button', { name: '发布' }).click();
    await page.locator('p[role=status]', { hasText: '已发布版本' }).waitFor();
    const published = (await app.call('GET', '/api/admin/config', admin)).body.version as string;
    expect(published).not.toBe(inForce);
    expect(read(PREFERENCES)).toContain('params: { tier: 3 }');

    await page.locator('main').getByRole('link', { name: '版本历史' }).click();
    await page.locator('h1', { hasText: '配置版本历史' }).waitFor();
    const entry = page.locator('.versions li').first();
    expect(await entry.locator('h2').textContent()).toContain('外文科技文献规则：NSTL 降为第三梯队');
    expect(await entry.locator('h2 code').textContent()).toBe(published.replace('sha256:', '').slice(0, 12));
    await entry.locator('summary').click();
    expect(await entry.locator('pre.diff').textContent()).toMatch(/-\s+params: \{ tier: 1 \}\n.*\+\s+params: \{ tier: 3 \}/);
    await accessible(page, 'admin-config-versions');
    expect(await unreachedByTab(page)).toEqual([]);

    // The next request is routed by the version published, as the comparison said.
    const after = await routed();
    expect(after.rulesetVersion).toBe(published);
    const order = (decision: Record<string, any>) => decision.rota.map((entry: { supplierId: string }) => entry.supplierId);
    expect(order(after)).not.toEqual(order(before));
  });

  it('keeps the administrator’s edits as the draft when someone else published meanwhile, naming the files both changed', async () => {
    const admin = await app.token('administrator', 'calis');
    const page = await newPage(browser);
    await page.goto(`${app.url}/#/config`);
    await signInWith(page, admin);
    const setPriority = async (path: string, from: string, to: string) => {
      await page.getByRole('button', { name: path, exact: true }).click();
      await page.getByRole('textbox', { name: path }).waitFor();
      await page.locator('.cm-line', { hasText: `priority: ${from}` }).first().click();
      await page.keyboard.press('End');
      for (let i = 0; i < from.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type(to);
    };
    await setPriority(APPROVALS, '90', '91');
    await setPriority(PREFERENCES, '50', '52');
    await page.locator('p', { hasText: '草稿没有问题。' }).waitFor();
    await page.getByRole('button', { name: '与现行版本比较' }).click();
    await page.getByLabel('发布说明').waitFor();

    // Meanwhile another administrator publishes a change to one of the two files, from the API.
    const inForce = (await app.call('GET', '/api/admin/config', admin)).body.version as string;
    const theirs = (await app.call('GET', `/api/admin/config/file?path=${encodeURIComponent(PREFERENCES)}`, admin)).body.text as string;
    const at = theirs.lastIndexOf('priority: 10');
    const changed = `${theirs.slice(0, at)}priority: 11${theirs.slice(at + 'priority: 10'.length)}`;
    const published = await app.call('POST', '/api/admin/config/publish', admin, { files: { [PREFERENCES]: changed }, basedOn: inForce, note: '最后一条偏好规则的优先级' });
    expect(published.status).toBe(201);

    await page.getByLabel('发布说明').fill('审批与偏好的优先级');
    await page.getByRole('button', { name: '发布' }).click();
    const alert = page.locator('[role=alert]');
    await alert.locator('p', { hasText: '已有他人发布了新版本' }).waitFor();
    await alert.getByRole('button', { name: '重新加载现行版本，保留我的修改' }).click();

    // The version in force now, the edits still the draft, and the file both changed named.
    const notice = page.getByRole('status', { name: '已重新加载' });
    await notice.waitFor();
    expect(await notice.locator('p').first().textContent()).toContain(published.body.version.replace('sha256:', '').slice(0, 12));
    expect(await notice.locator('li').allTextContents()).toEqual([PREFERENCES]);
    expect(await page.locator('p.hint', { hasText: '现行版本' }).first().textContent()).toContain(published.body.version.replace('sha256:', '').slice(0, 12));
    expect(await page.getByRole('button', { name: `${APPROVALS}（已修改）`, exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: `${PREFERENCES}（已修改）（其间有他人修改）`, exact: true }).count()).toBe(1);
    expect(await page.locator('.cm-line', { hasText: 'priority: 52' }).count()).toBe(1);
    // Compared again before it can be published.
    expect(await page.getByRole('button', { name: '发布' }).count()).toBe(0);
    await accessible(page, 'admin-config-reloaded');

    await notice.getByRole('button', { name: PREFERENCES, exact: true }).click();
    await page.locator('h2', { hasText: `编辑 ${PREFERENCES}` }).waitFor();
    await page.locator('p', { hasText: '草稿没有问题。' }).waitFor();
    await page.getByRole('button', { name: '与现行版本比较' }).click();
    await page.getByLabel('发布说明').fill('审批与偏好的优先级');
    await page.getByRole('button', { name: '发布' }).click();
    await page.locator('p[role=status]', { hasText: '已发布版本' }).waitFor();
    expect(read(APPROVALS)).toContain('priority: 91');
    expect(read(PREFERENCES)).toContain('priority: 52');
    await page.close();
  });
});
