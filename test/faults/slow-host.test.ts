import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { WhmcsApi, WhmcsDirectory, type WhmcsDirectoryOptions } from '../../adapters/whmcs/index.ts';
import {
  createHooks, HostUnavailableError, Renderer, type AdminActor, type ClientActor, type HookSurface,
} from '../../core/index.ts';
import { BASE, Browser, hs256Embed, signEmbed } from '../express/harness.ts';
import { forEachDatabase, openVault, type TestDatabase, type Vault } from '../support/databases.ts';
import { listenOnLoopback } from '../support/loopback.ts';
import { rejection } from '../support/table-rows.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from '../whmcs/fake-whmcs.ts';

const ADMIN: AdminActor = { kind: 'admin', adminId: '1' };
const CLIENT: ClientActor = { kind: 'client', clientId: '2' };
const SURFACE: HookSurface = { apiBase: `${BASE}/api`, assetBase: `${BASE}/assets`, pageUrl: '/page', csrfToken: 'token', clipboardClearSeconds: 30 };
/** Long enough that a round of calls stands out from the work between rounds, short enough to keep the suite quick. */
const DELAY_MS = 250;

/** A vault over the fake WHMCS, holding entries that name an admin, the client, a contact, a role and a service. */
async function vaultOver(db: TestDatabase, whmcs: FakeWhmcs, options: WhmcsDirectoryOptions = {}): Promise<{ vault: Vault; directory: WhmcsDirectory }> {
  const directory = new WhmcsDirectory(new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET }), options);
  const vault = await openVault(db, directory);
  await vault.lk.settings.update({ kind: 'system' }, { adminAccessMode: 'full' });
  await vault.lk.entries.create(ADMIN, {
    name: 'Server root', username: 'root', password: 'pw', clientId: '2', serviceId: '3',
    grants: [{ kind: 'contact', id: '3', canEdit: false }, { kind: 'admin_role', id: '2', canEdit: false }, { kind: 'admin', id: '2', canEdit: true }],
  });
  await vault.lk.entries.create(CLIENT, { name: 'Webmail', password: 'pw', sharedWithAdmin: true });
  return { vault, directory };
}

forEachDatabase('a panel over a slow WHMCS', (db) => {
  let whmcs: FakeWhmcs;
  before(async () => { whmcs = await FakeWhmcs.start(); });
  after(async () => { await whmcs.close(); });
  afterEach(() => { whmcs.delayMs = 0; });

  describe('independent look-ups go in parallel: a render waits a few rounds of calls, whatever the number of calls', () => {
    let cached: { vault: Vault; directory: WhmcsDirectory };
    let uncached: { vault: Vault; directory: WhmcsDirectory };
    before(async () => {
      cached = await vaultOver(db, whmcs);
      uncached = await vaultOver(db, whmcs, { cacheTtlMs: 0 });
    });
    after(async () => {
      await cached.vault.close();
      await uncached.vault.close();
    });

    /** Renders once with every API call delayed, on a cold cache; answers the rounds of calls that waited for one another. */
    async function rounds(target: { vault: Vault; directory: WhmcsDirectory }, render: (hooks: ReturnType<typeof createHooks>) => Promise<string | null>): Promise<number> {
      target.directory.clearCache();
      whmcs.reset();
      whmcs.delayMs = DELAY_MS;
      const html = await render(createHooks(target.vault.lk, new Renderer(), { renderDeadlineMs: 60_000 }));
      expect(html, 'the panel rendered').to.contain('Server root');
      expect(whmcs.requests.length, 'several calls were made').to.be.above(2);
      return whmcs.sequentialRounds();
    }

    it('a client summary waits for two rounds of calls (the client and its services, then their products)', async () => {
      expect(await rounds(cached, (hooks) => hooks.clientSummary(ADMIN, { clientId: '2' }, SURFACE))).to.be.at.most(2);
    });

    it('a client summary without the directory cache waits for three rounds, not one per call', async () => {
      expect(await rounds(uncached, (hooks) => hooks.clientSummary(ADMIN, { clientId: '2' }, SURFACE))).to.be.at.most(3);
    });

    it('a ticket sidebar waits for one round more than a client summary: the ticket names the client', async () => {
      expect(await rounds(cached, (hooks) => hooks.ticketSidebar(ADMIN, { ticketId: '2' }, SURFACE))).to.be.at.most(3);
    });

    it('a client area waits for at most three rounds', async () => {
      const vault = cached.vault;
      await vault.lk.entries.create(CLIENT, { name: 'Server root', password: 'pw' });
      try {
        expect(await rounds(cached, (hooks) => hooks.clientArea(CLIENT, {}, SURFACE))).to.be.at.most(3);
      } finally {
        const own = (await vault.lk.entries.list(CLIENT, { search: 'Server root' })).items.find((e) => e.owner.kind === 'client');
        if (own) await vault.lk.entries.delete(CLIENT, own.id, { version: own.version });
      }
    });
  });

  describe('one deadline per render', () => {
    it('a WHMCS answering in 14 s per call ends the render at the configured deadline: a 503 frame and an in-page notice, both "host unavailable"', async () => {
      const { vault } = await vaultOver(db, whmcs);
      const embed = hs256Embed();
      const app = express();
      const mount = mountLatchkey(app, {
        latchkey: vault.lk, basePath: BASE, secret: randomBytes(32).toString('base64url'), embed, renderDeadlineMs: 1000,
        identify: () => ADMIN,
      });
      app.get('/host/page', async (req, res) => {
        res.type('html').send(`<main>${await mount.render('clientSummary', req, res, { clientId: '2' })}</main>`);
      });
      const server = await listenOnLoopback(app);
      const consoleError = console.error;
      console.error = () => undefined;
      try {
        const browser = new Browser(server.origin);
        const token = await signEmbed(embed.secret, { sub: 'admin:1', ctx: { place: 'clientSummary', clientId: '2' } });
        const entered = await browser.get(`${BASE}/embed?token=${token}`);
        expect(entered.status).to.equal(303);
        whmcs.delayMs = 14_000;
        const started = Date.now();
        const frame = await browser.get(entered.headers.get('location')!);
        const frameMs = Date.now() - started;
        expect(frame.status).to.equal(503);
        expect(frame.headers.get('retry-after')).to.match(/^[1-9]\d*$/);
        expect(frame.text).to.contain('data-lk-unavailable="host"');
        const page = await browser.get('/host/page');
        expect(page.status).to.equal(200);
        expect(page.text).to.contain('data-lk-unavailable="host"');
        // Ended by the 1 s deadline, long before the 14 s a single call takes.
        expect(frameMs).to.be.within(1000, 14_000 - 1);
      } finally {
        console.error = consoleError;
        whmcs.delayMs = 0;
        await server.close();
        await vault.close();
      }
    });

    it('a WHMCS slower than usual but within the deadline still renders the whole panel', async () => {
      const { vault, directory } = await vaultOver(db, whmcs);
      try {
        directory.clearCache();
        whmcs.delayMs = DELAY_MS;
        // Two rounds of calls fit in a deadline of three.
        const hooks = createHooks(vault.lk, new Renderer(), { renderDeadlineMs: 3 * DELAY_MS + 1000 });
        expect(await hooks.clientSummary(ADMIN, { clientId: '2' }, SURFACE)).to.contain('Server root');
      } finally {
        await vault.close();
      }
    });
  });
});

describe('[sqlite] the default render deadline', () => {
  it('is a few seconds: a render waiting on a 14 s WHMCS fails with HostUnavailableError after 5 s', async () => {
    const whmcs = await FakeWhmcs.start();
    const { vault } = await vaultOver({ name: 'sqlite', url: 'sqlite::memory:' }, whmcs);
    try {
      whmcs.delayMs = 14_000;
      const started = Date.now();
      const err = await rejection(createHooks(vault.lk, new Renderer()).clientSummary(ADMIN, { clientId: '2' }, SURFACE), HostUnavailableError);
      expect(err.code).to.equal('render_deadline');
      expect(Date.now() - started).to.be.within(5000, 14_000 - 1);
    } finally {
      await whmcs.close();
      await vault.close();
    }
  });
});
