/**
 * Shared pieces of the end-to-end suites: one demo host (SQLite, in a fresh
 * temp dir, on an ephemeral port) and one Debian Chromium per suite, logins,
 * screenshots, and a watch on every page for JS errors, dialogs and CSP
 * violations.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, requireChromium, SCREENSHOT_DIR } from '../support/chromium.ts';
import { startDemoHost, type DemoHost } from '../../examples/demo-host/app.ts';
import { DEMO_PASSWORD } from '../../examples/demo-host/seed-data.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;

export { launchChromium, requireChromium, SCREENSHOT_DIR };

export interface E2E {
  host: DemoHost;
  browser: Browser;
  dataDir: string;
  /** A fresh browser context (own cookies), optionally with clipboard permissions. */
  newContext(options?: { clipboard?: boolean; locale?: string }): Promise<BrowserContext>;
  /** A page in a fresh context, watched (see `watch`). */
  newPage(options?: { clipboard?: boolean; locale?: string }): Promise<WatchedPage>;
  close(): Promise<void>;
}

export interface PageWatch {
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** console.error lines (CSP violations show up here). */
  consoleErrors: string[];
  /** alert/confirm/prompt/beforeunload dialogs that fired. */
  dialogs: string[];
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  watch: PageWatch;
}

let seeded: Promise<string> | null = null;

/**
 * A data dir the demo host seeded once (its first start hashes a dozen
 * passwords with argon2id: seconds). Every suite starts from a copy of it, so
 * each still gets its own fresh, freshly seeded database and keys.
 */
function seededDataDir(): Promise<string> {
  seeded ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-seed-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const host = await startDemoHost({ port: 0, host: '127.0.0.1', dataDir: dir, env: {}, log: () => undefined });
    await host.close();
    return dir;
  })();
  return seeded;
}

/** Starts the demo host (on a copy of the seeded data) and Chromium for one suite. */
export async function startE2E(): Promise<E2E> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-'));
  cpSync(await seededDataDir(), dataDir, { recursive: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const serverErrors: string[] = [];
  const host = await startDemoHost({
    port: 0, host: '127.0.0.1', dataDir, env: {}, log: () => undefined,
    logError: (line) => { serverErrors.push(line); },
  });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const contexts: BrowserContext[] = [];
  const newContext: E2E['newContext'] = async (options = {}) => {
    const context = await browser.newContext({
      baseURL: host.url,
      viewport: { width: 1366, height: 900 },
      locale: options.locale ?? 'en-GB',
      permissions: options.clipboard ? ['clipboard-read', 'clipboard-write'] : [],
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };
  return {
    host, browser, dataDir, newContext,
    async newPage(options) {
      const context = await newContext(options);
      const page = await context.newPage();
      return { page, context, watch: watch(page) };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (serverErrors.length) console.warn(`demo host logged errors:\n  ${serverErrors.join('\n  ')}`);
    },
  };
}

/** Records JS errors, console errors and dialogs (dismissing them) on a page. */
export function watch(page: Page): PageWatch {
  const w: PageWatch = { errors: [], consoleErrors: [], dialogs: [] };
  page.on('pageerror', (err) => w.errors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') w.consoleErrors.push(msg.text()); });
  page.on('dialog', (dialog) => {
    w.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  return w;
}

/** Asserts the page had no uncaught error, no JS dialog and no console error so far. */
export function expectQuiet(w: PageWatch, what: string): void {
  expect(w.dialogs, `${what}: JS dialogs`).to.deep.equal([]);
  expect(w.errors, `${what}: uncaught errors`).to.deep.equal([]);
  expect(w.consoleErrors, `${what}: console errors`).to.deep.equal([]);
}

/** Signs in on the staff login page; screenshots `<name>-login` and the landing page `<name>-home`. */
export async function adminLogin(page: Page, username: string, name: string): Promise<void> {
  await page.goto('/admin/login');
  await page.fill('#login', username);
  await page.fill('#password', DEMO_PASSWORD);
  await shot(page, `${name}-login`);
  await Promise.all([page.waitForURL((url) => url.pathname === '/admin'), page.click('button[type=submit]')]);
  await shot(page, `${name}-home`);
}

/** Signs in on the client login page; screenshots `<name>-login` and the landing page `<name>-home`. */
export async function clientLogin(page: Page, email: string, name: string): Promise<void> {
  await page.goto('/login');
  await page.fill('#login', email);
  await page.fill('#password', DEMO_PASSWORD);
  await shot(page, `${name}-login`);
  await Promise.all([page.waitForURL((url) => url.pathname === '/clientarea'), page.click('button[type=submit]')]);
  await shot(page, `${name}-home`);
}

/** Screenshots beyond this height are cut: the hostile-data pages run to 10,000 px and cost seconds each. */
const MAX_SHOT_HEIGHT = 3200;

/** Full-page screenshot (up to MAX_SHOT_HEIGHT) to test-output/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  const height = await page.evaluate('document.documentElement.scrollHeight') as number;
  const width = page.viewportSize()?.width ?? 1366;
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true,
    clip: height > MAX_SHOT_HEIGHT ? { x: 0, y: 0, width, height: MAX_SHOT_HEIGHT } : undefined,
  });
}

/** Navigates, waits for the page (and Latchkey's deferred script) to be ready, and screenshots it as `name`. */
export async function visit(page: Page, path: string, name: string): Promise<void> {
  const response = await page.goto(path, { waitUntil: 'load' });
  expect(response?.status(), `GET ${path}`).to.be.below(400);
  await shot(page, name);
}

/** Clicks something that reloads the page (save, share, delete) and waits for the new document. */
export async function clickAndReload(page: Page, selector: string | ReturnType<Page['locator']>): Promise<void> {
  const locator = typeof selector === 'string' ? page.locator(selector) : selector;
  await Promise.all([page.waitForEvent('load'), locator.click()]);
}

/** The JSON API, called from inside the page with its panel's CSRF token (as latchkey.js does). */
export async function api<T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(async ({ method, path, body }) => {
    const panel = document.querySelector('[data-lk-api]');
    const base = panel?.dataset.lkApi ?? '/latchkey/api';
    const response = await fetch(base + path, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': panel?.dataset.lkCsrf ?? '' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { status: response.status, body: parsed as never };
  }, { method, path, body }) as Promise<{ status: number; body: T }>;
}

/** Id of the seeded entry with this name, as olivia (who sees everything) lists it. */
export async function entryIdByName(host: DemoHost, name: string): Promise<string> {
  const page = await host.latchkey.entries.list({ kind: 'admin', adminId: '1' }, { search: name, limit: 50 });
  const found = page.items.find((e) => e.name === name);
  if (!found) throw new Error(`no entry named "${name}"`);
  return found.id;
}
