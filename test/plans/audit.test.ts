import { expect } from 'chai';
import type { AuditQuery } from '../../core/index.ts';
import { forEachDatabase, type Vault } from '../support/databases.ts';
import { explain, fullScansOf, plansOf, recordStatements, rowsReadOnMariaDb, type QueryPlan, type Statement } from '../support/query-plan.ts';
import { clientId, insertAll, manager, openPlanVault } from './plan-world.ts';

const EVENTS = 4_000;
const ACTIONS = ['entry.reveal', 'entry.update', 'entry.create', 'entry.share', 'settings.update'];
const STAFF = ['a-support', 'a-allowed', 'a-ext', 'a-manager'];

/**
 * The addon's audit page reads the newest events a page at a time (keyset on
 * `seq`), optionally for one client, entry, person or action: each of these
 * must be a walk down an index that stops at the page's end, not a read of
 * the log, which only ever grows.
 */
forEachDatabase('query plans: the audit log page', (db) => {
  let vault: Vault;
  // The log spans a few days: a day's range holds part of it.
  const start = Date.UTC(2026, 0, 10);

  before(async function () {
    this.timeout(120_000);
    vault = await openPlanVault(db);
    // Rows written straight to the table: the page reads them, it never checks their chain.
    const now = start + EVENTS * 60_000;
    await insertAll(vault.raw, vault.tables.audit, Array.from({ length: EVENTS }, (_, i) => {
      const byClient = i % 3 === 0;
      const client = clientId(i % 200);
      return {
        seq: 1_000_000 + i, at: now - (EVENTS - i) * 60_000,
        actor_kind: byClient ? 'client' : 'admin', actor_id: byClient ? client : STAFF[i % STAFF.length]!,
        action: ACTIONS[i % ACTIONS.length]!, entry_id: `01900000-0000-7000-8000-${String(i % 1_500).padStart(12, '0')}`,
        client_id: client, category_id: null, ip: '192.0.2.1', user_agent: 'Mozilla/5.0', details: '{}',
        prev_hash: '0'.repeat(64), hash: '0'.repeat(64),
      };
    }));
  });
  after(async () => { await vault.close(); });

  async function pagePlan(query: AuditQuery): Promise<QueryPlan> {
    let events = 0;
    const plans = await plansOf(vault.raw, [vault.tables.audit], async () => { events = (await vault.lk.audit.list(manager, query)).length; });
    expect(events, 'events listed').to.be.greaterThan(0);
    expect(plans, 'one query for the page').to.have.length(1);
    return plans[0]!;
  }

  /** One read of the log, through `index`, in `seq` order: no sort, so it stops at the page's end. */
  function expectIndexWalk(plan: QueryPlan, index: string): void {
    const described = `${plan.sql}\n${plan.lines.join('\n')}`;
    expect(plan.accesses.map((a) => a.index), described).to.deep.equal([index]);
    expect(plan.sorts, described).to.equal(false);
  }

  const ownIndex = (name: string) => `${vault.tables.audit}_${name}`;

  it('the newest page and the next ones walk the log\'s key backwards, with no sort', async () => {
    const first = await pagePlan({ limit: 50 });
    const next = await pagePlan({ limit: 50, beforeSeq: 1_000_000 + EVENTS / 2 });
    for (const plan of [first, next]) {
      expect(plan.sorts, plan.lines.join(' | ')).to.equal(false);
      expect(plan.accesses, plan.lines.join(' | ')).to.have.length(1);
    }
  });

  it('one client\'s events are read through the client index', async () => {
    expectIndexWalk(await pagePlan({ clientId: clientId(42), limit: 50 }), ownIndex('client'));
  });

  it('one entry\'s events are read through the entry index', async () => {
    expectIndexWalk(await pagePlan({ entryId: '01900000-0000-7000-8000-000000000042', limit: 50 }), ownIndex('entry'));
  });

  it('one action\'s events are read through the action index', async () => {
    expectIndexWalk(await pagePlan({ action: 'entry.share', limit: 50 }), ownIndex('action'));
  });

  // SQLite may skip-scan the (kind, id, seq) index for a busy admin and sort that admin's events:
  // bounded by the person, not the log. Walking the log backwards (MariaDB without an index on
  // the id alone) reads all of it for someone who rarely acts.
  it('one person\'s events, as the page asks for them (by id alone), are read through an index on the actor', async () => {
    const plan = await pagePlan({ actorId: 'a-ext', limit: 50 });
    expect(fullScansOf([plan], vault.tables.audit)).to.deep.equal([]);
    expect(plan.accesses.map((a) => a.index), plan.lines.join(' | ')).to.satisfy((indexes: Array<string | null>) =>
      indexes.length === 1 && [ownIndex('actor'), ownIndex('actor_id')].includes(indexes[0]!));
  });

  /** The days the rows were written over, as the page's date fields give them. */
  const day = (eventIndex: number) => new Date(start + eventIndex * 60_000).toISOString().slice(0, 10);

  /** Every statement a page with a range of days sends (the probes that find where the days lie in the log, and the page), with its plan. */
  async function rangeStatements(query: AuditQuery): Promise<Array<{ statement: Statement; plan: QueryPlan }>> {
    let events = 0;
    const statements = await recordStatements(vault.raw, async () => { events = (await vault.lk.audit.list(manager, query)).length; });
    expect(events, 'events listed').to.be.greaterThan(0);
    const reading = statements.filter((s) => /^\s*select\b/i.test(s.sql) && s.sql.includes(vault.tables.audit));
    const explained = [];
    for (const statement of reading) explained.push({ statement, plan: await explain(vault.raw, statement) });
    return explained;
  }

  // A probe's estimate on MariaDB counts the whole range it could read, though LIMIT 1 stops it at once: what each
  // statement really reads is counted there instead.
  it('a range of days, alone or with any one filter, reads no statement through the whole log, and sorts nothing', async () => {
    // The oldest day (the page reads back to its start), the middle day, the newest; one day or several.
    for (const range of [{ from: day(0), to: day(0) }, { from: day(EVENTS / 2), to: day(EVENTS / 2) }, { from: day(EVENTS - 1) }, { to: day(0) }, { from: day(0), to: day(EVENTS - 1) }]) {
      for (const filter of [{}, { clientId: clientId(42) }, { action: 'entry.share' }, { actorKind: 'admin' as const, actorId: 'a-ext' }]) {
        const explained = await rangeStatements({ ...range, ...filter, limit: 50 });
        const plans = explained.map((e) => e.plan);
        const described = `${JSON.stringify({ ...range, ...filter })}: ${plans.map((p) => p.lines.join(' | ')).join(' || ')}`;
        expect(plans.length, described).to.be.at.most(3);
        expect(plans.some((p) => p.sorts), described).to.equal(false);
        // No SQLite SCAN, no MariaDB walk of a whole table or index.
        expect(plans.flatMap((p) => p.accesses).filter((a) => a.fullScan && !/ type=range /.test(a.detail)).map((a) => a.detail), described).to.deep.equal([]);
        if (db.name === 'mariadb') {
          // At most a page beyond what the filter alone holds (a walk down its own index): never the log.
          const columns = { clientId: 'client_id', action: 'action', actorKind: 'actor_kind', actorId: 'actor_id' } as const;
          const where = Object.fromEntries(Object.entries(filter).map(([k, v]) => [columns[k as keyof typeof columns], v]));
          const [own] = Object.keys(where).length === 0 ? [{ n: 0 }] : await vault.raw(vault.tables.audit).where(where).count({ n: '*' }) as Array<{ n: number | string }>;
          for (const { statement } of explained) {
            expect(await rowsReadOnMariaDb(vault.raw, statement, vault.tables.audit), `${described}\n${statement.sql}`).to.be.at.most(Number(own!.n) + 60);
          }
        }
      }
    }
  });
});
