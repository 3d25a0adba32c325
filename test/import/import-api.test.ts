import { expect } from 'chai';
import { hostFixture, acme, owner } from '../support/host-fixture.ts';
import { forEachDatabase, openVault, testKeys, type Vault } from '../support/databases.ts';
import { openSibling } from '../support/shared-vault.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { BASE, Harness, type HttpResponse, type SendOptions } from '../express/harness.ts';
import { IMPORT_STALL_MS, type Actor, type Latchkey } from '../../core/index.ts';

/** A Chrome export of `n` logins, each its own record. */
function chromeCsv(n: number): string {
  const lines = ['name,url,username,password'];
  for (let i = 1; i <= n; i += 1) lines.push(`Login ${i},https://site${i}.example,user${i},pw-${i}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Holds an import's second batch before it writes (each batch looks up its
 * entries' services once), so a test sees the job between two batches.
 */
class BatchGate {
  private open: (() => void) | null = null;
  private armed = false;
  private calls = 0;

  arm(): void {
    this.armed = true;
    this.calls = 0;
  }

  release(): void {
    this.armed = false;
    this.open?.();
  }

  async pass(): Promise<void> {
    if (!this.armed) return;
    this.calls += 1;
    if (this.calls === 2) await new Promise<void>((resolve) => { this.open = resolve; });
  }
}

/** Asks until `ready` holds of the answer (a second at most). */
async function until(ask: () => Promise<HttpResponse>, ready: (body: Record<string, unknown>) => boolean): Promise<HttpResponse> {
  for (let i = 0; ; i += 1) {
    const response = await ask();
    if (ready(response.json()) || i === 50) return response;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

forEachDatabase('import and export over HTTP: jobs, downloads, refusals', (db) => {
  const gate = new BatchGate();
  let vault: Vault;
  let h: Harness;
  let sibling: Latchkey;
  let h2: Harness;

  async function call(harness: Harness, actor: Actor, method: string, path: string, options: SendOptions = {}): Promise<HttpResponse> {
    const browser = harness.browser(actor);
    const page = actor.kind === 'client' ? await browser.hostPage('clientArea') : await browser.hostPage('clientSummary', { clientId: 'c-acme' });
    return browser.send(method, `${BASE}/api${path}`, { csrf: page.csrf, ...options });
  }

  before(async () => {
    const host = hostFixture();
    const services = host.services.bind(host);
    host.services = async (ids) => {
      await gate.pass();
      return services(ids);
    };
    const keys = testKeys();
    vault = await openVault(db, host, { keys });
    h = await Harness.start(db, { vault });
    sibling = await openSibling(db, vault, hostFixture(), keys);
    h2 = await Harness.start(db, { vault, latchkey: sibling });
  });
  after(async () => {
    await h2?.close();
    await h?.close();
    await sibling?.close();
    await vault?.close();
  });

  it('an import\'s progress is read from a second app instance on the same database, batch by batch, until done', async () => {
    gate.arm();
    const started = await call(h, owner, 'POST', '/imports', { json: { format: 'chrome-csv', content: chromeCsv(450), clientId: 'c-acme' } });
    expect(started.status, started.text).to.equal(201);
    const job = started.json<{ id: string; status: string; done: number; total: number }>();
    expect(job).to.include({ status: 'running', done: 0, total: 450 });
    try {
      // The first batch is written and reported; the second is held before it writes.
      const midway = await until(() => call(h2, owner, 'GET', `/imports/${job.id}`), (body) => body.done === 200);
      expect(midway.status).to.equal(200);
      expect(midway.json()).to.include({ id: job.id, status: 'running', done: 200, total: 450, created: null });
    } finally {
      gate.release();
    }
    await vault.lk.imports.settled();
    const done = await call(h2, owner, 'GET', `/imports/${job.id}`);
    expect(done.json()).to.deep.include({
      status: 'done', done: 450, total: 450, created: 450, error: null,
      counts: { create: 450, alreadyThere: 0, skipped: 0, invalid: 0, noClient: 0 },
    });
    expect(done.headers.get('cache-control')).to.equal('no-store');
    // The job is its starter's own: another admin is told it does not exist.
    expect((await call(h2, { kind: 'admin', adminId: 'a-sam' }, 'GET', `/imports/${job.id}`)).status).to.equal(404);
  });

  it('a job whose instance stopped is reported failed once its row has not moved for five minutes, not before', async () => {
    // Two seconds either side of the limit: the request itself takes a few milliseconds of the real clock.
    const at = Date.now();
    const job = (n: number, updatedAgo: number) => ({
      id: `0190aaaa-0000-7000-8000-00000000000${n}`, actor: 'admin:a-owner', status: 'running', done: 200, total: 450, counts: null,
      created_at: at - updatedAgo - 1000, updated_at: at - updatedAgo,
    });
    const [moving, stopped] = [job(1, IMPORT_STALL_MS - 2000), job(2, IMPORT_STALL_MS + 2000)];
    await vault.raw(vault.tables.importJobs).insert([moving, stopped]);
    try {
      const fresh = await call(h2, owner, 'GET', `/imports/${moving.id}`);
      expect(fresh.json()).to.include({ status: 'running', done: 200, error: null });
      const stalled = await call(h2, owner, 'GET', `/imports/${stopped.id}`);
      expect(stalled.json()).to.include({ status: 'failed', done: 200, error: 'interrupted' });
    } finally {
      await vault.raw(vault.tables.importJobs).whereIn('id', [moving.id, stopped.id]).delete();
    }
  });

  it('an import file over the usual 256 KiB body limit is read, while every other route keeps that limit', async () => {
    const content = chromeCsv(6000);
    expect(Buffer.byteLength(content)).to.be.above(256 * 1024);
    const preview = await call(h, owner, 'POST', '/imports/preview', { json: { format: 'chrome-csv', content } });
    expect(preview.status, preview.text.slice(0, 200)).to.equal(200);
    expect(preview.json<{ rows: unknown[] }>().rows).to.have.length(6000);
    const entry = await call(h, owner, 'POST', '/entries', { json: { name: 'Big', notes: 'n'.repeat(300 * 1024) } });
    expect(entry.status).to.equal(413);
  });

  it('an export downloads as an attachment named by its date, never stored by a cache, in the format asked', async () => {
    await vault.lk.entries.create(owner, { name: 'Globex router', password: 'globex-pw', clientId: 'c-globex' });
    for (const [format, type] of [['csv', 'text/csv; charset=utf-8'], ['json', 'application/json; charset=utf-8']] as const) {
      const response = await call(h, owner, 'POST', '/export', { json: { format, clientId: 'c-globex' } });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-disposition')).to.match(new RegExp(`^attachment; filename="latchkey-export-\\d{4}-\\d\\d-\\d\\d\\.${format}"$`));
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(response.headers.get('content-type')).to.equal(type);
      expect(response.text).to.include('globex-pw');
    }
  });

  it('a client is refused preview, import and export while the settings do not allow it, and nothing is written', async () => {
    await vault.lk.settings.update(owner, { clientImportExport: false });
    const before = await snapshotTables(vault);
    const body = { format: 'chrome-csv', content: chromeCsv(2) };
    for (const [method, path, json] of [['POST', '/imports/preview', body], ['POST', '/imports', body], ['POST', '/export', { format: 'csv' }]] as const) {
      const response = await call(h, acme, method, path, { json });
      expect(response.status, `${method} ${path}`).to.equal(403);
    }
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });

  it('bad input is a 400 naming the field, before anything is written: no job, no entry, no event', async () => {
    const before = await snapshotTables(vault);
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ format: 'pdf', content: 'x' }, 'format'],
      [{ format: 'keepass-xml', content: '<KeePassFile><Root>' }, 'content'],
      [{ format: 'chrome-csv', content: chromeCsv(1), clientId: 'c-nobody' }, 'clientId'],
      [{ format: 'chrome-csv', content: chromeCsv(1), clientId: 'c-acme', matchClientsBy: 'email' }, 'matchClientsBy'],
      [{ format: 'chrome-csv', content: chromeCsv(1), password: 'x' }, 'password'],
    ];
    for (const [json, field] of refusals) {
      const response = await call(h, owner, 'POST', '/imports', { json });
      expect(response.status, JSON.stringify(json).slice(0, 80)).to.equal(400);
      expect(response.json<{ field: string }>().field).to.equal(field);
    }
    expect(await snapshotTables(vault)).to.deep.equal(before);
  });
});
