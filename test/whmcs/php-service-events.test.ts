import { expect } from 'chai';
import express from 'express';
import { mountLatchkey } from '../../adapters/express/index.ts';
import type { SystemActor } from '../../core/index.ts';
import { ID, olivia, whmcsLikeDirectory } from '../hosts/support.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { openVault, type Vault } from '../support/databases.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import { emptyTables, snapshotTables } from '../support/table-rows.ts';
import { forEachDatabaseWithPhp, phpJson, requirePhp, WHMCS_RUNTIME } from './php.ts';

const SECRET = 'whmcs-and-latchkey-share-this-secret-0123456789';
const EMBED = { issuer: 'https://billing.host.test', audience: 'latchkey-install-1', secret: SECRET };
const system: SystemActor = { kind: 'system' };
/** The module parameters WHMCS passes carry the service's own password: it must never leave WHMCS. */
const MODULE_PASSWORD = 'whmcs-module-param-password-7Qx';

forEachDatabaseWithPhp("the module's lifecycle hooks tell Latchkey when a service is created, suspended, unsuspended or terminated", (db) => {
  let vault: Vault;
  let server: LoopbackServer | undefined;
  let url: string;

  before(async function () {
    requirePhp(this);
    vault = await openVault(db, whmcsLikeDirectory());
    const app = express();
    mountLatchkey(app, { latchkey: vault.lk, basePath: '/latchkey', secret: 'latchkey-own-session-secret-for-csrf-and-frames', embed: EMBED });
    server = await listenOnLoopback(app);
    url = `${server.origin}/latchkey`;
  });
  after(async () => {
    await server?.close();
    await vault?.close();
  });
  beforeEach(async () => { await emptyTables(vault); });

  const settings = (overrides: Record<string, string> = {}) => Object.entries({
    url, secret: SECRET, issuer: EMBED.issuer, audience: EMBED.audience, lifetime: '60', serviceevents: 'on', ...overrides,
  }).map(([setting, value]) => ({ module: 'latchkey', setting, value }));

  /** Runs WHMCS's hook for a module command on a service, from the admin area (an admin's session) or from the cron. */
  async function runHook(hook: string, serviceId: string, options: { adminId?: string; settings?: Record<string, string> } = {}) {
    return phpJson<{ activity: string[]; returned: boolean }>(`
      ${options.adminId ? "define('ADMINAREA', true);" : ''}
      ${WHMCS_RUNTIME}
      require $module . 'hooks.php';
      run_hook($input['hook'], array('params' => array(
        'serviceid' => (int) $input['serviceId'], 'userid' => 12, 'pid' => 41, 'password' => $input['password'], 'username' => 'root',
      )));
      echo json_encode(array('activity' => $activity, 'returned' => true));`, {
      hook, serviceId, password: MODULE_PASSWORD,
      session: options.adminId ? { adminid: Number(options.adminId) } : {},
      tables: { tbladdonmodules: settings(options.settings) },
    });
  }

  it('AfterModuleSuspend from the admin area: service.suspended in Latchkey’s audit trail, naming the admin; nothing in the activity log', async () => {
    const out = await runHook('AfterModuleSuspend', ID.acmeVps, { adminId: ID.olivia });
    expect(out).to.deep.equal({ activity: [], returned: true });
    const [event] = await vault.lk.audit.list(system);
    expect(event).to.deep.include({ action: 'service.suspended', entryId: `service:${ID.acmeVps}`, clientId: ID.acme });
    expect(event!.actor).to.deep.equal({ kind: 'system', id: null });
    expect(event!.details).to.deep.equal({ serviceId: ID.acmeVps, adminId: ID.olivia });
    expect(JSON.stringify(await snapshotTables(vault)), 'the module password never reaches Latchkey').not.to.contain(MODULE_PASSWORD);
  });

  it('each of the four hooks reaches Latchkey with its own event; from the cron no admin is named', async () => {
    for (const hook of ['AfterModuleCreate', 'AfterModuleSuspend', 'AfterModuleUnsuspend', 'AfterModuleTerminate']) {
      expect((await runHook(hook, ID.globexVps)).activity, hook).to.deep.equal([]);
    }
    const events = (await vault.lk.audit.list(system)).reverse();
    expect(events.map((e) => e.action)).to.deep.equal(['service.created', 'service.suspended', 'service.unsuspended', 'service.terminated']);
    for (const e of events) expect(e.details).to.not.have.property('adminId');
  });

  it('AfterModuleTerminate: the addon managers are mailed the staff entries kept for the service', async () => {
    await vault.lk.entries.create(olivia, { name: 'vps1 IPMI console', clientId: ID.acme, serviceId: ID.acmeVps, password: 'ipmi-pw' });
    await runHook('AfterModuleTerminate', ID.acmeVps);
    const inbox = new Inbox();
    await vault.lk.dispatcher(inbox).drain();
    expect(inbox.messages.map((m) => m.to)).to.deep.equal(['olivia@host.test']);
    expect(inbox.messages[0]!.text).to.contain('• vps1 IPMI console');
  });

  it('a failure never breaks WHMCS’s action: the hook returns and the reason goes to the activity log, without the secret', async () => {
    const unreachable = await runHook('AfterModuleTerminate', ID.acmeVps, { settings: { url: 'http://127.0.0.1:9/latchkey' } });
    expect(unreachable.returned).to.equal(true);
    expect(unreachable.activity).to.have.length(1);
    expect(unreachable.activity[0]).to.match(new RegExp(`^Latchkey: Latchkey could not be told of service #${ID.acmeVps} \\(terminated\\): Cannot reach Latchkey`));
    const refused = await runHook('AfterModuleSuspend', ID.acmeVps, { settings: { secret: 'another-secret-of-a-different-whmcs-0123456789' } });
    expect(refused.activity[0]).to.contain('HTTP 401');
    const unknown = await runHook('AfterModuleSuspend', '999');
    expect(unknown.activity[0]).to.contain('#999').and.contain('HTTP 404');
    for (const line of [...unreachable.activity, ...refused.activity, ...unknown.activity]) {
      expect(line).not.to.contain(SECRET);
      expect(line).not.to.contain(MODULE_PASSWORD);
    }
    expect(await vault.lk.audit.list(system)).to.deep.equal([]);
  });

  it('with "Service lifecycle" off, or no service id, nothing is sent and nothing logged', async () => {
    expect(await runHook('AfterModuleTerminate', ID.acmeVps, { settings: { serviceevents: '' } })).to.deep.equal({ activity: [], returned: true });
    expect(await runHook('AfterModuleTerminate', '0')).to.deep.equal({ activity: [], returned: true });
    expect(await vault.lk.audit.list(system)).to.deep.equal([]);
  });
});
