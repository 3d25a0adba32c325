import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { Actor } from '../../core/index.ts';
import { T } from '../../examples/demo-host/schema.ts';
import {
  adminLogin, api, clickAndReload, clientLogin, shot, startE2E, visit, type E2E, type PageWatch, requireChromium } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;
declare const navigator: any;
declare const CSS: any;

/**
 * Hostile text everywhere a user or a host can put text: an entry's fields,
 * category names, and, written straight into the host's tables, a client's
 * company name, admins' and a contact's names, a role name, a service label
 * and login URL, a ticket subject. Every page where they show is visited as
 * the people who see them, every dialog opened, every password revealed; the
 * payloads must stay text: no JS dialog, no `window.__xss`, no element or
 * attribute made from data, no link that is not http(s).
 */

const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '"><img src=x onerror="window.__xss=1">';
const ATTR = "' onmouseover='window.__xss=1";
const SVG = '</textarea><svg onload="window.__xss=1">';
const TEMPLATE = "{{constructor.constructor('window.__xss=1')()}}";
const JS_TEXT = 'javascript:window.__xss=1';
const TEXT_PAYLOADS = [SCRIPT, IMG, ATTR, SVG, TEMPLATE, JS_TEXT];
const ALL = `${SCRIPT}${IMG}${ATTR}`;

/** URLs that must never become links: the API refuses them all. */
const BAD_URLS = [
  'javascript:window.__xss=1',
  'JaVaScRiPt:window.__xss=1',
  '&#106;avascript:window.__xss=1',
  ' javascript:window.__xss=1',
  'java\tscript:window.__xss=1',
  'java\nscript:window.__xss=1',
  '\u0000javascript:window.__xss=1',
  'javascript://example.com/%0Awindow.__xss=1',
  'data:text/html,<script>window.__xss=1</script>',
  'vbscript:msgbox(1)',
  '//evil.example/',
  'https://',
  'file:///etc/passwd',
];

/** http(s) URLs that carry payloads: accepted, and must come out as inert attribute values. */
const HOSTILE_HTTP_URLS = [
  `https://xss.example/"><script>window.__xss=1</script>`,
  `https://xss.example/?q=' onmouseover='window.__xss=1`,
];

const OLIVIA: Actor = { kind: 'admin', adminId: '1' };
const BLUE_HARBOUR: Actor = { kind: 'client', clientId: '1' };

describe('[sqlite] e2e: hostile text renders inert everywhere', function () {
  let e2e: E2E;
  const ids: string[] = [];
  let adminCategoryId = '';
  let clientCategoryId = '';

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    const { knex, latchkey: lk } = e2e.host;

    // The host's own data.
    await knex(T.clients).where('id', 1).update({ company: `Blue Harbour ${ALL}` });
    await knex(T.admins).where('id', 1).update({ name: `Olivia ${IMG}${SCRIPT}` });
    await knex(T.admins).where('id', 2).update({ name: `Sam ${ATTR}${SVG}` });
    await knex(T.contacts).where('id', 2).update({ name: `Tom ${SCRIPT}${ATTR}` });
    await knex(T.adminRoles).where('id', 3).update({ name: `Billing ${IMG}` });
    await knex(T.services).where('id', 1).update({ login_url: 'javascript:window.__xss=1' });
    await knex(T.services).where('id', 3).update({ label: `Mail ${SCRIPT}`, login_url: ' JaVaScRiPt:window.__xss=1' });
    await knex(T.tickets).where('id', 1).update({ subject: `Checkout ${ALL}` });

    // Categories, an admin one (with every kind of member) and the client's own.
    adminCategoryId = (await lk.categories.create(OLIVIA, {
      name: `Admin cat ${SCRIPT}${IMG}`,
      members: [{ kind: 'admin_role', id: '3' }, { kind: 'admin', id: '1', canEdit: true }, { kind: 'client', id: '1' }],
    })).id;
    clientCategoryId = (await lk.categories.create(BLUE_HARBOUR, {
      name: `Client cat ${ATTR}${SVG}`, members: [{ kind: 'contact', id: '2' }],
    })).id;

    // Entries: every text field hostile, owned by staff (shared with the client, its contact and a role) and by the client.
    for (const [i, payload] of TEXT_PAYLOADS.entries()) {
      const staff = await lk.entries.create(OLIVIA, {
        name: `XSS staff ${i} ${payload}`, username: payload, password: payload, notes: `${payload} ${ALL}`,
        loginUrl: HOSTILE_HTTP_URLS[i % 2], websiteUrl: HOSTILE_HTTP_URLS[(i + 1) % 2],
        clientId: '1', ticketId: i === 0 ? '1' : undefined, categoryId: i % 2 ? adminCategoryId : null, reminderDays: 1,
        grants: [{ kind: 'client', id: '1' }, { kind: 'contact', id: '2', canEdit: true }, { kind: 'admin_role', id: '3' }],
      });
      const own = await lk.entries.create(BLUE_HARBOUR, {
        name: `XSS client ${i} ${payload}`, username: payload, password: payload, notes: payload,
        websiteUrl: HOSTILE_HTTP_URLS[i % 2], categoryId: clientCategoryId, sharedWithAdmin: true,
      });
      ids.push(staff.id, own.id);
    }
    // A changed password, so the history dialog has an old hostile one to reveal.
    const first = await lk.entries.get(OLIVIA, ids[0]!);
    await lk.entries.update(OLIVIA, ids[0]!, { version: first.version, password: `${SCRIPT} new` });
  });
  after(async () => e2e?.close());

  it('the API refuses every URL that is not http(s), in every case and encoding', async () => {
    const olivia = await e2e.newPage();
    await adminLogin(olivia.page, 'olivia', 'xss-api-olivia');
    await visit(olivia.page, '/admin/clients/1', 'xss-api-olivia-summary');
    const client = await e2e.newPage();
    await clientLogin(client.page, 'hello@blueharbourcoffee.example', 'xss-api-emma');
    await visit(client.page, '/clientarea/passwords', 'xss-api-emma-passwords');
    const entry = await e2e.host.latchkey.entries.get(OLIVIA, ids[0]!);

    for (const url of BAD_URLS) {
      for (const field of ['loginUrl', 'websiteUrl']) {
        const created = await api<{ field?: string; issues?: Array<{ field: string }> }>(olivia.page, 'POST', '/entries',
          { name: 'bad url (admin)', clientId: '1', [field]: url });
        expect(created.status, `admin POST ${field}=${JSON.stringify(url)}`).to.equal(400);
        const fields = [created.body.field, ...(created.body.issues ?? []).map((x) => x.field)];
        expect(fields, JSON.stringify(created.body)).to.include(field);
        const updated = await api(olivia.page, 'PATCH', `/entries/${entry.id}`, { version: entry.version, [field]: url });
        expect(updated.status, `admin PATCH ${field}=${JSON.stringify(url)}`).to.equal(400);
        const own = await api(client.page, 'POST', '/entries', { name: 'bad url (client)', [field]: url });
        expect(own.status, `client POST ${field}=${JSON.stringify(url)}`).to.equal(400);
      }
    }
    const stored = await e2e.host.latchkey.entries.list(OLIVIA, { search: 'bad url', limit: 50 });
    expect(stored.total).to.equal(0);
    expect((await e2e.host.latchkey.entries.get(OLIVIA, entry.id)).version).to.equal(entry.version);
  });

  it('the entry dialog refuses a javascript: URL and saves hostile text as text', async () => {
    const w = await e2e.newPage();
    const { page } = w;
    await adminLogin(page, 'olivia', 'xss-dialog-olivia');
    await visit(page, '/admin/clients/1', 'xss-dialog-summary');
    const panel = page.locator('.lk-panel.lk-summary');
    await panel.locator('[data-lk-new]').click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    // The category list offers the hostile admin category as text.
    expect(await dialog.locator('select[name=categoryId] option').allTextContents()).to.include(`Admin cat ${SCRIPT}${IMG}`);
    await dialog.locator('[name=name]').fill(`XSS ui ${IMG}`);
    await dialog.locator('[name=username]').fill(ATTR);
    await dialog.locator('[name=password]').fill(SCRIPT);
    await dialog.locator('[name=notes]').fill(`${SCRIPT}${SVG}`);
    await dialog.locator('[name=loginUrl]').fill('JaVaScRiPt:window.__xss=1');
    await dialog.locator('button[type=submit]').click();
    await page.waitForFunction(() => (document.querySelector('[data-lk-entry-dialog] [data-lk-error-for="loginUrl"]')?.textContent ?? '') !== '');
    expect(await dialog.evaluate((d) => (d as { open: boolean }).open)).to.equal(true);
    expect(await dialog.locator('[name=loginUrl]').getAttribute('aria-invalid')).to.equal('true');
    await shot(page, 'xss-dialog-refused-url');

    await dialog.locator('[name=loginUrl]').fill(HOSTILE_HTTP_URLS[0]!);
    await clickAndReload(page, dialog.locator('button[type=submit]'));
    const row = panel.locator('.lk-entry', { hasText: 'XSS ui' });
    expect(await row.locator('.lk-name').innerText()).to.equal(`XSS ui ${IMG}`);
    ids.push((await row.getAttribute('data-lk-row'))!);
    await shot(page, 'xss-dialog-saved');
    await expectInert(page, w.watch, 'summary after the dialog');
  });

  it('staff pages: client summary, ticket sidebar and the host pages around them', async () => {
    for (const who of ['olivia', 'sam']) {
      const w = await e2e.newPage({ clipboard: true });
      await adminLogin(w.page, who, `xss-${who}`);
      await expectInert(w.page, w.watch, `${who}: host dashboard`, [`Checkout ${SCRIPT}`]);

      await visit(w.page, '/admin/clients', `xss-${who}-clients`);
      await expectInert(w.page, w.watch, `${who}: clients`, [`Blue Harbour ${ALL}`]);

      await visit(w.page, '/admin/clients/1', `xss-${who}-summary-page`);
      const summaryText = [`Blue Harbour ${ALL}`, `XSS client 2 ${ATTR}`, `Mail ${SCRIPT}`];
      // Sam (Support) sees the client's data; Olivia (extended) also the staff entries and the admin category.
      if (who === 'olivia') summaryText.push(`XSS staff 0 ${SCRIPT}`, `Admin cat ${SCRIPT}${IMG}`, `Sam ${ATTR}${SVG}`, `Olivia ${IMG}${SCRIPT}`);
      await expectInert(w.page, w.watch, `${who}: summary`, summaryText);
      // No link from the services' hostile login URLs.
      expect(await w.page.locator('[data-lk-row="service:1"] a, [data-lk-row="service:3"] a').count()).to.equal(0);
      await exercise(w.page, '.lk-panel.lk-summary');
      await expectInert(w.page, w.watch, `${who}: summary after reveal and dialogs`, [who === 'olivia' ? `${SCRIPT} ${ALL}` : SVG]);
      // A copied hostile username is the text itself.
      const copy = w.page.locator(`[data-lk-row="${ids[3]}"] [data-lk-field="username"]`);
      await copy.click();
      await w.page.waitForFunction(async (expected) => (await navigator.clipboard.readText()) === expected, IMG);
      await shot(w.page, `xss-${who}-summary`);

      await visit(w.page, '/admin/tickets/1', `xss-${who}-ticket-page`);
      await expectInert(w.page, w.watch, `${who}: ticket`, [`Checkout ${ALL}`, `XSS client 0 ${SCRIPT}`, `Blue Harbour ${ALL}`]);
      await exercise(w.page, '.lk-panel.lk-ticket');
      await expectInert(w.page, w.watch, `${who}: ticket after reveal and dialogs`);
      await shot(w.page, `xss-${who}-ticket`);
    }
  });

  it("the addon's pages, with hostile filters in the query string too", async () => {
    const w = await e2e.newPage();
    const { page } = w;
    await adminLogin(page, 'olivia', 'xss-addon-olivia');
    const base = '/admin/addons/latchkey';
    const q = encodeURIComponent;

    await visit(page, `${base}?page=dashboard`, 'xss-addon-dashboard-page');
    await expectInert(page, w.watch, 'addon dashboard', [`Blue Harbour ${ALL}`, `Olivia ${IMG}${SCRIPT}`, `Admin cat ${SCRIPT}${IMG}`]);
    await shot(page, 'xss-addon-dashboard');

    await visit(page, `${base}?page=entries`, 'xss-addon-entries-page');
    await expectInert(page, w.watch, 'addon entries', [`XSS client 1 ${IMG}`, `Billing ${IMG}`, `Tom ${SCRIPT}${ATTR}`]);
    await exercise(page, '.lk-panel');
    await expectInert(page, w.watch, 'addon entries after reveal and dialogs');
    await shot(page, 'xss-addon-entries');

    await visit(page, `${base}?page=entries&search=${q(SCRIPT)}`, 'xss-addon-entries-hostile-search');
    await expectInert(page, w.watch, 'addon entries, hostile search');
    expect(await page.locator('.lk-filter input[name=search]').inputValue()).to.equal(SCRIPT);
    await visit(page, `${base}?page=entries&search=${q(IMG)}&offset=${q(ATTR)}&${q(IMG)}=${q(SCRIPT)}`, 'xss-addon-entries-hostile-query');
    await expectInert(page, w.watch, 'addon entries, hostile query');

    await visit(page, `${base}?page=categories`, 'xss-addon-categories-page');
    await expectInert(page, w.watch, 'addon categories', [`Admin cat ${SCRIPT}${IMG}`, `Billing ${IMG}`, `Olivia ${IMG}${SCRIPT}`, `Blue Harbour ${ALL}`]);
    await exercise(page, '.lk-panel');
    await expectInert(page, w.watch, 'addon categories after dialogs');
    await shot(page, 'xss-addon-categories');

    await visit(page, `${base}?page=settings`, 'xss-addon-settings-page');
    await expectInert(page, w.watch, 'addon settings', [`Billing ${IMG}`, `Sam ${ATTR}${SVG}`]);
    await shot(page, 'xss-addon-settings');

    await visit(page, `${base}?page=audit`, 'xss-addon-audit-page');
    await expectInert(page, w.watch, 'addon audit');
    await visit(page, `${base}?page=audit&action=entry.create`, 'xss-addon-audit-creations');
    // The audit's sentences name entries and categories as the text they are.
    await expectInert(page, w.watch, 'addon audit, creations', [`XSS ui ${IMG}`, `XSS staff 5 ${JS_TEXT}`]);
    await visit(page, `${base}?page=audit&action=category.create`, 'xss-addon-audit-categories');
    await expectInert(page, w.watch, 'addon audit, categories', [`Admin cat ${SCRIPT}${IMG}`, `Client cat ${ATTR}${SVG}`]);
    await shot(page, 'xss-addon-audit');
    for (const [i, payload] of [SCRIPT, IMG, ATTR].entries()) {
      await visit(page, `${base}?page=audit&clientId=${q(payload)}&actor=${q(payload)}&entryId=${q(payload)}&action=${q(payload)}&from=${q(payload)}`, `xss-addon-audit-hostile-filter-${i}`);
      await expectInert(page, w.watch, `addon audit, hostile filter ${payload}`);
    }
  });

  it('the client area, for the main account and for the hostile-named contact', async () => {
    for (const login of ['hello@blueharbourcoffee.example', 'tom@blueharbourcoffee.example']) {
      const w = await e2e.newPage();
      await clientLogin(w.page, login, `xss-client-${login.split('@')[0]}`);
      await expectInert(w.page, w.watch, `${login}: dashboard`, [`Mail ${SCRIPT}`]);
      await visit(w.page, '/clientarea/passwords', `xss-client-${login.split('@')[0]}-passwords-page`);
      const expected = login.startsWith('hello')
        ? [`XSS client 3 ${SVG}`, `XSS staff 1 ${IMG}`, `Client cat ${ATTR}${SVG}`, `Tom ${SCRIPT}${ATTR}`, `Olivia ${IMG}${SCRIPT}`, `Mail ${SCRIPT}`]
        : [`XSS client 3 ${SVG}`, `XSS staff 1 ${IMG}`];
      await expectInert(w.page, w.watch, `${login}: passwords`, expected);
      expect(await w.page.locator('[data-lk-row="service:1"] a, [data-lk-row="service:3"] a').count()).to.equal(0);
      await exercise(w.page, '.lk-panel.lk-clientarea');
      await expectInert(w.page, w.watch, `${login}: passwords after reveal and dialogs`);
      await shot(w.page, `xss-client-${login.split('@')[0]}-passwords-exercised`);
    }
  });
});

/**
 * Reveals every password in the panel, and opens (then closes) every dialog
 * of the rows that carry a payload, and the add and category dialogs.
 */
async function exercise(page: Page, panelSelector: string): Promise<void> {
  const panel = page.locator(panelSelector).first();
  const reveals = await panel.locator('[data-lk-reveal]').evaluateAll((els) => els.map((el) => el.getAttribute('data-lk-reveal')!));
  const clicked: string[] = [];
  for (const id of reveals) {
    const button = panel.locator(`[data-lk-reveal="${id}"]`);
    if (!(await button.isVisible())) continue;
    await button.click();
    clicked.push(id);
  }
  await page.waitForFunction((all) => all.every((x) => document.querySelector(`[data-lk-reveal="${CSS.escape(x)}"]`)?.getAttribute('aria-pressed') === 'true'), clicked);
  // Every dialog of every row that carries a payload: opened (the script fills it from the row's data) and closed.
  const opened = await page.evaluate(`${OPEN_DIALOGS}(${JSON.stringify(panelSelector)})`) as number;
  expect(opened).to.be.greaterThan(0);
  // The history dialog loads over the API: two of them, with an old password revealed.
  const histories = panel.locator('[data-lk-row]').filter({ hasText: 'window.__xss', visible: true }).locator('[data-lk-history]');
  for (let i = 0; i < Math.min(2, await histories.count()); i += 1) {
    await histories.nth(i).click();
    await page.waitForFunction(() => document.querySelector('dialog[open][data-lk-history-dialog]'));
    const reveal = page.locator('dialog[open] [data-lk-history-reveal]').first();
    if (await reveal.count()) {
      await reveal.click();
      await page.waitForFunction(() => document.querySelector('dialog[open] [data-lk-history-secret]')?.textContent !== '••••••••');
    }
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  }
  // The pointer over hostile names (an injected onmouseover would fire).
  const names = panel.locator('.lk-name, td').filter({ hasText: 'window.__xss', visible: true });
  for (let i = 0; i < Math.min(6, await names.count()); i += 1) await names.nth(i).hover();
  for (const opener of ['[data-lk-new]', '[data-lk-category-new]']) {
    const button = panel.locator(opener).first();
    if ((await button.count()) === 0 || !(await button.isVisible())) continue;
    await button.click();
    await page.waitForSelector('dialog[open]');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  }
  await page.mouse.move(0, 0);
}

/**
 * The page shows the payloads it should, as text, and nothing of them became
 * code: no dialog, no `window.__xss`, no script but Latchkey's and the
 * host's own files, no `on*` attribute anywhere (templates included), no
 * element a payload would create, no link or form action that is not http(s).
 */
async function expectInert(page: Page, watch: PageWatch, what: string, shownAsText: string[] = []): Promise<void> {
  const problems = await page.evaluate(INERT_CHECK) as string[];
  expect(problems, `${what}: ${problems.join('; ')}`).to.deep.equal([]);
  expect(watch.dialogs, `${what}: JS dialogs`).to.deep.equal([]);
  expect(watch.errors, `${what}: uncaught errors`).to.deep.equal([]);
  expect(watch.consoleErrors.filter((line) => /Content Security Policy|Refused to/i.test(line)), `${what}: CSP violations`).to.deep.equal([]);
  if (shownAsText.length) {
    const text = await page.evaluate(() => {
      // Text as typed: the page's text plus what attributes, options and dialogs hold.
      const parts: string[] = [document.body.textContent ?? ''];
      for (const el of Array.from(document.querySelectorAll('[aria-label], [title]')) as any[]) parts.push(el.getAttribute('aria-label') ?? '', el.getAttribute('title') ?? '');
      return parts.join('\n');
    });
    for (const expected of shownAsText) expect(text, `${what}: shows ${JSON.stringify(expected)} as text`).to.contain(expected);
  }
}

/**
 * Runs in the page. A string, not a function: tsx's transform would wrap the
 * named inner function in a helper the page does not have.
 */
const INERT_CHECK = String.raw`(() => {
  const found = [];
  if (window.__xss !== undefined) found.push('window.__xss is set');
  const check = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) found.push(attr.name + ' attribute on <' + el.tagName.toLowerCase() + '>');
        if (/^(href|src|action|formaction|xlink:href|data)$/i.test(attr.name)
          && /^(javascript|data|vbscript):/i.test(attr.value.replace(/[\s\u0000-\u001f]/g, ''))) {
          found.push(attr.name + '="' + attr.value + '" on <' + el.tagName.toLowerCase() + '>');
        }
      }
      const tag = el.tagName.toLowerCase();
      if (tag === 'script') {
        const src = el.getAttribute('src');
        const url = src ? new URL(src, location.href) : null;
        if (!url || url.origin !== location.origin || !/^\/(latchkey\/assets\/latchkey|assets\/[a-z-]+)\.js$/.test(url.pathname)
          || (el.textContent || '').trim()) {
          found.push('script ' + el.outerHTML.slice(0, 120));
        }
      }
      if (['img', 'iframe', 'object', 'embed', 'base', 'frame'].includes(tag)) found.push('<' + tag + '> ' + el.outerHTML.slice(0, 120));
      if (tag === 'svg' && !el.matches('.logo, .key-icon')) found.push('svg ' + el.outerHTML.slice(0, 120));
      if (tag === 'meta' && el.hasAttribute('http-equiv')) found.push('meta ' + el.outerHTML);
      if (el instanceof HTMLTemplateElement) check(el.content);
    }
  };
  check(document);
  // Latchkey's links are http(s) only; the host's own page may also mail and call.
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    const allowed = a.closest('.lk') ? ['http:', 'https:'] : ['http:', 'https:', 'mailto:', 'tel:'];
    if (!allowed.includes(a.protocol)) found.push('link to ' + a.getAttribute('href'));
  }
  for (const f of document.querySelectorAll('form')) {
    const action = f.getAttribute('action');
    if (action !== null && !/^https?:$/.test(new URL(action, location.href).protocol)) found.push('form action ' + action);
  }
  return found;
})()`;

/** Runs in the page: clicks every dialog button of the rows with a payload, closes each dialog; returns how many opened. */
const OPEN_DIALOGS = String.raw`((panelSelector) => {
  const panel = document.querySelector(panelSelector);
  const actions = ['data-lk-edit', 'data-lk-share', 'data-lk-delete', 'data-lk-category-edit', 'data-lk-category-delete'];
  let opened = 0;
  for (const row of panel.querySelectorAll('[data-lk-row], .lk-category, tbody tr')) {
    if (!row.textContent.includes('window.__xss') || row.closest('dialog')) continue;
    for (const action of actions) {
      for (const button of row.querySelectorAll('[' + action + ']')) {
        button.click();
        const dialog = document.querySelector('dialog[open]');
        if (!dialog) throw new Error('no dialog opened by ' + action);
        opened += 1;
        dialog.close();
      }
    }
  }
  return opened;
})`;
