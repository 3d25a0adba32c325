import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.ts';
import { owner, sam } from '../support/host-fixture.ts';
import { BASE, csrfTokenIn, Harness, hs256Embed, signEmbed, type Browser } from './harness.ts';

/**
 * The addon's audit page over HTTP: sentences, filters chosen by name (the
 * page sends ids it never shows), days, the filtered CSV, the pickers'
 * searches, and where a panel says it is.
 */
forEachDatabase('HTTP: the audit page', (db) => {
  const embed = hs256Embed();
  let h: Harness;
  let vpsId = '';

  before(async () => {
    h = await Harness.start(db, { embed });
    h.host.data.tickets.push({ id: 't-200', clientId: 'c-acme', contactId: null, serviceId: null, subject: 'Other', status: 'Open' });
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full' });
    vpsId = (await h.vault.lk.entries.create(owner, { name: 'vps1 root', password: 'vps-pw-1', clientId: 'c-acme' })).id;
    await h.vault.lk.entries.create(owner, { name: '=cmd|calc', password: 'other-pw', clientId: 'c-globex' });
  });
  after(async () => { await h.close(); });

  async function signedIn(actor = owner, context: Record<string, string> = {}): Promise<{ browser: Browser; csrf: string; html: string }> {
    const browser = h.browser(actor);
    const page = await browser.hostPage('adminPages', { page: 'audit', ...context });
    expect(page.status).to.equal(200);
    return { browser, csrf: page.csrf!, html: page.html };
  }

  /** Reveals the VPS entry through the API as a panel would, with the place headers given. */
  async function revealFrom(browser: Browser, csrf: string, headers: Record<string, string>): Promise<Record<string, unknown> | null> {
    const response = await browser.send('POST', `${BASE}/api/entries/${vpsId}/reveal`, { csrf, json: {}, headers });
    expect(response.status, response.text).to.equal(200);
    const [event] = await h.vault.lk.audit.list(owner, { action: 'entry.reveal', limit: 1 });
    return event!.details;
  }

  it('a panel\'s reveal says where it came from, only as far as the session could be there', async () => {
    const { browser, csrf } = await signedIn();
    expect(await revealFrom(browser, csrf, { 'x-latchkey-place': 'ticket', 'x-latchkey-ticket': 't-100' }))
      .to.deep.equal({ fields: ['password'], place: 'ticketSidebar', ticketId: 't-100' });
    expect(await revealFrom(browser, csrf, { 'x-latchkey-place': 'summary' })).to.deep.equal({ fields: ['password'], place: 'clientSummary' });
    expect(await revealFrom(browser, csrf, { 'x-latchkey-place': 'elsewhere' })).to.deep.equal({ fields: ['password'] });
    expect(await revealFrom(browser, csrf, { 'x-latchkey-place': 'ticket', 'x-latchkey-ticket': 'bad id!' })).to.deep.equal({ fields: ['password'], place: 'ticketSidebar' });
    // A script's API token is no panel, whatever it says.
    const { token } = await h.vault.lk.apiTokens.create(owner, { name: 'Script', scopes: ['reveal'], expiresInDays: 1 });
    expect(await revealFrom(h.browser(), '', { authorization: `Bearer ${token.expose()}`, 'x-latchkey-place': 'ticket', 'x-latchkey-ticket': 't-100' }))
      .to.deep.equal({ fields: ['password'], via: 'Script', viaTokenId: (await h.vault.lk.apiTokens.list(owner))[0]!.id });

    // A frame session opened for ticket t-100 cannot say it was in ticket t-200.
    const framed = h.browser();
    const entered = await framed.get(`${BASE}/embed?token=${encodeURIComponent(await signEmbed(embed.secret, { sub: 'admin:a-owner', ctx: { place: 'ticketSidebar', ticketId: 't-100' } }))}`);
    const frame = await framed.get(entered.headers.get('location')!);
    const frameCsrf = csrfTokenIn(frame.text)!;
    expect(await revealFrom(framed, frameCsrf, { 'x-latchkey-place': 'ticket', 'x-latchkey-ticket': 't-200' })).to.deep.equal({ fields: ['password'], place: 'ticketSidebar' });
    expect(await revealFrom(framed, frameCsrf, { 'x-latchkey-place': 'ticket', 'x-latchkey-ticket': 't-100' }))
      .to.deep.equal({ fields: ['password'], place: 'ticketSidebar', ticketId: 't-100' });
  });

  it('shows sentences, not JSON, and pickers that send ids the page shows by name', async () => {
    const { html } = await signedIn(owner, { clientId: 'c-acme', actor: 'admin:a-owner', entryId: vpsId });
    expect(html).to.contain('Olivia Owner revealed “vps1 root” (password) for Acme Ltd, from the ticket sidebar of #t-100.');
    const table = /<table class="lk-table lk-stack lk-audit">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(table).to.contain('<td data-lk-label="What happened">Olivia Owner created “vps1 root” for Acme Ltd.</td>');
    expect(table).to.not.contain('{&quot;').and.to.not.contain('fields');
    // Each picker shows the name, and holds the id in a hidden field the form sends.
    for (const [name, id, shown] of [['clientId', 'c-acme', 'Acme Ltd'], ['actor', 'admin:a-owner', 'Olivia Owner'], ['entryId', vpsId, 'vps1 root']]) {
      expect(html).to.contain(`<input type="hidden" name="${name}" value="${id}" data-lk-picked-value>`);
      expect(html).to.match(new RegExp(`<input id="lk-audit-[a-z]+" value="${shown}"[^>]*role="combobox"`));
    }
    expect(html).to.not.match(/<input [^>]*name="(clientId|actor|entryId)"[^>]*role="combobox"/);
    expect(html).to.contain(`href="${BASE}/api/audit/csv?clientId&#x3D;c-acme&amp;entryId&#x3D;${vpsId}&amp;actorKind&#x3D;admin&amp;actorId&#x3D;a-owner"`);
  });

  it('a filter the log cannot take comes back named on the page, with no CSV link', async () => {
    const { html } = await signedIn(owner, { from: '2026-02-30' });
    expect(html).to.contain('From: must be a date written YYYY-MM-DD');
    expect(html).to.match(/<input type="date" name="from" value="2026-02-30" aria-invalid="true"/);
    expect(html).to.not.contain('data-lk-audit-csv');
    expect((await signedIn(owner, { actor: 'a-owner' })).html).to.contain('Actor: is invalid');
  });

  it('the CSV holds the filtered events, as an attachment, with formula cells neutralised', async () => {
    const { browser } = await signedIn();
    const response = await browser.send('GET', `${BASE}/api/audit/csv?action=entry.create`);
    expect(response.status, response.text).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).to.equal('attachment; filename="latchkey-audit.csv"');
    expect(response.headers.get('cache-control')).to.contain('no-store');
    const rows = response.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(rows).to.have.length(3);
    // Only a cell that starts like a formula is neutralised: the sentence names the entry inside it.
    expect(rows[1]).to.contain('Olivia Owner created “=cmd|calc” for Globex.').and.to.contain(`,'=cmd|calc,`);
    expect(rows[2]).to.contain('Olivia Owner created “vps1 root” for Acme Ltd.');
    for (const secret of ['vps-pw-1', 'other-pw']) expect(response.text).to.not.contain(secret);

    const refused = await browser.send('GET', `${BASE}/api/audit/csv?to=2026-13-01`);
    expect(refused.status).to.equal(400);
    expect(refused.json<{ field: string }>().field).to.equal('to');
    expect((await browser.send('GET', `${BASE}/api/audit/csv?limit=5`)).json<{ field: string }>().field).to.equal('limit');
    expect((await h.browser(sam).send('GET', `${BASE}/api/audit/csv`)).status).to.equal(403);
  });

  it('the pickers find people, keyed as the filter takes them, and entries by name with their client', async () => {
    const { browser } = await signedIn();
    const search = async (path: string) => (await browser.send('GET', `${BASE}/api${path}`)).json<Array<Record<string, string>>>();
    expect(await search('/audit/actors?search=SAM')).to.deep.equal([{ id: 'admin:a-sam', name: 'Sam Support', detail: 'Admin' }]);
    expect(await search('/audit/actors?search=acm')).to.deep.equal([{ id: 'client:c-acme', name: 'Acme Ltd', detail: 'Client' }]);
    expect(await search('/audit/entries?search=VPS1')).to.deep.equal([{ id: vpsId, name: 'vps1 root', detail: 'Acme Ltd' }]);
    expect(await search('/audit/entries?search=%25')).to.deep.equal([]);
    expect(await search('/audit/entries?search=v')).to.deep.equal([]);
    expect((await h.browser(sam).send('GET', `${BASE}/api/audit/entries?search=vps`)).status).to.equal(403);
  });
});
