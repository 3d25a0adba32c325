import { expect } from 'chai';
import type { SystemActor } from '../../core/index.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { forEachDatabase } from '../support/databases.ts';
import { acme, globex, owner, sam } from '../support/host-fixture.ts';
import { ForbiddenError } from '../../core/index.ts';
import { emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';
import { BASE, Harness, hs256Embed, signEmbed } from './harness.ts';

const system: SystemActor = { kind: 'system' };
const SERVICE_EVENTS_JOB = { job: 'service-events' };
const now = () => Math.floor(Date.now() / 1000);

forEachDatabase('POST {base}/api/host-events/service: the host reports its services’ life with a system token', (db) => {
  const embed = hs256Embed();
  let h: Harness;

  before(async () => {
    h = await Harness.start(db, { embed });
  });
  after(async () => { await h?.close(); });
  beforeEach(async () => { await emptyTables(h.vault); });

  const systemToken = (claims: Record<string, unknown> = {}, options: { now?: number } = {}) =>
    signEmbed(embed.secret, { sub: 'system', ctx: SERVICE_EVENTS_JOB, ...claims }, options);

  /** Posts an event as the WHMCS module does (form, bearer token), or as JSON. */
  async function post(token: string | null, body: Record<string, string>, as: 'form' | 'json' = 'form') {
    const response = await fetch(`${h.origin}${BASE}/api/host-events/service`, {
      method: 'POST',
      headers: {
        'Content-Type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: as === 'form' ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: await response.json() as Record<string, unknown> };
  }

  const events = (action?: string) => h.vault.lk.audit.list(system, action ? { action } : {});

  it('a valid token records service.<event> in the audit trail, as the system, under the service’s entry and client', async () => {
    for (const event of ['created', 'suspended', 'unsuspended', 'terminated'] as const) {
      const answer = await post(await systemToken(), { serviceId: 's-acme-vps', event });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.body).to.deep.equal({ serviceId: 's-acme-vps', event, reminders: 0 });
    }
    const recorded = (await events()).reverse();
    expect(recorded.map((e) => e.action)).to.deep.equal(['service.created', 'service.suspended', 'service.unsuspended', 'service.terminated']);
    for (const e of recorded) {
      expect(e.actor).to.deep.equal({ kind: 'system', id: null });
      expect(e).to.deep.include({ entryId: 'service:s-acme-vps', clientId: 'c-acme' });
      expect(e.details).to.deep.include({ serviceId: 's-acme-vps' });
    }
    expect(recorded[3]!.details).to.deep.equal({ serviceId: 's-acme-vps', staffEntries: 0 });
    expect(await h.vault.lk.audit.verify()).to.deep.equal({ ok: true, events: 4 });
  });

  it('takes the token as a form field and the event as JSON too, and records the host admin who acted', async () => {
    const form = await post(null, { token: await systemToken(), serviceId: 's-globex-vps', event: 'suspended', adminId: 'a-sam' });
    expect(form.status, JSON.stringify(form.body)).to.equal(200);
    const json = await post(await systemToken(), { serviceId: 's-globex-vps', event: 'unsuspended' }, 'json');
    expect(json.status, JSON.stringify(json.body)).to.equal(200);
    const [unsuspended, suspended] = await events();
    expect(suspended!.details).to.deep.equal({ serviceId: 's-globex-vps', adminId: 'a-sam' });
    expect(unsuspended!.details).to.deep.equal({ serviceId: 's-globex-vps' });
  });

  describe('refused tokens: 401 and nothing written', () => {
    async function expectRefused(token: string | null, body = { serviceId: 's-acme-vps', event: 'suspended' }) {
      const before = await snapshotTables(h.vault);
      const answer = await post(token, body);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(401);
      expect(answer.body.error).to.equal('unauthenticated');
      if (token) expect(JSON.stringify(answer.body)).not.to.contain(token.slice(-20));
      expect(await snapshotTables(h.vault)).to.deep.equal(before);
    }

    it('no token', async () => {
      await expectRefused(null);
    });

    it('a replayed token: accepted once, refused the second time', async () => {
      const token = await systemToken();
      expect((await post(token, { serviceId: 's-acme-vps', event: 'suspended' })).status).to.equal(200);
      await expectRefused(token);
      expect(await events('service.suspended')).to.have.length(1);
    });

    it('an expired token (past its expiry and the 30 s clock tolerance)', async () => {
      await expectRefused(await systemToken({}, { now: now() - 120 - 31 }));
    });

    it('a forged token: signed with another secret, or its payload edited after signing', async () => {
      await expectRefused(await signEmbed('another-host-secret-that-latchkey-does-not-know-01', { sub: 'system', ctx: SERVICE_EVENTS_JOB }));
      const [header, , signature] = (await systemToken()).split('.') as [string, string, string];
      const edited = Buffer.from(JSON.stringify({ sub: 'system', ctx: SERVICE_EVENTS_JOB, iss: embed.issuer, aud: 'x', iat: now(), exp: now() + 60, jti: 'f'.repeat(32) })).toString('base64url');
      await expectRefused(`${header}.${edited}.${signature}`);
    });

    it("a user's token, or a system token for another job (the cron's)", async () => {
      await expectRefused(await signEmbed(embed.secret, { sub: 'admin:a-owner', ctx: SERVICE_EVENTS_JOB }));
      await expectRefused(await signEmbed(embed.secret, { sub: 'admin:a-owner', ctx: { place: 'adminPages' } }));
      await expectRefused(await systemToken({ ctx: { job: 'reminders' } }));
    });
  });

  it('an unknown service: 404, nothing recorded and no mail', async () => {
    const answer = await post(await systemToken(), { serviceId: 's-nowhere', event: 'terminated' });
    expect(answer.status).to.equal(404);
    expect(answer.body.error).to.equal('not_found');
    expect(await events()).to.deep.equal([]);
    expect((await snapshotTables(h.vault))[h.vault.tables.outbox]).to.deep.equal([]);
  });

  it('a bad event or field: 400 naming the field, nothing recorded', async () => {
    for (const [body, field] of [
      [{ serviceId: 's-acme-vps', event: 'deleted' }, 'event'],
      [{ serviceId: 's-acme-vps' }, 'event'],
      [{ event: 'suspended' }, 'serviceId'],
      [{ serviceId: "1' OR '1'='1", event: 'suspended' }, 'serviceId'],
      [{ serviceId: 's-acme-vps', event: 'suspended', adminId: '' }, 'adminId'],
      [{ serviceId: 's-acme-vps', event: 'suspended', status: 'Active' }, 'status'],
    ] as const) {
      const answer = await post(await systemToken(), body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect(answer.body.field, JSON.stringify(body)).to.equal(field);
    }
    expect(await events()).to.deep.equal([]);
  });

  it('in-process, only the host (the system actor) reports a service event: an admin or a client is refused, nothing written', async () => {
    const before = await snapshotTables(h.vault);
    for (const actor of [owner, acme]) {
      await rejection(h.vault.lk.serviceLifecycle.record(actor, { serviceId: 's-acme-vps', event: 'terminated' }), ForbiddenError);
    }
    expect(await snapshotTables(h.vault)).to.deep.equal(before);
  });

  describe('terminated: a rotation reminder to the admins who run the addon', () => {
    /** Staff keep two entries for vps1 and one for another service; the client keeps its own for vps1. */
    async function seedEntries() {
      // Sid's role gets extended permissions: he runs the addon too (Olivia is the host's addon manager).
      await h.vault.lk.settings.update(system, { extendedAdminRoleIds: ['r-sysadmin'] });
      const { lk } = h.vault;
      await lk.entries.create(owner, { name: 'vps1 IPMI console', clientId: 'c-acme', serviceId: 's-acme-vps', password: 'ipmi-pw' });
      await lk.entries.create(sam, {
        name: 'vps1 deploy user', clientId: 'c-acme', serviceId: 's-acme-vps', password: 'deploy-pw', grants: [{ kind: 'admin', id: 'a-owner' }],
      });
      await lk.entries.create(owner, { name: 'acme.test FTP', clientId: 'c-acme', serviceId: 's-acme-web', password: 'ftp-pw' });
      await lk.entries.create(acme, { name: 'Acme own root note', serviceId: 's-acme-vps', password: 'acme-own-pw' });
      await lk.entries.create(globex, { name: 'Globex own VPS login', serviceId: 's-globex-vps', password: 'globex-own-pw' });
    }

    it('one mail per addon manager, in their language, naming the staff entries linked to the service and no others', async () => {
      await seedEntries();
      const answer = await post(await systemToken(), { serviceId: 's-acme-vps', event: 'terminated' });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.reminders).to.equal(2);
      const [terminated] = await events('service.terminated');
      expect(terminated!.details).to.deep.equal({ serviceId: 's-acme-vps', staffEntries: 2 });

      const inbox = new Inbox();
      expect(await h.vault.lk.dispatcher(inbox).drain()).to.deep.equal({ sent: 2, failed: 0, dropped: 0 });
      expect(inbox.messages.map((m) => m.to).sort()).to.deep.equal(['olivia@host.test', 'sid@host.test']);
      const olivia = inbox.to('olivia@host.test')[0]!;
      expect(olivia.subject).to.equal('VPS Small — vps1.acme.test has ended: rotate what we kept for it');
      expect(olivia.text).to.contain('Hello Olivia Owner').and.contain('of Acme Ltd has been terminated');
      expect(olivia.text).to.contain('• vps1 IPMI console').and.contain('• vps1 deploy user');
      const sid = inbox.to('sid@host.test')[0]!;
      expect(sid.subject).to.equal('VPS Small — vps1.acme.test est supprimé : changez ce que nous gardions pour lui');
      expect(sid.text).to.contain('• vps1 IPMI console').and.contain('• vps1 deploy user');
      for (const mail of inbox.messages) {
        expect(mail.text, 'the client’s own entry').not.to.contain('Acme own root note');
        expect(mail.text, 'an entry of another service').not.to.contain('acme.test FTP');
        for (const secret of ['ipmi-pw', 'deploy-pw', 'acme-own-pw']) {
          expect(mail.text + mail.html + mail.subject).not.to.contain(secret);
        }
      }
    });

    it('no mail when only the client keeps entries for the service, nor for a suspension', async () => {
      await seedEntries();
      const ended = await post(await systemToken(), { serviceId: 's-globex-vps', event: 'terminated' });
      expect(ended.body).to.deep.include({ reminders: 0 });
      const suspended = await post(await systemToken(), { serviceId: 's-acme-vps', event: 'suspended' });
      expect(suspended.body).to.deep.include({ reminders: 0 });
      expect((await snapshotTables(h.vault))[h.vault.tables.outbox]).to.deep.equal([]);
    });

    it('names only what is still kept when the mail goes out; nothing left, no mail', async () => {
      await seedEntries();
      await post(await systemToken(), { serviceId: 's-acme-vps', event: 'terminated' });
      const kept = (await h.vault.lk.entries.list(owner, { serviceId: 's-acme-vps', ownerKind: 'admin' })).items;
      const deploy = kept.find((e) => e.name === 'vps1 deploy user')!;
      await h.vault.lk.entries.delete(sam, deploy.id, { version: deploy.version });
      const first = new Inbox();
      expect(await h.vault.lk.dispatcher(first).drain()).to.deep.include({ sent: 2 });
      for (const mail of first.messages) expect(mail.text).to.contain('vps1 IPMI console').and.not.contain('vps1 deploy user');

      await post(await systemToken(), { serviceId: 's-acme-vps', event: 'terminated' });
      const ipmi = kept.find((e) => e.name === 'vps1 IPMI console')!;
      await h.vault.lk.entries.delete(owner, ipmi.id, { version: ipmi.version });
      const second = new Inbox();
      expect(await h.vault.lk.dispatcher(second).drain()).to.deep.equal({ sent: 0, failed: 0, dropped: 2 });
      expect(second.messages).to.deep.equal([]);
    });
  });
});
