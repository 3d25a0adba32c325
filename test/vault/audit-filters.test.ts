import { expect } from 'chai';
import { ValidationError, type AuditQuery } from '../../core/index.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { hostFixture, owner } from '../support/host-fixture.ts';
import { emptyTables, rejection } from '../support/table-rows.ts';

const DAY = Date.UTC(2026, 2, 10);
const MS = 1;

/**
 * The audit log by days (UTC): `from` takes events from the first instant of
 * its day, `to` up to the last of its day, both included; an event stamped a
 * moment out of order (two instances waiting for the chain's lock) still
 * falls on its own day.
 */
forEachDatabase('audit: filters by day', (db) => {
  let vault: Vault;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock();
    vault = await openVault(db, hostFixture(), { clock });
  });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  /** One entry created at each instant, named by it; the event's time is the clock's. */
  async function eventsAt(...instants: number[]): Promise<void> {
    for (const at of instants) {
      clock.setEpochSeconds(at / 1000);
      await vault.lk.entries.create(owner, { name: new Date(at).toISOString() });
    }
  }
  const names = async (query: AuditQuery) => (await vault.lk.audit.list(owner, { action: 'entry.create', ...query }))
    .map((e) => new Date(e.at).toISOString());

  it('a day takes its first and last instant, and neither neighbour\'s', async () => {
    const day = (offset: number) => DAY + offset;
    await eventsAt(day(-MS), day(0), day(86_400_000 - MS), day(86_400_000));
    expect(await names({ from: '2026-03-10', to: '2026-03-10' })).to.deep.equal(['2026-03-10T23:59:59.999Z', '2026-03-10T00:00:00.000Z']);
    expect(await names({ from: '2026-03-10' })).to.deep.equal(['2026-03-11T00:00:00.000Z', '2026-03-10T23:59:59.999Z', '2026-03-10T00:00:00.000Z']);
    expect(await names({ to: '2026-03-09' })).to.deep.equal(['2026-03-09T23:59:59.999Z']);
    expect(await names({ from: '2026-03-12' })).to.deep.equal([]);
  });

  it('an event stamped a moment before the one written ahead of it still falls on its own day', async () => {
    // Written in this order: the second was stamped first, across midnight.
    await eventsAt(DAY + 20, DAY - 20);
    expect(await names({ to: '2026-03-09' })).to.deep.equal(['2026-03-09T23:59:59.980Z']);
    expect(await names({ from: '2026-03-10' })).to.deep.equal(['2026-03-10T00:00:00.020Z']);
  });

  it('pages through a range of days with beforeSeq as without one', async () => {
    await eventsAt(...Array.from({ length: 7 }, (_, i) => DAY + i * 3_600_000));
    const first = await vault.lk.audit.list(owner, { action: 'entry.create', from: '2026-03-10', to: '2026-03-10', limit: 4 });
    const next = await vault.lk.audit.list(owner, { action: 'entry.create', from: '2026-03-10', to: '2026-03-10', limit: 4, beforeSeq: first.at(-1)!.seq });
    expect([...first, ...next].map((e) => e.at.getUTCHours())).to.deep.equal([6, 5, 4, 3, 2, 1, 0]);
  });

  it('a day that does not exist, or an end before the start, is refused naming the field', async () => {
    for (const [query, field, rule] of [
      [{ from: '2026-02-30' }, 'from', 'isoDay'], [{ to: '10/03/2026' }, 'to', 'isoDay'], [{ from: '2026-13-01' }, 'from', 'isoDay'],
      [{ from: '2026-03-11', to: '2026-03-10' }, 'to', 'endBeforeStart'],
    ] as const) {
      const err = await rejection(vault.lk.audit.list(owner, query), ValidationError);
      expect(err.issues.map((i) => [i.field, i.rule]), JSON.stringify(query)).to.deep.equal([[field, rule]]);
    }
    expect(await vault.lk.audit.list(owner, { from: '2026-03-10', to: '2026-03-10' })).to.deep.equal([]);
  });
});
