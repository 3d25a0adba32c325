import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import express from 'express';
import knexFactory from 'knex';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { createLatchkey, type HostDirectory, type Latchkey } from '../../core/index.ts';
import { BASE, Harness, hs256Embed, signEmbed, type Browser } from '../express/harness.ts';
import { forEachDatabase, testKeys } from '../support/databases.ts';
import { listenOnLoopback } from '../support/loopback.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { switchableHost } from '../support/switchable-host.ts';

/** Enters a framed page with a signed embed token, as a non-Node host's page does. */
async function enterFrame(h: Harness, secret: string, sub: string, ctx: Record<string, string>): Promise<{ browser: Browser; location: string }> {
  const browser = h.browser();
  const entered = await browser.get(`${BASE}/embed?token=${await signEmbed(secret, { sub, ctx })}`);
  expect(entered.status, entered.text.slice(0, 200)).to.equal(303);
  return { browser, location: entered.headers.get('location')! };
}

forEachDatabase('a panel while the database or the host is away', (db) => {
  const embed = hs256Embed();
  let scratch: string;
  const consoleError = console.error;
  before(() => { scratch = mkdtempSync(join(tmpdir(), 'latchkey-panel-outage-')); });
  after(() => { rmSync(scratch, { recursive: true, force: true }); });
  beforeEach(() => { console.error = () => undefined; });
  afterEach(() => { console.error = consoleError; });

  /** A Latchkey on its own connection pool to this database, which the test can take away. */
  async function ownVault(host: HostDirectory): Promise<{ lk: Latchkey; cleanup(): Promise<void> }> {
    const prefix = `p${Date.now() % 1_000_000}_`;
    const url = db.name === 'sqlite' ? `sqlite:${join(scratch, `${prefix}.db`)}` : db.url;
    const lk = await createLatchkey({ database: { url }, keys: testKeys(), host, tablePrefix: prefix, migrate: true });
    await lk.settings.update(owner, { adminAccessMode: 'full' });
    return {
      lk,
      cleanup: async () => {
        if (db.name === 'mariadb') {
          const again = await createLatchkey({ database: { url }, keys: testKeys(), host, tablePrefix: prefix });
          await again.migrator.rollback(true);
          const raw = knexFactory({ client: 'mysql2', connection: url });
          await raw.schema.dropTableIfExists(`${prefix}knex_migrations`).dropTableIfExists(`${prefix}knex_migrations_lock`);
          await raw.destroy();
          await again.close();
        }
        await lk.close().catch(() => undefined);
      },
    };
  }

  it("shows the localized 'unavailable' notice in the host's page, a 503 in a frame, when the vault's database is gone", async () => {
    const { lk, cleanup } = await ownVault(hostFixture());
    const h = await Harness.start(db, { latchkey: lk, embed });
    try {
      const { browser: framed, location } = await enterFrame(h, embed.secret, 'admin:a-owner', { place: 'clientSummary', clientId: 'c-acme' });
      expect((await framed.get(location)).status).to.equal(200);
      const inPage = h.browser(owner);
      expect((await inPage.hostPage('clientSummary', { clientId: 'c-acme' })).html).to.contain('data-lk-csrf');

      await lk.close();
      const french = { headers: { 'accept-language': 'fr' } };
      const page = await inPage.get('/host/page/clientSummary?clientId=c-acme', french);
      expect(page.status, page.text.slice(0, 300)).to.equal(200);
      expect(page.text).to.contain('data-lk-unavailable="database"');
      expect(page.text).to.contain('momentanément');
      const frame = await framed.get(location, french);
      expect(frame.status).to.equal(503);
      expect(frame.headers.get('retry-after')).to.match(/^[1-9]\d*$/);
      expect(frame.text).to.match(/^<!doctype html>/i);
      expect(frame.text).to.contain('data-lk-unavailable="database"');
      const api = await inPage.api('GET', '/entries');
      expect(api.status).to.equal(503);
      expect(api.json()).to.deep.include({ error: 'database_unavailable' });
    } finally {
      await h.close();
      await cleanup();
    }
  });

  it("shows the host-unavailable notice (frames: 503 with the adapter's Retry-After) when the host platform does not answer", async () => {
    const host = switchableHost('billing.host.test: no answer');
    const { lk, cleanup } = await ownVault(host.directory);
    const h = await Harness.start(db, { latchkey: lk, embed });
    try {
      const { browser: framed, location } = await enterFrame(h, embed.secret, 'client:c-acme', { place: 'clientArea', language: 'de' });
      host.setDown(true);
      const page = await h.browser(acme).get('/host/page/clientArea', { headers: { 'accept-language': 'es' } });
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('data-lk-unavailable="host"');
      expect(page.text).not.to.contain('billing.host.test');
      const frame = await framed.get(location);
      expect(frame.status).to.equal(503);
      expect(frame.headers.get('retry-after')).to.equal('45');
      expect(frame.text).to.contain('lang="de"');
      expect(frame.text).to.contain('data-lk-unavailable="host"');
      host.setDown(false);
      expect((await framed.get(location)).status).to.equal(200);
    } finally {
      await h.close();
      await cleanup();
    }
  });

  it("a host whose identify meets a raw driver error (ECONNREFUSED) gets 503 with Retry-After, never a 500", async () => {
    const { lk, cleanup } = await ownVault(hostFixture());
    // The host's own session store, on a database server that is not there: the error reaches Latchkey raw.
    const sessions = knexFactory({ client: 'mysql2', connection: 'mysql://host:host-pw@127.0.0.1:1/sessions', pool: { min: 0, max: 1 }, log: { warn: () => undefined } });
    const app = express();
    const mount = mountLatchkey(app, {
      latchkey: lk,
      basePath: BASE,
      secret: 'x'.repeat(32),
        identify: async () => {
        await sessions.raw('select 1');
        return owner;
      },
    });
    app.get('/host/page', async (req, res) => {
      res.type('html').send(`<main>${await mount.render('clientSummary', req, res, { clientId: 'c-acme' })}</main>`);
    });
    const server = await listenOnLoopback(app);
    try {
      const api = await fetch(`${server.origin}${BASE}/api/entries`, { headers: { 'accept-language': 'it' } });
      expect(api.status).to.equal(503);
      expect(api.headers.get('retry-after')).to.match(/^[1-9]\d*$/);
      const body = await api.json() as { error: string; message: string };
      expect(body.error).to.equal('database_unavailable');
      expect(body.message).to.match(/archivio delle password/);
      expect(JSON.stringify(body)).not.to.match(/ECONNREFUSED|host-pw/);
      const page = await fetch(`${server.origin}/host/page`, { headers: { 'accept-language': 'it' } });
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain('data-lk-unavailable="database"');
    } finally {
      await server.close();
      await sessions.destroy();
      await cleanup();
    }
  });
});
