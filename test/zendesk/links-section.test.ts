/**
 * The installer manages Zendesk links on Latchkey's addon pages (the
 * `zendeskLinksSection` the host passes to `mountLatchkey({ addonSections })`),
 * over real HTTP on loopback, links kept in Latchkey's database
 * (`KnexZendeskMapping`): who may, what bad input gets, and that a refusal
 * writes nothing.
 */
import express from 'express';
import { expect } from 'chai';
import { mountLatchkey } from '../../adapters/express/index.ts';
import type { ZendeskLink } from '../../adapters/zendesk/index.ts';
import type { Actor, AddonSection, Latchkey } from '../../core/index.ts';
import type { Browser, HttpResponse } from '../express/harness.ts';
import { forEachDatabase, type TestDatabase } from '../support/databases.ts';
import { acme, owner, sam } from '../support/host-fixture.ts';
import { BASE, SUBDOMAIN, ZD, ZendeskHost } from './support.ts';

const LINK = '/addon/zendesk-links/link';
const UNLINK = '/addon/zendesk-links/unlink';
const PAGE = { page: 'zendesk-links' };

interface ErrorBody {
  error: string;
  field: string;
  issues: Array<{ field: string; rule: string; message: string }>;
}

function linksSuite(db: TestDatabase): void {
  let h: ZendeskHost;

  before(async () => {
    h = await ZendeskHost.start(db);
    await h.seed();
  });
  after(async () => h?.close());

  /** A browser logged in to the billing platform, with the CSRF token of a page it may open. */
  async function signedIn(actor: Actor, place: 'adminPages' | 'clientSummary' | 'clientArea' = 'adminPages', context: Record<string, string> = PAGE) {
    const browser = h.browser(actor);
    const page = await browser.hostPage(place, context);
    expect(page.status, `${place} for ${JSON.stringify(actor)}`).to.equal(200);
    return { browser, csrf: page.csrf, html: page.html };
  }

  /** Everything a refused request must leave alone: the links, and the audit log. */
  async function snapshot(): Promise<{ links: ZendeskLink[]; audit: number }> {
    const [links, events] = await Promise.all([h.mapping.list(), h.vault.lk.audit.list(owner, { limit: 500 })]);
    return { links, audit: events.length };
  }

  const post = (b: Browser, path: string, body: unknown, csrf: string | null): Promise<HttpResponse> => b.api('POST', path, body, csrf);

  it('the addon manager finds "Zendesk links" in the addon pages’ navigation, after the built-in pages', async () => {
    const { html } = await signedIn(owner, 'adminPages', {});
    const nav = [...html.matchAll(/<li><a href="([^"]*)"[^>]*>([^<]*)<\/a><\/li>/g)].map((m) => m[2]);
    // Every built-in page first (the list grows as Latchkey does), the adapter's section last.
    expect(nav.slice(0, 5)).to.deep.equal(['Dashboard', 'All access details', 'Categories', 'Settings', 'Audit log']);
    expect(nav.indexOf('Zendesk links')).to.equal(nav.length - 1);
    // Handlebars writes `=` in attributes as &#x3D;.
    expect(html).to.contain('href="/host/page/adminPages?page&#x3D;zendesk-links"');
  });

  it('the page lists the links by kind with the admin’s or client’s name from the host, and offers the host’s admins', async () => {
    const { html } = await signedIn(owner);
    expect(html).to.contain('<a href="/host/page/adminPages?page&#x3D;zendesk-links" aria-current="page">Zendesk links</a>');
    expect(html).to.contain('<h1 class="lk-title" id="lk-title-admin-zendesk-links">Zendesk links</h1>');
    const table = (kind: string) => new RegExp(`data-lk-links="${kind}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
    expect(table('agent')).to.contain('Sam Support').and.to.contain('Sid Sysadmin').and.to.contain('Sam in Zendesk');
    expect(table('agent')).to.contain(`href="https://${SUBDOMAIN}.zendesk.com/agent/users/${ZD.samAgent}"`);
    expect(table('user')).to.contain('Acme Ltd');
    expect(table('organization')).to.contain('Globex');
    expect(table('email')).to.contain(ZD.globexEmail);
    expect(table('ticket')).to.equal('');
    const adminSelect = /<select name="adminId">[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';
    expect(adminSelect).to.contain('value="a-owner">Olivia Owner').and.to.contain('value="a-sam">Sam Support');
    // Only the kinds an installer links by hand are offered; ticket links are the sidebar's.
    const kinds = [...(/<select name="kind">[\s\S]*?<\/select>/.exec(html)?.[0] ?? '').matchAll(/value="(\w+)"/g)].map((m) => m[1]);
    expect(kinds).to.deep.equal(['agent', 'user', 'email', 'organization']);
  });

  it('the addon manager links an organization to a client: 204, it is in the mapping, the page names the client and the audit log says who', async () => {
    const { browser, csrf } = await signedIn(owner);
    const response = await post(browser, LINK, { kind: 'organization', zendeskId: ZD.acmeOrganization, clientId: 'c-acme', adminId: '', label: 'Acme org' }, csrf);
    expect(response.status, response.text).to.equal(204);
    const link = (await h.mapping.find('organization', [ZD.acmeOrganization])).get(ZD.acmeOrganization);
    expect(link).to.deep.equal({ kind: 'organization', zendeskId: ZD.acmeOrganization, latchkeyId: 'c-acme', label: 'Acme org' });
    const page = await browser.hostPage('adminPages', PAGE);
    const row = new RegExp(`<tr data-lk-link="${ZD.acmeOrganization}">[\\s\\S]*?</tr>`).exec(page.html)?.[0] ?? '';
    expect(row).to.contain('Acme Ltd').and.to.contain('c-acme').and.to.contain('Acme org');
    const [event] = await h.vault.lk.audit.list(owner, { action: 'addon.change', limit: 1 });
    expect(event).to.deep.include({ actor: { kind: 'admin', id: 'a-owner' }, clientId: 'c-acme' });
    expect(event!.details).to.deep.equal({
      section: 'zendesk-links', action: 'link', kind: 'organization', zendeskId: ZD.acmeOrganization, latchkeyId: 'c-acme', replaced: null,
    });
  });

  it('linking an agent takes an enabled admin of the host, and an email link is stored lower-case', async () => {
    const { browser, csrf } = await signedIn(owner);
    expect((await post(browser, LINK, { kind: 'agent', zendeskId: ZD.strangerAgent, adminId: 'a-owner', clientId: '' }, csrf)).status).to.equal(204);
    expect((await h.mapping.find('agent', [ZD.strangerAgent])).get(ZD.strangerAgent)?.latchkeyId).to.equal('a-owner');
    expect((await post(browser, LINK, { kind: 'email', zendeskId: '  Boss@Acme.TEST ', clientId: 'c-acme' }, csrf)).status).to.equal(204);
    expect((await h.mapping.find('email', ['boss@acme.test'])).get('boss@acme.test')?.latchkeyId).to.equal('c-acme');
    const page = await browser.hostPage('adminPages', PAGE);
    expect(new RegExp(`<tr data-lk-link="${ZD.strangerAgent}">[\\s\\S]*?</tr>`).exec(page.html)?.[0]).to.contain('Olivia Owner');
  });

  it('linking an id that is linked already replaces its link, and the audit log names the one replaced', async () => {
    const { browser, csrf } = await signedIn(owner);
    expect((await post(browser, LINK, { kind: 'agent', zendeskId: ZD.sidAgent, adminId: 'a-sam' }, csrf)).status).to.equal(204);
    expect((await h.mapping.find('agent', [ZD.sidAgent])).get(ZD.sidAgent)?.latchkeyId).to.equal('a-sam');
    const [event] = await h.vault.lk.audit.list(owner, { action: 'addon.change', limit: 1 });
    expect(event!.details).to.include({ kind: 'agent', latchkeyId: 'a-sam', replaced: 'a-sys' });
    expect((await post(browser, LINK, { kind: 'agent', zendeskId: ZD.sidAgent, adminId: 'a-sys' }, csrf)).status).to.equal(204);
  });

  it('the addon manager removes a link: it is gone from the mapping and from the page, and the audit log says so', async () => {
    const { browser, csrf } = await signedIn(owner);
    await h.mapping.link({ kind: 'user', zendeskId: '7777', latchkeyId: 'c-globex' });
    const response = await post(browser, UNLINK, { kind: 'user', zendeskId: '7777' }, csrf);
    expect(response.status, response.text).to.equal(204);
    expect((await h.mapping.find('user', ['7777'])).size).to.equal(0);
    expect((await browser.hostPage('adminPages', PAGE)).html).not.to.contain('data-lk-link="7777"');
    const [event] = await h.vault.lk.audit.list(owner, { action: 'addon.change', limit: 1 });
    expect(event).to.deep.include({ clientId: 'c-globex' });
    expect(event!.details).to.include({ action: 'unlink', kind: 'user', zendeskId: '7777', latchkeyId: 'c-globex' });
  });

  it('ticket links the sidebar wrote are listed with their client, and the addon manager may remove one', async () => {
    await h.mapping.link({ kind: 'ticket', zendeskId: ZD.acmeTicket, latchkeyId: 'c-acme', label: 'Ticket 4242: cannot log in' });
    const { browser, csrf, html } = await signedIn(owner);
    const table = /data-lk-links="ticket"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(table).to.contain('Acme Ltd').and.to.contain('Ticket 4242: cannot log in');
    expect(table).to.contain(`href="https://${SUBDOMAIN}.zendesk.com/agent/tickets/${ZD.acmeTicket}"`);
    expect((await post(browser, UNLINK, { kind: 'ticket', zendeskId: ZD.acmeTicket }, csrf)).status).to.equal(204);
    expect((await h.mapping.list('ticket')).length).to.equal(0);
  });

  it('removing a link that is not there is 404 and writes nothing', async () => {
    const { browser, csrf } = await signedIn(owner);
    const before = await snapshot();
    const response = await post(browser, UNLINK, { kind: 'organization', zendeskId: '123456' }, csrf);
    expect(response.status).to.equal(404);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('a label is text on the page: markup in it is escaped, never run', async () => {
    const { browser, csrf } = await signedIn(owner);
    const label = '<img src=x onerror=alert(1)> "quoted"';
    expect((await post(browser, LINK, { kind: 'user', zendeskId: '7100', clientId: 'c-acme', label }, csrf)).status).to.equal(204);
    const { html } = await browser.hostPage('adminPages', PAGE);
    expect(html).not.to.contain('<img src=x');
    expect(html).to.contain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &quot;quoted&quot;');
    await h.mapping.unlink('user', '7100');
  });

  it('an admin who may not run the addon gets no Zendesk links page and is refused (403) by its actions; nothing is written', async () => {
    expect((await h.browser(sam).hostPage('adminPages', PAGE)).status).to.equal(404);
    // Sam has a CSRF token of his own, from a client summary he may open.
    const { browser, csrf } = await signedIn(sam, 'clientSummary', { clientId: 'c-acme' });
    const before = await snapshot();
    const link = await post(browser, LINK, { kind: 'agent', zendeskId: ZD.strangerAgent, adminId: 'a-sam' }, csrf);
    expect(link.status).to.equal(403);
    expect(link.json()).to.include({ error: 'forbidden' });
    expect((await post(browser, UNLINK, { kind: 'agent', zendeskId: ZD.samAgent }, csrf)).status).to.equal(403);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('a client gets no addon pages and is refused (403) by the actions; nothing is written', async () => {
    expect((await h.browser(acme).hostPage('adminPages', PAGE)).status).to.equal(404);
    const { browser, csrf } = await signedIn(acme, 'clientArea', {});
    const before = await snapshot();
    expect((await post(browser, LINK, { kind: 'user', zendeskId: '7999', clientId: 'c-acme' }, csrf)).status).to.equal(403);
    expect((await post(browser, UNLINK, { kind: 'user', zendeskId: ZD.acmeRequester }, csrf)).status).to.equal(403);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('nobody signed in gets 401 and nothing is written', async () => {
    const before = await snapshot();
    expect((await post(h.browser(), LINK, { kind: 'user', zendeskId: '7999', clientId: 'c-acme' }, null)).status).to.equal(401);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('without the page’s CSRF token, or with another user’s, the addon manager’s request is refused (403) and nothing is written', async () => {
    const { browser } = await signedIn(owner);
    const { csrf: samsToken } = await signedIn(sam, 'clientSummary', { clientId: 'c-acme' });
    const before = await snapshot();
    for (const csrf of [null, samsToken, 'forged.token']) {
      const response = await post(browser, LINK, { kind: 'user', zendeskId: '7999', clientId: 'c-acme' }, csrf);
      expect(response.status, String(csrf)).to.equal(403);
      expect(response.json()).to.include({ error: 'csrf' });
    }
    expect(await snapshot()).to.deep.equal(before);
  });

  const badInputs: Array<[string, string, Record<string, unknown>, string, string]> = [
    ['a ticket link made by hand', LINK, { kind: 'ticket', zendeskId: '4242', clientId: 'c-acme' }, 'kind', 'oneOf'],
    ['an unknown kind', LINK, { kind: 'group', zendeskId: '4242', clientId: 'c-acme' }, 'kind', 'oneOf'],
    ['no kind', LINK, { zendeskId: '4242', clientId: 'c-acme' }, 'kind', 'required'],
    ['a Zendesk id that is not a number', LINK, { kind: 'user', zendeskId: '72a', clientId: 'c-acme' }, 'zendeskId', 'badId'],
    ['no Zendesk id', LINK, { kind: 'organization', zendeskId: ' ', clientId: 'c-acme' }, 'zendeskId', 'required'],
    ['an email link without an email address', LINK, { kind: 'email', zendeskId: 'not-an-address', clientId: 'c-acme' }, 'zendeskId', 'invalid'],
    ['an agent without an admin', LINK, { kind: 'agent', zendeskId: '9100', adminId: '', clientId: 'c-acme' }, 'adminId', 'required'],
    ['an agent linked to an admin the host does not have', LINK, { kind: 'agent', zendeskId: '9100', adminId: 'a-nobody' }, 'adminId', 'notAnAdmin'],
    ['an end user linked to a client the host does not have', LINK, { kind: 'user', zendeskId: '7100', clientId: 'c-nobody' }, 'clientId', 'notInHost'],
    ['a client id with spaces', LINK, { kind: 'user', zendeskId: '7100', clientId: 'c acme' }, 'clientId', 'hostId'],
    ['a label of 201 characters', LINK, { kind: 'user', zendeskId: '7100', clientId: 'c-acme', label: 'x'.repeat(201) }, 'label', 'tooLong'],
    ['a field the form does not have', LINK, { kind: 'user', zendeskId: '7100', clientId: 'c-acme', account: 'other' }, 'account', 'unknownField'],
    ['removing a link of an unknown kind', UNLINK, { kind: 'group', zendeskId: '8001' }, 'kind', 'oneOf'],
    ['removing with an id that is not a number', UNLINK, { kind: 'agent', zendeskId: '90O1' }, 'zendeskId', 'badId'],
  ];
  for (const [what, path, body, field, rule] of badInputs) {
    it(`${what} is refused with 400 naming "${field}" (${rule}), and nothing is written`, async () => {
      const { browser, csrf } = await signedIn(owner);
      const before = await snapshot();
      const response = await post(browser, path, body, csrf);
      expect(response.status, response.text).to.equal(400);
      const error = response.json<ErrorBody>();
      expect(error.error).to.equal('invalid_input');
      expect(error.field).to.equal(field);
      expect(error.issues.map((i) => [i.field, i.rule])).to.deep.include([field, rule]);
      expect(error.issues[0]!.message).to.be.a('string').and.not.to.match(/^validation\./);
      expect(await snapshot()).to.deep.equal(before);
    });
  }

  it('a body that is not an object is refused with 400, and nothing is written', async () => {
    const { browser, csrf } = await signedIn(owner);
    const before = await snapshot();
    const response = await browser.send('POST', `${BASE}/api${LINK}`, { raw: { body: '["agent"]', type: 'application/json' }, csrf });
    expect(response.status).to.equal(400);
    expect(response.json<ErrorBody>().field).to.equal('(body)');
    expect(await snapshot()).to.deep.equal(before);
  });

  it('an action or section that does not exist is 404 for the addon manager', async () => {
    const { browser, csrf } = await signedIn(owner);
    for (const path of ['/addon/zendesk-links/drop', '/addon/zendesk-links/constructor', '/addon/other/link']) {
      expect((await post(browser, path, {}, csrf)).status, path).to.equal(404);
    }
  });

  it('the audit log page offers the addon change as an action and names it', async () => {
    const { html } = await signedIn(owner, 'adminPages', { page: 'audit', action: 'addon.change' });
    expect(html).to.contain('<option value="addon.change" selected>Changed on an addon page</option>');
    expect(html).to.match(/<td[^>]*>Olivia Owner made a change in the addon section zendesk-links \((link|unlink)\)( for [^<]+)?\.<\/td>/);
  });

  it('the page says that admins who run the addon are never matched by email, and must be linked here', async () => {
    const { html } = await signedIn(owner);
    const hint = /<p class="lk-hint" data-lk-agent-email-hint>([^<]*)<\/p>/.exec(html)?.[1];
    expect(hint).to.contain('matched by email').and.to.contain('unless that admin runs the addon').and.to.contain('link those agents here');
  });

  it('the page follows the admin’s language', async () => {
    const olivia = h.directory.data.admins.find((a) => a.id === 'a-owner')!;
    olivia.language = 'fr';
    try {
      const { html } = await signedIn(owner);
      expect(html).to.contain('>Liens Zendesk</a>').and.to.contain('Ajouter un lien').and.to.contain('Agent → administrateur')
        .and.to.contain('sauf si cet administrateur gère le module');
    } finally {
      olivia.language = 'en';
    }
  });
}

forEachDatabase('Zendesk: the installer manages the links on the addon pages', linksSuite);

describe('addon sections: what a host may pass', () => {
  const section = (name: string, actions: AddonSection['actions'] = {}): AddonSection => ({
    name, navLabelKey: 'zendeskLinks.title', template: '<p>{{x}}</p>', model: async () => ({ x: 1 }), actions,
  });
  const mount = (sections: AddonSection[]) => mountLatchkey(express(), {
    latchkey: {} as Latchkey, basePath: '/latchkey', secret: 'x'.repeat(32), addonSections: sections,
  });

  it('a section named like a built-in page, or like another section, is refused at mount', () => {
    expect(() => mount([section('settings')])).to.throw(TypeError, /taken/);
    expect(() => mount([section('links'), section('links')])).to.throw(TypeError, /taken/);
  });

  it('a section or action name that is not a plain name is refused at mount', () => {
    expect(() => mount([section('../audit')])).to.throw(TypeError, /lower-case/);
    expect(() => mount([section('links', { 'a/b': async () => undefined })])).to.throw(TypeError, /plain name/);
    expect(() => mount([section('links', { link: async () => undefined })])).not.to.throw();
  });
});
