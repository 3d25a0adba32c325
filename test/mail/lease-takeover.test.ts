import { expect } from 'chai';
import type { Mailer, MailMessage } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture } from '../support/host-fixture.ts';
import { outboxStatuses } from './support/bulk-reminders.ts';
import { Inbox } from './support/inbox.ts';

/** Its first send hangs until the test answers it, as a stalled SMTP connection would. */
class StallingMailer implements Mailer {
  readonly messages: MailMessage[] = [];
  #answer: ((err?: Error) => void) | null = null;
  #started!: () => void;
  readonly started = new Promise<void>((resolve) => { this.#started = resolve; });

  async send(message: MailMessage): Promise<void> {
    this.messages.push(message);
    if (this.messages.length > 1) return;
    this.#started();
    await new Promise<void>((resolve, reject) => {
      this.#answer = (err) => (err ? reject(err) : resolve());
    });
  }

  answer(err?: Error): void {
    this.#answer?.(err);
  }
}

const SECOND = 1 / 86_400;

/**
 * A worker whose send stalls past its lease: another worker takes its claims
 * and sends them; when the first one comes back it must not send the rest of
 * its old batch again, nor change rows that are no longer its own.
 */
forEachDatabase('a dispatcher that outlives its lease', (db) => {
  let vault: Vault;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
    for (let i = 1; i <= 5; i += 1) await vault.lk.entries.create(acme, { name: `Router ${i}`, password: 'x', reminderDays: 30 });
    clock.advanceDays(30);
    expect(await vault.lk.reminders.enqueueDue()).to.equal(5);
  });
  afterEach(async () => { await vault.close(); });

  it('sends nothing another worker took over once it is back, and leaves those rows as the other worker wrote them', async () => {
    const slow = new StallingMailer();
    const slowRun = vault.lk.dispatcher(slow, { workerId: 'slow', batchSize: 10, leaseMs: 60_000 }).runOnce();
    await slow.started;
    expect(await vault.raw(vault.tables.outbox).where('claimed_by', 'slow').count({ n: '*' }).first())
      .to.satisfy((r: { n: number | string }) => Number(r.n) === 5);

    // Within the lease nobody else may take the claimed rows.
    const fast = new Inbox();
    const fastWorker = vault.lk.dispatcher(fast, { workerId: 'fast', batchSize: 10, leaseMs: 60_000 });
    clock.advanceDays(59 * SECOND);
    expect(await fastWorker.drain()).to.deep.equal({ sent: 0, failed: 0, dropped: 0 });

    // Past it, the other worker sends all five, the stalled one included.
    clock.advanceDays(2 * SECOND);
    expect(await fastWorker.drain()).to.deep.equal({ sent: 5, failed: 0, dropped: 0 });
    const sentRows = await vault.raw(vault.tables.outbox).select('*').orderBy('id');

    // The stalled send fails at last (its connection died): the slow worker sends no more and writes nothing.
    slow.answer(new Error('connection lost'));
    expect(await slowRun).to.deep.equal({ sent: 0, failed: 0, dropped: 0 });
    expect(slow.messages).to.have.length(1);
    expect(fast.messages.map((m) => m.messageId)).to.include(slow.messages[0]!.messageId);
    expect(new Set(fast.messages.map((m) => m.messageId)).size).to.equal(5);
    expect(await vault.raw(vault.tables.outbox).select('*').orderBy('id')).to.deep.equal(sentRows);
    expect(await outboxStatuses(vault)).to.deep.equal({ sent: 5 });
  });

  it('a batch that runs long keeps its rows: it renews its claims while it goes, so no other worker takes them', async () => {
    const other = new Inbox();
    const otherWorker = vault.lk.dispatcher(other, { workerId: 'other', batchSize: 10, leaseMs: 60_000 });
    const polls: unknown[] = [];
    const steady: MailMessage[] = [];
    // Each send takes 40 s of clock time, so the batch of five outlasts its 60 s lease three times
    // over; right after each send the other worker looks for work.
    const steadyWorker = vault.lk.dispatcher({
      async send(message) {
        clock.advanceDays(40 * SECOND);
        steady.push(message);
        polls.push(await otherWorker.runOnce());
      },
    }, { workerId: 'steady', batchSize: 10, leaseMs: 60_000 });

    expect(await steadyWorker.runOnce()).to.deep.equal({ sent: 5, failed: 0, dropped: 0 });
    expect(polls).to.deep.equal(Array(5).fill({ sent: 0, failed: 0, dropped: 0 }));
    expect(other.messages).to.have.length(0);
    expect(steady).to.have.length(5);
    expect(await outboxStatuses(vault)).to.deep.equal({ sent: 5 });
  });
});
