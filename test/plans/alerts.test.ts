import { expect } from 'chai';
import { forEachDatabase, type Vault } from '../support/databases.ts';
import { fullScansOf, plansOf, type QueryPlan } from '../support/query-plan.ts';
import { clientId, insertAll, manager, openPlanVault } from './plan-world.ts';

const EVENTS = 4_000;
const ACTIONS = ['entry.reveal', 'entry.update', 'apiToken.refused', 'session.opened', 'entry.share', 'settings.update', 'embedToken.refused'];
const STAFF = ['a-support', 'a-allowed', 'a-ext', 'a-manager'];

/**
 * The alert rules run inside the transaction of every reveal and refusal, and
 * the review page reads the changes since the last review: each count and
 * list must be a range of an index (a person's reveals since a moment,
 * refusals since a moment, access changes since a seq), never a read of the
 * audit log, which only ever grows.
 */
forEachDatabase('query plans: alert rules and access reviews', (db) => {
  let vault: Vault;

  before(async function () {
    this.timeout(120_000);
    vault = await openPlanVault(db);
    const now = Date.now();
    await insertAll(vault.raw, vault.tables.audit, Array.from({ length: EVENTS }, (_, i) => ({
      seq: 1_000_000 + i, at: now - (EVENTS - i) * 60_000,
      actor_kind: i % 3 === 0 ? 'client' : 'admin', actor_id: i % 3 === 0 ? clientId(i % 200) : STAFF[i % STAFF.length]!,
      action: ACTIONS[i % ACTIONS.length]!, entry_id: null, client_id: clientId(i % 200), category_id: null,
      ip: '192.0.2.1', user_agent: 'Mozilla/5.0', details: '{}', prev_hash: '0'.repeat(64), hash: '0'.repeat(64),
    })));
    // The head names the last event inserted, so appends after it are not flagged as a broken chain.
    await vault.raw(vault.tables.settings).where('key', 'audit.head').delete();
  });
  after(async () => { await vault.close(); });

  const auditPlans = (action: () => Promise<unknown>): Promise<QueryPlan[]> => plansOf(vault.raw, [vault.tables.audit], action);
  // The append's own read of the newest event (one step down the key) is the audit log's, tested with it.
  const counting = (plans: QueryPlan[]) => plans.filter((p) => /count\(/i.test(p.sql));

  it('a reveal counts the person\'s recent reveals through an index, with no scan of the log', async () => {
    const entry = await vault.lk.entries.create(manager, { name: 'Plan router', password: 'plan-secret' });
    const plans = await auditPlans(() => vault.lk.entries.reveal({ ...manager, origin: { ip: '192.0.2.9', userAgent: 'Plan' } }, entry.id));
    expect(counting(plans), 'the reveal burst count').to.have.length(1);
    // The count rides on the chain's read of its newest event: that read walks the log's key down from the
    // end and stops at the first row (LIMIT 1, no sort). Every other step must be a range of an index.
    const [count] = counting(plans);
    expect(count!.sql, 'read with the newest event').to.match(/order by [`"]seq[`"] desc limit \?$/i);
    expect(count!.sorts, 'a sort would read every row before the first').to.equal(false);
    const scans = count!.accesses.filter((a) => a.table === vault.tables.audit && a.fullScan);
    expect(scans.length, fullScansOf([count!], vault.tables.audit).join('\n')).to.be.at.most(1);
    expect(scans.every((a) => a.alias === vault.tables.audit && !/actor|action|client|entry/.test(a.index ?? '')),
      `only the walk down the key may read the log in order: ${fullScansOf([count!], vault.tables.audit).join('\n')}`).to.equal(true);
    expect(count!.accesses.some((a) => a.table === vault.tables.audit && !a.fullScan && /actor_action_at/.test(a.index ?? '')), count!.lines.join('\n')).to.equal(true);
  });

  it('a refused token counts recent refusals through an index, with no scan of the log', async () => {
    const plans = await auditPlans(() => vault.lk.signIns.refused({ token: 'embed', reason: 'forged' }));
    expect(counting(plans), 'the refusal burst count').to.have.length(1);
    expect(fullScansOf(counting(plans), vault.tables.audit)).to.deep.equal([]);
  });

  it('the review page reads the last review and the changes since through indexes', async () => {
    const plans = await auditPlans(() => vault.lk.accessReviews.state(manager));
    expect(plans.length).to.be.greaterThan(0);
    expect(fullScansOf(plans, vault.tables.audit)).to.deep.equal([]);
  });
});
