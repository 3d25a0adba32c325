import { expect } from 'chai';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import type { AdminActor } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';
import { Inbox } from '../mail/support/inbox.ts';

const from = (ip: string): AdminActor => ({ ...owner, origin: { ip, userAgent: 'Firefox/130' } });

forEachDatabase('security alert and review mail', (db) => {
  let host: MemoryDirectory;
  let vault: Vault;
  let inbox: Inbox;
  let clock: ManualClock;

  beforeEach(async () => {
    host = hostFixture();
    // Sid runs the addon too, in French: each manager reads the alert in their own language.
    host.data.admins.find((a) => a.id === 'a-sys')!.addonManager = true;
    clock = new ManualClock();
    vault = await openVault(db, host, { clock });
    inbox = new Inbox();
  });
  afterEach(async () => { await vault.close(); });

  it('an alert reaches every addon manager in their language, naming the person and the counts, never the secret', async () => {
    await vault.lk.settings.update(owner, { securityAlerts: { revealBurst: { count: 1, minutes: 10 }, newPlace: { enabled: false } }, accessReviewDays: null });
    const entry = await vault.lk.entries.create(owner, { name: 'Core router', password: 'router-secret-pw' });
    await vault.lk.entries.reveal(from('198.51.100.7'), entry.id);
    await vault.lk.entries.reveal(from('198.51.100.7'), entry.id);
    await vault.lk.runMailOnce(inbox);
    const [english] = inbox.to('olivia@host.test');
    const [french] = inbox.to('sid@host.test');
    expect(english?.subject).to.include('Latchkey security alert').and.include('Olivia Owner revealed 2 secrets within 10 minutes');
    expect(french?.subject).to.include('Alerte de sécurité Latchkey').and.include('Olivia Owner a affiché 2 secrets en 10 minutes');
    for (const mail of inbox.messages) expect(`${mail.subject}${mail.text}${mail.html}`).not.to.include('router-secret-pw');
    expect(inbox.messages).to.have.length(2);
  });

  it('the review reminder reaches the addon managers in their language', async () => {
    await vault.lk.settings.update(owner, { accessReviewDays: 7 });
    await vault.lk.accessReviews.markReviewed(owner);
    clock.advanceDays(7);
    await vault.lk.runMailOnce(inbox);
    expect(inbox.to('olivia@host.test').map((m) => m.subject)).to.deep.equal(['Time for a Latchkey access review']);
    expect(inbox.to('sid@host.test').map((m) => m.subject)).to.deep.equal(['C’est le moment d’une revue des accès Latchkey']);
    expect(inbox.to('sid@host.test')[0]!.text).to.include('7 jours');
  });
});
