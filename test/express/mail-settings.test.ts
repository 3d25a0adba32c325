import { expect } from 'chai';
import type { Actor } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, globex, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { Harness, type Browser, type HttpResponse } from './harness.ts';

interface Session {
  browser: Browser;
  csrf: string;
}

interface Preview {
  subject: string;
  text: string;
  html: string;
}

/** A logged-in browser that opened a page with a panel (the addon's settings for admins who run it). */
async function sessionFor(h: Harness, actor: Actor): Promise<Session> {
  const browser = h.browser(actor);
  const page = actor.kind === 'client'
    ? await browser.hostPage('clientArea')
    : await browser.hostPage('clientSummary', { clientId: 'c-acme' });
  expect(page.status, page.html.slice(0, 300)).to.equal(200);
  return { browser, csrf: page.csrf! };
}

/** The HTML of the addon's settings page, as the host shows it. */
async function settingsPage(h: Harness): Promise<string> {
  const page = await h.browser(owner).hostPage('adminPages', { page: 'settings' });
  expect(page.status, page.html.slice(0, 300)).to.equal(200);
  return page.html;
}

/** The value of one attribute of the first element matching `selector`-ish text, decoded once as a browser would. */
function attribute(html: string, marker: string, name: string): string {
  const tag = new RegExp(`<[^>]*${marker}[^>]*>`).exec(html)?.[0];
  expect(tag, `an element with ${marker}`).to.be.a('string');
  const raw = new RegExp(`\\s${name}="([^"]*)"`).exec(tag!)?.[1];
  expect(raw, `${name} on ${marker}`).to.be.a('string');
  return raw!.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&#x3D;/g, '=')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

forEachDatabase('HTTP: mail template preview', (db) => {
  let h: Harness;
  let admin: Session;

  before(async () => {
    h = await Harness.start(db);
    admin = await sessionFor(h, owner);
  });
  after(async () => { await h.close(); });

  const preview = (body: unknown, session: Session = admin, csrf: string | null = session.csrf) =>
    session.browser.api('POST', '/mail/preview', body, csrf);

  it('refuses a preview without the CSRF token, or with a made-up one', async () => {
    for (const csrf of [null, 'not-the-token']) {
      const response = await preview({ kind: 'reminder', language: 'en', subject: 'Hi', body: 'Hello' }, admin, csrf);
      expect(response.status, response.text).to.equal(403);
      expect(response.json()).to.include({ error: 'csrf' });
      expect(response.headers.get('cache-control')).to.equal('no-store');
    }
  });

  it('composes the unsaved text with sample facts, and saves nothing', async () => {
    const before = await snapshotTables(h.vault);
    const response = await preview({
      kind: 'reminder', language: 'en', subject: 'Rotate {{entryName}} now', body: 'Dear {{recipientName}},\n\n{{entryName}} is {{days}} days old.',
    });
    expect(response.status, response.text).to.equal(200);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    const mail = response.json<Preview>();
    expect(Object.keys(mail).sort()).to.deep.equal(['html', 'subject', 'text']);
    expect(mail.subject).to.equal('Rotate WordPress admin — example.com now');
    // A reminder says where the stored password is updated, as the host's link would.
    expect(mail.text).to.match(/^Dear Olivia Owner,\n\nWordPress admin — example\.com is 97 days old\.\n\nUpdate the stored password here once you have changed it: https:\/\/billing\.example\.com\/clientarea\/passwords#lk-entry-sample\n\n-- \n/);
    expect(mail.html).to.contain('<html lang="en">').and.to.contain('Dear Olivia Owner,');
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });

  it('escapes <script> in the HTML part: the text shows, nothing runs', async () => {
    const mail = (await preview({
      kind: 'password_changed', language: 'en',
      subject: '<script>alert(1)</script> {{entryName}}', body: 'Hi <script>alert("x")</script> <img src=x onerror=alert(2)>',
    })).json<Preview>();
    expect(mail.html).not.to.match(/<script/i);
    expect(mail.html).not.to.match(/<img/i);
    expect(mail.html).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).to.contain('<title>&lt;script&gt;alert(1)&lt;/script&gt; WordPress admin — example.com</title>');
    // The plain-text part is text: it says what the admin wrote.
    expect(mail.text).to.contain('Hi <script>alert("x")</script>');
    expect(mail.subject).to.equal('<script>alert(1)</script> WordPress admin — example.com');
  });

  it('keeps {{#each}}, helpers and unknown placeholders as the text they are', async () => {
    const body = '{{#each entries}}{{this}}{{/each}} {{> partial}} {{lookup a b}} {{unknown}} {{{entryName}}} — {{ entryName }}';
    const mail = (await preview({ kind: 'reminder', language: 'fr', subject: '{{#if x}}y{{/if}}', body })).json<Preview>();
    expect(mail.subject).to.equal('{{#if x}}y{{/if}}');
    expect(mail.text).to.contain('{{#each entries}}{{this}}{{/each}} {{> partial}} {{lookup a b}} {{unknown}}');
    // Placeholders are filled, in the preview's language; a triple brace is not an HTML escape hatch.
    expect(mail.text).to.contain('— Administration WordPress — example.com');
    expect(mail.html).to.contain('{{#each entries}}{{this}}{{/each}} {{&gt; partial}}');
    expect(mail.html).to.contain('<html lang="fr">');
  });

  it('refuses a subject of more than one line, as saving it would be', async () => {
    const response = await preview({ kind: 'reminder', language: 'en', subject: 'One\r\nBcc: evil@example.test', body: 'x' });
    expect(response.status, response.text).to.equal(400);
    expect(response.json()).to.include({ field: 'subject' });
  });

  it('previews the default text for an empty field, and the new-password line when asked', async () => {
    const defaults = (await preview({ kind: 'password_changed', language: 'de', subject: '', body: '' })).json<Preview>();
    expect(defaults.subject).to.equal('Das Passwort für WordPress-Verwaltung — example.com wurde geändert');
    expect(defaults.text).not.to.contain('Neues Passwort');
    const withPassword = (await preview({ kind: 'password_changed', language: 'de', includePassword: true })).json<Preview>();
    expect(withPassword.text).to.match(/Neues Passwort: \S+/);
    // A reminder never carries a password.
    const reminder = (await preview({ kind: 'reminder', language: 'de', includePassword: true })).json<Preview>();
    expect(reminder.text).not.to.contain('Neues Passwort');
  });

  it('names the field of a bad request, and refuses those who may not run the addon', async () => {
    const bad = await preview({ kind: 'newsletter', language: 'en' });
    expect(bad.status).to.equal(400);
    expect(bad.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field)).to.include('kind');
    const long = await preview({ kind: 'reminder', language: 'en', subject: 'x'.repeat(256) });
    expect(long.status).to.equal(400);
    expect(long.json()).to.include({ field: 'subject' });
    const extra = await preview({ kind: 'reminder', language: 'en', script: 'x' });
    expect(extra.status).to.equal(400);

    for (const actor of [sam, acme]) {
      const session = await sessionFor(h, actor);
      const refused = await preview({ kind: 'reminder', language: 'en', subject: 's', body: 'b' }, session);
      expect(refused.status, `${JSON.stringify(actor)}: ${refused.text}`).to.equal(403);
      expect(refused.json()).to.include({ error: 'forbidden' });
    }
  });
});

forEachDatabase('HTTP: mail settings saved and shown again', (db) => {
  let h: Harness;
  let admin: Session;

  before(async () => {
    h = await Harness.start(db);
    admin = await sessionFor(h, owner);
  });
  after(async () => { await h.close(); });

  it('shows the defaults, the warning beside an unticked "include the new password", and the text preview with no frame in the page', async () => {
    const html = await settingsPage(h);
    expect(html).to.match(/<input type="checkbox" name="includePasswordInChangeMail" aria-describedby="lk-include-password-warning">/);
    expect(html).to.contain('id="lk-include-password-warning"');
    // One editor per kind and language, prefilled with the default from the locales.
    for (const kind of ['reminder', 'password_changed']) {
      for (const language of ['en', 'fr', 'de', 'es', 'it']) {
        expect(html).to.contain(`name="mailTemplates.${kind}.${language}.subject"`);
        expect(html).to.contain(`name="mailTemplates.${kind}.${language}.body"`);
      }
    }
    expect(html).to.contain('value="Time to change the password of {{entryName}}"');
    expect(html).to.contain('value="Il est temps de changer le mot de passe de {{entryName}}"');
    for (const name of ['recipientName', 'entryName', 'clientName', 'days', 'loginUrl', 'newPassword']) {
      expect(html).to.contain(`data-lk-insert="{{${name}}}"`);
    }
    // The page opens on the plain-text preview of the admin's language; the HTML part only ever goes
    // into a frame the script builds sandboxed, never into the page itself.
    expect(/<pre class="lk-preview-text" data-lk-preview-text>([^<]*)<\/pre>/.exec(html)?.[1]).to.match(/^Hello Olivia Owner,\n\n/);
    expect(attribute(html, 'data-lk-preview-html', 'data-title')).to.equal('Preview of the mail as recipients see it');
    expect(html).not.to.match(/<iframe/i);
    expect(html).not.to.contain('<p style=');
  });

  it('saves templates and the password option through PATCH /settings, and the page shows them again', async () => {
    const mailTemplates = {
      reminder: { fr: { subject: 'Rappel : {{entryName}}', body: 'Bonjour {{recipientName}},\n\n<script>alert(1)</script> {{#each x}}y{{/each}}' } },
      password_changed: { en: { subject: 'Changed: {{entryName}}', body: 'Someone changed {{entryName}}.' } },
    };
    const saved = await admin.browser.api('PATCH', '/settings', { mailTemplates, includePasswordInChangeMail: true }, admin.csrf);
    expect(saved.status, saved.text).to.equal(200);
    const read = await admin.browser.api('GET', '/settings');
    expect(read.json()).to.deep.include({ mailTemplates, includePasswordInChangeMail: true });
    expect(await h.vault.lk.settings.get(owner)).to.deep.include({ mailTemplates, includePasswordInChangeMail: true });

    const html = await settingsPage(h);
    expect(html).to.match(/name="includePasswordInChangeMail" aria-describedby="lk-include-password-warning" checked>/);
    expect(html).to.contain('value="Rappel : {{entryName}}"');
    expect(html).to.contain('value="Changed: {{entryName}}"');
    // What the admin wrote is text everywhere on the page: escaped in the textarea, never markup.
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt; {{#each x}}y{{/each}}</textarea>');
    expect(html).not.to.contain('<script>alert(1)');
    // Untouched languages still show (and follow) the default.
    expect(html).to.contain('value="Time to change the password of {{entryName}}"');
  });

  it('removes an override when the page sends the templates without it (reset to default)', async () => {
    const response = await admin.browser.api('PATCH', '/settings', {
      mailTemplates: { password_changed: { en: { subject: 'Changed: {{entryName}}', body: 'Someone changed {{entryName}}.' } } },
      includePasswordInChangeMail: false,
    }, admin.csrf);
    expect(response.status, response.text).to.equal(200);
    const settings = await h.vault.lk.settings.get(owner);
    expect(settings.mailTemplates).to.deep.equal({ password_changed: { en: { subject: 'Changed: {{entryName}}', body: 'Someone changed {{entryName}}.' } } });
    expect(settings.includePasswordInChangeMail).to.equal(false);
    const html = await settingsPage(h);
    expect(html).to.contain('value="Il est temps de changer le mot de passe de {{entryName}}"');
    expect(html).not.to.contain('Rappel : {{entryName}}');
  });

  it('refuses an empty subject with the field the page shows the error beside', async () => {
    const before = await snapshotTables(h.vault);
    const response = await admin.browser.api('PATCH', '/settings', {
      mailTemplates: { reminder: { it: { subject: '   ', body: 'Ciao' } } },
    }, admin.csrf);
    expect(response.status).to.equal(400);
    const fields = response.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field);
    expect(fields).to.deep.equal(['mailTemplates.reminder.it.subject']);
    expect(await settingsPage(h)).to.contain('data-lk-error-for="mailTemplates.reminder.it.subject"');
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });
});

forEachDatabase('HTTP: watching an entry for password changes', (db) => {
  let h: Harness;
  let entryId: string;
  let ownId: string;

  before(async () => {
    h = await Harness.start(db);
    entryId = (await h.vault.lk.entries.create(owner, {
      name: 'Shared router', clientId: 'c-acme', password: 'pw-1', grants: [{ kind: 'admin', id: 'a-sam' }],
    })).id;
    ownId = (await h.vault.lk.entries.create(sam, { name: 'Sam’s own', clientId: 'c-acme', password: 'pw-2' })).id;
  });
  after(async () => { await h.close(); });

  const watchBox = (html: string, id: string) => new RegExp(`<input type="checkbox" data-lk-watch="${id}"( checked)?>`).exec(html);

  it('lets someone who sees an entry ask to hear of its password changes, and stop again', async () => {
    const session = await sessionFor(h, sam);
    let page = await session.browser.hostPage('clientSummary', { clientId: 'c-acme' });
    expect(watchBox(page.html, entryId), 'a toggle on the entry sam does not own').to.not.equal(null);
    expect(watchBox(page.html, entryId)![1]).to.equal(undefined);
    expect(watchBox(page.html, ownId), 'no toggle on his own entry: that is the entry’s notifyOnChange').to.equal(null);

    const on = await session.browser.api('PUT', `/entries/${entryId}/watch`, { watch: true }, session.csrf);
    expect(on.status, on.text).to.equal(200);
    expect(on.json()).to.deep.equal({ watching: true });
    expect([...await h.vault.lk.entries.watching(sam, [entryId])]).to.deep.equal([entryId]);
    page = await session.browser.hostPage('clientSummary', { clientId: 'c-acme' });
    expect(watchBox(page.html, entryId)![1]).to.equal(' checked');

    const again = await session.browser.api('PUT', `/entries/${entryId}/watch`, { watch: true }, session.csrf);
    expect(again.status, 'asking twice is fine').to.equal(200);

    const off = await session.browser.api('PUT', `/entries/${entryId}/watch`, { watch: false }, session.csrf);
    expect(off.json()).to.deep.equal({ watching: false });
    expect((await h.vault.lk.entries.watching(sam, [entryId])).size).to.equal(0);
  });

  it('a watcher is told when the password changes', async () => {
    const session = await sessionFor(h, sam);
    await session.browser.api('PUT', `/entries/${entryId}/watch`, { watch: true }, session.csrf);
    const entry = await h.vault.lk.entries.get(owner, entryId);
    await h.vault.lk.entries.update(owner, entryId, { version: entry.version, password: 'pw-new' });
    const rows = await h.vault.raw(h.vault.tables.outbox).select('kind', 'recipient_kind', 'recipient_id').where('entry_id', entryId);
    expect(rows).to.deep.include({ kind: 'password_changed', recipient_kind: 'admin', recipient_id: 'a-sam' });
  });

  it('needs the CSRF token, a yes or no, and an entry the caller may see', async () => {
    const session = await sessionFor(h, sam);
    const before = await snapshotTables(h.vault);
    const noToken = await session.browser.api('PUT', `/entries/${entryId}/watch`, { watch: false }, null);
    expect(noToken.status).to.equal(403);
    expect(noToken.json()).to.include({ error: 'csrf' });
    const notBoolean: HttpResponse = await session.browser.api('PUT', `/entries/${entryId}/watch`, { watch: 'yes' }, session.csrf);
    expect(notBoolean.status).to.equal(400);
    expect(notBoolean.json()).to.include({ field: 'watch' });
    const stranger = await sessionFor(h, globex);
    const hidden = await stranger.browser.api('PUT', `/entries/${entryId}/watch`, { watch: true }, stranger.csrf);
    expect(hidden.status).to.equal(404);
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });
});

forEachDatabase('HTTP: the dashboard lists what is due and overdue', (db) => {
  let vault: Vault;
  let h: Harness;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));

  before(async () => {
    vault = await openVault(db, hostFixture(), { clock });
    h = await Harness.start(db, { vault });
    const lk = vault.lk;
    await lk.settings.update(owner, { defaultReminderDays: 60 });
    await lk.entries.create(owner, { name: 'Thirty-day router', password: 'a', reminderDays: 30 });
    await lk.entries.create(owner, { name: 'Default-period switch', password: 'b' });
    await lk.entries.create(owner, { name: 'Never reminded', password: 'c', reminderDays: 0 });
    await lk.entries.create(owner, { name: 'No password yet' });
    clock.advanceDays(50);
  });
  after(async () => {
    await h.close();
    await vault.close();
  });

  const dueTable = (html: string, which: 'overdue' | 'soon') =>
    new RegExp(`<table[^>]*data-lk-due="${which}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';

  it('names the overdue entry with its days over, and the one due soon with its days left', async () => {
    const report = await vault.lk.report.build(owner);
    expect(report.overdue.map((d) => [d.entry.name, d.days])).to.deep.equal([['Thirty-day router', 20]]);
    expect(report.dueSoon.map((d) => [d.entry.name, d.days])).to.deep.equal([['Default-period switch', 10]]);
    expect(report.dueForRotation.map((e) => e.name)).to.deep.equal(['Thirty-day router']);
    const html = (await h.browser(owner).hostPage('adminPages', { page: 'dashboard' })).html;
    expect(dueTable(html, 'overdue')).to.contain('Thirty-day router').and.to.contain('20 days');
    expect(dueTable(html, 'soon')).to.contain('Default-period switch').and.to.contain('10 days');
    expect(html).not.to.contain('Never reminded').and.not.to.contain('No password yet');
  });

  it('keeps an entry overdue after its reminder went out, until the password changes', async () => {
    expect(await vault.lk.reminders.enqueueDue()).to.equal(1);
    let report = await vault.lk.report.build(owner);
    expect(report.overdue.map((d) => [d.entry.name, d.days])).to.deep.equal([['Thirty-day router', 20]]);
    expect(report.overdueCount).to.equal(1);
    expect(report.dueSoon.map((d) => d.entry.name), 'its next reminder is not a due date').to.deep.equal(['Default-period switch']);

    const [router] = (await vault.lk.entries.list(owner, { search: 'Thirty-day' })).items;
    await vault.lk.entries.update(owner, router!.id, { version: router!.version, password: 'rotated' });
    report = await vault.lk.report.build(owner);
    expect(report.overdue).to.deep.equal([]);
    expect(report.dueSoon.map((d) => d.entry.name)).to.deep.equal(['Default-period switch']);
  });
});
