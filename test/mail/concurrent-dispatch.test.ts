import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { SmtpMailer } from '../../adapters/smtp/smtp-mailer.ts';
import type { DispatchResult, Latchkey } from '../../core/index.ts';
import type { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { forEachDatabase, openVault, type TestDatabase, type Vault } from '../support/databases.ts';
import { openSibling, prefixOf } from '../support/shared-vault.ts';
import { bulkHost, bulkKeys, keySpec, outboxStatuses, seedDueEntries, sleep } from './support/bulk-reminders.ts';
import { SmtpSink } from './support/smtp-sink.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./support/dispatch-worker.ts', import.meta.url));

/**
 * One dispatcher, as one app instance runs it: `drain` once (what a cron run
 * does), or `keep draining` when it ran dry until stopped (an in-process interval).
 */
interface Worker {
  name: string;
  start(mode: 'drain' | 'keep draining'): void;
  /** Lets it finish (its drain, or the round it is in), then resolves with what it sent. */
  stop(): Promise<DispatchResult>;
  /** Takes it down mid-whatever (SIGKILL for a process). */
  kill(): Promise<void>;
  /** After the test, whatever state it is in. */
  close(): Promise<void>;
}

interface Setup {
  db: TestDatabase;
  vault: Vault;
  host: MemoryDirectory;
  sink: SmtpSink;
  clients: number;
  batchSize: number;
}

/**
 * A dispatcher in a child process (`node --import tsx`) over its own Latchkey
 * and connection pool on the same tables, as another app instance: the one a
 * test kills. (MariaDB only: a `:memory:` SQLite database lives in one process.)
 */
async function processWorker(s: Setup, name: string, leaseMs: number): Promise<Worker> {
  const child = fork(WORKER_SCRIPT, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      LK_DB_URL: s.db.url,
      LK_TABLE_PREFIX: prefixOf(s.vault),
      LK_KEYS: keySpec(),
      LK_CLIENTS: String(s.clients),
      LK_SMTP_URL: s.sink.url,
      LK_FROM: `${name}@dispatch.test`,
      LK_WORKER: name,
      LK_BATCH: String(s.batchSize),
      LK_LEASE_MS: String(leaseMs),
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const reported = new Promise<DispatchResult>((resolve, reject) => child.on('message', (m: unknown) => {
    if (typeof m !== 'object' || m === null) return;
    if ('done' in m) resolve(m.done as DispatchResult);
    if ('error' in m) reject(new Error(`${name}: ${String(m.error)}`));
  }));
  reported.catch(() => undefined);
  await Promise.race([
    new Promise<void>((resolve) => child.on('message', (m) => { if (m === 'ready') resolve(); })),
    exited.then((e) => { throw new Error(`${name} ended before it was ready (${e.code ?? e.signal})`); }),
    sleep(30_000).then(() => { throw new Error(`${name} was not ready within 30 s`); }),
  ]);
  return {
    name,
    start: (mode) => child.send(mode === 'drain' ? 'drain' : 'keep draining'),
    async stop() {
      child.send('stop');
      const total = await reported;
      await exited;
      return total;
    },
    async kill() {
      expect(child.kill('SIGKILL')).to.equal(true);
      expect((await exited).signal).to.equal('SIGKILL');
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A dispatcher in this process over a Latchkey of its own (on MariaDB its own
 * connection pool; on SQLite the shared connection, claims by lease). "Killed"
 * here means stuck for good on a message the server holds: as good as gone.
 */
async function inProcessWorker(s: Setup, name: string, leaseMs: number, instances: Latchkey[], mailers: SmtpMailer[]): Promise<Worker> {
  const lk = await openSibling(s.db, s.vault, s.host, bulkKeys());
  const mailer = new SmtpMailer({ url: s.sink.url, from: `${name}@dispatch.test` });
  instances.push(lk);
  mailers.push(mailer);
  const dispatcher = lk.dispatcher(mailer, { workerId: name, batchSize: s.batchSize, leaseMs });
  let stopping = false;
  let running: Promise<DispatchResult> | null = null;
  return {
    name,
    start(mode) {
      if (mode === 'drain') stopping = true;
      running = (async () => {
        const total: DispatchResult = { sent: 0, failed: 0, dropped: 0 };
        do {
          const r = await dispatcher.drain();
          total.sent += r.sent;
          total.failed += r.failed;
          total.dropped += r.dropped;
          if (r.sent + r.failed + r.dropped === 0 && !stopping) await sleep(20);
        } while (!stopping);
        return total;
      })();
    },
    async stop() {
      stopping = true;
      return running!;
    },
    async kill() { /* stuck on its held message: as good as gone */ },
    async close() {
      stopping = true;
      await running?.catch(() => undefined);
    },
  };
}

/**
 * Several app instances send one outbox: each dispatcher has its own Latchkey
 * (on MariaDB its own connection pool; the one killed, its own process) on the same tables, sends
 * through its own SMTP connection from its own address, and a real SMTP server
 * on loopback counts what arrives. The full size runs on MariaDB, where
 * workers claim with FOR UPDATE SKIP LOCKED; SQLite (one connection, claims by
 * lease) runs the same checks on a smaller outbox.
 */
forEachDatabase('outbox dispatch with several workers at once', (db) => {
  const mariadb = db.name === 'mariadb';
  const total = mariadb ? 10_000 : 400;
  const clients = mariadb ? 100 : 20;
  const batchSize = mariadb ? 100 : 20;
  let setup: Setup;
  let workers: Worker[];
  let instances: Latchkey[];
  let mailers: SmtpMailer[];

  // Generous limits: on a busy machine the MariaDB tests take minutes instead of about a minute.
  beforeEach(async function () {
    this.timeout(180_000);
    const started = Date.now();
    const host = bulkHost(clients);
    const vault = await openVault(db, host, { keys: bulkKeys() });
    setup = { db, vault, host, sink: await SmtpSink.start(0, { keepRaw: false }), clients, batchSize };
    workers = [];
    instances = [];
    mailers = [];
    await seedDueEntries(vault, total, clients, Date.now());
    expect(await vault.lk.reminders.enqueueDue()).to.equal(total);
    expect(await outboxStatuses(vault)).to.deep.equal({ pending: total });
    console.log(`      (setup: ${total} due entries made and their reminders queued in ${Date.now() - started} ms)`);
  });

  afterEach(async () => {
    for (const held of setup.sink.stalled) held.answer({ reject: 'closing', code: 421 });
    for (const w of workers) await w.close();
    for (const m of mailers) m.close();
    for (const lk of instances) await lk.close();
    await setup.vault.close();
    await setup.sink.close();
  });

  /** A dispatcher over its own Latchkey in this process, or (`own process`, MariaDB only) in a child process. */
  async function worker(name: string, leaseMs = 60_000, where: 'this process' | 'own process' = 'this process'): Promise<Worker> {
    const w = where === 'own process' ? await processWorker(setup, name, leaseMs) : await inProcessWorker(setup, name, leaseMs, instances, mailers);
    workers.push(w);
    return w;
  }

  /** Resolves once no row is pending (the claims of a dead worker expire and others take them). */
  async function outboxEmptied(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const pending = (await outboxStatuses(setup.vault)).pending ?? 0;
      if (pending === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending} messages still pending after ${deadlineMs} ms`);
      await sleep(100);
    }
  }

  /** Every message arrived once: as many as queued, each Message-ID once, every row sent. */
  async function expectEachSentOnce(): Promise<void> {
    const { sink, vault } = setup;
    const twice = [...sink.messageIdCounts()].filter(([, n]) => n > 1);
    expect(twice, 'Message-IDs accepted more than once').to.deep.equal([]);
    expect(sink.accepted).to.have.length(total);
    expect(sink.messageIdCounts().size).to.equal(total);
    expect(await outboxStatuses(vault)).to.deep.equal({ sent: total });
  }

  const fromWorker = (name: string) => setup.sink.accepted.filter((m) => m.from === `${name}@dispatch.test`).length;

  it(`4 dispatchers on 4 instances send ${total} due reminders: each exactly once`, async () => {
    const ws = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((name) => worker(name)));
    const started = Date.now();
    // Each drains once, all at the same time: none may stop while there is work it could claim.
    for (const w of ws) w.start('drain');
    const results = await Promise.all(ws.map((w) => w.stop()));
    console.log(`      (sent ${total} in ${Date.now() - started} ms: ${results.map((r, i) => `${ws[i]!.name} ${r.sent}`).join(', ')})`);

    expect(results.reduce((n, r) => n + r.sent, 0)).to.equal(total);
    expect(results.every((r) => r.failed === 0 && r.dropped === 0)).to.equal(true);
    await expectEachSentOnce();
    // Each worker's own count agrees with what the server got from its address, and all of them took part.
    for (const [i, w] of ws.entries()) {
      expect(fromWorker(w.name), w.name).to.equal(results[i]!.sent);
      expect(fromWorker(w.name), `${w.name} sent nothing: the workers did not run side by side`).to.be.greaterThan(0);
    }
    // Each reminder went to its entry's owner, and only there.
    expect(setup.sink.accepted.every((m) => m.to.length === 1 && /^client\d+@clients\.test$/.test(m.to[0]!))).to.equal(true);
  }).timeout(300_000);

  const victimRole = mariadb
    ? 'killed (SIGKILL) while the SMTP server holds one of its messages'
    : 'stuck for good on a message the SMTP server holds (in-process: a :memory: database cannot be shared with a process to kill)';
  it(`the same with one of the 4 dispatchers ${victimRole}: ${total} messages, none twice`, async () => {
    const { sink, vault } = setup;
    const leaseMs = 2_000;
    const stallAt = mariadb ? 150 : 30;
    let victimMessages = 0;
    // The victim's message number `stallAt` (in its second batch) gets no answer: the victim waits mid-send.
    sink.decide = (mail) => (mail.from === 'victim@dispatch.test' && ++victimMessages === stallAt ? 'stall' : 'accept');

    const victim = await worker('victim', leaseMs, mariadb ? 'own process' : 'this process');
    const others = await Promise.all(['w1', 'w2', 'w3'].map((name) => worker(name, leaseMs)));
    const started = Date.now();
    for (const w of [victim, ...others]) w.start('keep draining');

    await sink.until(() => sink.stalled.length === 1, 60_000, 'the victim to be mid-send');
    const held = sink.stalled[0]!.mail;
    await victim.kill();
    const heldRows = await vault.raw(vault.tables.outbox).where({ claimed_by: 'victim', status: 'pending' }).count({ n: '*' }).first() as { n: number | string };
    expect(Number(heldRows.n), 'rows the victim had claimed and not sent').to.be.greaterThan(0);

    await outboxEmptied(240_000);
    const results = await Promise.all(others.map((w) => w.stop()));
    console.log(`      (sent ${total} in ${Date.now() - started} ms; the victim went holding ${Number(heldRows.n)} claimed rows: ${
      [`victim ${fromWorker('victim')}`, ...results.map((r, i) => `${others[i]!.name} ${r.sent}`)].join(', ')})`);

    await expectEachSentOnce();
    expect(fromWorker('victim')).to.equal(stallAt - 1);
    for (const [i, w] of others.entries()) expect(fromWorker(w.name), w.name).to.equal(results[i]!.sent);
    // The message the victim was sending went out once, through another worker.
    const resent = sink.accepted.filter((m) => m.messageId === held.messageId);
    expect(resent).to.have.length(1);
    expect(resent[0]!.from).to.not.equal('victim@dispatch.test');

    if (!mariadb) {
      // The stuck one's connection dies at last: it sends none of the rest of its batch, and changes no row.
      sink.stalled[0]!.answer({ reject: 'connection lost', code: 421 });
      expect(await victim.stop()).to.deep.equal({ sent: stallAt - 1, failed: 0, dropped: 0 });
      await expectEachSentOnce();
    }
  }).timeout(300_000);
});
