import { expect } from 'chai';
import { signEmbed } from '../express/harness.ts';
import { forEachDatabase } from '../support/databases.ts';
import { FakeWhmcs } from '../whmcs/fake-whmcs.ts';
import { EMBED_SECRET, refusesConnections, SECRETS, ServeDatabase, ServeProcess, whmcsEnv } from './support.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function readiness(url: string): Promise<{ status: number; body: { ready: boolean; down?: Array<{ check: string; reason: string }> } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: await res.json() as { ready: boolean; down?: Array<{ check: string; reason: string }> } };
}

/**
 * One `latchkey serve` per database, configured as the WHMCS guide says,
 * taken through its life: health, readiness as its database and WHMCS come
 * and go, its request log, and a SIGTERM while a request is running.
 */
forEachDatabase('latchkey serve, run for WHMCS as a service', (testDb) => {
  let whmcs: FakeWhmcs;
  let db: ServeDatabase;
  let serve: ServeProcess;
  let url: string;
  /** Valid sign-in tokens sent during the suite: none may reach the log. */
  const tokensSent: string[] = [];

  before(async function () {
    this.timeout(60_000);
    whmcs = await FakeWhmcs.start();
    db = await ServeDatabase.open(testDb);
    ({ process: serve, url } = await ServeProcess.start(whmcsEnv(db, whmcs.url)));
  });
  after(async function () {
    this.timeout(60_000);
    await serve?.kill();
    await whmcs?.close();
    await db?.drop();
  });

  it('answers /healthz with 200 while the process runs', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ ok: true });
    expect(res.headers.get('cache-control')).to.equal('no-store');
  });

  it('is ready once its database is migrated and WHMCS answers', async () => {
    expect(await readiness(url)).to.deep.equal({ status: 200, body: { ready: true } });
  });

  it('logs one JSON line per request with its id, method, route, status and duration, and returns the id', async () => {
    const res = await fetch(`${url}/latchkey/api/entries?clientId=2`, { headers: { 'X-Request-Id': 'lb-7f3a.0001' } });
    expect(res.headers.get('x-request-id')).to.equal('lb-7f3a.0001');
    const line = await serve.waitFor((l) => l.requestId === 'lb-7f3a.0001');
    expect(line).to.include({ msg: 'request', method: 'GET', route: '/latchkey/api/entries', status: res.status });
    expect(line.durationMs).to.be.a('number').and.at.least(0);

    const mine = await fetch(`${url}/latchkey/api/entries`);
    expect(mine.headers.get('x-request-id')).to.match(UUID);
    // An id that could forge log fields or fill the disk is replaced, not echoed.
    const forged = await fetch(`${url}/latchkey/api/entries`, { headers: { 'X-Request-Id': `a"b ${'x'.repeat(200)}` } });
    expect(forged.headers.get('x-request-id')).to.match(UUID);
    await serve.waitFor((l) => l.requestId === forged.headers.get('x-request-id'));
    for (const logged of serve.lines) expect(logged.level).to.be.a('number');
  });

  it('keeps passing health probes out of the log, and logs a failing one', async () => {
    const passing = await fetch(`${url}/healthz`, { headers: { 'X-Request-Id': 'probe-pass-1' } });
    expect(passing.headers.get('x-request-id')).to.equal('probe-pass-1');
    whmcs.override = (res) => { res.socket?.destroy(); };
    try {
      expect((await fetch(`${url}/readyz`, { headers: { 'X-Request-Id': 'probe-fail-1' } })).status).to.equal(503);
    } finally {
      whmcs.override = null;
    }
    expect(await serve.waitFor((l) => l.requestId === 'probe-fail-1')).to.include({ route: '/readyz', status: 503 });
    expect(serve.lines.filter((l) => l.requestId === 'probe-pass-1')).to.deep.equal([]);
  });

  it('never logs the cookie, Authorization header, embed token or password a request carried', async () => {
    const token = `eyJhbGciOiJIUzI1NiJ9.tok-${Date.now()}-sentinel.sig`;
    const cookie = `frame-cookie-sentinel-${Date.now()}`;
    const bearer = `bearer-sentinel-${Date.now()}`;
    const password = `pw-sentinel-${Date.now()}`;
    const headers = { Cookie: `lk_frame=${cookie}; lk_csrf=${cookie}`, Authorization: `Bearer ${bearer}`, 'X-Request-Id': 'secret-bearing-1' };
    const embed = await fetch(`${url}/latchkey/embed?token=${encodeURIComponent(token)}`, { headers });
    expect(embed.status).to.equal(401);
    const posted = await fetch(`${url}/latchkey/embed`, {
      method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Request-Id': 'secret-bearing-2' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(posted.status).to.equal(401);
    const api = await fetch(`${url}/latchkey/api/entries`, {
      method: 'POST', headers: { ...headers, 'Content-Type': 'application/json', 'X-Request-Id': 'secret-bearing-3' },
      body: JSON.stringify({ name: 'Router', username: 'admin', password }),
    });
    expect(api.status).to.be.within(400, 499);

    const line = await serve.waitFor((l) => l.requestId === 'secret-bearing-1');
    expect(line).to.include({ method: 'GET', route: '/latchkey/embed', status: 401 });
    await serve.waitFor((l) => l.requestId === 'secret-bearing-3');
    const log = serve.stdout.join('\n');
    for (const secret of [token, cookie, bearer, password, ...SECRETS]) expect(log).not.to.include(secret);
  });

  it('is not ready while WHMCS does not answer, names WHMCS, and is ready again once it does', async () => {
    whmcs.override = (res) => { res.socket?.destroy(); };
    try {
      expect(await readiness(url)).to.deep.equal({ status: 503, body: { ready: false, down: [{ check: 'whmcs', reason: 'unreachable' }] } });
    } finally {
      whmcs.override = null;
    }
    expect((await readiness(url)).status).to.equal(200);
  });

  it('is not ready while WHMCS refuses its credential, and says so without quoting it', async () => {
    whmcs.override = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ result: 'error', message: 'Authentication Failed' }));
    };
    try {
      expect(await readiness(url)).to.deep.equal({
        status: 503, body: { ready: false, down: [{ check: 'whmcs', reason: 'the API credential is refused' }] },
      });
    } finally {
      whmcs.override = null;
    }
  });

  it('is not ready while its tables lack migrations, names the first pending one, and is ready once migrated', async () => {
    const lk = await db.vault();
    try {
      await lk.migrator.rollback(true);
      const down = await readiness(url);
      expect(down.status).to.equal(503);
      expect(down.body.down).to.have.length(1);
      expect(down.body.down![0]!.check).to.equal('database');
      expect(down.body.down![0]!.reason).to.match(/^migrations pending: 0001_vault_schema, /);
      await lk.migrator.latest();
    } finally {
      await lk.close();
    }
    expect((await readiness(url)).status).to.equal(200);
  });

  if (testDb.name === 'mariadb') {
    it('is not ready while MariaDB cannot be reached, names the database, and is ready again once it can', async function () {
      this.timeout(30_000);
      await db.relay!.stop();
      try {
        expect(await readiness(url)).to.deep.equal({ status: 503, body: { ready: false, down: [{ check: 'database', reason: 'unreachable' }] } });
      } finally {
        await db.relay!.start();
      }
      expect((await readiness(url)).status).to.equal(200);
    });
  }

  it('trusts the https its TLS proxy on loopback reports (LATCHKEY_TRUST_PROXY), so the frame cookie is Secure there only', async () => {
    const enter = async (headers: Record<string, string>) => {
      const token = await signEmbed(EMBED_SECRET, { iss: 'whmcs', aud: 'latchkey', sub: 'client:2', ctx: { place: 'clientArea' } });
      tokensSent.push(token);
      const res = await fetch(`${url}/latchkey/embed?token=${token}`, { redirect: 'manual', headers });
      expect(res.status).to.equal(303);
      return res.headers.getSetCookie().join('\n');
    };
    expect(await enter({ 'X-Forwarded-Proto': 'https' })).to.match(/; Secure/);
    expect(await enter({})).not.to.match(/Secure/);
  });

  it('on SIGTERM finishes the request in flight, refuses new connections, closes and exits 0', async function () {
    this.timeout(30_000);
    whmcs.delayMs = 1500;
    const asked = whmcs.count('GetAdminDetails');
    // /readyz waits on WHMCS's GetAdminDetails, which WHMCS now answers slowly.
    const slow = fetch(`${url}/readyz`);
    await until(() => whmcs.count('GetAdminDetails') > asked, 'the readiness probe to reach WHMCS');
    serve.child.kill('SIGTERM');
    await serve.waitFor((l) => String(l.msg).startsWith('stopping'));
    let answered = false;
    void slow.then(() => { answered = true; }, () => { answered = true; });
    // The listening socket closes on the server's next turn of its event loop: give it a few tries.
    let refused = false;
    for (let tries = 0; tries < 20 && !refused; tries++) {
      refused = await refusesConnections(url);
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(refused, 'new connections refused').to.equal(true);
    expect(answered, 'the running request still running when connections are refused').to.equal(false);

    const res = await slow;
    expect(res.status).to.equal(200);
    expect(res.headers.get('connection')).to.equal('close');
    expect(await serve.exited).to.deep.equal({ code: 0, signal: null });
    // Every line of the whole run is JSON, and none carries a token that signed someone in.
    expect(serve.lines.map((l) => l.msg)).to.include('stopped');
    expect(serve.stderr).to.equal('');
    const log = serve.stdout.join('\n');
    for (const token of tokensSent) expect(log).not.to.include(token.split('.')[2]!);
  });
});

/**
 * How a start or a stop that cannot go on ends. Ports and signals are the
 * process's business, not the database's: these run on SQLite only.
 */
describe('latchkey serve, when a start or a stop cannot go on', () => {
  let whmcs: FakeWhmcs;
  let db: ServeDatabase;

  before(async () => {
    whmcs = await FakeWhmcs.start();
    db = await ServeDatabase.open({ name: 'sqlite', url: 'sqlite::memory:' });
  });
  after(async () => {
    await whmcs?.close();
    await db?.drop();
  });

  /** A serve whose /readyz is waiting on a WHMCS that answers in 10 s, then SIGTERM. */
  async function stopWhileWaiting(env: Record<string, string> = {}): Promise<{ serve: ServeProcess; slow: Promise<Response> }> {
    const { process: serve, url } = await ServeProcess.start(whmcsEnv(db, whmcs.url, env));
    whmcs.delayMs = 10_000;
    const asked = whmcs.count('GetAdminDetails');
    const slow = fetch(`${url}/readyz`);
    slow.catch(() => {});
    await until(() => whmcs.count('GetAdminDetails') > asked, 'the readiness probe to reach WHMCS');
    serve.child.kill('SIGTERM');
    await serve.waitFor((l) => String(l.msg).startsWith('stopping'));
    return { serve, slow };
  }

  afterEach(() => { whmcs.delayMs = 0; });

  it('a port already taken stops the start in one line naming PORT and HOST, status 2', async function () {
    this.timeout(30_000);
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      const failure = await ServeProcess.start(whmcsEnv(db, whmcs.url, { PORT: port })).then(() => null, (err: Error) => err.message);
      expect(failure).to.equal(`serve exited (2) before listening: latchkey: cannot listen on 127.0.0.1:${port} (EADDRINUSE): check PORT and HOST\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a second signal ends it at once with status 1, without waiting for the running request', async function () {
    this.timeout(30_000);
    const { serve, slow } = await stopWhileWaiting();
    try {
      serve.child.kill('SIGINT');
      expect(await serve.exited).to.deep.equal({ code: 1, signal: null });
      await serve.waitFor((l) => l.msg === 'second signal: exiting without waiting');
      let failed = false;
      await slow.catch(() => { failed = true; });
      expect(failed, 'the cut request fails').to.equal(true);
    } finally {
      await serve.kill();
    }
  });

  it('a stop that outlasts LATCHKEY_SHUTDOWN_TIMEOUT_SECONDS ends with status 1', async function () {
    this.timeout(30_000);
    const { serve } = await stopWhileWaiting({ LATCHKEY_SHUTDOWN_TIMEOUT_SECONDS: '1' });
    try {
      expect(await serve.exited).to.deep.equal({ code: 1, signal: null });
      await serve.waitFor((l) => l.msg === 'stop took too long: exiting without waiting');
    } finally {
      await serve.kill();
    }
  });
});
