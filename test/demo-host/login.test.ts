import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startDemoHost, type DemoHost } from '../../examples/demo-host/app.ts';
import { T } from '../../examples/demo-host/schema.ts';
import * as data from '../../examples/demo-host/seed-data.ts';
import { Browser, csrfOf } from './browser.ts';

const { DEMO_PASSWORD } = data;

function sessionCookieLine(res: Response): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith('nwh_session='));
}

describe('[sqlite] demo host: logins, sessions, pages and restarts over real HTTP', function () {
  this.timeout(120_000);
  let dataDir: string;
  let demo: DemoHost;
  const errors: string[] = [];

  const start = () => startDemoHost({ port: 0, host: '127.0.0.1', dataDir, env: {}, log: () => undefined, logError: (line) => errors.push(line) });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    demo = await start();
  });

  after(async () => {
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(errors, 'errors logged by the demo host').to.deep.equal([]);
  });

  it('creates its database, key and secret on the first start, the secrets readable by their owner only', () => {
    expect(demo.seeded).to.equal(true);
    expect(demo.key.origin).to.equal('created');
    expect(demo.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const file of ['latchkey.keys', 'demo-host.secret']) {
      expect(statSync(join(dataDir, file)).mode & 0o777, file).to.equal(0o600);
    }
    expect(readFileSync(join(dataDir, 'latchkey.keys'), 'utf8')).to.match(/^demo1:[A-Za-z0-9+/]{43}=\n$/);
    expect(statSync(join(dataDir, 'demo.sqlite')).isFile()).to.equal(true);
  });

  it('shows the home page with the demo logins, and both login forms', async () => {
    const browser = new Browser(demo.url);
    const home = await browser.get('/');
    expect(home.status).to.equal(200);
    const html = await home.text();
    expect(html).to.contain('olivia').and.to.contain('hello@blueharbourcoffee.example').and.to.contain(DEMO_PASSWORD);
    expect(home.headers.get('content-security-policy')).to.contain("frame-ancestors 'none'");
    for (const path of ['/admin/login', '/login']) {
      const res = await browser.get(path);
      expect(res.status).to.equal(200);
      const form = await res.text();
      expect(form).to.contain('autocomplete="current-password"').and.to.contain('<label for="password">');
    }
  });

  it('refuses a wrong password with a clear, translated message and no session', async () => {
    const browser = new Browser(demo.url);
    const res = await browser.logIn('admin', 'olivia', 'not-the-password');
    expect(res.status).to.equal(401);
    expect(sessionCookieLine(res)).to.equal(undefined);
    const html = await res.text();
    expect(html).to.contain('The login or the password is wrong');
    expect(html).to.contain('role="alert"');
    expect(html).not.to.match(/\bat .+\.ts:\d+/);

    const french = new Browser(demo.url);
    await french.get('/login?lang=fr');
    const refused = await french.logIn('client', 'contact@atelier-lumiere.example', 'nope');
    expect(refused.status).to.equal(401);
    expect(await refused.text()).to.contain('L’identifiant ou le mot de passe est incorrect.');

    const unknown = await new Browser(demo.url).logIn('client', 'nobody@nowhere.example', DEMO_PASSWORD);
    expect(unknown.status).to.equal(401);
    expect(await unknown.text()).to.contain('The login or the password is wrong');
  });

  it('refuses a login form posted without its CSRF token', async () => {
    const browser = new Browser(demo.url);
    const res = await browser.post('/admin/login', { login: 'olivia', password: DEMO_PASSWORD });
    expect(res.status).to.equal(403);
    expect(sessionCookieLine(res)).to.equal(undefined);
    expect(await res.text()).to.contain('This form has expired');
  });

  it('logs an admin in with the right password: an HttpOnly, SameSite=Lax session cookie, then the staff pages', async () => {
    const browser = new Browser(demo.url);
    const res = await browser.logIn('admin', 'olivia', DEMO_PASSWORD);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/admin');
    const cookie = sessionCookieLine(res)!;
    expect(cookie).to.match(/HttpOnly/i).and.to.match(/SameSite=Lax/i).and.to.match(/Path=\//);

    const dashboard = await browser.get('/admin');
    expect(dashboard.status).to.equal(200);
    expect(dashboard.headers.get('cache-control')).to.equal('no-store');
    const html = await dashboard.text();
    expect(html).to.contain('Hello, Olivia').and.to.contain('href="/admin/addons/latchkey"');
  });

  it('sends a signed-out visitor to the right login page, and back after signing in', async () => {
    const browser = new Browser(demo.url);
    const admin = await browser.get('/admin/clients/1');
    expect(admin.status).to.equal(303);
    expect(admin.headers.get('location')).to.equal('/admin/login?next=%2Fadmin%2Fclients%2F1');
    const client = await browser.get('/clientarea/passwords');
    expect(client.status).to.equal(303);
    expect(client.headers.get('location')).to.equal('/login?next=%2Fclientarea%2Fpasswords');

    const form = await (await browser.get('/admin/login?next=%2Fadmin%2Fclients%2F1')).text();
    const res = await browser.post('/admin/login?next=%2Fadmin%2Fclients%2F1', { csrf: csrfOf(form), login: 'sam', password: DEMO_PASSWORD });
    expect(res.headers.get('location')).to.equal('/admin/clients/1');
    const evil = await new Browser(demo.url).post('/admin/login?next=https%3A%2F%2Fevil.example', { csrf: 'x', login: 'sam', password: DEMO_PASSWORD });
    expect(evil.headers.get('location')).to.equal(null);
  });

  it('stores argon2id hashes of the demo logins, never the password itself', async () => {
    const admins = await demo.knex(T.admins).select('password_hash') as Array<{ password_hash: string }>;
    const contacts = await demo.knex(T.contacts).whereNotNull('password_hash').select('password_hash') as Array<{ password_hash: string }>;
    const hashes = [...admins, ...contacts].map((r) => r.password_hash);
    expect(hashes).to.have.length(data.admins.length + data.contacts.filter((c) => c.login).length);
    for (const hash of hashes) expect(hash).to.match(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(new Set(hashes).size, 'each hash has its own salt').to.equal(hashes.length);
    await demo.knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    for (const file of ['demo.sqlite', 'demo.sqlite-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(dataDir, file));
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(DEMO_PASSWORD)), `${file} holds the plaintext password`).to.equal(false);
    }
  });

  it('renders the staff pages with the Latchkey panels where they belong', async () => {
    const sam = new Browser(demo.url);
    await sam.logIn('admin', 'sam', DEMO_PASSWORD);
    const summary = await sam.get('/admin/clients/1');
    expect(summary.status).to.equal(200);
    const summaryHtml = await summary.text();
    expect(summaryHtml).to.contain('Blue Harbour Coffee Roasters').and.to.contain('Products &amp; services');
    expect(summaryHtml).to.contain('lk-panel').and.to.contain('Square POS back office');
    expect(summaryHtml).to.contain('/latchkey/assets/latchkey.js');

    const ticket = await sam.get('/admin/tickets/5');
    expect(ticket.status).to.equal(200);
    const ticketHtml = await ticket.text();
    expect(ticketHtml).to.contain('Migrar la web desde nuestro proveedor anterior');
    expect(ticketHtml).to.match(/class="ticket-sidebar"[\s\S]*lk-panel[\s\S]*cPanel del proveedor anterior/);

    for (const path of ['/admin/clients', '/admin/tickets', '/admin/tickets?status=all']) {
      expect((await sam.get(path)).status, path).to.equal(200);
    }
    const addon = await sam.get('/admin/addons/latchkey');
    expect(addon.status, 'Support may not run the addon').to.equal(403);
    expect(await sam.get('/admin/clients/999').then((r) => r.status)).to.equal(404);
    expect(await sam.get('/admin/clients/abc').then((r) => r.status)).to.equal(404);
  });

  it('lets the addon manager open the addon pages, and hides clients’ passwords from Billing in restricted mode', async () => {
    const olivia = new Browser(demo.url);
    await olivia.logIn('admin', 'olivia', DEMO_PASSWORD);
    for (const page of ['dashboard', 'entries', 'categories', 'settings', 'audit']) {
      const res = await olivia.get(`/admin/addons/latchkey?page=${page}`);
      expect(res.status, page).to.equal(200);
      expect(await res.text(), page).to.contain('lk-');
    }

    const carmen = new Browser(demo.url);
    await carmen.logIn('admin', 'carmen', DEMO_PASSWORD);
    const summary = await (await carmen.get('/admin/clients/1')).text();
    expect(summary).to.contain('Blue Harbour Coffee Roasters').and.to.contain('Datos del cliente');
    expect(summary).not.to.contain('Square POS back office');
    expect(summary).not.to.contain('Mailchimp');
    expect(summary).not.to.contain('href="/admin/addons/latchkey"');
  });

  it('shows a client the dashboard and the Passwords page, in the client’s language; a contact sees only what is shared', async () => {
    const emma = new Browser(demo.url);
    const res = await emma.logIn('client', 'hello@blueharbourcoffee.example', DEMO_PASSWORD);
    expect(res.headers.get('location')).to.equal('/clientarea');
    const dashboard = await (await emma.get('/clientarea')).text();
    expect(dashboard).to.contain('Welcome back, Emma').and.to.contain('shop.blueharbourcoffee.example');
    const passwords = await (await emma.get('/clientarea/passwords')).text();
    expect(passwords).to.contain('lk-panel').and.to.contain('Mailchimp').and.to.contain('Square POS back office');

    const tom = new Browser(demo.url);
    await tom.logIn('client', 'tom@blueharbourcoffee.example', DEMO_PASSWORD);
    const shared = await (await tom.get('/clientarea/passwords')).text();
    expect(shared).to.contain('Square POS back office');
    expect(shared).not.to.contain('Mailchimp');

    const camille = new Browser(demo.url);
    await camille.logIn('client', 'contact@atelier-lumiere.example', DEMO_PASSWORD);
    const french = await (await camille.get('/clientarea')).text();
    expect(french).to.contain('<html lang="fr">').and.to.contain('Tableau de bord').and.to.contain('Bienvenue, Camille');
    expect((await camille.get('/admin')).status, 'a client is no admin').to.equal(303);
  });

  it('lets Latchkey’s language switcher override the client’s language, for the panel and the page around it', async () => {
    const emma = new Browser(demo.url);
    await emma.logIn('client', 'hello@blueharbourcoffee.example', DEMO_PASSWORD);
    const before = await (await emma.get('/clientarea/passwords')).text();
    expect(before).to.contain('<html lang="en">');
    const csrf = /data-lk-csrf="([^"]+)"/.exec(before)![1]!;
    const switched = await emma.postJson('/latchkey/api/language', { language: 'de' }, { 'x-csrf-token': csrf });
    expect(switched.status).to.equal(200);
    const after = await (await emma.get('/clientarea/passwords')).text();
    expect(after).to.contain('<html lang="de">').and.to.contain('Passwörter');
    expect(after).to.match(/<option value="de" selected>/);
    expect(await (await emma.get('/clientarea')).text()).to.contain('Willkommen zurück, Emma');
  });

  it('logs out for good: the old session cookie no longer opens anything', async () => {
    const browser = new Browser(demo.url);
    await browser.logIn('admin', 'lena', DEMO_PASSWORD);
    const stolen = browser.cookies.get('nwh_session')!;
    const page = await (await browser.get('/admin')).text();
    expect((await browser.post('/admin/logout', { csrf: 'forged' })).status).to.equal(403);
    const out = await browser.post('/admin/logout', { csrf: csrfOf(page) });
    expect(out.status).to.equal(303);
    expect(browser.cookies.has('nwh_session')).to.equal(false);

    const replay = new Browser(demo.url);
    replay.cookies.set('nwh_session', stolen);
    expect((await replay.get('/admin')).status).to.equal(303);
    const forged = new Browser(demo.url);
    forged.cookies.set('nwh_session', `${stolen.split('.')[0]}.AAAA`);
    expect((await forged.get('/admin')).status).to.equal(303);
  });

  it('slows down guessing: after five failures a login is refused for a while', async () => {
    const browser = new Browser(demo.url);
    for (let i = 0; i < 5; i += 1) expect((await browser.logIn('client', 'studio@pixelforge.example', `guess-${i}`)).status).to.equal(401);
    const blocked = await browser.logIn('client', 'studio@pixelforge.example', DEMO_PASSWORD);
    expect(blocked.status).to.equal(429);
    expect(await blocked.text()).to.contain('Too many failed attempts');
  });

  it('answers bad requests with a translated page and no stack trace', async () => {
    const browser = new Browser(demo.url);
    const big = await browser.post('/login', { csrf: 'x', login: 'a', password: 'x'.repeat(40_000) });
    expect(big.status).to.equal(413);
    const html = await big.text();
    expect(html).to.contain('Something is wrong with the request');
    expect(html).not.to.match(/Error|\bat .+:\d+/);
    const missing = await browser.get('/no/such/page');
    expect(missing.status).to.equal(404);
    expect(await missing.text()).to.contain('Page not found');
  });

  it('renders host data inert: markup in a client, contact, admin, service or ticket is escaped everywhere', async () => {
    const payload = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>{{7*7}}`;
    const saved = {
      client: await demo.knex(T.clients).where('id', 8).first(),
      contact: await demo.knex(T.contacts).where('id', 12).first(),
      admin: await demo.knex(T.admins).where('id', 5).first(),
      service: await demo.knex(T.services).where('id', 15).first(),
      ticket: await demo.knex(T.tickets).where('id', 9).first(),
    };
    await demo.knex(T.clients).where('id', 8).update({ company: `Nordlicht ${payload}`, city: payload, phone: payload });
    await demo.knex(T.contacts).where('id', 12).update({ name: `Anna ${payload}`, job_title: payload });
    await demo.knex(T.admins).where('id', 5).update({ name: `Carmen ${payload}` });
    await demo.knex(T.services).where('id', 15).update({ label: payload, username: payload, login_url: 'javascript:alert(3)' });
    await demo.knex(T.tickets).where('id', 9).update({ subject: payload });
    await demo.knex(T.ticketReplies).insert({ ticket_id: 9, author_kind: 'admin', author_admin_id: 5, author_contact_id: null, message: payload, created_at: Date.now() });
    try {
      const carmen = new Browser(demo.url);
      await carmen.logIn('admin', 'carmen', DEMO_PASSWORD);
      const anna = new Browser(demo.url);
      await anna.logIn('client', 'service@nordlicht-reisen.example', DEMO_PASSWORD);
      const pages = [
        ...await Promise.all(['/admin', '/admin/clients', '/admin/clients/8', '/admin/tickets?status=all', '/admin/tickets/9']
          .map(async (path) => [path, await (await carmen.get(path)).text()] as const)),
        ...await Promise.all(['/clientarea', '/clientarea/passwords']
          .map(async (path) => [path, await (await anna.get(path)).text()] as const)),
      ];
      for (const [path, html] of pages) {
        expect(html, path).not.to.contain('<script>alert');
        expect(html, path).not.to.contain('<img src=x');
        expect(html, path).not.to.contain('javascript:alert');
      }
      expect(pages.find(([p]) => p === '/admin/clients/8')![1]).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;').and.to.contain('{{7*7}}');
      expect(pages.find(([p]) => p === '/admin/tickets/9')![1]).to.contain('&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;');
    } finally {
      await demo.knex(T.ticketReplies).where({ ticket_id: 9, author_admin_id: 5 }).delete();
      await demo.knex(T.clients).where('id', 8).update(saved.client);
      await demo.knex(T.contacts).where('id', 12).update(saved.contact);
      await demo.knex(T.admins).where('id', 5).update(saved.admin);
      await demo.knex(T.services).where('id', 15).update(saved.service);
      await demo.knex(T.tickets).where('id', 9).update(saved.ticket);
    }
  });

  it('keeps its data across a restart: same key, same logins, same passwords and tickets', async () => {
    const olivia = new Browser(demo.url);
    await olivia.logIn('admin', 'olivia', DEMO_PASSWORD);
    const ticketPage = await (await olivia.get('/admin/tickets/8')).text();
    const reply = await olivia.post('/admin/tickets/8/reply', {
      csrf: csrfOf(ticketPage), message: 'I have lifted the lock on your WordPress login.', status: 'Answered',
    });
    expect(reply.status).to.equal(303);
    const created = await demo.latchkey.entries.create({ kind: 'admin', adminId: '1' }, {
      name: 'Restart check', username: 'restart', password: 'survives-a-restart', clientId: '7',
    });

    await demo.close();
    demo = await start();
    expect(demo.seeded).to.equal(false);
    expect(demo.key.origin).to.equal('data-dir');

    const again = new Browser(demo.url);
    expect((await again.logIn('admin', 'olivia', DEMO_PASSWORD)).status).to.equal(303);
    const ticket = await (await again.get('/admin/tickets/8')).text();
    expect(ticket).to.contain('I have lifted the lock on your WordPress login.');
    const revealed = await demo.latchkey.entries.reveal({ kind: 'admin', adminId: '1' }, created.id);
    expect(revealed.password!.expose()).to.equal('survives-a-restart');
    const services = await demo.latchkey.serviceCredentials.list({ kind: 'client', clientId: '1' }, '1');
    expect(services).to.have.length(3);
    expect(await demo.knex(T.clients).count({ n: '*' }).first()).to.deep.equal({ n: 8 });
  });

  it('refuses to start on a seeded database whose key file went missing, instead of making a new key', async () => {
    await demo.close();
    const keyFile = join(dataDir, 'latchkey.keys');
    const saved = readFileSync(keyFile, 'utf8');
    rmSync(keyFile);
    try {
      let failure: unknown;
      try {
        demo = await start();
      } catch (err) {
        failure = err;
      }
      expect(String((failure as Error)?.message)).to.contain('latchkey.keys is missing');
    } finally {
      writeFileSync(keyFile, saved, { mode: 0o600 });
      demo = await start();
    }
  });
});

describe('[sqlite] demo host: a key configured in the environment', function () {
  this.timeout(120_000);

  it('uses LATCHKEY_KEYS when set, and then writes no key file of its own', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-demo-env-'));
    const spec = `env1:${Buffer.alloc(32, 7).toString('base64')}`;
    const demo = await startDemoHost({ port: 0, dataDir, env: { LATCHKEY_KEYS: spec }, log: () => undefined });
    try {
      expect(demo.key.origin).to.equal('LATCHKEY_KEYS');
      expect(() => statSync(join(dataDir, 'latchkey.keys'))).to.throw();
      const stripe = (await demo.latchkey.entries.list({ kind: 'admin', adminId: '1' }, { search: 'Stripe' })).items;
      expect(stripe.length).to.be.greaterThan(0);
      expect((await demo.latchkey.entries.reveal({ kind: 'admin', adminId: '1' }, stripe[0]!.id)).password).not.to.equal(null);
    } finally {
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reads LATCHKEY_KEYS_FILE when set', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-demo-file-'));
    const keyFile = join(dataDir, 'elsewhere.keys');
    writeFileSync(keyFile, `file1:${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o600 });
    const demo = await startDemoHost({ port: 0, dataDir, env: { LATCHKEY_KEYS_FILE: keyFile }, log: () => undefined });
    try {
      expect(demo.key).to.deep.equal({ origin: 'LATCHKEY_KEYS_FILE', path: keyFile });
      expect(() => statSync(join(dataDir, 'latchkey.keys'))).to.throw();
    } finally {
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
