import { expect } from 'chai';
import type { Knex } from 'knex';
import { createHooks, createLatchkey, Renderer, withinRequest, type Actor, type Hooks, type HookSurface } from '../../core/index.ts';
import { forEachDatabase, testKeys } from '../support/databases.ts';
import { clientId, contactId, deviceId, extendedAdmin, manager, openPlanVault, serviceId, supportAdmin, system, ticketId } from './plan-world.ts';
import type { Vault } from '../support/databases.ts';
import { entryRows } from '../../core/hooks/entry-rows-model.ts';
import type { MemoryDirectory } from '../../adapters/memory/index.ts';

const surface: HookSurface = { apiBase: '/lk/api', assetBase: '/lk/assets', pageUrl: '/page', csrfToken: 'csrf', clipboardClearSeconds: 30 };
const client: Actor = { kind: 'client', clientId: clientId(0) };
const mainContact: Actor = { kind: 'client', clientId: clientId(0), contactId: 'k000-main' };
const otherContact: Actor = { kind: 'client', clientId: clientId(0), contactId: contactId(0, 1) };

/** The SQL statements `body` sends through `knex`, as knex reports them. */
async function statementsOf(knex: Knex, body: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const listen = (query: { sql: string }) => { sent.push(query.sql); };
  knex.on('query', listen);
  try {
    await body();
  } finally {
    knex.off('query', listen);
  }
  return sent;
}

/**
 * A panel costs a fixed, small number of SQL statements whatever the services
 * it calls (issue 13; the goal is at most 4): the settings with the actor's
 * categories and memberships (one statement on the staff panels), and the
 * page of entries with each entry's grants, category members and the reader's
 * watch. The settings are read once per render, not once per service call.
 */
forEachDatabase('SQL statements per panel render, reveal and create', (db) => {
  let vault: Vault;
  let hooks: Hooks;

  before(async function () {
    this.timeout(60_000);
    vault = await openPlanVault(db);
    const lk = vault.lk;
    hooks = createHooks(lk, new Renderer());
    await lk.settings.update(system, { adminAccessMode: 'full' });
    const team = await lk.categories.create(manager, { name: 'Support team', members: [{ kind: 'admin_role', id: 'r-support', canEdit: false }] });
    const servers = await lk.categories.create(client, { name: 'Servers', members: [{ kind: 'contact', id: contactId(0, 1), canEdit: false }] });
    const shop = await lk.entries.create(client, { name: 'Shop admin', password: 'shop', sharedWithAdmin: true, categoryId: servers.id });
    await lk.entries.watch(otherContact, shop.id, true);
    await lk.entries.create(client, { name: 'Mailbox', password: 'mail', grants: [{ kind: 'contact', id: contactId(0, 1), canEdit: true }] });
    await lk.entries.create(supportAdmin, { name: 'Router', password: 'r', clientId: clientId(0), ticketId: ticketId(0, 0), serviceId: serviceId(0, 0) });
    await lk.entries.create(supportAdmin, { name: 'Contact router', password: 'c', clientId: clientId(0), contactId: contactId(0, 1) });
    await lk.entries.create(supportAdmin, { name: 'Device router', password: 'd', clientId: clientId(0), deviceId: deviceId(0, 0) });
    const filed = await lk.entries.create(manager, { name: 'Backup box', password: 'b', clientId: clientId(0), categoryId: team.id });
    await lk.entries.watch(supportAdmin, filed.id, true);
  });
  after(async () => { await vault.close(); });

  it('the ticket sidebar renders with at most 2 statements: the settings with the admin\'s categories, and the page', async () => {
    let html: string | null = null;
    const sent = await statementsOf(vault.raw, async () => { html = await hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface); });
    expect(html, 'the sidebar').to.contain('Router').and.to.contain('Backup box').and.to.contain('Shop admin');
    expect(sent, sent.join('\n')).to.have.length.within(1, 2);
  });

  it('a later render of the ticket sidebar is one statement: the page, which reads the stamp that proves the kept settings and categories current', async () => {
    await hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface);
    let html: string | null = null;
    const sent = await statementsOf(vault.raw, async () => { html = await hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface); });
    expect(html, 'the sidebar').to.contain('Router').and.to.contain('Backup box').and.to.contain('Shop admin');
    expect(sent, sent.join('\n')).to.have.length(1);
    expect(sent[0]).to.contain(vault.tables.entries).and.to.contain(vault.tables.settings);
  });

  it('a later render of a client without entries is two statements: the empty page, and the stamp read alone', async () => {
    const empty = clientId(7);
    await hooks.clientSummary(supportAdmin, { clientId: empty }, surface);
    const sent = await statementsOf(vault.raw, () => hooks.clientSummary(supportAdmin, { clientId: empty }, surface));
    expect(sent, sent.join('\n')).to.have.length(2);
  });

  it('the client summary renders with at most 2 statements: the settings with the admin\'s categories, and the page', async () => {
    let html: string | null = null;
    const sent = await statementsOf(vault.raw, async () => { html = await hooks.clientSummary(supportAdmin, { clientId: clientId(0) }, surface); });
    expect(html, 'the summary').to.contain('Router').and.to.contain('Shop admin');
    expect(sent, sent.join('\n')).to.have.length.within(1, 2);
  });

  it('a contact\'s and a device\'s panels render with at most 3 statements, as the client summary', async () => {
    for (const [render, name] of [
      [() => hooks.contactPanel(supportAdmin, { contactId: contactId(0, 1) }, surface), 'Contact router'],
      [() => hooks.devicePanel(supportAdmin, { deviceId: deviceId(0, 0) }, surface), 'Device router'],
    ] as const) {
      let html: string | null = null;
      const sent = await statementsOf(vault.raw, async () => { html = await render(); });
      expect(html, name).to.contain(name).and.not.to.contain('Shop admin');
      expect(sent, sent.join('\n')).to.have.length.within(1, 3);
    }
  });

  // The settings, the language the person chose, the categories, a page of each list (a main account's own
  // and what is shared with it; a contact's one), and how many entries each of the account's categories holds.
  for (const [who, actor, sees, most] of [
    ['the client', client, 'Mailbox', 6], ['its main contact', mainContact, 'Mailbox', 6], ['another contact', otherContact, 'Shop admin', 5],
  ] as const) {
    it(`the client area of ${who} renders with at most ${most} statements: one a list, and the categories' counts`, async () => {
      let html: string | null = null;
      const sent = await statementsOf(vault.raw, async () => { html = await hooks.clientArea(actor, {}, surface); });
      expect(html, 'the client area').to.contain(sees);
      expect(sent, sent.join('\n')).to.have.length.within(1, most);
      expect(sent.filter((sql) => sql.includes(vault.tables.contactLanguages)), 'the chosen language, read once').to.have.length(1);
    });
  }

  for (const [who, actor, query] of [
    ['a support admin on the client summary', supportAdmin, { clientId: clientId(0), limit: 500 }],
    ['the client', client, { limit: 500 }],
    ['another contact', otherContact, { limit: 500 }],
  ] as const) {
    it(`the facts ${who}'s page brings along give the same rows as reading them apart`, async () => {
      const lk = vault.lk;
      const page = await lk.entries.firstPage(actor, query);
      expect(page.items, 'entries on the page').to.not.have.length(0);
      const categories = await lk.categories.list(actor);
      const along = await entryRows(lk, actor, page.items, categories, undefined, undefined, page.facts);
      const apart = await entryRows(lk, actor, page.items, categories);
      expect(along).to.deep.equal(apart);
      expect(apart.some((row) => row.grants !== null && row.grants.length > 0) || apart.some((row) => row.watching), 'rows with grants or a watch').to.equal(true);
    });
  }

  it('a reveal is one read (the entry, its grants and members, the settings) and the audit transaction, the alert rules\' count riding on the chain\'s read: 7 statements', async () => {
    const [entry] = (await vault.lk.entries.list(client, { search: 'Shop admin' })).items;
    let password: string | undefined;
    const sent = await statementsOf(vault.raw, async () => { password = (await vault.lk.entries.reveal(client, entry!.id)).password?.expose(); });
    expect(password).to.equal('shop');
    // BEGIN, the chain head locked, the last event read with the alert rules' indexed count of the person's
    // recent reveals (by the settings the reveal was decided with, not read again), the event, the new head, COMMIT:
    // the statements of a raw reveal with the same hash-chain transaction.
    expect(sent, sent.join('\n')).to.have.length.within(1, 7);
    expect(sent.filter((sql) => /count\(/i.test(sql) && sql.includes(vault.tables.audit)), 'the reveal-burst count').to.have.length(1);
    expect(sent.filter((sql) => /^select/i.test(sql) && sql.includes(vault.tables.entries)), 'reads of the entry').to.have.length(1);
  });

  it('a create is the settings read and one transaction writing the entry and its audit event: 8 statements', async () => {
    const sent = await statementsOf(vault.raw, () => vault.lk.entries.create(client, { name: 'Counted', password: 'c' }));
    expect(sent, sent.join('\n')).to.have.length.within(1, 8);
    expect(sent.filter((sql) => /^(BEGIN|START TRANSACTION)/i.test(sql)), 'transactions').to.have.length(1);
  });

  it('the settings are read once per render: the statement naming them is sent once', async () => {
    const sent = await statementsOf(vault.raw, () => hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface));
    expect(sent.filter((sql) => sql.includes(vault.tables.settings))).to.have.length(1);
  });

  it('within one request, what the request itself writes (a category, the settings) is what it reads next', async () => {
    const lk = vault.lk;
    await withinRequest(async () => {
      const before = (await lk.categories.list(manager)).map((c) => c.name);
      await lk.categories.create(manager, { name: 'Made in this request' });
      expect((await lk.categories.list(manager)).map((c) => c.name)).to.deep.equal([...before, 'Made in this request'].sort());
      const days = (await lk.settings.get(system)).defaultReminderDays;
      await lk.settings.update(system, { defaultReminderDays: days === 30 ? 31 : 30 });
      expect((await lk.settings.get(system)).defaultReminderDays).to.equal(days === 30 ? 31 : 30);
    });
  });

  for (const [who, actor] of [['a support admin', supportAdmin], ['an extended admin who is also a category member', extendedAdmin]] as const) {
    it(`the settings read in one statement with the categories of ${who} give the categories and the page that reading them apart gives`, async () => {
      const lk = vault.lk;
      const team = await lk.categories.create(manager, { name: `Team of ${who}`, members: [{ kind: 'admin', id: 'a-ext', canEdit: false }] });
      await lk.settings.update(system, { extendedAdminRoleIds: ['r-ext'] });
      try {
        const read = () => Promise.all([lk.categories.list(actor), lk.entries.firstPage(actor, { clientId: clientId(0), limit: 500 })]);
        let together: unknown;
        const sent = await statementsOf(vault.raw, () => withinRequest(async () => {
          const settings = lk.settings.forPanelOf(actor);
          together = [await settings, ...await read()];
        }));
        expect(sent, sent.join('\n')).to.have.length(2);
        expect(together).to.deep.equal([await lk.settings.get(system), ...await read()]);
      } finally {
        await lk.settings.update(system, { extendedAdminRoleIds: [] });
        await lk.categories.delete(manager, team.id);
      }
    });
  }

  describe('what a panel keeps between renders follows every change, made here or by another app instance', () => {
    let other: Awaited<ReturnType<typeof createLatchkey>>;
    const sidebar = () => hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface);
    before(async () => {
      other = await createLatchkey({ database: { knex: vault.raw }, keys: testKeys(), host: vault.lk.host, tablePrefix: vault.tables.entries.replace(/entries$/, '') });
    });

    it('restricted mode set by another instance hides the client\'s entries from the next render on', async () => {
      expect(await sidebar()).to.contain('Shop admin');
      await other.settings.update(system, { adminAccessMode: 'restricted' });
      try {
        expect(await sidebar()).to.not.contain('Shop admin');
      } finally {
        await other.settings.update(system, { adminAccessMode: 'full' });
      }
      expect(await sidebar()).to.contain('Shop admin');
    });

    it('a category another instance gives the admin shows its entries on the next render, and taking it back hides them', async () => {
      const filed = await vault.lk.entries.create(manager, { name: 'Filed for Sue', password: 'f', clientId: clientId(0) });
      await vault.lk.settings.update(system, { adminAccessMode: 'shared' });
      try {
        expect(await sidebar()).to.not.contain('Filed for Sue');
        const category = await other.categories.create(manager, { name: 'Sue only', members: [{ kind: 'admin', id: 'a-support', canEdit: false }] });
        const refiled = await other.entries.update(manager, filed.id, { categoryId: category.id, version: filed.version });
        expect(await sidebar()).to.contain('Filed for Sue');
        await other.categories.update(manager, category.id, { members: [] });
        expect(await sidebar()).to.not.contain('Filed for Sue');
        await other.categories.delete(manager, category.id);
        await vault.lk.entries.delete(manager, filed.id, { version: refiled.version });
      } finally {
        await vault.lk.settings.update(system, { adminAccessMode: 'full' });
      }
    });

    it('a category renamed by another instance is named anew in the next render\'s dialog', async () => {
      const category = await vault.lk.categories.create(manager, { name: 'Old name' });
      try {
        expect(await sidebar()).to.contain('Old name');
        await other.categories.update(manager, category.id, { name: 'New name' });
        const html = await sidebar();
        expect(html).to.contain('New name').and.to.not.contain('Old name');
      } finally {
        await vault.lk.categories.delete(manager, category.id);
      }
    });

    it('an admin whose role the host changes reaches what the new role reaches from the next render, without waiting for a stamp', async () => {
      const sue = (vault.lk.host as MemoryDirectory).data.admins.find((a) => a.id === 'a-support')!;
      await vault.lk.settings.update(system, { adminAccessMode: 'shared' });
      try {
        expect(await sidebar()).to.contain('Backup box');
        sue.roleId = 'r-junior';
        expect(await sidebar()).to.not.contain('Backup box');
        sue.roleId = 'r-support';
        expect(await sidebar()).to.contain('Backup box');
      } finally {
        sue.roleId = 'r-support';
        await vault.lk.settings.update(system, { adminAccessMode: 'full' });
      }
    });
  });

  it('a settings change made by another app instance on the same database counts from the next render', async () => {
    const other = await createLatchkey({ database: { knex: vault.raw }, keys: testKeys(), host: vault.lk.host, tablePrefix: vault.tables.entries.replace(/entries$/, '') });
    expect(await hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface)).to.contain('Router');
    await other.settings.update(system, { staffPanels: { ticketSidebar: false } });
    expect(await hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface)).to.equal(null);
    await other.settings.update(system, { staffPanels: { ticketSidebar: true } });
    expect(await hooks.ticketSidebar(supportAdmin, { ticketId: ticketId(0, 0) }, surface)).to.contain('Router');
  });

  it('a reveal in a burst already alerted on is 7 statements too: whether the window\'s alert is raised rides on the chain\'s read', async () => {
    const [entry] = (await vault.lk.entries.list(client, { search: 'Shop admin' })).items;
    const before = await vault.lk.settings.get({ kind: 'system' });
    await vault.lk.settings.update({ kind: 'system' }, { securityAlerts: { revealBurst: { count: 1, minutes: 60 } } });
    try {
      for (let i = 0; i < 3; i++) await vault.lk.entries.reveal(client, entry!.id);
      const raised = await vault.raw(vault.tables.alerts).where({ rule: 'revealBurst' }).count({ n: '*' }).first() as { n: number | string };
      expect(Number(raised.n), 'the burst is alerted on once').to.equal(1);
      const sent = await statementsOf(vault.raw, () => vault.lk.entries.reveal(client, entry!.id));
      expect(sent, sent.join('\n')).to.have.length.within(1, 7);
      expect(sent.filter((sql) => sql.includes(vault.tables.alerts)), 'the alert looked up with the chain').to.have.length(1);
    } finally {
      await vault.lk.settings.update({ kind: 'system' }, { securityAlerts: before.securityAlerts });
    }
  });
});
