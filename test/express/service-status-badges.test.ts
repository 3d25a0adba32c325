import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { LANGUAGES, type HostService, type Language, type ServiceStatus } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import { emptyTables } from '../support/table-rows.ts';
import { Harness } from './harness.ts';

function badgeText(language: Language, status: ServiceStatus): string {
  const url = new URL(`../../locales/${language}/latchkey.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { entry: { serviceStatus: Record<string, string> } }).entry.serviceStatus[status]!;
}

/** The status badge in one row of a rendered panel, or null when the row has none. */
function badgeOf(html: string, rowId: string): { status: string; text: string } | null {
  const start = html.indexOf(`data-lk-row="${rowId}"`);
  expect(start, `row ${rowId} is shown`).to.be.above(-1);
  const row = html.slice(start, html.indexOf('data-lk-row=', start + 10) === -1 ? undefined : html.indexOf('data-lk-row=', start + 10));
  const badge = /data-lk-service-status="([a-z]+)"[^>]*>([^<]+)</.exec(row);
  return badge ? { status: badge[1]!, text: badge[2]! } : null;
}

forEachDatabase('staff see the status of a service that is not active, on its credentials and on the entries linked to it', (db) => {
  let h: Harness;
  let linkedId: string;
  let plainId: string;
  const service = (id: string) => h.host.data.services.find((s) => s.id === id) as HostService;

  before(async () => {
    h = await Harness.start(db);
    await emptyTables(h.vault);
    // Every admin sees client data, service credentials included.
    await h.vault.lk.settings.update({ kind: 'system' }, { adminAccessMode: 'full' });
    linkedId = (await h.vault.lk.entries.create(owner, { name: 'vps1 IPMI console', clientId: 'c-acme', serviceId: 's-acme-vps', password: 'ipmi-pw' })).id;
    plainId = (await h.vault.lk.entries.create(owner, { name: 'Acme DNS', clientId: 'c-acme', password: 'dns-pw' })).id;
  });
  after(async () => { await h?.close(); });
  afterEach(() => { service('s-acme-vps').status = 'active'; });

  const page = async (path: string) => {
    const response = await h.browser(owner).get(path);
    expect(response.status, response.text.slice(0, 300)).to.equal(200);
    return response.text;
  };

  it('no badge while the service is active', async () => {
    const html = await page('/host/page/clientSummary?clientId=c-acme');
    expect(badgeOf(html, 'service:s-acme-vps')).to.equal(null);
    expect(badgeOf(html, linkedId)).to.equal(null);
  });

  for (const status of ['pending', 'suspended', 'terminated', 'cancelled', 'fraud'] as const) {
    it(`a ${status} service: a badge on its credentials and its linked entry in the client summary, none on other rows`, async () => {
      service('s-acme-vps').status = status;
      const html = await page('/host/page/clientSummary?clientId=c-acme&language=en');
      const badge = { status, text: badgeText('en', status) };
      expect(badgeOf(html, 'service:s-acme-vps')).to.deep.equal(badge);
      expect(badgeOf(html, linkedId)).to.deep.equal(badge);
      expect(badgeOf(html, plainId)).to.equal(null);
      expect(badgeOf(html, 'service:s-acme-web'), 'another service of the client').to.equal(null);
    });
  }

  it('the badge speaks the admin’s language, in each of the five', async () => {
    service('s-acme-vps').status = 'suspended';
    for (const language of LANGUAGES) {
      const html = await page(`/host/page/clientSummary?clientId=c-acme&language=${language}`);
      expect(badgeOf(html, linkedId), language).to.deep.equal({ status: 'suspended', text: badgeText(language, 'suspended') });
    }
    expect(new Set(LANGUAGES.map((l) => badgeText(l, 'suspended'))).size, 'five translations').to.equal(5);
  });

  it('the ticket sidebar and the addon’s list of access details show it too', async () => {
    service('s-acme-vps').status = 'terminated';
    const sidebar = await page('/host/page/ticketSidebar?ticketId=t-100&language=en');
    expect(badgeOf(sidebar, linkedId)).to.deep.equal({ status: 'terminated', text: 'Terminated' });
    expect(badgeOf(sidebar, 'service:s-acme-vps')).to.deep.equal({ status: 'terminated', text: 'Terminated' });
    const list = await page('/host/page/adminPages?page=entries&language=en');
    expect(badgeOf(list, linkedId)).to.deep.equal({ status: 'terminated', text: 'Terminated' });
    expect(badgeOf(list, plainId)).to.equal(null);
  });

  it('looks the statuses up in one directory call per panel, however many rows are linked', async () => {
    for (let i = 0; i < 5; i++) {
      await h.vault.lk.entries.create(owner, { name: `linked ${i}`, clientId: 'c-acme', serviceId: i % 2 ? 's-acme-vps' : 's-acme-web', password: 'pw' });
    }
    const real = h.host.services.bind(h.host);
    const asked: string[][] = [];
    h.host.services = async (ids) => { asked.push([...ids]); return real(ids); };
    try {
      await page('/host/page/clientSummary?clientId=c-acme');
    } finally {
      h.host.services = real;
    }
    expect(asked).to.have.length(1);
    expect([...asked[0]!].sort()).to.deep.equal(['s-acme-vps', 's-acme-web']);
  });
});
