import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

// What the workbench's browser tests share: Debian's Chromium, a fresh tab, axe-core with a screenshot.

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => existsSync(candidate));
export const ARTIFACTS = path.resolve(__dirname, '../test-artifacts');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
}

/** A tab of its own: nobody signed in, Chinese as a CALIS user first sees it. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** Signs in on the sign-in page with a token pasted, as staff of any library do. */
export async function signInWith(page: Page, token: string): Promise<void> {
  await page.getByLabel('访问令牌（Bearer）').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
}

/**
 * Signs in on the sign-in page by picking one of the development identities the service offers,
 * by its role as the page names it (读者, 馆员, 供应馆馆员, 代查代检员, 管理员).
 */
export async function pickIdentity(page: Page, role: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${role} · `) }).click();
}

/** A fresh tab at `url`, signed in by picking the development identity of `role` (as `pickIdentity`). */
export async function newPageAs(browser: Browser, url: string, role: string): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(url);
  await pickIdentity(page, role);
  return page;
}

/** A fresh tab at `url`, signed in with `token` pasted: for accounts the development identities do not offer. */
export async function newPageWith(browser: Browser, url: string, token: string): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(url);
  await signInWith(page, token);
  return page;
}

/** The request's status as its page shows it. */
export const shownStatus = (page: Page) => page.locator('[data-status]').textContent();

/** A request's card in a supplying librarian's list, found by its id. */
export const supplyCard = (page: Page, id: string) => page.locator('article.task', { has: page.locator('dd', { hasText: new RegExp(`^${id}$`) }) });

/** What the API answers the signed-in tab at `path`, asked from the page with the token it holds. */
export function askFromPage(page: Page, method: string, path: string): Promise<{ status: number; body: Record<string, any> }> {
  return page.evaluate(
    async ([method, path]) => {
      const response = await fetch(path!, { method, headers: { authorization: `Bearer ${(globalThis as any).sessionStorage.getItem('ill.token')}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    },
    [method, path],
  );
}

/** axe-core, run in the page as it stands: no rule it knows is broken. The screenshot goes to test-artifacts/. */
export async function accessible(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  await page.addScriptTag({ path: require.resolve('axe-core') });
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as any;
    const results = await axe.run(document);
    return results.violations.map((violation: any) => `${violation.id}: ${violation.nodes.map((node: any) => node.target.join(' ')).join(', ')}`);
  });
  expect(violations, name).toEqual([]);
}

/**
 * The element that has the keyboard's focus: its id, its text and how its outline is drawn. Code run in
 * the page reaches the DOM through `globalThis`, as the tests' own types are Node's, without the DOM's.
 */
export async function focused(page: Page): Promise<{ id: string; text: string; outlineStyle: string }> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as any;
    const element = document.activeElement;
    return { id: element?.id ?? '', text: element?.textContent ?? '', outlineStyle: element ? getComputedStyle(element).outlineStyle : 'none' };
  });
}

/** What a keyboard user must be able to reach: a disabled control is reached by nobody until it is enabled. */
const CONTROLS = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])';

/**
 * The page's links, buttons and fields that Tab from the top of the page never reaches, each by its text
 * or label. A radio group is one stop, its choices taken with the arrow keys, as browsers do.
 */
export async function unreachedByTab(page: Page): Promise<string[]> {
  await page.evaluate((controls) => {
    const { document } = globalThis as any;
    for (const element of document.querySelectorAll(controls)) element.removeAttribute('data-reached');
    document.activeElement?.blur();
  }, CONTROLS);
  const total = await page.locator(CONTROLS).count();
  // A date field takes a Tab stop for each of its year, month and day.
  for (let presses = 0; presses < total * 3 + 5; presses++) {
    await page.keyboard.press('Tab');
    await page.evaluate(() => (globalThis as any).document.activeElement?.setAttribute('data-reached', ''));
  }
  return page.evaluate((controls) => {
    const { document } = globalThis as any;
    return [...document.querySelectorAll(controls)]
      .filter((element) => !element.hasAttribute('data-reached') && element.offsetParent !== null)
      .filter((element) => !(element.type === 'radio' && document.querySelector(`input[type=radio][name="${element.name}"][data-reached]`)))
      .map((element) => element.textContent?.trim() || element.id || element.outerHTML.slice(0, 80));
  }, CONTROLS);
}
