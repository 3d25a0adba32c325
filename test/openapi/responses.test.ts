import { expect } from 'chai';
import { totpCode, type Actor, type AddonSection } from '../../core/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { acme, acmeDev, owner, sam, sid } from '../support/host-fixture.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { SoftPasskey } from '../support/soft-passkey.ts';
import { BASE, Harness, hs256Embed, signEmbed, type Browser, type HttpResponse, type SendOptions } from '../express/harness.ts';
import { ResponseContract, type Document } from './contract.ts';

const UNKNOWN_ID = '0190aaaa-0000-7000-8000-000000000000';
const TOTP_SEED = 'JBSWY3DPEHPK3PXPJBSWY3DP';
const CHROME_CSV = 'name,url,username,password\nMail,https://mail.example.com,ops,pw-1\n';

/** An addon section with one action, so that `runAddonAction` can succeed. */
const notesSection: AddonSection = {
  name: 'notes', navLabelKey: 'zendeskLinks.title', template: '<p>{{x}}</p>', model: async () => ({ x: 1 }),
  actions: { save: async () => undefined },
};

interface Case {
  operation: string;
  title: string;
  status: number;
  call(): Promise<HttpResponse>;
}

forEachDatabase('OpenAPI: every route answers as its document says', (db) => {
  const embed = hs256Embed();
  let h: Harness;
  let contract: ResponseContract;
  const sessions = new Map<Actor, { browser: Browser; csrf: string }>();
  let entryId = '';
  let historyId = '';
  let categoryId = '';
  let importJobId = '';
  let stepUpSeed = '';
  let recoveryCodes: string[] = [];
  let passkeyAnswer: Record<string, unknown> = {};

  /** A browser signed in to the host that has opened a panel, so it holds a CSRF token. */
  async function as(actor: Actor): Promise<{ browser: Browser; csrf: string }> {
    const known = sessions.get(actor);
    if (known) return known;
    const browser = h.browser(actor);
    const page = actor.kind === 'client' ? await browser.hostPage('clientArea') : await browser.hostPage('clientSummary', { clientId: 'c-acme' });
    expect(page.csrf, page.html.slice(0, 300)).to.be.a('string');
    const session = { browser, csrf: page.csrf! };
    sessions.set(actor, session);
    return session;
  }

  async function call(actor: Actor | null, method: string, path: string, options: SendOptions = {}): Promise<HttpResponse> {
    if (!actor) return h.browser().send(method, `${BASE}/api${path}`, options);
    const { browser, csrf } = await as(actor);
    return browser.send(method, `${BASE}/api${path}`, { csrf, ...options });
  }

  const version = async () => (await h.vault.lk.entries.get(owner, entryId)).version;

  /** The host's own server calling a job, with a token it signed for that job. */
  const hostJob = async (path: string, job: string | null, form: Record<string, string> = {}) => {
    const headers: Record<string, string> = job ? { authorization: `Bearer ${await signEmbed(embed.secret, { sub: 'system', ctx: { job } })}` } : {};
    return call(null, 'POST', path, { headers, form });
  };

  before(async () => {
    h = await Harness.start(db, { addonSections: [notesSection], embed, cron: { mailer: new Inbox() } });
    // Step-up asks Sid's role only, so the other cases answer as they would without it.
    await h.vault.lk.settings.update(owner, { adminAccessMode: 'full', stepUp: { actions: ['reveal'], staffRoleIds: ['r-sysadmin'] } });
    const entry = await h.vault.lk.entries.create(owner, { name: 'Router', password: 'first-pw', notes: 'rack 4', totpSecret: TOTP_SEED, clientId: 'c-acme' });
    await h.vault.lk.entries.update(owner, entry.id, { version: entry.version, password: 'second-pw' });
    entryId = entry.id;
    historyId = (await h.vault.lk.entries.history(owner, entryId))[0]!.id;
    contract = new ResponseContract((await h.browser().get(`${BASE}/api/openapi.json`)).json<Document>());
  });
  after(async () => { await h.close(); });

  const cases: Case[] = [
    { operation: 'openApiDocument', title: 'the document, to anyone', status: 200, call: () => call(null, 'GET', '/openapi.json') },

    { operation: 'listEntries', title: 'a page of entries', status: 200, call: () => call(owner, 'GET', '/entries?clientId=c-acme') },
    { operation: 'listEntries', title: 'a limit of 0', status: 400, call: () => call(owner, 'GET', '/entries?limit=0') },
    { operation: 'listEntries', title: 'entries carrying a tag', status: 200, call: () => call(owner, 'GET', '/entries?tag=Network') },
    { operation: 'listEntries', title: 'a tag longer than 40 characters', status: 400, call: () => call(owner, 'GET', `/entries?tag=${'x'.repeat(41)}`) },
    { operation: 'listEntries', title: 'no session', status: 401, call: () => call(null, 'GET', '/entries') },
    {
      operation: 'listEntries', title: 'a contact denied the client area', status: 403,
      call: async () => {
        await as(acmeDev);
        await h.vault.lk.settings.update(owner, { clientArea: { restrictedContactIds: ['k-acme-dev'] } });
        const refused = await call(acmeDev, 'GET', '/entries');
        await h.vault.lk.settings.update(owner, { clientArea: { restrictedContactIds: [] } });
        return refused;
      },
    },

    { operation: 'createEntry', title: 'a new entry', status: 201, call: () => call(owner, 'POST', '/entries', { json: { name: 'Switch', password: 'pw', clientId: 'c-acme' } }) },
    { operation: 'createEntry', title: 'no name', status: 400, call: () => call(owner, 'POST', '/entries', { json: { password: 'pw' } }) },
    { operation: 'createEntry', title: 'no CSRF token', status: 403, call: () => call(owner, 'POST', '/entries', { json: { name: 'x' }, csrf: null }) },
    {
      operation: 'createEntry', title: 'past the client\'s entry limit', status: 409,
      call: async () => {
        await h.vault.lk.settings.update(owner, { clientEntryLimit: 1 });
        try {
          contract.check('createEntry', await call(acme, 'POST', '/entries', { json: { name: 'Mail' } }));
          return await call(acme, 'POST', '/entries', { json: { name: 'Mail 2' } });
        } finally {
          await h.vault.lk.settings.update(owner, { clientEntryLimit: null });
        }
      },
    },
    {
      operation: 'createEntry', title: 'a body over 256 KiB', status: 413,
      call: () => call(owner, 'POST', '/entries', { json: { name: 'x', notes: 'n'.repeat(300 * 1024) } }),
    },
    {
      operation: 'createEntry', title: 'a charset the API does not read', status: 415,
      call: () => call(owner, 'POST', '/entries', { raw: { body: '{"name":"x"}', type: 'application/json; charset=koi8-r' } }),
    },

    { operation: 'getEntry', title: 'an entry', status: 200, call: () => call(owner, 'GET', `/entries/${entryId}`) },
    { operation: 'getEntry', title: 'an id that is not one', status: 400, call: () => call(owner, 'GET', '/entries/not-an-id') },
    { operation: 'getEntry', title: 'an unknown entry', status: 404, call: () => call(owner, 'GET', `/entries/${UNKNOWN_ID}`) },

    { operation: 'updateEntry', title: 'a rename', status: 200, call: async () => call(owner, 'PATCH', `/entries/${entryId}`, { json: { version: await version(), name: 'Core router' } }) },
    { operation: 'updateEntry', title: 'a version that is not a number', status: 400, call: () => call(owner, 'PATCH', `/entries/${entryId}`, { json: { version: 'x' } }) },
    { operation: 'updateEntry', title: 'a stale version', status: 409, call: () => call(owner, 'PATCH', `/entries/${entryId}`, { json: { version: 1, name: 'Late' } }) },

    {
      operation: 'shareEntry', title: 'a grant to an admin', status: 200,
      call: async () => call(owner, 'PUT', `/entries/${entryId}/grants`, { json: { version: await version(), grants: [{ kind: 'admin', id: 'a-sam' }] } }),
    },
    {
      operation: 'shareEntry', title: 'a grant at the edit-and-share level', status: 200,
      call: async () => call(owner, 'PUT', `/entries/${entryId}/grants`, { json: { version: await version(), grants: [{ kind: 'admin', id: 'a-sam', level: 'share' }] } }),
    },
    { operation: 'shareEntry', title: 'no grants', status: 400, call: async () => call(owner, 'PUT', `/entries/${entryId}/grants`, { json: { version: await version() } }) },

    { operation: 'findShareTargets', title: 'people found by part of a name', status: 200, call: () => call(owner, 'GET', `/entries/${entryId}/share-targets?search=ac&limit=2`) },
    { operation: 'findShareTargets', title: 'a limit past 50', status: 400, call: () => call(owner, 'GET', `/entries/${entryId}/share-targets?search=ac&limit=51`) },
    { operation: 'findShareTargets', title: 'an admin who may not share the entry', status: 403, call: () => call(sid, 'GET', `/entries/${entryId}/share-targets?search=ac`) },

    { operation: 'revealEntry', title: 'the secrets', status: 200, call: () => call(owner, 'POST', `/entries/${entryId}/reveal`) },
    { operation: 'revealEntry', title: 'an unknown entry', status: 404, call: () => call(owner, 'POST', `/entries/${UNKNOWN_ID}/reveal`) },

    { operation: 'copyEntryField', title: 'a password copied', status: 200, call: () => call(owner, 'POST', `/entries/${entryId}/copy`, { json: { field: 'password' } }) },
    { operation: 'copyEntryField', title: 'a TOTP code copied', status: 200, call: () => call(owner, 'POST', `/entries/${entryId}/copy`, { json: { field: 'totp' } }) },
    { operation: 'copyEntryField', title: 'a field entries do not have', status: 400, call: () => call(owner, 'POST', `/entries/${entryId}/copy`, { json: { field: 'seed' } }) },
    { operation: 'copyEntryField', title: 'an unknown entry', status: 404, call: () => call(owner, 'POST', `/entries/${UNKNOWN_ID}/copy`, { json: { field: 'password' } }) },

    { operation: 'revealTotp', title: 'the current code', status: 200, call: () => call(owner, 'POST', `/entries/${entryId}/totp`) },
    { operation: 'revealTotp', title: 'a service, which keeps no TOTP', status: 404, call: () => call(owner, 'POST', '/entries/service:s-acme-vps/totp') },

    { operation: 'listHistory', title: 'the former passwords', status: 200, call: () => call(owner, 'GET', `/entries/${entryId}/history`) },
    { operation: 'listHistory', title: 'an unknown entry', status: 404, call: () => call(owner, 'GET', `/entries/${UNKNOWN_ID}/history`) },

    { operation: 'revealHistory', title: 'a former password', status: 200, call: () => call(owner, 'POST', `/entries/${entryId}/history/${historyId}/reveal`) },
    { operation: 'revealHistory', title: 'an unknown former password', status: 404, call: () => call(owner, 'POST', `/entries/${entryId}/history/${UNKNOWN_ID}/reveal`) },
    {
      operation: 'restoreHistory', title: 'a former password restored', status: 200,
      call: async () => call(owner, 'POST', `/entries/${entryId}/history/${historyId}/restore`, { json: { version: await version() } }),
    },
    { operation: 'restoreHistory', title: 'a stale version', status: 409, call: () => call(owner, 'POST', `/entries/${entryId}/history/${historyId}/restore`, { json: { version: 1 } }) },
    { operation: 'restoreHistory', title: 'no version', status: 400, call: () => call(owner, 'POST', `/entries/${entryId}/history/${historyId}/restore`, { json: {} }) },

    { operation: 'watchEntry', title: 'watching', status: 200, call: () => call(sam, 'PUT', `/entries/${entryId}/watch`, { json: { watch: true } }) },
    { operation: 'watchEntry', title: 'a watch that is not true or false', status: 400, call: () => call(sam, 'PUT', `/entries/${entryId}/watch`, { json: { watch: 'yes' } }) },

    { operation: 'listServiceCredentials', title: 'a client\'s services', status: 200, call: () => call(owner, 'GET', '/services/c-acme') },
    { operation: 'listServiceCredentials', title: 'a client id that is not one', status: 400, call: () => call(owner, 'GET', '/services/bad%20id') },

    { operation: 'findClients', title: 'clients found', status: 200, call: () => call(owner, 'GET', '/clients?search=ac') },
    { operation: 'findClients', title: 'no search text', status: 400, call: () => call(owner, 'GET', '/clients') },
    { operation: 'findClients', title: 'a client asking', status: 403, call: () => call(acme, 'GET', '/clients?search=ac') },

    { operation: 'findContacts', title: 'contacts of any client found', status: 200, call: () => call(owner, 'GET', '/contacts?search=ac') },
    { operation: 'findContacts', title: 'a client asking', status: 403, call: () => call(acme, 'GET', '/contacts?search=ac') },

    { operation: 'findClientContacts', title: 'a client\'s contacts found by name', status: 200, call: () => call(owner, 'GET', '/clients/c-acme/contacts?search=dev') },
    { operation: 'findClientContacts', title: 'a limit past the page size', status: 400, call: () => call(owner, 'GET', '/clients/c-acme/contacts?search=dev&limit=51') },
    { operation: 'findClientContacts', title: 'a contact asking', status: 403, call: () => call(acmeDev, 'GET', '/clients/c-acme/contacts?search=an') },
    { operation: 'findClientDevices', title: 'a client\'s devices found by name', status: 200, call: () => call(owner, 'GET', '/clients/c-acme/devices?search=fire') },
    { operation: 'findClientDevices', title: 'a search past 100 characters', status: 400, call: () => call(owner, 'GET', `/clients/c-acme/devices?search=${'x'.repeat(101)}`) },
    { operation: 'findClientDevices', title: 'a client asking for another client\'s', status: 403, call: () => call(acme, 'GET', '/clients/c-globex/devices?search=fi') },

    {
      operation: 'createCategory', title: 'a new category', status: 201,
      call: async () => {
        const response = await call(owner, 'POST', '/categories', { json: { name: 'Network', members: [{ kind: 'admin', id: 'a-sam' }] } });
        categoryId = response.json<{ id: string }>().id;
        return response;
      },
    },
    { operation: 'createCategory', title: 'no name', status: 400, call: () => call(owner, 'POST', '/categories', { json: {} }) },

    { operation: 'findCategoryMembers', title: 'people and clients found by part of a name', status: 200, call: () => call(owner, 'GET', '/category-members?search=su') },
    { operation: 'findCategoryMembers', title: 'no search text', status: 400, call: () => call(owner, 'GET', '/category-members') },
    { operation: 'findCategoryMembers', title: 'an admin who may not run the addon', status: 403, call: () => call(sam, 'GET', '/category-members?search=su') },

    { operation: 'listCategories', title: 'the categories', status: 200, call: () => call(owner, 'GET', '/categories') },
    { operation: 'listCategories', title: 'no session', status: 401, call: () => call(null, 'GET', '/categories') },

    { operation: 'updateCategory', title: 'a rename', status: 200, call: () => call(owner, 'PATCH', `/categories/${categoryId}`, { json: { name: 'Networks' } }) },
    { operation: 'updateCategory', title: 'an unknown category', status: 404, call: () => call(owner, 'PATCH', `/categories/${UNKNOWN_ID}`, { json: { name: 'x' } }) },

    { operation: 'deleteCategory', title: 'a category deleted', status: 204, call: () => call(owner, 'DELETE', `/categories/${categoryId}`) },
    { operation: 'deleteCategory', title: 'one already gone', status: 404, call: () => call(owner, 'DELETE', `/categories/${categoryId}`) },

    { operation: 'getSettings', title: 'the settings', status: 200, call: () => call(owner, 'GET', '/settings') },
    { operation: 'getSettings', title: 'an admin who may not run the addon', status: 403, call: () => call(sam, 'GET', '/settings') },

    { operation: 'updateSettings', title: 'a change', status: 200, call: () => call(owner, 'PATCH', '/settings', { json: { historyDepth: 12, staffPanels: { ticketSidebar: true } } }) },
    { operation: 'updateSettings', title: 'a negative history depth', status: 400, call: () => call(owner, 'PATCH', '/settings', { json: { historyDepth: -1 } }) },

    { operation: 'previewMail', title: 'a preview', status: 200, call: () => call(owner, 'POST', '/mail/preview', { json: { kind: 'reminder', language: 'fr' } }) },
    { operation: 'previewMail', title: 'an unknown kind', status: 400, call: () => call(owner, 'POST', '/mail/preview', { json: { kind: 'spam', language: 'en' } }) },

    { operation: 'listAudit', title: 'the audit trail', status: 200, call: () => call(owner, 'GET', '/audit?limit=20') },
    { operation: 'listAudit', title: 'a limit of 0', status: 400, call: () => call(owner, 'GET', '/audit?limit=0') },
    { operation: 'listAudit', title: 'a day that does not exist', status: 400, call: () => call(owner, 'GET', '/audit?from=2026-02-30') },
    { operation: 'exportAuditCsv', title: 'the filtered events as CSV', status: 200, call: () => call(owner, 'GET', '/audit/csv?action=entry.create&from=2026-01-01') },
    { operation: 'exportAuditCsv', title: 'an end before the start', status: 400, call: () => call(owner, 'GET', '/audit/csv?from=2026-03-02&to=2026-03-01') },
    { operation: 'exportAuditCsv', title: 'staff who do not run the addon', status: 403, call: () => call(sam, 'GET', '/audit/csv') },
    { operation: 'findAuditActors', title: 'people by name', status: 200, call: () => call(owner, 'GET', '/audit/actors?search=sa') },
    { operation: 'findAuditActors', title: 'no search text', status: 400, call: () => call(owner, 'GET', '/audit/actors') },
    { operation: 'findAuditEntries', title: 'entries by name', status: 200, call: () => call(owner, 'GET', '/audit/entries?search=rout') },
    { operation: 'findAuditEntries', title: 'staff who do not run the addon', status: 403, call: () => call(sam, 'GET', '/audit/entries?search=rout') },

    { operation: 'getClientAccess', title: 'who sees the client\'s entries', status: 200, call: () => call(owner, 'GET', '/access/clients/c-acme') },
    { operation: 'getClientAccess', title: 'staff who do not run the addon', status: 403, call: () => call(sam, 'GET', '/access/clients/c-acme') },
    { operation: 'getClientAccessCsv', title: 'the report as CSV', status: 200, call: () => call(owner, 'GET', '/access/clients/c-acme/csv') },
    { operation: 'getClientAccessCsv', title: 'a client id with a space', status: 400, call: () => call(owner, 'GET', '/access/clients/c%20acme/csv') },
    { operation: 'getStaffAccess', title: 'the clients a staff member reaches', status: 200, call: () => call(owner, 'GET', '/access/staff/a-sam') },
    { operation: 'getStaffAccess', title: 'staff who do not run the addon', status: 403, call: () => call(sam, 'GET', '/access/staff/a-sam') },
    { operation: 'getAccessReview', title: 'the changes since the last review', status: 200, call: () => call(owner, 'GET', '/access-review') },
    { operation: 'getAccessReview', title: 'no session', status: 401, call: () => call(null, 'GET', '/access-review') },
    { operation: 'markAccessReviewed', title: 'a review marked', status: 204, call: () => call(owner, 'POST', '/access-review') },
    { operation: 'markAccessReviewed', title: 'staff who do not run the addon', status: 403, call: () => call(sam, 'POST', '/access-review') },
    { operation: 'listAlerts', title: 'the newest alerts', status: 200, call: () => call(owner, 'GET', '/alerts') },
    { operation: 'listAlerts', title: 'staff who do not run the addon', status: 403, call: () => call(sam, 'GET', '/alerts') },

    { operation: 'runAddonAction', title: 'an action run', status: 204, call: () => call(owner, 'POST', '/addon/notes/save', { json: {} }) },
    { operation: 'runAddonAction', title: 'a section nobody added', status: 404, call: () => call(owner, 'POST', '/addon/nope/save', { json: {} }) },

    { operation: 'previewImport', title: 'a file\'s rows, planned', status: 200, call: () => call(owner, 'POST', '/imports/preview', { json: { format: 'chrome-csv', content: CHROME_CSV } }) },
    { operation: 'previewImport', title: 'a format Latchkey does not read', status: 400, call: () => call(owner, 'POST', '/imports/preview', { json: { format: 'pdf', content: CHROME_CSV } }) },
    {
      operation: 'startImport', title: 'an import started', status: 201,
      call: async () => {
        const response = await call(owner, 'POST', '/imports', { json: { format: 'chrome-csv', content: CHROME_CSV, clientId: 'c-acme' } });
        importJobId = response.json<{ id: string }>().id;
        return response;
      },
    },
    { operation: 'startImport', title: 'a file the format cannot read', status: 400, call: () => call(owner, 'POST', '/imports', { json: { format: 'keepass-xml', content: '<KeePassFile><Root>' } }) },
    {
      operation: 'getImportJob', title: 'the import\'s progress', status: 200,
      call: async () => {
        await h.vault.lk.imports.settled();
        return call(owner, 'GET', `/imports/${importJobId}`);
      },
    },
    { operation: 'getImportJob', title: 'someone else\'s import', status: 404, call: () => call(sam, 'GET', `/imports/${importJobId}`) },
    { operation: 'exportEntries', title: 'a CSV file', status: 200, call: () => call(owner, 'POST', '/export', { json: { format: 'csv' } }) },
    { operation: 'exportEntries', title: 'a client, while the settings do not allow it', status: 403, call: () => call(acme, 'POST', '/export', { json: { format: 'csv' } }) },
    { operation: 'exportEntries', title: 'a format Latchkey does not write', status: 400, call: () => call(owner, 'POST', '/export', { json: { format: 'pdf' } }) },
    { operation: 'revealEntry', title: 'a reveal the settings guard, unverified', status: 403, call: () => call(sid, 'POST', `/entries/${entryId}/reveal`) },
    { operation: 'getStepUp', title: 'nothing set up yet', status: 200, call: () => call(sid, 'GET', '/step-up') },
    { operation: 'getStepUp', title: 'no session', status: 401, call: () => call(null, 'GET', '/step-up') },
    {
      operation: 'beginTotp', title: 'a seed and its QR code', status: 200,
      call: async () => {
        const response = await call(sid, 'POST', '/step-up/totp');
        stepUpSeed = response.json<{ secret: string }>().secret;
        return response;
      },
    },
    { operation: 'beginTotp', title: 'no CSRF token', status: 403, call: () => call(sid, 'POST', '/step-up/totp', { csrf: null }) },
    { operation: 'confirmTotp', title: 'a wrong code', status: 400, call: () => call(sid, 'POST', '/step-up/totp/confirm', { json: { code: 'abc' } }) },
    {
      operation: 'confirmTotp', title: 'the app\'s code', status: 200,
      call: async () => {
        const response = await call(sid, 'POST', '/step-up/totp/confirm', { json: { code: totpCode(stepUpSeed, new Date()).code } });
        recoveryCodes = response.json<{ recoveryCodes: string[] }>().recoveryCodes;
        return response;
      },
    },
    { operation: 'verifyStepUp', title: 'a recovery code', status: 200, call: () => call(sid, 'POST', '/step-up/verify', { json: { recoveryCode: recoveryCodes[0] } }) },
    { operation: 'verifyStepUp', title: 'a used recovery code', status: 400, call: () => call(sid, 'POST', '/step-up/verify', { json: { recoveryCode: recoveryCodes[0] } }) },
    {
      operation: 'passkeyOptions', title: 'options to add a passkey', status: 200,
      call: async () => {
        const response = await call(sid, 'POST', '/step-up/passkey/options', { json: { purpose: 'register' } });
        passkeyAnswer = new SoftPasskey(h.origin, '127.0.0.1').register(response.json<{ challenge: string }>());
        return response;
      },
    },
    { operation: 'passkeyOptions', title: 'a purpose that is none', status: 400, call: () => call(sid, 'POST', '/step-up/passkey/options', { json: { purpose: 'x' } }) },
    { operation: 'registerPasskey', title: 'the new passkey', status: 200, call: () => call(sid, 'POST', '/step-up/passkey', { json: { passkey: passkeyAnswer } }) },
    { operation: 'registerPasskey', title: 'the same answer again', status: 400, call: () => call(sid, 'POST', '/step-up/passkey', { json: { passkey: passkeyAnswer } }) },
    { operation: 'resetStepUp', title: 'a manager resets Sid', status: 204, call: () => call(owner, 'POST', '/step-up/reset', { json: { adminId: 'a-sys' } }) },
    { operation: 'resetStepUp', title: 'no manager', status: 403, call: () => call(sam, 'POST', '/step-up/reset', { json: { adminId: 'a-sys' } }) },

    { operation: 'generatePassword', title: 'a password', status: 200, call: () => call(acme, 'POST', '/password', { json: { length: 24 } }) },
    { operation: 'generatePassword', title: 'a length under 8', status: 400, call: () => call(acme, 'POST', '/password', { json: { length: 7 } }) },

    { operation: 'chooseLanguage', title: 'a language', status: 200, call: () => call(acme, 'POST', '/language', { json: { language: 'fr' } }) },
    { operation: 'chooseLanguage', title: 'a language Latchkey does not speak', status: 400, call: () => call(acme, 'POST', '/language', { json: { language: 'xx' } }) },

    { operation: 'runReminders', title: 'a reminder run', status: 200, call: () => hostJob('/cron/reminders', 'reminders') },
    { operation: 'runReminders', title: 'a token for another job', status: 401, call: () => hostJob('/cron/reminders', 'service-events') },

    { operation: 'recordServiceEvent', title: 'a service created', status: 200, call: () => hostJob('/host-events/service', 'service-events', { serviceId: 's-acme-vps', event: 'created' }) },
    { operation: 'recordServiceEvent', title: 'an unknown event', status: 400, call: () => hostJob('/host-events/service', 'service-events', { serviceId: 's-acme-vps', event: 'exploded' }) },
    { operation: 'recordServiceEvent', title: 'no token', status: 401, call: () => hostJob('/host-events/service', null, { serviceId: 's-acme-vps', event: 'created' }) },
    { operation: 'recordServiceEvent', title: 'a service the host does not have', status: 404, call: () => hostJob('/host-events/service', 'service-events', { serviceId: 's-nope', event: 'created' }) },

    { operation: 'listApiTokens', title: 'the caller\'s tokens', status: 200, call: () => call(owner, 'GET', '/tokens') },
    { operation: 'listApiTokens', title: 'no session', status: 401, call: () => call(null, 'GET', '/tokens') },
    { operation: 'createApiToken', title: 'a token, shown once', status: 201, call: () => call(owner, 'POST', '/tokens', { json: { name: 'Backups', scopes: ['read'], expiresInDays: 30 } }) },
    { operation: 'createApiToken', title: 'no scope', status: 400, call: () => call(owner, 'POST', '/tokens', { json: { name: 'Backups', scopes: [], expiresInDays: 30 } }) },
    {
      operation: 'revokeApiToken', title: 'a token revoked', status: 204,
      call: async () => call(owner, 'DELETE', `/tokens/${(await h.vault.lk.apiTokens.create(owner, { name: 'Old', scopes: ['read'], expiresInDays: 1 })).info.id}`),
    },
    { operation: 'revokeApiToken', title: 'an id that is none', status: 400, call: () => call(owner, 'DELETE', '/tokens/x') },
    {
      operation: 'listEntries', title: 'a bearer token that is no token', status: 401,
      call: () => call(null, 'GET', '/entries', { headers: { authorization: `Bearer lk_${'A'.repeat(43)}` } }),
    },
    {
      operation: 'revealEntry', title: 'a bearer token without the reveal scope', status: 403,
      call: async () => {
        const { token } = await h.vault.lk.apiTokens.create(owner, { name: 'Reader', scopes: ['read'], expiresInDays: 1 });
        return call(null, 'POST', `/entries/${entryId}/reveal`, { headers: { authorization: `Bearer ${token.expose()}` } });
      },
    },

    { operation: 'deleteEntry', title: 'no version', status: 400, call: () => call(owner, 'DELETE', `/entries/${entryId}`) },
    { operation: 'deleteEntry', title: 'a stale version', status: 409, call: () => call(owner, 'DELETE', `/entries/${entryId}?version=1`) },
    { operation: 'deleteEntry', title: 'the entry deleted', status: 204, call: async () => call(owner, 'DELETE', `/entries/${entryId}?version=${await version()}`) },
  ];

  for (const c of cases) {
    it(`${c.operation}: ${c.title} answers ${c.status}, with the body the document gives that status`, async () => {
      const response = await c.call();
      expect(response.status, response.text.slice(0, 300)).to.equal(c.status);
      contract.check(c.operation, response);
    });
  }

  it('every route was answered as documented with a success and with a refusal', () => {
    const operations = Object.values(contract.document.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    const missing = operations.filter((operation) => {
      const statuses = [...(contract.seen.get(operation) ?? [])];
      return !statuses.some((s) => s < 300) || (operation !== 'openApiDocument' && !statuses.some((s) => s >= 400));
    });
    expect(missing).to.deep.equal([]);
  });

  it('an answer with a field the document does not describe, or without one it requires, or with a status it does not list, fails the check', async () => {
    const response = await call(owner, 'GET', '/entries?clientId=c-acme');
    const page = response.json<{ items: Array<Record<string, unknown>> }>();
    expect(page.items).to.not.be.empty;
    const withExtra = { ...page, items: [{ ...page.items[0], passwordHint: 'p' }] };
    expect(contract.problems('listEntries', { status: 200, text: JSON.stringify(withExtra) }).join()).to.include('additional properties');
    const { version: _version, ...withoutVersion } = page.items[0]!;
    expect(contract.problems('listEntries', { status: 200, text: JSON.stringify({ ...page, items: [withoutVersion] }) }).join()).to.include("'version'");
    expect(contract.problems('listEntries', { status: 201, text: response.text })).to.have.length(1);
    expect(contract.problems('deleteEntry', { status: 204, text: '{}' })).to.have.length(1);
  });
});
