import { expect } from 'chai';
import {
  ValidationError,
  type Actor, type CreateCategoryInput, type CreateEntryInput, type DeleteEntryInput, type Latchkey, type ListEntriesQuery,
  type SettingsPatch, type ShareEntryInput, type UpdateCategoryInput, type UpdateEntryInput,
} from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { acme, hostFixture, owner } from '../support/host-fixture.ts';
import { emptyTables, rejection, snapshotTables } from '../support/table-rows.ts';
import type { Rule } from '../../core/validation/rules.ts';

/**
 * Every field of every input, fed bad values: each is refused with a
 * ValidationError naming the field, and no table changes (every Latchkey
 * table is read through the raw connection before and after).
 */

interface Targets {
  acmeEntry: string;
  ownerEntry: string;
  adminCategory: string;
  clientCategory: string;
}

interface Case {
  /** What is being done wrong, for the test title. */
  what: string;
  /** The dotted path the error must name. */
  field: string;
  run(lk: Latchkey, targets: Targets): Promise<unknown>;
  /** A secret value that must not appear in the error message. */
  secret?: string;
  /** The rule the issue of `field` must carry, where the case is about the reason. */
  rule?: Rule;
}

const KIB = 1024;
const MISSING_UUID = '01900000-0000-7000-8000-000000000000';

/** A short, readable rendering of a bad value for test titles; invisible characters are written as escapes. */
function show(value: unknown): string {
  const shown = showRaw(value);
  return shown.replace(/[\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\uFEFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

function showRaw(value: unknown): string {
  if (typeof value === 'string' && value.length > 40) {
    const unit = value[0]!;
    return value === unit.repeat(value.length)
      ? `"${unit}" × ${value.length} (${Buffer.byteLength(value)} bytes)`
      : `${JSON.stringify(value.slice(0, 30))}… (${value.length} chars)`;
  }
  if (Array.isArray(value) && value.length > 5) return `a list of ${value.length}`;
  if (value === undefined) return 'missing';
  return JSON.stringify(value) ?? String(value);
}

type Op = 'create' | 'update' | 'share' | 'delete' | 'list' | 'category create' | 'category update' | 'settings' | 'password rules' | 'audit query'
  | 'services of client' | 'client search';

function fieldCase(op: Op, path: string, value: unknown, field: string, run: Case['run'], secret?: string): Case {
  const c: Case = { what: `${op}: ${path} = ${show(value)}`, field, run };
  if (secret !== undefined) c.secret = secret;
  return c;
}

const createAs = (actor: Actor, input: Record<string, unknown>) =>
  (lk: Latchkey) => lk.entries.create(actor, input as unknown as CreateEntryInput);

/** create with one field set to a bad value, everything else valid. */
function create(field: string, value: unknown, named = field, actor: Actor = acme): Case {
  const secret = ['password', 'notes', 'totpSecret'].includes(field) && typeof value === 'string' ? value : undefined;
  return fieldCase('create', field, value, named, createAs(actor, { name: 'Valid name', [field]: value }), secret);
}

function update(field: string, value: unknown, named = field): Case {
  const secret = ['password', 'notes', 'totpSecret'].includes(field) && typeof value === 'string' ? value : undefined;
  return fieldCase('update', field, value, named,
    (lk, t) => lk.entries.update(acme, t.acmeEntry, { version: 1, [field]: value } as unknown as UpdateEntryInput), secret);
}

function share(input: Record<string, unknown>, path: string, value: unknown, named: string, actor: Actor = acme): Case {
  return fieldCase('share', path, value, named,
    (lk, t) => lk.entries.share(actor, actor === acme ? t.acmeEntry : t.ownerEntry, input as unknown as ShareEntryInput));
}

function list(field: string, value: unknown, named = field): Case {
  return fieldCase('list', field, value, named, (lk) => lk.entries.list(acme, { [field]: value } as unknown as ListEntriesQuery));
}

function categoryCreate(input: Record<string, unknown>, path: string, value: unknown, named: string, actor: Actor = owner): Case {
  return fieldCase('category create', path, value, named, (lk) => lk.categories.create(actor, input as unknown as CreateCategoryInput));
}

function categoryUpdate(input: Record<string, unknown>, path: string, value: unknown, named: string): Case {
  return fieldCase('category update', path, value, named,
    (lk, t) => lk.categories.update(owner, t.adminCategory, input as unknown as UpdateCategoryInput));
}

function settings(field: string, value: unknown, named = field): Case {
  return fieldCase('settings', field, value, named, (lk) => lk.settings.update(owner, { [field]: value } as unknown as SettingsPatch));
}

const BAD_URLS: unknown[] = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  '  javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'ftp://files.example.test/',
  'file:///etc/passwd',
  'mailto:ann@acme.test',
  '/login',
  '//evil.example.test/login',
  'www.example.test',
  'http://',
  'https://',
  '',
  `https://example.test/${'a'.repeat(2048)}`,
  42,
  true,
];

/** Host ids: 1-64 of letters, digits, `_.:@-`, or a non-negative integer. */
const BAD_HOST_IDS: unknown[] = ['bad id!', '', 'x'.repeat(65), "c-acme' OR 1=1 --", -1, 1.5, true, {}, ['c-acme']];

const BAD_TOTP: unknown[] = ['not base32!', 'ABCDEFG', '1'.repeat(16), 'A'.repeat(129), '', 12345678];

const BAD_NAMES: unknown[] = ['', '   ', '\n\t', 'x'.repeat(256), '€'.repeat(256), 42, null, true, ['Mail']];

const grant = (extra: Record<string, unknown> = {}) => ({ kind: 'contact', id: 'k-acme-dev', ...extra });

/** The case, also requiring the rule its field is refused with. */
function because(rule: Rule, c: Case): Case {
  return { ...c, what: `${c.what} (${rule})`, rule };
}

/** Characters a name, a username or a note may not hold, with the rule that refuses each. */
const REFUSED_IN_TEXT: Array<[string, Rule]> = [
  ['\u0000', 'controlCharacter'], ['\u0007', 'controlCharacter'], ['\u001B', 'controlCharacter'],
  ['\u007F', 'controlCharacter'], ['\u0085', 'controlCharacter'], ['\u009B', 'controlCharacter'],
  ['\u202A', 'invisibleCharacter'], ['\u202B', 'invisibleCharacter'], ['\u202C', 'invisibleCharacter'],
  ['\u202D', 'invisibleCharacter'], ['\u202E', 'invisibleCharacter'], ['\u2066', 'invisibleCharacter'],
  ['\u2067', 'invisibleCharacter'], ['\u2068', 'invisibleCharacter'], ['\u2069', 'invisibleCharacter'],
  ['\u200E', 'invisibleCharacter'], ['\u200F', 'invisibleCharacter'], ['\u061C', 'invisibleCharacter'],
  ['\u200B', 'invisibleCharacter'], ['\u200C', 'invisibleCharacter'], ['\u200D', 'invisibleCharacter'],
  ['\u2060', 'invisibleCharacter'], ['\uFEFF', 'invisibleCharacter'],
  ['\uD800', 'unpairedSurrogate'], ['\uDBFF', 'unpairedSurrogate'], ['\uDC00', 'unpairedSurrogate'], ['\uDFFF', 'unpairedSurrogate'],
];
/** Line breaks and tabs: refused in one-line fields, kept in notes and mail bodies. */
const LINE_BREAKS: Array<[string, Rule]> = [['\n', 'controlCharacter'], ['\r', 'controlCharacter'], ['\t', 'controlCharacter'], ['\u2028', 'controlCharacter'], ['\u2029', 'controlCharacter']];
/** One of each kind, for the fields that share the rules of the ones above. */
const ONE_OF_EACH: Array<[string, Rule]> = [['\u0000', 'controlCharacter'], ['\n', 'controlCharacter'], ['\u202E', 'invisibleCharacter'], ['\u200B', 'invisibleCharacter'], ['\uD800', 'unpairedSurrogate']];
/** A spoofed file name: the override makes it read "abcexe.jpg". */
const inside = (char: string) => `abc${char}gpj.exe`;

function cases(): Case[] {
  const all: Case[] = [];

  // ---- create -------------------------------------------------------------
  all.push(fieldCase('create', 'name', undefined, 'name', createAs(acme, { username: 'ann' })));
  for (const v of BAD_NAMES) all.push(create('name', v));
  for (const v of ['u'.repeat(256), 42, null]) all.push(create('username', v));
  for (const v of [
    'p'.repeat(4 * KIB + 1),
    'é'.repeat(2 * KIB + 1), // 2,049 characters, 4,098 bytes
    '€'.repeat(1366), // 1,366 characters, 4,098 bytes
    '🔑'.repeat(1025), // 2,050 UTF-16 units, 4,100 bytes
    12345678,
    null,
  ]) all.push(create('password', v));
  for (const field of ['websiteUrl', 'loginUrl']) for (const v of BAD_URLS) all.push(create(field, v));
  for (const v of ['n'.repeat(64 * KIB + 1), 'ü'.repeat(32 * KIB + 1), 7, null]) all.push(create('notes', v));
  for (const v of BAD_TOTP) all.push(create('totpSecret', v));
  for (const v of BAD_HOST_IDS) all.push(create('clientId', v, 'clientId', owner));
  for (const field of ['serviceId', 'contactId', 'deviceId', 'ticketId']) {
    for (const v of ['bad id!', 'x'.repeat(65), 2.5, false]) all.push(create(field, v));
  }
  for (const v of ['not-a-uuid', MISSING_UUID.toUpperCase(), `${MISSING_UUID}0`, 123]) all.push(create('categoryId', v));
  for (const v of ['yes', 1, null]) all.push(create('sharedWithAdmin', v));
  for (const v of [-1, -5, 3651, 1.5, '30']) all.push(create('reminderDays', v));
  for (const v of ['true', 0]) all.push(create('notifyOnChange', v));
  all.push(create('grants', 'k-acme-dev'));
  all.push(create('grants', { kind: 'contact', id: 'k-acme-dev' }));
  all.push(create('grants', Array.from({ length: 201 }, () => grant())));
  all.push(fieldCase('create', 'grants.0.kind', 'robot', 'grants.0.kind', createAs(acme, { name: 'x', grants: [grant({ kind: 'robot' })] })));
  all.push(fieldCase('create', 'grants.0.kind', undefined, 'grants.0.kind', createAs(acme, { name: 'x', grants: [{ id: 'k-acme-dev' }] })));
  all.push(fieldCase('create', 'grants.0.id', 'bad id!', 'grants.0.id', createAs(acme, { name: 'x', grants: [grant({ id: 'bad id!' })] })));
  all.push(fieldCase('create', 'grants.0.id', undefined, 'grants.0.id', createAs(acme, { name: 'x', grants: [{ kind: 'contact' }] })));
  all.push(fieldCase('create', 'grants.1.id', '', 'grants.1.id', createAs(acme, { name: 'x', grants: [grant(), grant({ id: '' })] })));
  all.push(fieldCase('create', 'grants.0.canEdit', 'yes', 'grants.0.canEdit', createAs(acme, { name: 'x', grants: [grant({ canEdit: 'yes' })] })));
  all.push(fieldCase('create', 'grants.0.expires', '2030', 'grants.0.expires', createAs(acme, { name: 'x', grants: [grant({ expires: '2030' })] })));
  // Unknown fields, named themselves (also ones that mean something elsewhere).
  for (const key of ['colour', 'ownerId', 'owner', 'version', 'id', 'passwordCt']) all.push(create(key, 'x'));
  all.push(fieldCase('create', '__proto__', { admin: true }, '__proto__',
    createAs(acme, JSON.parse('{"name":"x","__proto__":{"admin":true}}') as Record<string, unknown>)));
  for (const input of [null, 'Mail', 42, ['Mail']]) {
    all.push(fieldCase('create', '(whole input)', input, '(input)', (lk) => lk.entries.create(acme, input as unknown as CreateEntryInput)));
  }
  // Characters that make text other than it looks, or that the database cannot keep.
  for (const [char, rule] of [...REFUSED_IN_TEXT, ...LINE_BREAKS]) {
    all.push(because(rule, create('name', inside(char))));
    all.push(because(rule, create('username', inside(char))));
  }
  for (const [char, rule] of REFUSED_IN_TEXT) all.push(because(rule, create('notes', `line one\nline ${char} two`)));
  for (const char of ['\u0000', 'pw\u0000', '\uD800pw', 'pw\uDFFF', '\uDC00\uD800']) {
    all.push(because(char.includes('\u0000') ? 'controlCharacter' : 'unpairedSurrogate', create('password', char)));
  }
  for (const field of ['websiteUrl', 'loginUrl']) {
    for (const [char, rule] of ONE_OF_EACH) all.push(because(rule, create(field, `https://panel.example.test/${char}login`)));
  }
  // A wrong type is named as such, not as missing.
  all.push(because('required', fieldCase('create', 'name', undefined, 'name', createAs(acme, { username: 'ann' }))));
  for (const [field, value, rule] of [
    ['name', 12345, 'mustBeText'], ['name', null, 'mustBeText'], ['name', ['Mail'], 'mustBeText'], ['username', 42, 'mustBeText'],
    ['password', 12345678, 'mustBeText'], ['notes', 7, 'mustBeText'], ['reminderDays', '30', 'mustBeNumber'],
    ['reminderDays', 1.5, 'mustBeWholeNumber'], ['sharedWithAdmin', 'yes', 'mustBeYesNo'], ['notifyOnChange', 1, 'mustBeYesNo'],
    ['grants', 'k-acme-dev', 'mustBeList'], ['grants', { kind: 'contact' }, 'mustBeList'],
  ] as const) all.push(because(rule, create(field, value)));
  for (const v of [true, 1.5, {}, ['c-acme']]) all.push(because('hostId', create('clientId', v, 'clientId', owner)));
  all.push(because('mustBeObject', fieldCase('create', '(whole input)', 'Mail', '(input)', (lk) => lk.entries.create(acme, 'Mail' as unknown as CreateEntryInput))));

  // References the host does not know, or that belong to someone else: checked after the schema, before any write.
  all.push(create('clientId', 'c-globex', 'clientId'));
  all.push(create('clientId', 'c-nope', 'clientId', owner));
  all.push(create('serviceId', 's-globex-vps'));
  all.push(create('serviceId', 's-nope'));
  all.push(create('contactId', 'k-globex-ops'));
  all.push(create('deviceId', 'd-nope'));
  all.push(create('ticketId', 't-nope'));
  all.push(fieldCase('create', 'serviceId (admin entry with no client)', 's-acme-vps', 'serviceId', createAs(owner, { name: 'x', serviceId: 's-acme-vps' })));
  all.push(create('categoryId', MISSING_UUID));
  all.push(fieldCase('create', 'categoryId (an admin category, by a client)', 'admin category', 'categoryId',
    (lk, t) => lk.entries.create(acme, { name: 'x', categoryId: t.adminCategory })));
  all.push(fieldCase('create', 'categoryId (a client category, by an admin)', 'client category', 'categoryId',
    (lk, t) => lk.entries.create(owner, { name: 'x', categoryId: t.clientCategory })));
  all.push(fieldCase('create', 'grants.0.kind (a client sharing with an admin)', 'admin', 'grants.0.kind',
    createAs(acme, { name: 'x', grants: [{ kind: 'admin', id: 'a-sam' }] })));
  all.push(fieldCase('create', "grants.0.id (another client's contact)", 'k-globex-ops', 'grants.0.id',
    createAs(acme, { name: 'x', grants: [{ kind: 'contact', id: 'k-globex-ops' }] })));
  all.push(fieldCase('create', 'grants.1.id (an admin the host does not know)', 'a-nope', 'grants.1.id',
    createAs(owner, { name: 'x', grants: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin', id: 'a-nope' }] })));
  all.push(fieldCase('create', 'grants.0.id (an unknown admin role)', 'r-nope', 'grants.0.id',
    createAs(owner, { name: 'x', grants: [{ kind: 'admin_role', id: 'r-nope' }] })));
  all.push(fieldCase('create', "grants.0.id (a client other than the entry's)", 'c-globex', 'grants.0.id',
    createAs(owner, { name: 'x', clientId: 'c-acme', grants: [{ kind: 'client', id: 'c-globex' }] })));

  // ---- update -------------------------------------------------------------
  for (const v of [undefined, 0, -1, 1.5, '1', null]) {
    all.push(fieldCase('update', 'version', v, 'version',
      (lk, t) => lk.entries.update(acme, t.acmeEntry, (v === undefined ? { name: 'x' } : { version: v, name: 'x' }) as unknown as UpdateEntryInput)));
  }
  for (const v of BAD_NAMES) all.push(update('name', v));
  for (const [char, rule] of ONE_OF_EACH) {
    all.push(because(rule, update('name', inside(char))));
    all.push(because(rule, update('username', inside(char))));
  }
  for (const [char, rule] of ONE_OF_EACH.filter(([c]) => c !== '\n')) all.push(because(rule, update('notes', `a\n${char}b`)));
  all.push(because('unpairedSurrogate', update('password', 'new\uD800pw')));
  all.push(because('mustBeText', update('name', 12345)));
  all.push(because('mustBeNumber', fieldCase('update', 'version', '1', 'version',
    (lk, t) => lk.entries.update(acme, t.acmeEntry, { version: '1', name: 'x' } as unknown as UpdateEntryInput))));
  for (const v of ['u'.repeat(256), null]) all.push(update('username', v));
  for (const v of ['p'.repeat(4 * KIB + 1), 'é'.repeat(2 * KIB + 1), 99]) all.push(update('password', v));
  for (const field of ['websiteUrl', 'loginUrl']) for (const v of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:,x', 'ftp://x.test', '/relative']) all.push(update(field, v));
  for (const v of ['n'.repeat(64 * KIB + 1), 5]) all.push(update('notes', v));
  for (const v of ['not base32!', 'ABC']) all.push(update('totpSecret', v));
  for (const field of ['serviceId', 'contactId', 'deviceId', 'ticketId']) all.push(update(field, 'bad id!'));
  all.push(update('categoryId', 'not-a-uuid'));
  all.push(update('sharedWithAdmin', 'yes'));
  all.push(update('reminderDays', -1));
  all.push(update('notifyOnChange', 1));
  for (const key of ['clientId', 'owner', 'grants', 'colour']) all.push(update(key, 'x'));
  all.push(update('serviceId', 's-globex-vps'));
  all.push(update('contactId', 'k-globex-ops'));
  all.push(update('deviceId', 'd-nope'));
  all.push(update('ticketId', 't-nope'));
  all.push(update('categoryId', MISSING_UUID));
  all.push(fieldCase('update', 'categoryId (an admin category, by a client)', 'admin category', 'categoryId',
    (lk, t) => lk.entries.update(acme, t.acmeEntry, { version: 1, categoryId: t.adminCategory })));

  // ---- share --------------------------------------------------------------
  all.push(share({ grants: [] }, 'version', undefined, 'version'));
  all.push(share({ version: 'one', grants: [] }, 'version', 'one', 'version'));
  all.push(share({ version: 1 }, 'grants', undefined, 'grants'));
  all.push(share({ version: 1, grants: 'k-acme-dev' }, 'grants', 'k-acme-dev', 'grants'));
  all.push(share({ version: 1, grants: [grant({ kind: 'robot' })] }, 'grants.0.kind', 'robot', 'grants.0.kind'));
  all.push(share({ version: 1, grants: [grant({ id: 'bad id!' })] }, 'grants.0.id', 'bad id!', 'grants.0.id'));
  all.push(share({ version: 1, grants: [grant(), grant({ canEdit: 'yes' })] }, 'grants.1.canEdit', 'yes', 'grants.1.canEdit'));
  all.push(share({ version: 1, grants: [grant({ note: 'hi' })] }, 'grants.0.note', 'hi', 'grants.0.note'));
  all.push(share({ version: 1, grants: [], sharedWithAdmin: 'no' }, 'sharedWithAdmin', 'no', 'sharedWithAdmin'));
  all.push(share({ version: 1, grants: [], message: 'hi' }, 'message', 'hi', 'message'));
  all.push(share({ version: 1, grants: [{ kind: 'admin', id: 'a-sam' }] }, 'grants.0.kind (a client sharing with an admin)', 'admin', 'grants.0.kind'));
  all.push(share({ version: 1, grants: [{ kind: 'contact', id: 'k-globex-ops' }] }, "grants.0.id (another client's contact)", 'k-globex-ops', 'grants.0.id'));
  all.push(share({ version: 1, grants: [{ kind: 'admin_role', id: 'r-nope' }] }, 'grants.0.id (an unknown role)', 'r-nope', 'grants.0.id', owner));

  // ---- delete -------------------------------------------------------------
  for (const [input, path, named] of [
    [{}, 'version', 'version'], [{ version: 'x' }, 'version', 'version'], [{ version: 0 }, 'version', 'version'],
    [{ version: 1, force: true }, 'force', 'force'],
  ] as const) {
    all.push(fieldCase('delete', path, (input as Record<string, unknown>)[path], named,
      (lk, t) => lk.entries.delete(acme, t.acmeEntry, input as unknown as DeleteEntryInput)));
  }
  all.push(fieldCase('delete', '(no input)', undefined, '(input)',
    (lk, t) => (lk.entries as unknown as { delete(actor: Actor, id: string): Promise<void> }).delete(acme, t.acmeEntry)));

  // ---- list ---------------------------------------------------------------
  for (const field of ['clientId', 'ownerId', 'serviceId', 'contactId', 'deviceId', 'ticketId']) {
    for (const v of ['bad id!', 'x'.repeat(65)]) all.push(list(field, v));
  }
  all.push(list('ownerKind', 'robot'));
  all.push(list('categoryId', 'not-a-uuid'));
  all.push(list('search', 's'.repeat(256)));
  all.push(because('mustBeText', list('search', 42)));
  for (const [char, rule] of ONE_OF_EACH) all.push(because(rule, list('search', inside(char))));
  for (const v of [-1, 1.5, '0']) all.push(list('offset', v));
  for (const v of [0, 501, '10']) all.push(list('limit', v));
  for (const key of ['sort', 'includeSecrets']) all.push(list(key, true));

  // ---- categories ---------------------------------------------------------
  all.push(categoryCreate({}, 'name', undefined, 'name'));
  for (const v of BAD_NAMES) all.push(categoryCreate({ name: v }, 'name', v, 'name'));
  all.push(categoryCreate({ name: 'Ops', members: 'a-sam' }, 'members', 'a-sam', 'members'));
  all.push(categoryCreate({ name: 'Ops', members: Array.from({ length: 501 }, () => ({ kind: 'admin', id: 'a-sam' })) }, 'members', 'x501', 'members'));
  all.push(categoryCreate({ name: 'Ops', members: [{ kind: 'robot', id: 'a-sam' }] }, 'members.0.kind', 'robot', 'members.0.kind'));
  all.push(categoryCreate({ name: 'Ops', members: [{ kind: 'admin', id: 'bad id!' }] }, 'members.0.id', 'bad id!', 'members.0.id'));
  all.push(categoryCreate({ name: 'Ops', members: [{ kind: 'admin', id: 'a-sam', canEdit: 'x' }] }, 'members.0.canEdit', 'x', 'members.0.canEdit'));
  all.push(categoryCreate({ name: 'Ops', members: [{ kind: 'admin', id: 'a-sam', role: 'x' }] }, 'members.0.role', 'x', 'members.0.role'));
  all.push(categoryCreate({ name: 'Ops', colour: 'red' }, 'colour', 'red', 'colour'));
  all.push(categoryCreate({ name: 'Ops', owner: { kind: 'client', id: 'c-acme' } }, 'owner', 'client', 'owner'));
  all.push(categoryCreate({ name: 'Ops', members: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin', id: 'a-nope' }] }, 'members.1.id (an unknown admin)', 'a-nope', 'members.1.id'));
  all.push(categoryCreate({ name: 'Ops', members: [{ kind: 'admin_role', id: 'r-nope' }] }, 'members.0.id (an unknown role)', 'r-nope', 'members.0.id'));
  all.push(categoryCreate({ name: 'Ops', members: [{ kind: 'client', id: 'c-nope' }] }, 'members.0.id (an unknown client)', 'c-nope', 'members.0.id'));
  all.push(categoryCreate({ name: 'Mine', members: [{ kind: 'admin', id: 'a-sam' }] }, 'members.0.kind (a client adding an admin)', 'admin', 'members.0.kind', acme));
  all.push(categoryCreate({ name: 'Mine', members: [{ kind: 'contact', id: 'k-globex-ops' }] }, "members.0.id (another client's contact)", 'k-globex-ops', 'members.0.id', acme));
  for (const v of ['', 'x'.repeat(256), null]) all.push(categoryUpdate({ name: v }, 'name', v, 'name'));
  for (const [char, rule] of [...REFUSED_IN_TEXT, ...LINE_BREAKS]) all.push(because(rule, categoryCreate({ name: inside(char) }, 'name', inside(char), 'name')));
  for (const [char, rule] of ONE_OF_EACH) all.push(because(rule, categoryUpdate({ name: inside(char) }, 'name', inside(char), 'name')));
  all.push(because('mustBeText', categoryCreate({ name: 5 }, 'name', 5, 'name')));
  all.push(because('mustBeList', categoryCreate({ name: 'Ops', members: 'a-sam' }, 'members', 'a-sam', 'members')));
  all.push(because('mustBeYesNo', categoryUpdate({ members: [{ kind: 'admin', id: 'a-sam', canEdit: 'x' }] }, 'members.0.canEdit', 'x', 'members.0.canEdit')));
  all.push(categoryUpdate({ members: [{ kind: 'robot', id: 'a-sam' }] }, 'members.0.kind', 'robot', 'members.0.kind'));
  all.push(categoryUpdate({ members: [{ kind: 'admin', id: 'a-sam' }, { kind: 'admin', id: 'a-nope' }] }, 'members.1.id (an unknown admin)', 'a-nope', 'members.1.id'));
  all.push(categoryUpdate({ ownerId: 'a-sam' }, 'ownerId', 'a-sam', 'ownerId'));

  // ---- settings -----------------------------------------------------------
  for (const v of ['open', '', 1, null]) all.push(settings('adminAccessMode', v));
  for (const field of ['allowedAdminIds', 'allowedAdminRoleIds', 'extendedAdminRoleIds']) {
    all.push(settings(field, 'a-sam'));
    all.push(settings(field, null));
    all.push(settings(field, ['a-sam', 'bad id!'], `${field}.1`));
    all.push(settings(field, Array.from({ length: 1001 }, (_, i) => `a-${i}`)));
  }
  all.push(settings('clientPrivateEntries', true));
  all.push(settings('clientPrivateEntries', { enabled: 'yes', excludedClientGroupIds: [] }, 'clientPrivateEntries.enabled'));
  all.push(settings('clientPrivateEntries', { enabled: 'yes' }, 'clientPrivateEntries.enabled'));
  all.push(settings('clientPrivateEntries', { enabled: true, excludedClientGroupIds: ['g!'] }, 'clientPrivateEntries.excludedClientGroupIds.0'));
  all.push(settings('clientPrivateEntries', { enabled: true, excludedClientGroupIds: [], extra: 1 }, 'clientPrivateEntries.extra'));
  const services = { enabled: true, excludedClientGroupIds: [], excludedProductIds: [], excludedProductGroupIds: [] };
  all.push(settings('clientServicePasswords', { ...services, enabled: 1 }, 'clientServicePasswords.enabled'));
  all.push(settings('clientServicePasswords', { ...services, excludedProductIds: 'p-vps-s' }, 'clientServicePasswords.excludedProductIds'));
  all.push(settings('clientServicePasswords', { ...services, excludedProductGroupIds: [''] }, 'clientServicePasswords.excludedProductGroupIds.0'));
  all.push(settings('clientServicePasswords', { visibleStatuses: ['active', 'dormant'] }, 'clientServicePasswords.visibleStatuses.1'));
  for (const v of [0, -1, 100001, 2.5, '10']) all.push(settings('clientEntryLimit', v));
  for (const v of [-1, 101, 1.5, null, '10']) all.push(settings('historyDepth', v));
  for (const v of [-1, 3601, 1.5, null, '30']) all.push(settings('revealHideSeconds', v));
  for (const v of [0, 3651, 'weekly']) all.push(settings('defaultReminderDays', v));
  for (const key of ['theme', 'auditHead', 'adminAccess']) all.push(settings(key, 'x'));
  const template = (subject: string, body: string) => ({ reminder: { fr: { subject, body } } });
  for (const [char, rule] of [...ONE_OF_EACH, ['\t', 'controlCharacter'] as [string, Rule]]) {
    all.push(because(rule, settings('mailTemplates', template(`Rappel ${char} {{entryName}}`, 'Bonjour'), 'mailTemplates.reminder.fr.subject')));
  }
  for (const [char, rule] of ONE_OF_EACH.filter(([c]) => c !== '\n')) {
    all.push(because(rule, settings('mailTemplates', template('Rappel', `Bonjour,\n${char}{{entryName}}`), 'mailTemplates.reminder.fr.body')));
  }
  all.push(because('mustBeNumber', settings('historyDepth', '10')));
  all.push(because('mustBeList', settings('allowedAdminIds', 'a-sam')));
  all.push(because('mustBeObject', settings('clientPrivateEntries', true)));
  all.push(because('mustBeYesNo', settings('includePasswordInChangeMail', 'no')));
  all.push(fieldCase('settings', '(whole input)', null, '(input)', (lk) => lk.settings.update(owner, null as unknown as SettingsPatch)));

  // ---- password rules and audit queries (read-only, but validated the same way) ----
  const rules = (input: Record<string, unknown>, path: string, value: unknown, named: string) =>
    fieldCase('password rules', path, value, named, async (lk) => lk.generatePassword(input as never));
  all.push(rules({ length: 7 }, 'length', 7, 'length'));
  all.push(rules({ length: 257 }, 'length', 257, 'length'));
  all.push(rules({ length: '20' }, 'length', '20', 'length'));
  all.push(rules({ lower: false, upper: false, digits: false, symbols: false }, 'every class', false, 'lower'));
  all.push(rules({ emoji: true }, 'emoji', true, 'emoji'));
  const audit = (input: Record<string, unknown>, named: string) =>
    fieldCase('audit query', named, input[named], named, (lk) => lk.audit.list(owner, input as never));
  all.push(audit({ limit: 0 }, 'limit'));
  all.push(audit({ limit: 501 }, 'limit'));
  all.push(audit({ beforeSeq: 0 }, 'beforeSeq'));
  all.push(audit({ actorKind: 'robot' }, 'actorKind'));
  all.push(audit({ clientId: 'bad id!' }, 'clientId'));
  all.push(audit({ action: 'x'.repeat(41) }, 'action'));
  all.push(audit({ secrets: true }, 'secrets'));
  all.push(because('entryId', audit({ entryId: 'x'.repeat(70) }, 'entryId')));
  all.push(because('entryId', audit({ entryId: `${MISSING_UUID}\u0000` }, 'entryId')));
  all.push(because('invisibleCharacter', audit({ actorId: 'a-sam\u200B' }, 'actorId')));
  all.push(because('controlCharacter', audit({ action: 'entry.reveal\u0000' }, 'action')));
  // Ids outside bodies go through the same rules as ids inside them.
  for (const id of ['x'.repeat(65), 'x'.repeat(70), '\u0000', '', 'c-acme\u202E', '../c-acme']) {
    all.push(because('hostId', fieldCase('services of client', 'clientId', id, 'clientId', (lk) => lk.serviceCredentials.list(acme, id))));
  }
  for (const [char, rule] of ONE_OF_EACH) {
    all.push(because(rule, fieldCase('client search', 'search', inside(char), 'search', (lk) => lk.directory.findClients(owner, { search: inside(char) }))));
  }
  return all;
}

forEachDatabase('validation at the boundary', (db) => {
  let vault: Vault;
  let targets: Targets;

  before(async () => {
    vault = await openVault(db, hostFixture());
    const { lk } = vault;
    const adminCategory = await lk.categories.create(owner, { name: 'Infrastructure' });
    const clientCategory = await lk.categories.create(acme, { name: 'Mine' });
    const acmeEntry = await lk.entries.create(acme, { name: 'Mail', username: 'ann', password: 'validation-seed-pw' });
    const ownerEntry = await lk.entries.create(owner, { name: 'Router', clientId: 'c-acme', password: 'router-pw' });
    targets = { acmeEntry: acmeEntry.id, ownerEntry: ownerEntry.id, adminCategory: adminCategory.id, clientCategory: clientCategory.id };
  });
  after(async () => { await vault.close(); });

  for (const c of cases()) {
    it(`refuses ${c.what} with a ValidationError naming "${c.field}", and writes nothing`, async () => {
      const before = await snapshotTables(vault);
      const err = await rejection(c.run(vault.lk, targets), ValidationError);
      expect(err.field).to.equal(c.field);
      expect(err.code).to.equal('invalid_input');
      expect(err.message.startsWith(`${c.field}: `), err.message).to.equal(true);
      expect(err.issues.map((i) => i.field)).to.include(c.field);
      if (c.rule) expect(err.issues.find((i) => i.field === c.field)?.rule, err.message).to.equal(c.rule);
      if (c.secret) {
        for (const issue of err.issues) expect(issue.message).not.to.include(c.secret.slice(0, 16));
        expect(err.message).not.to.include(c.secret.slice(0, 16));
      }
      expect(await snapshotTables(vault)).to.deep.equal(before);
    });
  }

  it('reports every bad field of one input, not only the first', async () => {
    const err = await rejection(vault.lk.entries.create(acme, {
      name: '', websiteUrl: 'javascript:alert(1)', reminderDays: -1, colour: 'red',
    } as unknown as CreateEntryInput), ValidationError);
    expect(err.issues.map((i) => i.field)).to.have.members(['name', 'websiteUrl', 'reminderDays', 'colour']);
  });
});

forEachDatabase('validation limits that are accepted', (db) => {
  let vault: Vault;
  before(async () => { vault = await openVault(db, hostFixture()); });
  beforeEach(async () => { await emptyTables(vault); });
  after(async () => { await vault.close(); });

  it('accepts a 255-character name, a 4 KiB password and 64 KiB of notes, and stores them intact', async () => {
    const name = '€'.repeat(255);
    const password = 'é'.repeat(2 * KIB); // exactly 4,096 bytes
    const notes = `${'ü'.repeat(32 * KIB - 1)}ab`; // exactly 65,536 bytes
    const created = await vault.lk.entries.create(acme, { name, username: 'ü'.repeat(255), password, notes });
    const stored = await vault.lk.entries.get(acme, created.id);
    expect(stored.name).to.equal(name);
    expect(stored.username).to.equal('ü'.repeat(255));
    const secrets = await vault.lk.entries.reveal(acme, created.id);
    expect(secrets.password?.expose()).to.equal(password);
    expect(secrets.notes?.expose()).to.equal(notes);
  });

  it('accepts http and https addresses in any letter case and trims the spaces around them', async () => {
    const created = await vault.lk.entries.create(acme, {
      name: 'Panel', websiteUrl: '  HTTPS://Panel.Example.test/a?b=c  ', loginUrl: 'http://10.0.0.1:8080/login',
    });
    expect(created.websiteUrl).to.equal('HTTPS://Panel.Example.test/a?b=c');
    expect((await vault.lk.entries.get(acme, created.id)).loginUrl).to.equal('http://10.0.0.1:8080/login');
  });

  it('keeps tabs and line breaks in notes, and any printable character in a password, exactly', async () => {
    const notes = 'Step 1:\tlog in\r\nStep 2:\tcheck the mail\n\n— Олег, 李, שלום';
    const password = ' \t p\u202Ea\u200Bs\u00A0s🔑\u0085 ';
    const created = await vault.lk.entries.create(acme, { name: 'Mail', password, notes });
    const secrets = await vault.lk.entries.reveal(acme, created.id);
    expect(secrets.notes?.expose()).to.equal(notes);
    expect(secrets.password?.expose()).to.equal(password);
  });

  it('accepts names in any script, with accents and emoji, and stores them intact', async () => {
    for (const name of ['Café Ølstue', 'Сервер почты', 'שרת דואר', 'خادم البريد', '邮件服务器', '🔑 Vault 🚀', 'x'.repeat(255)]) {
      const created = await vault.lk.entries.create(acme, { name, username: name });
      expect((await vault.lk.entries.get(acme, created.id)).name).to.equal(name);
      expect((await vault.lk.categories.create(acme, { name })).name).to.equal(name);
    }
  });

  it('trims the name and normalises a TOTP seed written in groups and lower case', async () => {
    const created = await vault.lk.entries.create(acme, { name: '  Mail  ', totpSecret: 'jbsw y3dp-ehpk 3pxp' });
    expect(created.name).to.equal('Mail');
    expect((await vault.lk.entries.reveal(acme, created.id)).totpSecret?.expose()).to.equal('JBSWY3DPEHPK3PXP');
  });
});
