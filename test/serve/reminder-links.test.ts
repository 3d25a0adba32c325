/**
 * `latchkey reminders run` (a child process configured by the environment,
 * mail to a real SMTP server on loopback) and `latchkey serve` answering
 * WHMCS's daily cron (mail to clients through the fake WHMCS's SendEmail):
 * each reminder links to the WHMCS page where the recipient updates the
 * stored password, with the fragment that opens the entry.
 */
import { execFile } from 'node:child_process';
import { expect } from 'chai';
import { createLatchkey, Keyring, type Latchkey } from '../../core/index.ts';
import { DAY_MS } from '../../core/services/reminder-schedule.ts';
import { forEachDatabase } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { parseMail, SmtpSink, type ParsedMail } from '../mail/support/smtp-sink.ts';
import { signEmbed } from '../express/harness.ts';
import { WhmcsApi, WhmcsDirectory } from '../../adapters/whmcs/index.ts';
import { API_IDENTIFIER, API_SECRET, FakeWhmcs } from '../whmcs/fake-whmcs.ts';
import { EMBED_SECRET, KEYS, ServeDatabase, ServeProcess, WHMCS_ORIGIN, whmcsEnv } from './support.ts';

const LINE = /Update the stored password here once you have changed it: (\S+)/;
const MONTH_AGO = { now: () => new Date(Date.now() - 31 * DAY_MS) };

forEachDatabase('latchkey reminders run links each reminder to its entry in WHMCS', (testDb) => {
  let db: ServeDatabase;
  let smtp: SmtpSink;
  let vault: Latchkey;

  beforeEach(async () => {
    db = await ServeDatabase.open(testDb);
    smtp = await SmtpSink.start();
    // Entries made 31 days ago with a 30-day reminder are due when the command runs.
    vault = await createLatchkey({
      database: { url: db.directUrl }, keys: Keyring.parse(KEYS, 'test keys'), host: hostFixture(),
      tablePrefix: db.tablePrefix, migrate: true, clock: MONTH_AGO,
    });
    await vault.settings.update(owner, { accessReviewDays: null });
  });
  afterEach(async () => {
    await vault?.close();
    await smtp?.close();
    await db?.drop();
  });

  function remindersRun(env: Record<string, string> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'adapters/cli/main.ts', 'reminders', 'run'], {
        cwd: process.cwd(),
        timeout: 60_000,
        env: {
          PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '',
          LATCHKEY_HOST: 'whmcs', WHMCS_URL: WHMCS_ORIGIN,
          LATCHKEY_DATABASE_URL: db.directUrl, LATCHKEY_TABLE_PREFIX: db.tablePrefix, LATCHKEY_KEYS: KEYS,
          LATCHKEY_HOST_MODULE: 'test/serve/zendesk-host-module.ts',
          LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'latchkey@host.test',
          ...env,
        },
      }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
  }

  const mailTo = (address: string): ParsedMail[] => smtp.accepted.filter((m) => m.to.includes(address)).map((m) => parseMail(m.raw));
  const linkIn = (mail: ParsedMail | undefined) => LINE.exec(mail?.text ?? '')?.[1];

  it('a staff member is sent to the client summary of the client the entry is filed under', async () => {
    const entry = await vault.entries.create(owner, { name: 'Acme VPS', password: 'vps-pw', clientId: 'c-acme', reminderDays: 30 });
    const out = await remindersRun();
    expect(out).to.match(/mail sent: [1-9]/);
    const [mail] = mailTo('olivia@host.test');
    expect(linkIn(mail)).to.equal(`${WHMCS_ORIGIN}/admin/clientssummary.php?userid=c-acme#lk-entry-${entry.id}`);
    expect(`${mail!.text}${mail!.html}`).to.not.contain('vps-pw');
  });

  it('a client is sent to the addon\'s client area page; staff to the entries page in the admin folder WHMCS_ADMIN_PATH names', async () => {
    const entry = await vault.entries.create(acme, { name: 'Mail server', password: 'mail-pw', reminderDays: 30 });
    const loose = await vault.entries.create(owner, { name: 'Core switch', password: 'sw-pw', reminderDays: 30 });
    await remindersRun({ WHMCS_URL: `${WHMCS_ORIGIN}/`, WHMCS_ADMIN_PATH: 'backoffice' });
    const [mail] = mailTo('it@acme.test');
    expect(linkIn(mail)).to.equal(`${WHMCS_ORIGIN}/index.php?m=latchkey#lk-entry-${entry.id}`);
    expect(`${mail!.text}${mail!.html}`).to.not.contain('mail-pw');
    expect(linkIn(mailTo('olivia@host.test')[0])).to.equal(`${WHMCS_ORIGIN}/backoffice/addonmodules.php?module=latchkey&view=entries#lk-entry-${loose.id}`);
  });
});

forEachDatabase('latchkey serve links the reminders WHMCS\'s daily cron asks for', (testDb) => {
  let whmcs: FakeWhmcs;
  let db: ServeDatabase;
  let serve: ServeProcess | undefined;

  beforeEach(async () => {
    whmcs = await FakeWhmcs.start();
    db = await ServeDatabase.open(testDb);
  });
  afterEach(async () => {
    await serve?.kill();
    await whmcs?.close();
    await db?.drop();
  });

  it('a client\'s reminder, sent through WHMCS, links to the addon\'s client area page', async () => {
    const directory = new WhmcsDirectory(new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET }));
    const vault = await createLatchkey({
      database: { url: db.directUrl }, keys: Keyring.parse(KEYS, 'test keys'), host: directory,
      tablePrefix: db.tablePrefix, migrate: true, clock: MONTH_AGO,
    });
    let entryId: string;
    try {
      entryId = (await vault.entries.create({ kind: 'client', clientId: '1' }, { name: 'Shop admin', password: 'shop-pw', reminderDays: 30 })).id;
    } finally {
      await vault.close();
    }
    let url: string;
    ({ process: serve, url } = await ServeProcess.start(whmcsEnv(db, whmcs.url)));
    const token = await signEmbed(EMBED_SECRET, { iss: 'whmcs', aud: 'latchkey', sub: 'system', ctx: { job: 'reminders' } });
    const res = await fetch(`${url}/latchkey/api/cron/reminders`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(res.status, await res.clone().text()).to.equal(200);
    const mail = whmcs.mails.find((m) => m.kind === 'client' && m.params.id === '1');
    // WHMCS takes the HTML part, where `=` is written as an entity.
    expect(mail?.params.custommessage).to.contain(`<a href="${whmcs.url}/index.php?m&#x3D;latchkey#lk-entry-${entryId}"`);
    expect(mail?.params.custommessage).to.not.contain('shop-pw');
  });
});
