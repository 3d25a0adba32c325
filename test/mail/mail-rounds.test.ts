import { expect } from 'chai';
import { SmtpMailer } from '../../adapters/smtp/smtp-mailer.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { outboxStatuses } from './support/bulk-reminders.ts';
import { SmtpSink, type StalledMail } from './support/smtp-sink.ts';

/**
 * `startMail` for hosts that keep Latchkey running: a slow mail server makes a
 * round last longer than the interval, and still no round starts before the
 * last one ended.
 */
forEachDatabase('the mail loop', (db) => {
  let vault: Vault;
  let sink: SmtpSink;
  let mailer: SmtpMailer;
  let answering: NodeJS.Timeout;

  beforeEach(async () => {
    const clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    for (const name of ['Mail server', 'Router', 'Backup NAS']) {
      await vault.lk.entries.create(acme, { name, password: 'secret', reminderDays: 30 });
    }
    clock.advanceDays(30);
    sink = await SmtpSink.start();
    mailer = new SmtpMailer({ url: sink.url, from: 'Latchkey <latchkey@host.test>' });
    // A slow server: each message is taken 100 ms after its data is in.
    sink.decide = () => 'stall';
    const seen = new Set<StalledMail>();
    answering = setInterval(() => {
      for (const stalled of sink.stalled) {
        if (seen.has(stalled)) continue;
        seen.add(stalled);
        setTimeout(() => stalled.answer('accept'), 100);
      }
    }, 5);
  });

  afterEach(async () => {
    clearInterval(answering);
    mailer.close();
    await sink.close();
    await vault.close();
  });

  it('a round slower than the interval: the next round starts only after it ended, and none after stop', async () => {
    const rounds: Array<{ inFlight: number; sent: number }> = [];
    const loop = vault.lk.startMail(mailer, {
      everyMs: 10,
      onRound: (outcome) => {
        if (outcome instanceof Error) throw outcome;
        // Messages still in the server's hands when a round ends belong to a round running alongside it.
        rounds.push({ inFlight: sink.stalled.length - sink.accepted.length, sent: outcome.sent });
      },
    });
    await sink.until(() => sink.accepted.length === 3, 10_000, 'three messages');
    for (let waited = 0; rounds.length < 4 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await loop.stop();
    const after = rounds.length;

    expect(rounds.filter((r) => r.inFlight > 0), 'rounds that ended while another was sending').to.deep.equal([]);
    expect(rounds[0], 'the first round sent all three, one after another').to.deep.equal({ inFlight: 0, sent: 3 });
    expect(rounds.slice(1).every((r) => r.sent === 0)).to.equal(true);
    expect(await outboxStatuses(vault)).to.deep.equal({ sent: 3 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rounds, 'no round after stop').to.have.length(after);
  });
});
