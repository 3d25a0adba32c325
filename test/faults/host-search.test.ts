import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import { mountLatchkey } from '../../adapters/express/index.ts';
import { WhmcsApi, WhmcsDirectory } from '../../adapters/whmcs/index.ts';
import type { Actor, AdminActor, HostDirectory, Logger } from '../../core/index.ts';
import { BASE } from '../express/harness.ts';
import { forEachDatabase, openVault, type TestDatabase, type Vault } from '../support/databases.ts';
import { faultyHost, RAW_FAULT_MESSAGE, type HostFault } from '../support/faulty-host.ts';
import { owner } from '../support/host-fixture.ts';
import { listenOnLoopback, type LoopbackServer } from '../support/loopback.ts';
import { snapshotTables } from '../support/table-rows.ts';
import { API_IDENTIFIER, API_SECRET, FAULT_MESSAGE, FakeWhmcs, type WhmcsFault } from '../whmcs/fake-whmcs.ts';

/** How long a call may go unanswered before it is given up: short, so the suite stays quick. */
const SHORT_MS = 300;
/** Far past SHORT_MS, and short of the pickers' default deadline (10 s): a request still open then was not bounded by the fault's own timeout. */
const GIVE_UP_MS = 5_000;
/** WHMCS's admin 1, of the built-in Full Administrator role: runs the addon. */
const WHMCS_ADMIN: AdminActor = { kind: 'admin', adminId: '1' };

/** A picker's route, and the host call behind it that the test makes fail. */
interface Picker<Call> {
  picker: string;
  path: (entryId: string) => string;
  call: Call;
}

const WHMCS_PICKERS: Array<Picker<string>> = [
  { picker: 'the client picker', path: () => '/clients?search=mohr', call: 'GetClients' },
  { picker: 'the contact picker', path: () => '/contacts?search=mohr', call: 'GetContacts' },
  { picker: "an entry's share picker", path: (id) => `/entries/${id}/share-targets?search=geor`, call: 'GetAdminUsers' },
  { picker: 'the category member picker', path: () => '/category-members?search=mohr', call: 'GetClients' },
  { picker: 'the link picker of contacts', path: () => '/clients/2/contacts?search=mo', call: 'GetContacts' },
  { picker: 'the audit actor picker', path: () => '/audit/actors?search=mohr', call: 'GetClients' },
];

/** The same pickers over a directory without a timeout of its own, with the devices WHMCS does not have. */
const DIRECTORY_PICKERS: Array<Picker<keyof HostDirectory>> = [
  { picker: 'the client picker', path: () => '/clients?search=acme', call: 'findClients' },
  { picker: 'the contact picker', path: () => '/contacts?search=acme', call: 'findContacts' },
  { picker: "an entry's share picker", path: (id) => `/entries/${id}/share-targets?search=sam`, call: 'findAdmins' },
  { picker: 'the category member picker', path: () => '/category-members?search=acme', call: 'findClients' },
  { picker: 'the link picker of contacts', path: () => '/clients/c-acme/contacts?search=ac', call: 'contactsOfClients' },
  { picker: 'the link picker of devices', path: () => '/clients/c-acme/devices?search=fire', call: 'devicesOfClients' },
  { picker: 'the audit actor picker', path: () => '/audit/actors?search=olivia', call: 'allAdmins' },
];

/** Latchkey mounted in an Express app on loopback, `actor` signed in, its log lines kept. */
class Served {
  private constructor(readonly vault: Vault, private readonly server: LoopbackServer, readonly lines: string[]) {}

  static async start(db: TestDatabase, host: HostDirectory, actor: Actor, deadlines: { hostSearchDeadlineMs?: number; hostDeadlineMs?: number } = {}): Promise<Served> {
    const lines: string[] = [];
    const keep = (message: string, fields?: Record<string, unknown>) => { lines.push(`${message} ${JSON.stringify(fields ?? {})}`); };
    const logger: Logger = { info: keep, warn: keep, error: keep };
    const vault = await openVault(db, host, { logger, ...deadlines });
    await vault.lk.settings.update({ kind: 'system' }, { adminAccessMode: 'full' });
    const app = express();
    mountLatchkey(app, { latchkey: vault.lk, basePath: BASE, secret: randomBytes(32).toString('base64url'), identify: () => actor, logger });
    return new Served(vault, await listenOnLoopback(app), lines);
  }

  /** A GET of the API, given up (failing the test) if it is still unanswered after GIVE_UP_MS. */
  async get(path: string): Promise<{ status: number; headers: Headers; text: string }> {
    const response = await fetch(`${this.server.origin}${BASE}/api${path}`, { signal: AbortSignal.timeout(GIVE_UP_MS) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.vault.close();
  }
}

/**
 * The answer a picker's user gets while the host platform is away: a 503 with
 * Retry-After, the localized "platform not answering" and nothing else (no
 * stack, no host address, no driver's words), nothing written, and the
 * outage logged without a secret.
 */
async function expectHostUnavailable(served: Served, path: string, secrets: readonly string[]): Promise<void> {
  const before = await snapshotTables(served.vault);
  const answer = await served.get(path);
  expect(answer.status, answer.text.slice(0, 300)).to.equal(503);
  expect(answer.headers.get('retry-after')).to.match(/^[1-9]\d*$/);
  expect(answer.headers.get('cache-control')).to.equal('no-store');
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).to.deep.equal(['error', 'message']);
  expect(body.error).to.equal('host_unavailable');
  expect(body.message).to.match(/is not answering right now/);
  expect(answer.text).not.to.match(/SQLSTATE|ECONNREFUSED|127\.0\.0\.1|10\.0\.0\.7|WHMCS|Get[A-Z]\w+|at \S+ \(|\.ts:\d+/);
  expect(await snapshotTables(served.vault), 'nothing written').to.deep.equal(before);
  expect(served.lines.join('\n'), 'the outage is logged').to.match(/latchkey: /);
  for (const secret of secrets) expect(served.lines.join('\n'), 'the log').not.to.contain(secret);
}

forEachDatabase('the pickers while the host platform fails or does not answer', (db) => {
  describe('over WHMCS', () => {
    let whmcs: FakeWhmcs;
    let served: Served;
    let entryId: string;
    before(async () => {
      whmcs = await FakeWhmcs.start();
      // No cache: every search asks WHMCS, as the first search of a text does.
      const directory = new WhmcsDirectory(new WhmcsApi({ url: whmcs.url, identifier: API_IDENTIFIER, secret: API_SECRET, timeoutMs: SHORT_MS }), { cacheTtlMs: 0 });
      served = await Served.start(db, directory, WHMCS_ADMIN);
      entryId = (await served.vault.lk.entries.create(WHMCS_ADMIN, { name: 'Server root', password: 'pw', clientId: '2' })).id;
    });
    after(async () => {
      await served.close();
      await whmcs.close();
    });
    beforeEach(() => {
      whmcs.reset();
      served.lines.length = 0;
    });

    it('every picker answers from WHMCS while it answers, asking it the call the faults below break', async () => {
      for (const { picker, path, call } of WHMCS_PICKERS) {
        whmcs.reset();
        const answer = await served.get(path(entryId));
        expect(answer.status, `${picker}: ${answer.text.slice(0, 200)}`).to.equal(200);
        expect(JSON.stringify(JSON.parse(answer.text)), picker).to.match(/Mohr|Georgina/);
        expect(whmcs.count(call), `${picker} asks ${call}`).to.be.above(0);
      }
    });

    const sayings: Record<WhmcsFault, string> = { error: 'answers an error', silence: 'does not answer' };
    for (const fault of ['error', 'silence'] as const) {
      for (const { picker, path, call } of WHMCS_PICKERS) {
        it(`${picker} answers 503 with Retry-After when WHMCS ${sayings[fault]} to ${call}`, async () => {
          whmcs.faults.set(call, fault);
          await expectHostUnavailable(served, path(entryId), [API_SECRET, API_IDENTIFIER]);
          expect(whmcs.count(call), `${call} was asked`).to.be.above(0);
          const log = served.lines.join('\n');
          if (fault === 'error') expect(log, "WHMCS's words, for the operator").to.contain(FAULT_MESSAGE);
          else expect(log, "ended by the API's own timeout").to.contain(`no answer within ${SHORT_MS} ms`);
        });
      }
    }
  });

  describe('over a directory without a timeout of its own', () => {
    const host = faultyHost();
    let served: Served;
    let entryId: string;
    before(async () => {
      served = await Served.start(db, host.directory, owner, { hostSearchDeadlineMs: SHORT_MS });
      entryId = (await served.vault.lk.entries.create(owner, { name: 'Firewall admin', password: 'pw', clientId: 'c-acme' })).id;
    });
    after(async () => { await served.close(); });
    beforeEach(() => { served.lines.length = 0; });
    afterEach(() => { host.fault(null); });

    it('every picker answers while the directory answers', async () => {
      for (const { picker, path } of DIRECTORY_PICKERS) {
        const answer = await served.get(path(entryId));
        expect(answer.status, `${picker}: ${answer.text.slice(0, 200)}`).to.equal(200);
        const search = new URL(path(entryId), 'http://picker.test').searchParams.get('search')!;
        expect(answer.text.toLowerCase(), `${picker} finds "${search}"`).to.contain(search);
      }
    });

    const sayings: Record<HostFault, string> = { throws: 'throws a raw driver error', hangs: 'never answers' };
    for (const fault of ['throws', 'hangs'] as const) {
      for (const { picker, path, call } of DIRECTORY_PICKERS) {
        it(`${picker} answers 503 with Retry-After when the directory's ${call} ${sayings[fault]}`, async () => {
          host.fault(call, fault);
          await expectHostUnavailable(served, path(entryId), ['host-db-pw', RAW_FAULT_MESSAGE]);
          expect(served.lines.join('\n'), 'the log names the call').to.contain(`the host directory's ${call} `);
        });
      }
    }
  });
  /**
   * Every other request asks the host too: the facts a list, a reveal or a save is decided on. A
   * directory without a timeout of its own answers them 503 within `hostDeadlineMs` when it fails or
   * hangs, as the pickers do, and nothing is written.
   */
  describe('other requests over a directory without a timeout of its own', () => {
    const host = faultyHost();
    let served: Served;
    let entryId: string;
    const ROUTES: Array<{ request: string; path: (id: string) => string; actor: 'staff' | 'client'; call: keyof HostDirectory }> = [
      { request: "a staff member's list of a client's entries", path: () => '/entries?clientId=c-acme', actor: 'staff', call: 'admins' },
      { request: "a staff member's look at one entry", path: (id) => `/entries/${id}`, actor: 'staff', call: 'admins' },
    ];
    before(async () => {
      served = await Served.start(db, host.directory, owner, { hostDeadlineMs: SHORT_MS });
      entryId = (await served.vault.lk.entries.create(owner, { name: 'Core switch', password: 'pw-switch', clientId: 'c-acme' })).id;
    });
    after(async () => { await served.close(); });
    beforeEach(() => { served.lines.length = 0; });
    afterEach(() => { host.fault(null); });

    it('each request answers while the directory answers', async () => {
      for (const { request, path } of ROUTES) {
        const answer = await served.get(path(entryId));
        expect(answer.status, `${request}: ${answer.text.slice(0, 200)}`).to.equal(200);
        expect(answer.text, request).to.contain('Core switch');
      }
    });

    const sayings: Record<HostFault, string> = { throws: 'throws a raw driver error', hangs: 'never answers' };
    for (const fault of ['throws', 'hangs'] as const) {
      for (const { request, path, call } of ROUTES) {
        it(`${request} answers 503 with Retry-After when the directory's ${call} ${sayings[fault]}`, async () => {
          host.fault(call, fault);
          const started = Date.now();
          await expectHostUnavailable(served, path(entryId), ['host-db-pw', RAW_FAULT_MESSAGE, 'pw-switch']);
          if (fault === 'hangs') expect(Date.now() - started, 'ended by the deadline').to.be.below(SHORT_MS + 2_000);
          expect(served.lines.join('\n'), 'the log names the call').to.contain(`the host directory's ${call} `);
        });
      }
    }
  });
});
