import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.ts';
import { fullScansOf, plansOf, type QueryPlan } from '../support/query-plan.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { seedPlanWorld, type PlanWorld } from './plan-world.ts';

const DAY = 86_400_000;
const SENT_MAIL = 2_000;

/**
 * The background jobs run every few minutes over the whole vault: what they
 * read must be what is due, found by index, not the entries table or the
 * outbox read end to end.
 */
forEachDatabase('query plans: the reminder and mail jobs', (db) => {
  let world: PlanWorld;

  before(async function () {
    this.timeout(120_000);
    world = await seedPlanWorld(db);
    // A month of mail already sent: the outbox a running install carries.
    const now = Date.now();
    const rows = Array.from({ length: SENT_MAIL }, (_, i) => ({
      dedupe_key: `sent:${i}`, kind: 'reminder', entry_id: null, recipient_kind: 'client', recipient_id: `c${String(i % 200).padStart(3, '0')}`,
      payload: '{}', status: 'sent', attempts: 1, next_attempt_at: now - (i % 29) * DAY, created_at: now - (i % 29) * DAY, sent_at: now - (i % 29) * DAY,
    }));
    for (let i = 0; i < rows.length; i += 400) await world.vault.raw(world.vault.tables.outbox).insert(rows.slice(i, i + 400));
  });
  after(async () => { await world.vault.close(); });

  const describePlan = (plan: QueryPlan | undefined) => plan ? `${plan.sql}\n${plan.lines.join('\n')}` : 'no such statement';

  it('finding due reminders reads entries through the reminder index, not the whole table', async () => {
    const t = world.vault.tables;
    let queued = 0;
    const plans = await plansOf(world.vault.raw, [t.entries], async () => { queued = await world.vault.lk.reminders.enqueueDue(); });
    expect(queued, 'reminders queued').to.be.greaterThan(0);
    const due = plans.find((p) => /next_reminder_at/.test(p.sql) && /^select/i.test(p.sql));
    expect(due?.accesses.map((a) => a.index), describePlan(due)).to.deep.equal([`${t.entries}_reminder`]);
    expect(fullScansOf(plans, t.entries)).to.deep.equal([]);
  });

  it('the notes backfill finds the entries still to index, and counts them, through their index, not the whole table', async () => {
    const t = world.vault.tables;
    // An upgrade caught half-way: one entry in a hundred not indexed yet.
    const ids = (await world.vault.raw(t.entries).select('id').orderBy('id') as Array<{ id: string }>).filter((_, i) => i % 100 === 0).map((r) => r.id);
    await world.vault.raw(t.entries).whereIn('id', ids).update({ notes_indexed: null });
    let pending = 0;
    let done = 0;
    const plans = await plansOf(world.vault.raw, [t.entries], async () => {
      pending = await world.vault.lk.noteIndex.pending();
      done = await world.vault.lk.noteIndex.backfill({ batchSize: 20 });
    });
    expect([pending, done]).to.deep.equal([ids.length, ids.length]);
    const reads = plans.filter((p) => /notes_indexed/.test(p.sql));
    expect(reads.length, 'the count and each batch').to.be.greaterThan(2);
    for (const plan of reads) expect(plan.accesses.map((a) => a.index), describePlan(plan)).to.deep.equal([`${t.entries}_notes_indexed`]);
    expect(fullScansOf(plans, t.entries)).to.deep.equal([]);
  });

  it('claiming mail to send and purging sent mail read the outbox by index', async () => {
    const t = world.vault.tables;
    const inbox = new Inbox();
    const plans = await plansOf(world.vault.raw, [t.outbox], () => world.vault.lk.dispatcher(inbox).drain());
    expect(inbox.messages, 'mail sent').to.not.have.length(0);
    const claim = plans.find((p) => /next_attempt_at/.test(p.sql));
    const purge = plans.find((p) => /sent_at/.test(p.sql));
    // Both outbox indexes start with the status, so either finds the pending mail (MariaDB takes
    // the `sent` one for the claim): what matters is that one of them does.
    for (const plan of [claim, purge]) {
      expect(plan?.accesses, describePlan(plan)).to.have.length(1);
      expect([`${t.outbox}_due`, `${t.outbox}_sent`], describePlan(plan)).to.include(plan!.accesses[0]!.index);
    }
    expect(fullScansOf(plans, t.outbox)).to.deep.equal([]);
  });
});
