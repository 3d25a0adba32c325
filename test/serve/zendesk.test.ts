import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import knexFactory from 'knex';
import { SignJWT } from 'jose';
import { KnexZendeskMapping, zendeskInstallation } from '../../adapters/zendesk/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { doctor, SESSION_SECRET, KEYS, ServeDatabase, ServeProcess } from './support.ts';

const SUBDOMAIN = 'acme-hosting';
const INSTALLATION = '360001234567';
const { issuer, audience } = zendeskInstallation(SUBDOMAIN, INSTALLATION);
const ZENDESK_ORIGIN = `https://${SUBDOMAIN}.zendesk.com`;

function keyPair(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() };
}

/** A signed-URL token as Zendesk sends it to the ticket sidebar, for agent `sub`. */
function zendeskToken(key: KeyObject, sub: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: issuer, aud: audience, iat: now, exp: now + 300, sub, context: { product: 'support', location: 'ticket_sidebar' } })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(key);
}

/**
 * `latchkey serve` with LATCHKEY_HOST=zendesk: the platform's directory from
 * LATCHKEY_HOST_MODULE, Zendesk's signed-URL entry mounted under the base
 * path, the links in Latchkey's own database.
 */
forEachDatabase('latchkey serve, run for Zendesk', (testDb) => {
  const app = keyPair();
  let db: ServeDatabase;
  let serve: ServeProcess;
  let url: string;
  let env: Record<string, string>;

  before(async function () {
    this.timeout(60_000);
    db = await ServeDatabase.open(testDb);
    env = {
      LATCHKEY_HOST: 'zendesk',
      ZENDESK_SUBDOMAIN: SUBDOMAIN,
      ZENDESK_INSTALLATION_ID: INSTALLATION,
      ZENDESK_PUBLIC_KEY: app.publicKeyPem,
      LATCHKEY_HOST_MODULE: 'test/serve/zendesk-host-module.ts',
      LATCHKEY_SESSION_SECRET: SESSION_SECRET,
      LATCHKEY_KEYS: KEYS,
      LATCHKEY_DATABASE_URL: db.url,
      LATCHKEY_TABLE_PREFIX: db.tablePrefix,
      PORT: '0',
    };
    ({ process: serve, url } = await ServeProcess.start(env));
    const knex = testDb.name === 'sqlite'
      ? knexFactory({ client: 'better-sqlite3', connection: { filename: db.url.slice('sqlite:'.length) }, useNullAsDefault: true })
      : knexFactory({ client: 'mysql2', connection: db.directUrl });
    try {
      await new KnexZendeskMapping(knex, { account: SUBDOMAIN, tablePrefix: db.tablePrefix })
        .link({ kind: 'agent', zendeskId: '9001', latchkeyId: 'a-sam' });
    } finally {
      await knex.destroy();
    }
  });
  after(async function () {
    this.timeout(60_000);
    await serve?.kill();
    await db?.drop();
  });

  it('is ready when its database is migrated and the platform behind Zendesk answers', async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ ready: true });
  });

  it("takes a linked agent's token signed with the app's key to the hand-off page, and refuses one signed with another key", async () => {
    const entry = `${url}/latchkey/zendesk/entry/ticket_sidebar?${new URLSearchParams({ origin: ZENDESK_ORIGIN, app_guid: 'a1b2-c3' })}`;
    const post = async (token: string) => fetch(entry, {
      method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString(),
    });
    const accepted = await post(await zendeskToken(app.privateKey, '9001'));
    expect(accepted.status).to.equal(303);
    expect(accepted.headers.get('location')).to.match(/^\/latchkey\/zendesk\/context\/ticket_sidebar\?/);
    const forged = await post(await zendeskToken(keyPair().privateKey, '9001'));
    expect(forged.status).to.equal(401);
  });

  it('passes doctor, which checks the app key and asks the platform behind Zendesk', async function () {
    this.timeout(30_000);
    const result = await doctor(env);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^ok {4}Zendesk app: acme-hosting\.zendesk\.com, installation 360001234567, RSA public key$/m);
    expect(result.stdout).to.match(/^ok {4}host directory: test\/serve\/zendesk-host-module\.ts answers \(\d+ admins\)$/m);
    expect(result.stdout).to.match(/^ok {4}frame ancestors: https:\/\/acme-hosting\.zendesk\.com$/m);
  });
});
