import { randomBytes } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import { expect } from 'chai';
import express from 'express';
import { mountLatchkey } from '../../adapters/express/index.ts';
import type { Latchkey } from '../../core/index.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { forEachDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import { listenOnLoopback } from '../support/loopback.ts';
import { BASE, Harness, hs256Embed, type HttpResponse } from '../express/harness.ts';
import { apiRoutersOf, documentedRoutes, registeredApiRoutes, type Document } from './contract.ts';

const SECRET = `mount-secret-${randomBytes(16).toString('hex')}`;
const EMBED_SECRET = `embed-secret-${randomBytes(16).toString('hex')}`;
const ENTRY_PASSWORD = `entry-pw-${randomBytes(8).toString('hex')}`;
/** The host's own service passwords (host-fixture). */
const SERVICE_PASSWORDS = ['acme-vps-root-pw', 'acme-cpanel-pw', 'globex-vps-pw'];

forEachDatabase('OpenAPI: the document', (db) => {
  let h: Harness;
  let response: HttpResponse;
  let document: Document;

  before(async () => {
    // A host that signs tokens and runs the reminders from its own cron: every route there is.
    h = await Harness.start(db, { secret: SECRET, embed: hs256Embed(EMBED_SECRET), cron: { mailer: new Inbox() } });
    await h.vault.lk.entries.create(owner, { name: 'Router', password: ENTRY_PASSWORD, clientId: 'c-acme' });
    // Fetched by a browser nobody signed in to: the document needs no session.
    response = await h.browser().get(`${BASE}/api/openapi.json`);
    document = response.json<Document>();
  });
  after(async () => { await h.close(); });

  it('is served to anyone at {base}/api/openapi.json as cacheable JSON', () => {
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(response.headers.get('cache-control')).to.equal('public, max-age=300');
    expect(response.setCookies).to.deep.equal([]);
  });

  it('lists every route the API router registers, with the same method and path, and no other', () => {
    const registered = registeredApiRoutes(h.app, BASE);
    expect(registered).to.include.members(['GET /entries', 'POST /entries/{id}/reveal', 'GET /openapi.json', 'POST /cron/reminders', 'POST /host-events/service']);
    expect(documentedRoutes(document)).to.deep.equal(registered);
  });

  it('sees a route registered on the API router outside the route table', () => {
    const before = registeredApiRoutes(h.app, BASE);
    apiRoutersOf(h.app, BASE).at(-1)!.get('/undocumented', (_req, res) => { res.end(); });
    expect(registeredApiRoutes(h.app, BASE)).to.deep.equal([...before, 'GET /undocumented'].sort());
    expect(documentedRoutes(document)).not.to.deep.equal(registeredApiRoutes(h.app, BASE));
  });

  it('has the shape of an OpenAPI 3.1 document: openapi 3.1.x, info, servers at the base, paths and components', () => {
    expect(document.openapi).to.match(/^3\.1\.\d+$/);
    expect(document.info.title).to.be.a('string').and.not.equal('');
    expect(document.info.version).to.be.a('string').and.not.equal('');
    expect(document.servers).to.deep.equal([{ url: `${BASE}/api` }]);
    expect(Object.keys(document.paths)).to.not.be.empty;
    expect(Object.keys(document.components.securitySchemes).sort()).to.deep.equal(['bearerAuth', 'csrfToken', 'hostToken', 'panelSession']);
    expect(document.components.securitySchemes.bearerAuth).to.deep.equal({
      ...document.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer',
    });
  });

  it('gives each operation a unique id, its path parameters, known security schemes and at least one success answer', () => {
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        expect(ids.has(operation.operationId), `${where}: operationId ${operation.operationId} used twice`).to.equal(false);
        ids.add(operation.operationId);
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name);
        const inPath = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(inPath.map((p) => p.name), where).to.deep.equal(templated);
        expect(inPath.every((p) => p.required), where).to.equal(true);
        for (const requirement of operation.security) {
          for (const scheme of Object.keys(requirement)) expect(document.components.securitySchemes, where).to.have.property(scheme);
        }
        expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)), where).to.equal(true);
        for (const answer of Object.values(operation.responses)) expect(answer.description, where).to.be.a('string').and.not.equal('');
      }
    }
  });

  it('asks for the CSRF header on changes made with a cookie session, never on reads, and takes a bearer token instead, except to manage tokens or verify a person', () => {
    const PANEL_ONLY = ['/tokens', '/step-up'];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (path === '/openapi.json') {
          expect(operation.security, 'the document itself').to.deep.equal([]);
          continue;
        }
        if (path === '/cron/reminders' || path === '/host-events/service') {
          expect(operation.security, `${path}: the host's own token only`).to.deep.equal([{ hostToken: [] }]);
          continue;
        }
        const cookie = operation.security.find((r) => 'panelSession' in r);
        expect(cookie, `${method} ${path}`).to.deep.equal(method === 'get' ? { panelSession: [] } : { panelSession: [], csrfToken: [] });
        const bearer = operation.security.find((r) => 'bearerAuth' in r);
        // A token makes no tokens and answers no verification prompt: those routes take a panel's session alone.
        if (PANEL_ONLY.some((prefix) => path.startsWith(prefix))) expect(bearer, `${method} ${path}`).to.equal(undefined);
        else expect(bearer?.bearerAuth, `${method} ${path}`).to.have.length(1);
      }
    }
  });

  it('refers only to schemas it holds, each a valid JSON Schema 2020-12', () => {
    const text = JSON.stringify(document);
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(document.components.schemas, `$ref to ${name}`).to.have.property(name!);
    }
    const ajv = new Ajv2020.default({ strict: true, validateFormats: false });
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(ajv.validateSchema(schema), `${name}: ${JSON.stringify(ajv.errors)}`).to.equal(true);
    }
  });

  it('describes a secret field only in the answers of the reveals, the password generator and a new API token', () => {
    const SECRET_FIELDS = ['password', 'notes', 'totpSecret', 'totpCode', 'token'];
    const fieldsOf = (schema: unknown): string[] => {
      if (!schema || typeof schema !== 'object') return [];
      const { $ref, properties, ...rest } = schema as { $ref?: string; properties?: Record<string, unknown> };
      const referred = $ref ? fieldsOf(document.components.schemas[$ref.split('/').pop()!]) : [];
      return [...referred, ...Object.keys(properties ?? {}), ...Object.values(properties ?? {}).flatMap(fieldsOf), ...Object.values(rest).flatMap(fieldsOf)];
    };
    const answering = Object.values(document.paths).flatMap((operations) => Object.values(operations))
      .filter((operation) => Object.values(operation.responses).some((answer) => fieldsOf(answer.content).some((f) => SECRET_FIELDS.includes(f))))
      .map((operation) => operation.operationId);
    expect(answering.sort()).to.deep.equal(['createApiToken', 'generatePassword', 'revealEntry', 'revealHistory']);
  });

  it('holds no secret: not the mount secret, not the embed secret, not an entry password, not a service password', () => {
    expect(response.text).not.to.include(SECRET);
    expect(response.text).not.to.include(EMBED_SECRET);
    expect(response.text).not.to.include(ENTRY_PASSWORD);
    for (const password of SERVICE_PASSWORDS) expect(response.text).not.to.include(password);
  });
});

describe('OpenAPI: the document of a mount without host tokens', () => {
  it('lists no host job, as the mount registers none', async () => {
    const app = express();
    // Nothing here reaches the vault: mounting and serving the document need none.
    mountLatchkey(app, { latchkey: {} as Latchkey, basePath: BASE, secret: SECRET });
    const server = await listenOnLoopback(app);
    try {
      const document = await (await fetch(`${server.origin}${BASE}/api/openapi.json`)).json() as Document;
      const registered = registeredApiRoutes(app, BASE);
      expect(registered).not.to.include('POST /cron/reminders').and.not.to.include('POST /host-events/service');
      expect(documentedRoutes(document)).to.deep.equal(registered);
      expect(document.components.securitySchemes).to.have.property('hostToken');
    } finally {
      await server.close();
    }
  });
});
