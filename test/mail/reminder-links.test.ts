import { expect } from 'chai';
import { entryLinkTemplates, type EntryLinks } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner, sam } from '../support/host-fixture.ts';
import { Inbox } from './support/inbox.ts';

const LINKS: EntryLinks = entryLinkTemplates({
  staffClient: 'https://billing.host.test/admin/clientssummary.php?userid={clientId}',
  staff: 'https://billing.host.test/admin/addonmodules.php?module=latchkey&page=entries',
  client: 'https://billing.host.test/index.php?m=latchkey',
});

/**
 * A reminder links to where the recipient updates the stored password in the
 * host: staff to the client's summary (or the addon's entries page), clients
 * to their client area; the panel there opens the entry the fragment names.
 */
forEachDatabase('reminder mails link to the entry', (db) => {
  let vault: Vault;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    await vault.lk.settings.update(owner, { accessReviewDays: null, adminAccessMode: 'full' });
  });
  afterEach(async () => { await vault.close(); });

  async function remindersWith(links: EntryLinks | undefined): Promise<Inbox> {
    const inbox = new Inbox();
    clock.advanceDays(30);
    await vault.lk.runMailOnce(inbox, links ? { entryLinks: links } : {});
    return inbox;
  }

  it('staff get the client summary (or the addon\'s entries page), clients their client area, each opening the entry', async () => {
    const filed = await vault.lk.entries.create(owner, { name: 'Acme VPS', password: 'vps-pw', clientId: 'c-acme', reminderDays: 30, grants: [{ kind: 'admin', id: 'a-sam' }] });
    const loose = await vault.lk.entries.create(sam, { name: 'Switch', password: 'sw-pw', reminderDays: 30 });
    const own = await vault.lk.entries.create(acme, { name: 'Mail server', password: 'mail-pw', reminderDays: 30 });
    await vault.lk.entries.watch(sam, filed.id, true);
    const inbox = await remindersWith(LINKS);
    const linkIn = (to: string, entry: string) => {
      const mail = inbox.to(to).find((m) => m.subject.includes(entry))!;
      const url = /Update the stored password here once you have changed it: (\S+)/.exec(mail.text)?.[1];
      expect(mail.html).to.contain(`<a href="${url!.replace(/&/g, '&amp;').replace(/=/g, '&#x3D;')}"`);
      return url;
    };
    expect(linkIn('olivia@host.test', 'Acme VPS')).to.equal(`https://billing.host.test/admin/clientssummary.php?userid=c-acme#lk-entry-${filed.id}`);
    expect(linkIn('sam@host.test', 'Acme VPS')).to.equal(`https://billing.host.test/admin/clientssummary.php?userid=c-acme#lk-entry-${filed.id}`);
    expect(linkIn('sam@host.test', 'Switch')).to.equal(`https://billing.host.test/admin/addonmodules.php?module=latchkey&page=entries#lk-entry-${loose.id}`);
    expect(linkIn('it@acme.test', 'Mail server')).to.equal(`https://billing.host.test/index.php?m=latchkey#lk-entry-${own.id}`);
    for (const mail of inbox.messages) for (const secret of ['vps-pw', 'sw-pw', 'mail-pw']) expect(`${mail.text}${mail.html}`).to.not.contain(secret);
  });

  it('without links, or with one that is not http(s), the reminder carries no link', async () => {
    await vault.lk.entries.create(acme, { name: 'Mail server', password: 'mail-pw', reminderDays: 30 });
    const hostile: EntryLinks = { client: () => 'javascript:alert(1)//', staff: () => 'https://ok.test/' };
    const [plain] = (await remindersWith(undefined)).messages;
    expect(plain!.text).to.not.contain('Update the stored password here');
    // Due again 30 days later, now with a link that is not http(s).
    const [refused] = (await remindersWith(hostile)).messages;
    expect(refused, 'the second reminder').to.not.equal(undefined);
    expect(`${refused!.text}${refused!.html}`).to.not.contain('javascript:').and.to.not.contain('Update it in the password list');
  });

  it('a reminder the admin wrote places the link where {{entryUrl}} is, and nowhere else', async () => {
    await vault.lk.settings.update(owner, { mailTemplates: { reminder: { en: { subject: 'Rotate {{entryName}}', body: 'Go to {{entryUrl}} now.' } } } });
    const entry = await vault.lk.entries.create(acme, { name: 'Mail server', password: 'mail-pw', reminderDays: 30 });
    const [mail] = (await remindersWith(LINKS)).messages;
    expect(mail!.text).to.contain(`Go to https://billing.host.test/index.php?m=latchkey#lk-entry-${entry.id} now.`);
    expect(mail!.text).to.not.contain('Update the stored password here');
  });
});
