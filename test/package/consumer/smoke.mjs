// Run by test/package/pack.test.ts with plain `node` inside a fresh project
// that installed the packed tarball: no tsx, no repository files, only what
// `npm install latchkey` gives. Prints one JSON line of what it saw.
import { createLatchkey, Keyring } from 'latchkey';
import * as expressEntry from 'latchkey/express';
import * as whmcsEntry from 'latchkey/whmcs';
import * as zendeskEntry from 'latchkey/zendesk';
import * as memoryEntry from 'latchkey/memory';
import * as smtpEntry from 'latchkey/smtp';
import * as testingEntry from 'latchkey/testing';
import express from 'express';

const seen = {
  entries: {
    express: typeof expressEntry.mountLatchkey,
    whmcs: typeof whmcsEntry.WhmcsDirectory,
    zendesk: typeof zendeskEntry.mountZendesk,
    memory: typeof memoryEntry.MemoryDirectory,
    smtp: typeof smtpEntry.SmtpMailer,
    testing: typeof testingEntry.describeHostDirectoryContract,
  },
};

const owner = { kind: 'admin', adminId: 'a-owner' };
const host = new memoryEntry.MemoryDirectory({
  adminRoles: [{ id: 'r-full', name: 'Full Administrator' }],
  admins: [{ id: 'a-owner', name: 'Olivia Owner', email: 'olivia@host.test', roleId: 'r-full', language: 'en', disabled: false, addonManager: true }],
  clients: [{ id: 'c-acme', name: 'Acme Ltd', email: 'it@acme.test', groupId: null, language: 'en', status: 'Active' }],
});
const lk = await createLatchkey({
  database: { url: 'sqlite::memory:' },
  keys: Keyring.parse(Keyring.generate('pack1'), 'the smoke test'),
  host,
  migrate: true,
});

const entry = await lk.entries.create(owner, { name: 'vps1 root', username: 'root', password: 'correct horse', clientId: 'c-acme' });
seen.revealed = (await lk.entries.reveal(owner, entry.id)).password?.expose();

const app = express();
const mount = expressEntry.mountLatchkey(app, {
  latchkey: lk,
  basePath: '/latchkey',
  secret: 'a-secret-of-the-smoke-test-only-0123456789',
  identify: () => owner,
});
app.get('/host/client-summary', async (req, res) => {
  res.type('html').send(`<!doctype html><main>${await mount.render('clientSummary', req, res, { clientId: 'c-acme' })}</main>`);
});
const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
const origin = `http://127.0.0.1:${server.address().port}`;
try {
  const panel = await fetch(`${origin}/host/client-summary`);
  seen.panel = { status: panel.status, html: await panel.text() };
  const asset = await fetch(`${origin}/latchkey/assets/latchkey.css`);
  seen.asset = { status: asset.status, bytes: (await asset.text()).length };
} finally {
  server.closeAllConnections();
  server.close();
  await lk.close();
}
console.log(JSON.stringify(seen));
