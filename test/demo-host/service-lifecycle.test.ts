import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DEFAULT_TABLE_PREFIX, tableNames } from '../../core/store/table-names.ts';
import { startDemoHost, type DemoHost } from '../../examples/demo-host/app.ts';
import { T } from '../../examples/demo-host/schema.ts';
import { DEMO_PASSWORD } from '../../examples/demo-host/seed-data.ts';
import { Browser, csrfOf } from './browser.ts';

const system = { kind: 'system' } as const;

describe('[sqlite] demo host: staff suspend, unsuspend and terminate a service, and Latchkey follows', function () {
  this.timeout(120_000);
  let dataDir: string;
  let demo: DemoHost;
  let sam: Browser;
  const errors: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    demo = await startDemoHost({ port: 0, host: '127.0.0.1', dataDir, env: {}, log: () => undefined, logError: (line) => errors.push(line), mailEveryMs: 3_600_000 });
    sam = new Browser(demo.url);
    expect((await sam.logIn('admin', 'sam', DEMO_PASSWORD)).status).to.equal(303);
  });
  after(async () => {
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect(errors, 'nothing logged as an error').to.deep.equal([]);
  });

  const statusOf = async (id: number) => (await demo.knex(T.services).where('id', id).first() as { status: string }).status;
  const page = async (path: string) => {
    const response = await sam.get(path);
    expect(response.status, path).to.equal(200);
    return response.text();
  };
  /** The buttons a service's row offers. */
  const actionsIn = (html: string, id: number) => [...html.matchAll(new RegExp(`action="/admin/services/${id}/([a-z]+)"`, 'g'))].map((m) => m[1]);
  /** The Latchkey panel's row for an entry, up to the next row. */
  const rowOf = (html: string, id: string) => {
    const start = html.indexOf(`data-lk-row="${id}"`);
    expect(start, `row ${id}`).to.be.above(-1);
    const next = html.indexOf('data-lk-row=', start + 1);
    return html.slice(start, next === -1 ? undefined : next);
  };
  const lifecycleEvents = async () => (await demo.latchkey.audit.list(system)).filter((e) => e.action.startsWith('service.'));

  it("offers each service the actions its status allows, and shows the seed's terminated service with its badge", async () => {
    const html = await page('/admin/clients/3');
    expect(actionsIn(html, 6)).to.deep.equal(['suspend', 'terminate']);
    expect(actionsIn(html, 16), 'a terminated service').to.deep.equal([]);
    expect(rowOf(html, 'service:16')).to.match(/data-lk-service-status="terminated"[^>]*>Terminated</);
    expect(actionsIn(await page('/admin/clients/5'), 9), 'a suspended service').to.deep.equal(['unsuspend', 'terminate']);
  });

  it('suspend: the host’s status changes, Latchkey records service.suspended naming the admin, and the panel shows the badge', async () => {
    const csrf = csrfOf(await page('/admin/clients/3'));
    const response = await sam.post('/admin/services/6/suspend', { csrf });
    expect(response.status).to.equal(303);
    expect(response.headers.get('location')).to.equal('/admin/clients/3?changed=6#services-title');
    expect(await statusOf(6)).to.equal('Suspended');
    const [event] = await lifecycleEvents();
    expect(event).to.deep.include({ action: 'service.suspended', entryId: 'service:6', clientId: '3' });
    expect(event!.details).to.deep.equal({ serviceId: '6', adminId: '2' });
    const html = await page('/admin/clients/3?changed=6');
    expect(html).to.contain('The service srv01.bergmann-metallbau.example is now Suspended.');
    expect(rowOf(html, 'service:6')).to.match(/data-lk-service-status="suspended"[^>]*>Suspended</);
    expect(actionsIn(html, 6)).to.deep.equal(['unsuspend', 'terminate']);
  });

  it('unsuspend puts it back to Active, and the badge goes', async () => {
    const csrf = csrfOf(await page('/admin/clients/3'));
    expect((await sam.post('/admin/services/6/unsuspend', { csrf })).status).to.equal(303);
    expect(await statusOf(6)).to.equal('Active');
    expect((await lifecycleEvents())[0]!.action).to.equal('service.unsuspended');
    expect(rowOf(await page('/admin/clients/3'), 'service:6')).not.to.contain('data-lk-service-status');
  });

  it('terminate: the admins who run the addon are asked to rotate the staff entries kept for the service', async () => {
    // Marc keeps a temporary SSH login for Atelier Lumière's VPS (service 5).
    const csrf = csrfOf(await page('/admin/clients/2'));
    expect((await sam.post('/admin/services/5/terminate', { csrf })).status).to.equal(303);
    expect(await statusOf(5)).to.equal('Terminated');
    const [event] = await lifecycleEvents();
    expect(event).to.deep.include({ action: 'service.terminated', entryId: 'service:5', clientId: '2' });
    expect(event!.details).to.deep.include({ staffEntries: 1 });
    const mails = await demo.knex(tableNames(DEFAULT_TABLE_PREFIX).outbox).where('kind', 'service_ended').select('recipient_kind', 'recipient_id');
    expect(mails).to.deep.equal([{ recipient_kind: 'admin', recipient_id: '1' }]);
  });

  it('refused: without the CSRF token (403), from a status the action does not start from (409), for an unknown service or action (404); nothing changes', async () => {
    const before = await lifecycleEvents();
    expect((await sam.post('/admin/services/7/suspend', {})).status).to.equal(403);
    expect((await sam.post('/admin/services/7/suspend', { csrf: 'forged' })).status).to.equal(403);
    const csrf = csrfOf(await page('/admin/clients/3'));
    expect((await sam.post('/admin/services/7/unsuspend', { csrf })).status, 'an active service').to.equal(409);
    expect((await sam.post('/admin/services/16/terminate', { csrf })).status, 'a terminated service').to.equal(409);
    expect((await sam.post('/admin/services/999/suspend', { csrf })).status).to.equal(404);
    expect((await sam.post('/admin/services/7/delete', { csrf })).status).to.equal(404);
    expect(await statusOf(7)).to.equal('Active');
    expect(await statusOf(16)).to.equal('Terminated');
    expect(await lifecycleEvents()).to.deep.equal(before);
  });

  it('only signed-in staff: a visitor is sent to the staff login page, and nothing changes', async () => {
    const visitor = new Browser(demo.url);
    const response = await visitor.post('/admin/services/7/suspend', {});
    expect(response.status).to.equal(303);
    expect(response.headers.get('location')).to.match(/^\/admin\/login/);
    expect(await statusOf(7)).to.equal('Active');
  });
});
