import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startDemoHost, type DemoHost } from '../../examples/demo-host/app.ts';
import { parseMail } from '../../examples/demo-host/mime.ts';
import { T } from '../../examples/demo-host/schema.ts';
import { DEMO_PASSWORD } from '../../examples/demo-host/seed-data.ts';
import { Browser, csrfOf } from './browser.ts';

/** Signs a staff member in to the demo host, as the login form does. */
async function staffBrowser(base: string, login: string): Promise<Browser> {
  const browser = new Browser(base);
  const res = await browser.logIn('admin', login, DEMO_PASSWORD);
  expect(res.status, `login as ${login}`).to.equal(303);
  return browser;
}

/** The mailbox's rows: [to, subject, link] as the page shows them (entities decoded). */
function rowsOf(html: string): Array<{ to: string; subject: string; href: string }> {
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
  return [...html.matchAll(/<tr>\s*<td>([^<]*)<\/td>\s*<td><a href="([^"]+)">([^<]*)<\/a><\/td>/g)]
    .map((m) => ({ to: decode(m[1]!), href: m[2]!, subject: decode(m[3]!) }));
}

async function eventually<T>(what: string, attempt: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== null) return result;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(true));
  });
}

describe('[sqlite] demo host: reminders arrive in the mailbox over real SMTP', function () {
  this.timeout(120_000);
  let dataDir: string;
  let demo: DemoHost;
  let olivia: Browser;
  const errors: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-mailbox-'));
    // A long interval: after the round at start, mail goes out only when a test asks for it.
    demo = await startDemoHost({ port: 0, host: '127.0.0.1', dataDir, env: {}, mailEveryMs: 600_000, log: () => undefined, logError: (line) => errors.push(line) });
    olivia = await staffBrowser(demo.url, 'olivia');
  });

  after(async () => {
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(errors, 'errors logged by the demo host').to.deep.equal([]);
  });

  it('runs its SMTP server on loopback at a port of its own', () => {
    expect(demo.mail.mailbox.url).to.match(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.mail.mailbox.port).to.not.equal(demo.port);
  });

  it('catches the reminders the seed made due on the first start, in each recipient’s language', async () => {
    const rows = await eventually('the first reminders in the mailbox page', async () => {
      const page = await olivia.get('/admin/mailbox');
      expect(page.status).to.equal(200);
      const found = rowsOf(await page.text());
      // The mail loop sends in batches: wait until every message this test and the next look for is in.
      const expected = [
        'Time to change the password of Stripe — Northwind Hosting',
        'Es hora de cambiar la contraseña de Stripe — Northwind Hosting',
        'Zeit, das Passwort für DATEV Unternehmen online zu ändern',
        'È ora di cambiare la password di Prenotazioni online — pannello gestore',
        'The password of Stripe (shop payments) was changed',
      ];
      const arrived = expected.every((subject) => found.some((r) => r.subject === subject))
        && found.some((r) => r.subject.startsWith('Il est temps de changer le mot de passe de Figma'));
      return arrived ? found : null;
    });
    expect(rows).to.deep.include({
      to: 'Olivia Bennett <olivia@northwind-hosting.example>',
      subject: 'Time to change the password of Stripe — Northwind Hosting',
      href: rows.find((r) => r.subject.includes('Stripe — Northwind') && r.to.startsWith('Olivia'))!.href,
    });
    const subjects = rows.map((r) => r.subject);
    // Carmen watches the company's Stripe account and reads Spanish; Bergmann reads German, the Trattoria Italian.
    expect(subjects).to.include('Es hora de cambiar la contraseña de Stripe — Northwind Hosting');
    expect(subjects).to.include('Zeit, das Passwort für DATEV Unternehmen online zu ändern');
    expect(subjects).to.include('È ora di cambiare la password di Prenotazioni online — pannello gestore');
    // Tom watches the shop's Stripe account, whose password Emma changed.
    expect(rows).to.deep.include({
      to: 'Tom Whitaker <tom@blueharbourcoffee.example>',
      subject: 'The password of Stripe (shop payments) was changed',
      href: rows.find((r) => r.subject === 'The password of Stripe (shop payments) was changed')!.href,
    });
    // Each reminder once: one message per recipient and subject.
    const keys = rows.map((r) => `${r.to}|${r.subject}`);
    expect(new Set(keys).size).to.equal(keys.length);
  });

  it('shows a message with its HTML part only inside a sandboxed frame', async () => {
    const page = await olivia.get('/admin/mailbox');
    const row = rowsOf(await page.text()).find((r) => r.subject.startsWith('Il est temps de changer le mot de passe de Figma'))!;
    expect(row, 'the French reminder').to.not.equal(undefined);
    const res = await olivia.get(row.href);
    expect(res.status).to.equal(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).to.contain("script-src 'self'").and.to.contain("'unsafe-hashes' 'sha256-");
    expect(csp).not.to.contain("'unsafe-inline'");
    const html = await res.text();
    const frames = [...html.matchAll(/<iframe\b[^>]*>/g)].map((m) => m[0]);
    expect(frames).to.have.length(1);
    expect(frames[0]).to.contain('sandbox=""').and.not.to.match(/allow-/);
    expect(frames[0]).to.match(/srcdoc="&lt;!doctype html&gt;/);
    // The mail's own markup is never part of the page: only escaped, inside srcdoc.
    expect(html).not.to.contain('<p style=');
    expect(html).to.contain('Atelier Lumière &lt;contact@atelier-lumiere.example&gt;');
    expect(html).to.contain('Northwind Hosting &lt;noreply@northwind.example&gt;');
    expect(html).to.match(/<pre class="mail-text">Bonjour Atelier Lumière,\n\nLe mot de passe de « Figma — compte de l’atelier » a \d+ jours/);
  });

  it('"Send reminders now" sends a reminder that just fell due', async () => {
    const lk = demo.latchkey;
    const olivia1 = { kind: 'admin', adminId: '1' } as const;
    const entry = await lk.entries.create(olivia1, { name: 'Colo cage badge system', password: 'badge-1', reminderDays: 30 });
    // As if its password had been set 31 days ago.
    const day = 86_400_000;
    await demo.knex('latchkey_entries').where('id', entry.id).update({
      password_changed_at: Date.now() - 31 * day, next_reminder_at: Date.now() - day,
    });
    const page = await olivia.get('/admin/mailbox');
    const html = await page.text();
    expect(rowsOf(html).some((r) => r.subject.includes('Colo cage'))).to.equal(false);

    const refused = await olivia.post('/admin/mailbox/send-now', { csrf: 'forged' });
    expect(refused.status).to.equal(403);

    const sent = await olivia.post('/admin/mailbox/send-now', { csrf: csrfOf(html) });
    expect(sent.status).to.equal(303);
    const location = sent.headers.get('location')!;
    expect(location).to.match(/^\/admin\/mailbox\?ran=1&queued=1&sent=\d+&failed=0$/);
    const after = await (await olivia.get(location)).text();
    expect(after).to.contain('Reminders queued: 1');
    expect(rowsOf(after)).to.deep.include({
      to: 'Olivia Bennett <olivia@northwind-hosting.example>',
      subject: 'Time to change the password of Colo cage badge system',
      href: rowsOf(after).find((r) => r.subject.includes('Colo cage'))!.href,
    });
    // Stored with what the page needs, and the raw source beside it.
    const stored = await demo.knex(T.mailbox).where('subject', 'Time to change the password of Colo cage badge system').first();
    expect(stored.envelope_to).to.equal('olivia@northwind-hosting.example');
    expect(stored.raw).to.match(/^[\s\S]*Subject: [\s\S]*Colo cage/);
  });

  it('is for the admins who run the addon, and for signed-in staff only', async () => {
    const sam = await staffBrowser(demo.url, 'sam');
    expect((await sam.get('/admin/mailbox')).status).to.equal(403);
    expect((await sam.get('/admin/mailbox/1')).status).to.equal(403);
    expect(await (await sam.get('/admin')).text()).not.to.contain('href="/admin/mailbox"');
    expect(await (await olivia.get('/admin')).text()).to.contain('href="/admin/mailbox"');
    const stranger = await new Browser(demo.url).get('/admin/mailbox');
    expect(stranger.status).to.equal(303);
    expect(stranger.headers.get('location')).to.equal('/admin/login?next=%2Fadmin%2Fmailbox');
    expect((await olivia.get('/admin/mailbox/999999')).status).to.equal(404);
    expect((await olivia.get('/admin/mailbox/abc')).status).to.equal(404);
  });

  it('stops its SMTP server and its mail loop when the demo host stops', async () => {
    const port = demo.mail.mailbox.port;
    expect(await portIsClosed(port)).to.equal(false);
    await demo.close();
    expect(await portIsClosed(port)).to.equal(true);
    // Started again on the same data: no seeding, and no reminder sent twice.
    demo = await startDemoHost({ port: 0, host: '127.0.0.1', dataDir, env: {}, mailEveryMs: 600_000, log: () => undefined, logError: (line) => errors.push(line) });
    expect(demo.seeded).to.equal(false);
    const result = await demo.mail.runOnce();
    expect(result).to.include({ queued: 0, sent: 0, failed: 0 });
    const rows = await demo.knex(T.mailbox).select('to_header', 'subject') as Array<{ to_header: string; subject: string }>;
    const keys = rows.map((r) => `${r.to_header}|${r.subject}`);
    expect(new Set(keys).size, 'each message once across the restart').to.equal(keys.length);
  });

  it('reads what mailers send: encoded-word headers, multipart bodies, quoted-printable and base64', () => {
    const raw = [
      'From: =?UTF-8?Q?Northwind_H=C3=B6sting?= <noreply@northwind.example>',
      'To: =?UTF-8?B?TMOpYQ==?= <lea@example.test>',
      'Subject: =?UTF-8?Q?Il_est_temps_de_changer_le_mot_de_passe_de_?=',
      ' =?UTF-8?Q?=C2=AB_Caf=C3=A9_=C2=BB?=',
      'Date: Sun, 22 Nov 2026 11:00:00 +0000',
      'Message-ID: <abc@latchkey>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="--b1"',
      '',
      '----b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Bonjour L=C3=A9a, une tr=C3=A8s longue ligne qui est coup=C3=A9e en deux pa=',
      'r le codage.',
      '----b1',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>Bonjour Léa &lt;script&gt;</p>').toString('base64'),
      '----b1--',
      '',
    ].join('\r\n');
    const mail = parseMail(Buffer.from(raw, 'utf8'));
    expect(mail.from).to.equal('Northwind Hösting <noreply@northwind.example>');
    expect(mail.to).to.equal('Léa <lea@example.test>');
    expect(mail.subject).to.equal('Il est temps de changer le mot de passe de « Café »');
    expect(mail.messageId).to.equal('<abc@latchkey>');
    expect(mail.date?.toISOString()).to.equal('2026-11-22T11:00:00.000Z');
    expect(mail.text).to.equal('Bonjour Léa, une très longue ligne qui est coupée en deux par le codage.');
    expect(mail.html).to.equal('<p>Bonjour Léa &lt;script&gt;</p>');
  });
});
