import type { Knex } from 'knex';
import type { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { mergeDuplicatePrincipals } from '../domain/principal-list.ts';
import { grantLevel, type EntryView, type Grant, type HistoryItem, type Page, type RevealedSecrets } from '../domain/entry.ts';
import { Secret } from '../domain/secret.ts';
import type { VaultSettings } from '../domain/settings.ts';
import { ConflictError, ForbiddenError, LimitExceededError, NotFoundError, ValidationError } from '../errors.ts';
import type { OpenDataKey } from '../crypto/entry-cipher.ts';
import { adminSeesClientData, can, chosenFieldAccess, clientMayCreate, fieldAccess, refusedFields, type EntryAction } from '../policy/access-policy.ts';
import { hiddenFields, INPUT_FIELDS, secretsFor, viewFor } from '../policy/field-masking.ts';
import type { ActorFacts, EntryFacts } from '../policy/facts.ts';
import { memberCategoryIds, visibleEntries } from '../policy/visibility-query.ts';
import {
  LISTED_COLUMNS, PRESENCE_COLUMNS, rowToListed, toHistoryItem, toView,
  type EntryRow, type GrantRow, type HistoryRow, type ListedRow,
} from '../store/entry-rows.ts';
import { newId } from '../store/ids.ts';
import { readPrepared } from '../store/prepared-read.ts';
import { containsPattern } from '../store/like-pattern.ts';
import {
  createEntrySchema, listEntriesSchema, shareEntrySchema, updateEntrySchema, deleteEntrySchema,
  type CreateEntryInput, type EntrySort, type DeleteEntryInput, type ListEntriesQuery, type ShareEntryInput, type UpdateEntryInput, restoreEntrySchema, type RestoreEntryInput,
} from '../validation/schemas.ts';

type UpdateEntryData = z.output<typeof updateEntrySchema>;

/** What the trail records when a former password becomes the current one again. */
export const RESTORE_ACTION = 'entry.restore';
import { validate } from '../validation/validate.ts';
import { issue, type Issue } from '../validation/rules.ts';
import { settingsFrom, type VaultContext } from './context.ts';
import { checkLinks, checkGrantees, checkCategory, linkProblemsOf } from './host-references.ts';
import { categoryReach } from './category-reach.ts';
import { currentRequest } from './request-scope.ts';
import { panelStampColumn } from './panel-cache.ts';
import { linkedServiceStatuses, servicesHiddenFromClient, servicesInStatusOf, vaultEntryFacts } from './entry-facts.ts';
import { isServiceEntryId, type ServiceCredentials } from './service-credentials.ts';
import { firstReminderAt, reminderPeriod } from './reminder-schedule.ts';
import { enqueueChangeNotices, recipientOf } from './mail-outbox.ts';
import { rowFactColumns, sharingColumns, sharingOf, toRowFacts, type RowFactColumns, type RowFacts } from '../store/row-facts.ts';
import { categoryNameOf, categoryNamesOf } from '../store/category-names.ts';
import { insertTags, replaceTags, tagsColumn, tagsFrom, whereTagged } from '../store/entry-tags.ts';
import { deleteNoteTerms, entriesWithNoteTerm, insertNoteTerms, replaceNoteTerms } from '../store/note-terms.ts';
import { searchedWordPrefix } from '../domain/title-words.ts';
import { sameTags, tagKey } from '../domain/tags.ts';
import { requireStrongEnough } from './password-policy.ts';
import type { CopiedField, CopyField, CurrentTotp } from '../domain/copied-field.ts';
import { copyFieldSchema, type CopyFieldInput } from '../validation/schemas.ts';
import { totpCode } from '../crypto/totp.ts';
import { whereOverdue } from './rotation-due.ts';

/** The column an entry page reads the panel stamp into (see panel-cache.ts). */
const PAGE_STAMP = 'lk_panel_stamp';

const SORT_COLUMNS: Record<EntrySort, string> = {
  name: 'e.name', username: 'e.username', updatedAt: 'e.updated_at', passwordChangedAt: 'e.password_changed_at',
  category: 'e.category_name',
};
const SECRET_FIELDS = { password: 'password_ct', notes: 'notes_ct', totpSecret: 'totp_ct' } as const;
const FIELD_NAMES = { password: 'password', notes: 'notes', totpSecret: 'totp' } as const;
type SecretField = keyof typeof SECRET_FIELDS;
type LinkFields = Partial<Record<'serviceId' | 'contactId' | 'deviceId' | 'ticketId', string | null>>;
const LINK_COLUMNS = [
  ['serviceId', 'service_id'], ['contactId', 'contact_id'], ['deviceId', 'device_id'], ['ticketId', 'ticket_id'],
] as const satisfies ReadonlyArray<readonly [keyof LinkFields, keyof EntryRow]>;

/** An entries row as `load` reads it: with its grants, its category's members, its tags and the stored settings. */
type LoadedRow = EntryRow & {
  lk_grants: unknown;
  lk_members: unknown;
  lk_settings: string | null;
  lk_tags: unknown;
};

interface Loaded {
  row: EntryRow;
  facts: EntryFacts;
  tags: string[];
}

/**
 * Access details stored in the vault: every call names its actor, asks the
 * reference policy, and writes its audit event in the same transaction as the
 * change. Lists push the same rule into SQL.
 */
export class EntryService {
  /** A list's columns, written out once: every list sends them, and quoting two dozen names a statement shows in a panel's time. */
  private readonly listedColumns: string;

  constructor(private readonly ctx: VaultContext, private readonly services: ServiceCredentials) {
    const columns = LISTED_COLUMNS.map((c) => `e.${c}`);
    this.listedColumns = [ctx.knex.raw(columns.map(() => '??').join(', '), columns).toQuery(), ...PRESENCE_COLUMNS].join(', ');
  }

  async create(actor: Actor, input: CreateEntryInput): Promise<EntryView> {
    const data = validate(createEntrySchema, input);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      const owner = ownerFor(facts, settings);
      const clientId = facts.kind === 'client' ? facts.clientId : (data.clientId ?? null);
      if (facts.kind === 'client' && data.clientId != null && data.clientId !== facts.clientId) {
        throw new ValidationError([issue('clientId', 'ownClientOnly')]);
      }
      if (facts.kind === 'client' && data.clientFieldAccess != null) throw new ValidationError([issue('clientFieldAccess', 'staffSetsFieldAccess')]);
      await checkLinks(this.ctx.host, clientId, data);
      if (data.categoryId != null) await checkCategory(this.ctx, facts, data.categoryId);
      if (data.password) {
        await requireStrongEnough(this.ctx.host, settings, facts, { ownerKind: owner.kind, ownerId: owner.id, name: data.name, username: data.username }, data.password);
      }
      // Checked as given (problems name the caller's indexes), stored merged: one row per principal.
      await checkGrantees(this.ctx.host, facts, clientId, data.grants ?? []);
      const grants = mergeDuplicatePrincipals(data.grants ?? []);
      const tags = data.tags ?? [];

      const now = this.ctx.now();
      const row = await this.sealedRow(data, owner, clientId, settings, now);
      const id = row.id;
      const noteTerms = await this.ctx.searchKey.termsOf(data.notes);
      const t = this.ctx.tables;
      await this.ctx.knex.transaction(async (trx) => {
        const limit = owner.kind === 'client' ? settings.clientEntryLimit : null;
        // Serialise with every other write first (each appends to the audit chain), so that
        // concurrent creates cannot all count below the limit and all insert, and a rename of the
        // category cannot pass between reading its name and filing the entry. Nothing in this
        // transaction reads before the lock, so its snapshot (MySQL) starts after it.
        if (limit !== null || row.category_id !== null) await this.ctx.audit.lock(trx, now);
        if (limit !== null) {
          const owned = await countOwned(trx, t.entries, owner.id);
          if (owned >= limit) throw new LimitExceededError('entry', limit);
        }
        await trx(t.entries).insert({ ...row, category_name: await categoryNameOf(trx, t, row.category_id) });
        if (grants.length > 0) await trx(t.grants).insert(grants.map((g) => grantRow(id, g)));
        await insertTags(trx, t, id, tags);
        await insertNoteTerms(trx, t, noteTerms.map((term) => ({ entry_id: id, term })));
        await this.ctx.record(trx, actor, {
          action: 'entry.create', entryId: id, clientId,
          details: { name: row.name, grants: grants.length, categoryId: row.category_id, tags },
        });
      });
      return toView(rowToListed(row, tags));
    });
  }

  /**
   * Creates many entries at once, as `create` would one by one (the same
   * rules, links, categories and entry limit; each entry its own data key and
   * `entry.create` event), in one transaction: a bulk write such as an
   * import's batch. An entry the rules refuse is answered with its problems
   * and not written; the others are. `fingerprint` is stored with its entry,
   * in the same transaction, so a crash cannot leave one without the other.
   */
  async createMany(actor: Actor, items: readonly NewEntry[]): Promise<CreatedOrRefused[]> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      const owner = ownerFor(facts, settings);
      const results: CreatedOrRefused[] = items.map(() => ({ ok: false, issues: [] }));
      const checked: Array<{ index: number; data: ReturnType<typeof createEntrySchema.parse>; clientId: string | null }> = [];
      items.forEach((item, index) => {
        let data: ReturnType<typeof createEntrySchema.parse>;
        try {
          data = validate(createEntrySchema, item.input);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          results[index] = { ok: false, issues: [...err.issues] };
          return;
        }
        if (facts.kind === 'client' && data.clientId != null && data.clientId !== facts.clientId) {
          results[index] = { ok: false, issues: [issue('clientId', 'ownClientOnly')] };
          return;
        }
        checked.push({ index, data, clientId: facts.kind === 'client' ? facts.clientId : (data.clientId ?? null) });
      });
      const linkProblems = await linkProblemsOf(this.ctx.host, checked.map((c) => ({ clientId: c.clientId, links: c.data })));
      const categoryProblems = new Map<string, Issue[]>();
      for (const categoryId of new Set(checked.map((c) => c.data.categoryId).filter((c): c is string => c != null))) {
        categoryProblems.set(categoryId, await problemsOf(() => checkCategory(this.ctx, facts, categoryId)));
      }
      const now = this.ctx.now();
      const rows: EntryRow[] = [];
      const grants: GrantRow[] = [];
      const grantCounts = new Map<string, number>();
      const tagsOf = new Map<string, readonly string[]>();
      const fingerprints: Array<Record<string, unknown>> = [];
      const noteTerms: Array<{ entry_id: string; term: string }> = [];
      for (const [n, c] of checked.entries()) {
        const grantProblems = c.data.grants?.length ? await problemsOf(() => checkGrantees(this.ctx.host, facts, c.clientId, c.data.grants!)) : [];
        const { password } = c.data;
        const strengthProblems = password
          ? await problemsOf(() => requireStrongEnough(this.ctx.host, settings, facts, { ownerKind: owner.kind, ownerId: owner.id, name: c.data.name, username: c.data.username }, password))
          : [];
        const problems = [
          ...linkProblems[n]!, ...(c.data.categoryId != null ? categoryProblems.get(c.data.categoryId)! : []), ...grantProblems, ...strengthProblems,
        ];
        if (problems.length > 0) {
          results[c.index] = { ok: false, issues: problems };
          continue;
        }
        const row = await this.sealedRow(c.data, owner, c.clientId, settings, now);
        rows.push(row);
        const merged = mergeDuplicatePrincipals(c.data.grants ?? []);
        grants.push(...merged.map((g) => grantRow(row.id, g)));
        grantCounts.set(row.id, merged.length);
        tagsOf.set(row.id, c.data.tags ?? []);
        for (const term of await this.ctx.searchKey.termsOf(c.data.notes)) noteTerms.push({ entry_id: row.id, term });
        const fingerprint = items[c.index]!.fingerprint;
        if (fingerprint) fingerprints.push({ scope: fingerprint.scope, fingerprint: fingerprint.fingerprint, entry_id: row.id, created_at: now });
        results[c.index] = { ok: true, id: row.id };
      }
      if (rows.length === 0) return results;
      const t = this.ctx.tables;
      await this.ctx.knex.transaction(async (trx) => {
        // The chain's lock before anything else: the count below sees every other write, and two
        // bulk writes at once queue here rather than meet over each other's new rows.
        await this.ctx.audit.lock(trx, now);
        if (owner.kind === 'client' && settings.clientEntryLimit !== null) {
          const owned = await countOwned(trx, t.entries, owner.id);
          if (owned + rows.length > settings.clientEntryLimit) throw new LimitExceededError('entry', settings.clientEntryLimit);
        }
        const names = await categoryNamesOf(trx, t, rows.map((row) => row.category_id));
        const filed = rows.map((row) => ({ ...row, category_name: row.category_id === null ? null : names.get(row.category_id) ?? null }));
        // Rows of 28 columns: 200 a statement stays far below MySQL's 65,535 placeholders.
        for (let i = 0; i < filed.length; i += 200) await trx(t.entries).insert(filed.slice(i, i + 200));
        for (let i = 0; i < grants.length; i += 1000) await trx(t.grants).insert(grants.slice(i, i + 1000));
        for (const row of rows) await insertTags(trx, t, row.id, tagsOf.get(row.id) ?? []);
        await insertNoteTerms(trx, t, noteTerms);
        for (let i = 0; i < fingerprints.length; i += 1000) {
          await trx(t.importFingerprints).insert(fingerprints.slice(i, i + 1000))
            // The record's earlier entry was deleted since: the record now names the new one.
            .onConflict(['scope', 'fingerprint']).merge(['entry_id', 'created_at']);
        }
        await this.ctx.recordMany(trx, actor, rows.map((row) => ({
          action: 'entry.create', entryId: row.id, clientId: row.client_id,
          details: { name: row.name, grants: grantCounts.get(row.id) ?? 0, categoryId: row.category_id, tags: tagsOf.get(row.id) ?? [] },
        })));
      });
      return results;
    });
  }

  async get(actor: Actor, id: string): Promise<EntryView> {
    if (isServiceEntryId(id)) return this.services.get(actor, id);
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'view', loaded, settings);
      return viewFor(facts, fieldAccess(facts, loaded.facts, settings), toView(rowToListed(loaded.row, loaded.tags)));
    });
  }

  /** Whether the access mode shows this admin clients' data, or only what is shared with them (false for anyone else). */
  async seesClientData(actor: Actor): Promise<boolean> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      return facts.kind === 'admin' && adminSeesClientData(facts, settings);
    });
  }

  /** Grants of an entry, for whoever may change them (owners and extended admins). */
  async grants(actor: Actor, id: string): Promise<Grant[]> {
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'share', loaded, settings);
      return loaded.facts.grants;
    });
  }

  async reveal(actor: Actor, id: string): Promise<RevealedSecrets> {
    if (isServiceEntryId(id)) return this.services.reveal(actor, id);
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'reveal', loaded, settings);
      const { row } = loaded;
      const secrets = secretsFor(hiddenFields(facts, loaded.facts, settings), await this.secretsOf(row));
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
        action: 'entry.reveal', entryId: id, clientId: row.client_id,
        details: { fields: (Object.keys(secrets) as SecretField[]).filter((f) => secrets[f] !== null) },
      }, settings));
      return secrets;
    });
  }

  /**
   * One field of an entry, for the clipboard: audited as `entry.copy` with the
   * field, not as a reveal, and only that field is decrypted. A TOTP is copied
   * as its current code. Copying asks what revealing asks; a field that is
   * empty, or hidden from the actor, is not found.
   */
  async copy(actor: Actor, id: string, input: CopyFieldInput): Promise<CopiedField> {
    const { field } = validate(copyFieldSchema, input);
    if (isServiceEntryId(id)) return this.services.copy(actor, id, field);
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'reveal', loaded, settings);
      const { row } = loaded;
      const copied = hiddenFields(facts, loaded.facts, settings).includes(field) ? null : await this.fieldOf(row, field);
      if (!copied) throw new NotFoundError(field);
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
        action: 'entry.copy', entryId: id, clientId: row.client_id, details: { field },
      }, settings));
      return copied;
    });
  }

  /**
   * The entry's TOTP code of the moment, for a panel whose shown code ran out:
   * a reveal of the TOTP alone (audited so), decrypting nothing else.
   */
  async currentTotp(actor: Actor, id: string): Promise<CurrentTotp> {
    if (isServiceEntryId(id)) throw new NotFoundError('totp');
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'reveal', loaded, settings);
      const { row } = loaded;
      const current = hiddenFields(facts, loaded.facts, settings).includes('totp') ? null : await this.fieldOf(row, 'totp');
      if (!current) throw new NotFoundError('totp');
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
        action: 'entry.reveal', entryId: id, clientId: row.client_id, details: { fields: ['totpSecret'] },
      }, settings));
      return { code: current.value, secondsLeft: current.secondsLeft ?? 0 };
    });
  }

  async update(actor: Actor, id: string, input: UpdateEntryInput): Promise<EntryView> {
    return this.change(actor, id, validate(updateEntrySchema, input), null);
  }

  /**
   * Makes a former password the current one again, at the version the user
   * decided on: the current password goes to the history like any change,
   * watchers hear of it, and the trail records `entry.restore` with the
   * version restored. Needs the right to edit the entry and to see its
   * password (a hidden password has no history to restore from).
   */
  async restore(actor: Actor, id: string, historyId: string, input: RestoreEntryInput): Promise<EntryView> {
    const { version } = validate(restoreEntrySchema, input);
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'update', loaded, settings);
      const passwordHidden = hiddenFields(facts, loaded.facts, settings).includes('password');
      const item = passwordHidden ? undefined : await this.ctx.knex(this.ctx.tables.history)
        .where({ entry_id: id, id: historyId }).first() as HistoryRow | undefined;
      if (!item) throw new NotFoundError('password version');
      const dataKey = await this.openKey(loaded.row);
      const password = this.ctx.cipher.decrypt(dataKey, `history:${item.version}`, item.password_ct);
      return this.change(actor, id, { version, password }, { restoredVersion: Number(item.version) });
    });
  }

  /** An update, or (`restoring` set) a restore of a former password, audited as such. */
  private async change(actor: Actor, id: string, data: UpdateEntryData, restoring: { restoredVersion: number } | null): Promise<EntryView> {
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'update', loaded, settings);
      const { row } = loaded;
      const changesSharing = (data.categoryId !== undefined && data.categoryId !== row.category_id)
        || (data.sharedWithAdmin !== undefined && data.sharedWithAdmin !== Boolean(row.shared_with_admin))
        || (data.private !== undefined && row.owner_kind === 'admin' && data.private !== Boolean(row.is_private))
        || (data.clientFieldAccess !== undefined && JSON.stringify(data.clientFieldAccess) !== JSON.stringify(loaded.facts.clientFieldAccess ?? null));
      if (facts.kind === 'client' && data.clientFieldAccess !== undefined) throw new ValidationError([issue('clientFieldAccess', 'staffSetsFieldAccess')]);
      if (changesSharing) this.require(facts, 'share', loaded, settings);
      // Only what changes is checked: an unchanged link to a ticket the host has since closed stays as it is.
      await checkLinks(this.ctx.host, row.client_id, changedLinks(data, row));
      if (data.categoryId != null && data.categoryId !== row.category_id) await checkCategory(this.ctx, facts, data.categoryId);

      const now = this.ctx.now();
      const patch: Partial<EntryRow> = {};
      const changed: string[] = [];
      const set = <K extends keyof EntryRow>(field: string, column: K, value: EntryRow[K] | undefined) => {
        if (value === undefined || value === row[column]) return;
        patch[column] = value;
        changed.push(field);
      };
      set('name', 'name', data.name);
      set('username', 'username', data.username);
      set('websiteUrl', 'website_url', data.websiteUrl);
      set('loginUrl', 'login_url', data.loginUrl);
      set('serviceId', 'service_id', data.serviceId);
      set('contactId', 'contact_id', data.contactId);
      set('deviceId', 'device_id', data.deviceId);
      set('ticketId', 'ticket_id', data.ticketId);
      set('categoryId', 'category_id', data.categoryId);
      set('reminderDays', 'reminder_days', data.reminderDays);
      if (data.sharedWithAdmin !== undefined && row.owner_kind === 'client' && data.sharedWithAdmin !== Boolean(row.shared_with_admin)) {
        patch.shared_with_admin = data.sharedWithAdmin;
        changed.push('sharedWithAdmin');
      }
      if (data.private !== undefined && row.owner_kind === 'admin' && data.private !== Boolean(row.is_private)) {
        patch.is_private = data.private;
        changed.push('private');
      }
      if (data.notifyOnChange !== undefined && data.notifyOnChange !== Boolean(row.notify_on_change)) {
        patch.notify_on_change = data.notifyOnChange;
        changed.push('notifyOnChange');
      }
      const tagsChange = data.tags !== undefined && !sameTags(data.tags, loaded.tags) ? data.tags : undefined;
      if (tagsChange) changed.push('tags');
      const tags = tagsChange ?? loaded.tags;
      if (data.clientFieldAccess !== undefined && changesSharing) {
        patch.client_field_access = data.clientFieldAccess === null ? null : JSON.stringify(data.clientFieldAccess);
        changed.push('clientFieldAccess');
      }

      const touchesSecrets = data.password !== undefined || data.notes !== undefined || data.totpSecret !== undefined;
      let history: HistoryRow | null = null;
      // Set only when the notes change: their terms are then written again (if their first line's words changed, or none were yet).
      let notesChange: { before: string | undefined; after: string | null } | null = null;
      if (touchesSecrets) {
        const dataKey = await this.openKey(row);
        for (const field of Object.keys(SECRET_FIELDS) as SecretField[]) {
          const next = data[field];
          if (next === undefined) continue;
          const column = SECRET_FIELDS[field];
          const current = this.open(dataKey, field, row[column]);
          if ((current?.expose() ?? null) === next) continue;
          if (field === 'password' && next) {
            await requireStrongEnough(this.ctx.host, settings, facts, {
              ownerKind: row.owner_kind, ownerId: row.owner_id, name: patch.name ?? row.name, username: patch.username ?? row.username,
            }, next);
          }
          patch[column] = this.seal(dataKey, field, next ?? undefined);
          changed.push(field);
          if (field === 'notes') notesChange = { before: current?.expose(), after: next };
          if (field === 'password') {
            patch.password_changed_at = next === null ? null : now;
            if (current !== null) {
              history = {
                id: newId(now), entry_id: id, version: row.version, key_version: dataKey.keyVersion,
                password_ct: this.ctx.cipher.encrypt(dataKey, `history:${row.version}`, current.expose()),
                changed_at: now, ...changedBy(actor),
              };
            }
          }
        }
      }

      // A field the client may only read, or not see, it may not change either: refused before anything is written.
      const access = fieldAccess(facts, loaded.facts, settings);
      const refused = (Object.keys(INPUT_FIELDS) as Array<keyof typeof INPUT_FIELDS>)
        .filter((input) => changed.includes(input) && refusedFields(access, [INPUT_FIELDS[input]]).length > 0);
      if (refused.length > 0) throw new ValidationError(refused.map((input) => issue(input, 'fieldNotEditable')));
      const shown = (r: EntryRow) => viewFor(facts, access, toView(rowToListed(r, tags)));
      if (changed.length === 0) {
        if (data.version !== row.version) throw new ConflictError('entry', row.version);
        return shown(row);
      }
      let noteTerms: string[] | null = null;
      if (notesChange) {
        const [before, after] = await Promise.all([this.ctx.searchKey.termsOf(notesChange.before), this.ctx.searchKey.termsOf(notesChange.after)]);
        if (!row.notes_indexed || !sameTerms(before, after)) noteTerms = after;
        patch.notes_indexed = true;
      }
      const passwordChanged = changed.includes('password');
      if (passwordChanged || changed.includes('reminderDays')) {
        const changedAt = patch.password_changed_at !== undefined ? patch.password_changed_at : row.password_changed_at;
        patch.next_reminder_at = firstReminderAt(
          changedAt === null ? null : Number(changedAt),
          reminderPeriod(patch.reminder_days !== undefined ? patch.reminder_days : row.reminder_days, settings.defaultReminderDays),
        );
      }
      const t = this.ctx.tables;
      const next: EntryRow = { ...row, ...patch, version: row.version + 1, updated_at: now };
      const refiled = patch.category_id !== undefined;
      await this.ctx.knex.transaction(async (trx) => {
        // The new category's name under the chain's lock, as `create` reads it.
        if (refiled) await this.ctx.audit.lock(trx, now);
        const filed = refiled ? { category_name: await categoryNameOf(trx, t, patch.category_id ?? null) } : {};
        const count = await trx(t.entries)
          .where({ id, version: data.version })
          .update({ ...patch, ...filed, version: data.version + 1, updated_at: now });
        if (count === 0) throw await this.conflict(trx, id);
        if (tagsChange) await replaceTags(trx, t, id, tagsChange);
        if (noteTerms) await replaceNoteTerms(trx, t, id, noteTerms);
        if (history) {
          await trx(t.history).insert(history);
          await pruneHistory(trx, t.history, id, settings.historyDepth);
        }
        await this.ctx.record(trx, actor, restoring
          ? { action: RESTORE_ACTION, entryId: id, clientId: row.client_id, details: { fields: changed, restoredVersion: restoring.restoredVersion } }
          : { action: 'entry.update', entryId: id, clientId: row.client_id, details: { fields: changed } });
        if (passwordChanged && patch.password_ct !== null) await enqueueChangeNotices(trx, this.ctx, next, actor, restoring?.restoredVersion);
      });
      return shown(next);
    });
  }

  /** Replaces the entry's grants (and, for client entries, the "shared with administration" flag). */
  async share(actor: Actor, id: string, input: ShareEntryInput): Promise<EntryView> {
    const data = validate(shareEntrySchema, input);
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'share', loaded, settings);
      const { row } = loaded;
      await checkGrantees(this.ctx.host, facts, row.client_id, data.grants);
      // A client manages only its contacts' grants: those staff gave stay as they are.
      const kept = facts.kind === 'client' ? loaded.facts.grants.filter((g) => g.kind !== 'contact') : [];
      const grants = mergeDuplicatePrincipals([...kept, ...data.grants]);
      const t = this.ctx.tables;
      const now = this.ctx.now();
      const patch: Partial<EntryRow> = { version: data.version + 1, updated_at: now };
      if (data.sharedWithAdmin !== undefined && row.owner_kind === 'client') patch.shared_with_admin = data.sharedWithAdmin;
      await this.ctx.knex.transaction(async (trx) => {
        const count = await trx(t.entries).where({ id, version: data.version }).update(patch);
        if (count === 0) throw await this.conflict(trx, id);
        await trx(t.grants).where('entry_id', id).delete();
        if (grants.length > 0) await trx(t.grants).insert(grants.map((g) => grantRow(id, g)));
        await this.ctx.record(trx, actor, {
          action: 'entry.share', entryId: id, clientId: row.client_id,
          details: {
            before: loaded.facts.grants, after: grants,
            sharedWithAdmin: patch.shared_with_admin ?? Boolean(row.shared_with_admin),
          },
        });
      });
      return viewFor(facts, fieldAccess(facts, loaded.facts, settings), toView(rowToListed({ ...row, ...patch } as EntryRow, loaded.tags)));
    });
  }

  /**
   * Asks (or stops asking) to be told by mail when the entry's password
   * changes. Anyone who may see the entry may ask; the owner's own wish is the
   * entry's `notifyOnChange`.
   */
  async watch(actor: Actor, id: string, on: boolean): Promise<void> {
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'view', loaded, settings);
      const who = recipientOf(actor);
      if (!who) throw new ForbiddenError('watch entries');
      const t = this.ctx.tables;
      const key = { entry_id: id, principal_kind: who.kind, principal_id: who.id };
      await this.ctx.knex.transaction(async (trx) => {
        await trx(t.watchers).where(key).delete();
        if (on) await trx(t.watchers).insert({ ...key, created_at: this.ctx.now() });
      });
    });
  }

  /** Whether the actor asked to hear of password changes on these entries. */
  async watching(actor: Actor, ids: readonly string[]): Promise<Set<string>> {
    const who = recipientOf(actor);
    if (!who || ids.length === 0) return new Set();
    return this.ctx.guard(async () => {
      const rows = await this.ctx.knex(this.ctx.tables.watchers).select('entry_id')
        .where({ principal_kind: who.kind, principal_id: who.id }).whereIn('entry_id', [...ids]) as Array<{ entry_id: string }>;
      return new Set(rows.map((r) => r.entry_id));
    });
  }

  /** Deletes the entry at `version`, the one the actor saw; a later version is a ConflictError. */
  async delete(actor: Actor, id: string, input: DeleteEntryInput): Promise<void> {
    const data = validate(deleteEntrySchema, input);
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'delete', loaded, settings);
      const t = this.ctx.tables;
      await this.ctx.knex.transaction(async (trx) => {
        const count = await trx(t.entries).where('id', id).andWhere('version', data.version).delete();
        if (count === 0) throw await this.conflict(trx, id);
        await trx(t.grants).where('entry_id', id).delete();
        await trx(t.history).where('entry_id', id).delete();
        await trx(t.watchers).where('entry_id', id).delete();
        await trx(t.tags).where('entry_id', id).delete();
        await deleteNoteTerms(trx, t, [id]);
        await this.ctx.record(trx, actor, {
          action: 'entry.delete', entryId: id, clientId: loaded.row.client_id, details: { name: loaded.row.name },
        });
      });
    });
  }

  /**
   * One indexed query for the page and one for the total, both under the
   * actor's visibility. With `countUpTo` the count stops there (a page of
   * the whole vault need not read every entry to say "more than 1,000"):
   * `total` is then at most `offset + countUpTo`, and `totalIsAtLeast` says
   * whether there are more.
   */
  async list(actor: Actor, query: ListEntriesQuery = {}, options: { countUpTo?: number } = {}): Promise<Page<EntryView> & { totalIsAtLeast: boolean }> {
    const q = validate(listEntriesSchema, query);
    return this.ctx.guard(async () => {
      const { base, shown } = await this.visible(actor, q);
      const cap = options.countUpTo === undefined ? null : q.offset + options.countUpTo;
      const counted = cap === null
        ? base().count({ n: '*' })
        : this.ctx.knex.count({ n: '*' }).from(base().select('e.id').limit(cap + 1).as('capped'));
      const [rows, totalRow] = await Promise.all([
        this.page(base(), q, q.offset, q.limit) as unknown as Promise<ListedRow[]>,
        counted.first() as Promise<{ n: number | string } | undefined>,
      ]);
      const total = Number(totalRow?.n ?? 0);
      const capped = cap !== null && total > cap;
      return { items: rows.map(shown), total: capped ? cap : total, totalIsAtLeast: capped, offset: q.offset, limit: q.limit };
    });
  }

  /**
   * A page of a list from `offset`, and whether there are more, with what a
   * panel shows about each (grants, its category's members and name, the
   * reader's watch), all in one statement: one row more than asked. Only when
   * there are more does a second statement count them, up to `countUpTo`
   * past the page (`totalIsAtLeast` then says the list holds more still).
   */
  async firstPage(
    actor: Actor, query: ListEntriesQuery = {}, options: { countUpTo?: number } = {},
  ): Promise<{ items: EntryView[]; more: boolean; facts: Map<string, RowFacts>; total: number; totalIsAtLeast: boolean }> {
    const q = validate(listEntriesSchema, query);
    return this.ctx.guard(async () => {
      const { base, shown } = await this.visible(actor, q);
      const qb = base().select(rowFactColumns(this.ctx.knex, this.ctx.tables, this.ctx.dialect, recipientOf(actor)));
      // A panel that took the settings and categories from an earlier render proves them current in this statement.
      const memo = currentRequest();
      const proving = memo !== undefined && memo.reliedOnStamp() !== undefined;
      if (proving) qb.select(panelStampColumn(this.ctx.knex, this.ctx.tables, PAGE_STAMP));
      const read = await readPrepared<ListedRow & RowFactColumns & { [PAGE_STAMP]?: string | null }>(
        this.ctx.knex, this.ctx.dialect, this.page(qb, q, q.offset, q.limit + 1));
      if (proving && read.length > 0) memo.sawStamp(read[0]![PAGE_STAMP] ?? null);
      const rows = read.slice(0, q.limit);
      const more = read.length > q.limit;
      let total = q.offset + rows.length;
      let totalIsAtLeast = false;
      if (more) {
        const cap = options.countUpTo === undefined ? null : q.offset + options.countUpTo;
        const counted = cap === null
          ? base().count({ n: '*' })
          : this.ctx.knex.count({ n: '*' }).from(base().select('e.id').limit(cap + 1).as('capped'));
        const row = await counted.first() as { n: number | string } | undefined;
        total = Number(row?.n ?? 0);
        totalIsAtLeast = cap !== null && total > cap;
        if (totalIsAtLeast) total = cap!;
      }
      return {
        items: rows.map(shown),
        more,
        facts: new Map(rows.map((row) => [row.id, toRowFacts(row.id, row.category_id, row)])),
        total,
        totalIsAtLeast,
      };
    });
  }

  /** How many of the entries the actor sees each of these categories holds: one grouped count. */
  async countsByCategory(actor: Actor, categoryIds: readonly string[]): Promise<Map<string, number>> {
    if (categoryIds.length === 0) return new Map();
    const q = validate(listEntriesSchema, {});
    return this.ctx.guard(async () => {
      const { base } = await this.visible(actor, q);
      const rows = await base().whereIn('e.category_id', [...categoryIds])
        .select('e.category_id').count({ n: '*' }).groupBy('e.category_id') as Array<{ category_id: string; n: number | string }>;
      return new Map(rows.map((r) => [r.category_id, Number(r.n)]));
    });
  }

  /** The list's filters under the actor's visibility, as a query to build on (rows or count). */
  private async visible(
    actor: Actor, q: ReturnType<typeof listEntriesSchema.parse>,
  ): Promise<{ base: () => Knex.QueryBuilder; shown: (row: ListedRow) => EntryView }> {
    const { facts, settings } = await this.ctx.decisionInputs(actor);
    const t = this.ctx.tables;
    const statusClientId = facts.kind === 'client' ? facts.clientId : q.clientId;
    if (q.serviceStatus !== undefined && statusClientId === undefined) throw new ValidationError([issue('serviceStatus', 'needsClient')]);
    const searchedPrefix = q.search ? searchedWordPrefix(q.search) : null;
    const [hiddenServiceIds, categoryIds, servicesInStatus, noteTerm] = await Promise.all([
      facts.kind === 'client' && facts.active ? servicesHiddenFromClient(this.ctx.host, facts.clientId, settings) : [],
      // Within a request the panel's category list brings the memberships along (one statement for both).
      currentRequest()
        ? categoryReach(this.ctx.knex, t, facts, settings).then((reach) => reach.memberIds)
        : memberCategoryIds(this.ctx.knex, facts, settings, t),
      q.serviceStatus === undefined || statusClientId === undefined ? []
        : servicesInStatusOf(this.ctx.host, statusClientId, q.serviceStatus),
      searchedPrefix === null ? null : this.ctx.searchKey.term(searchedPrefix),
    ]);
    const shown = (row: ListedRow): EntryView => {
      const view = toView(row);
      return viewFor(facts, chosenFieldAccess(facts, { source: 'vault', owner: view.owner, clientFieldAccess: view.clientFieldAccess }, settings), view);
    };
    const base = () => {
      const qb = this.ctx.knex(`${t.entries} as e`);
      const exact: Array<[string, string | undefined]> = [
        ['e.client_id', q.clientId], ['e.owner_kind', q.ownerKind], ['e.owner_id', q.ownerId],
        ['e.category_id', q.categoryId], ['e.service_id', q.serviceId], ['e.contact_id', q.contactId],
        ['e.device_id', q.deviceId], ['e.ticket_id', q.ticketId],
      ];
      for (const [column, value] of exact) if (value !== undefined) qb.where(column, value);
      if (q.tag !== undefined) whereTagged(qb, this.ctx.knex, t, q.tag);
      if (q.rotation === 'overdue') whereOverdue(qb, this.ctx.knex, settings.defaultReminderDays, this.ctx.now());
      if (q.serviceStatus !== undefined) {
        if (servicesInStatus.length === 0) qb.whereRaw('1 = 0');
        else qb.whereIn('e.service_id', servicesInStatus);
      }
      if (q.search) {
        const pattern = containsPattern(q.search);
        // A client may have the username and addresses of staff entries hidden: it finds those by name and tags only.
        const byUsernameOrUrl = (u: Knex.QueryBuilder) => {
          if (facts.kind === 'client') u.where('e.owner_kind', 'client');
          u.where((field) => field.whereRaw(`e.username LIKE ? ESCAPE '!'`, [pattern])
            .orWhereRaw(`e.website_url LIKE ? ESCAPE '!'`, [pattern]).orWhereRaw(`e.login_url LIKE ? ESCAPE '!'`, [pattern]));
        };
        // A search of one word of 3 to 20 letters also finds the entries with a word on their notes' first line starting so.
        // Notes may be hidden from a client, as addresses may: a client never finds staff entries by their notes.
        const byNotes = (term: string) => (n: Knex.QueryBuilder) => {
          if (facts.kind === 'client') n.where('e.owner_kind', 'client');
          n.whereIn('e.id', entriesWithNoteTerm(this.ctx.knex, t, term));
        };
        qb.where((s) => {
          s.whereRaw(`e.name LIKE ? ESCAPE '!'`, [pattern])
            .orWhere(byUsernameOrUrl)
            // The folded key, so that a search finds a tag whatever its case (on MariaDB too, where the key's collation is binary).
            .orWhereIn('e.id', this.ctx.knex(t.tags).select('entry_id').whereRaw(`tag_key LIKE ? ESCAPE '!'`, [tagKey(pattern)]));
          if (noteTerm) s.orWhere(byNotes(noteTerm));
        });
      }
      visibleEntries(qb, facts, settings, t, { hiddenServiceIds, memberCategoryIds: categoryIds, oneClient: q.clientId !== undefined });
      return qb;
    };
    return { base, shown };
  }

  private page(qb: Knex.QueryBuilder, q: { sort: EntrySort; direction: 'asc' | 'desc' }, offset: number, limit: number): Knex.QueryBuilder {
    const order = q.direction;
    return qb
      .select(this.ctx.knex.raw(this.listedColumns), tagsColumn(this.ctx.knex, this.ctx.tables, this.ctx.dialect))
      // The id last and in the same direction: each sort has an index on (column, id) to read in order.
      .orderBy([{ column: SORT_COLUMNS[q.sort], order }, { column: 'e.id', order }])
      .offset(offset)
      .limit(limit);
  }

  async history(actor: Actor, id: string): Promise<HistoryItem[]> {
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'reveal', loaded, settings);
      // Old passwords are the password too: hidden with it.
      if (hiddenFields(facts, loaded.facts, settings).includes('password')) return [];
      const rows = await this.ctx.knex(this.ctx.tables.history)
        .select('id', 'entry_id', 'version', 'changed_at', 'changed_by_kind', 'changed_by_id')
        .where('entry_id', id).orderBy('version', 'desc') as HistoryRow[];
      return rows.map(toHistoryItem);
    });
  }

  async revealHistory(actor: Actor, id: string, historyId: string): Promise<Secret> {
    return this.ctx.guard(async () => {
      const { facts, settings, loaded } = await this.loadFor(actor, id);
      this.require(facts, 'reveal', loaded, settings);
      const passwordHidden = hiddenFields(facts, loaded.facts, settings).includes('password');
      const item = passwordHidden ? undefined : await this.ctx.knex(this.ctx.tables.history)
        .where({ entry_id: id, id: historyId }).first() as HistoryRow | undefined;
      if (!item) throw new NotFoundError('password version');
      const dataKey = await this.openKey(loaded.row);
      const secret = new Secret(this.ctx.cipher.decrypt(dataKey, `history:${item.version}`, item.password_ct));
      await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, {
        action: 'entry.history.reveal', entryId: id, clientId: loaded.row.client_id, details: { version: item.version },
      }, settings));
      return secret;
    });
  }

  /**
   * An entry's secrets for an export, which audits once for all its entries:
   * null when the actor may see the entry but not reveal it.
   */
  async secretsForExport(actor: Actor, id: string): Promise<RevealedSecrets | null> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      const loaded = await this.load(actor, id);
      this.require(facts, 'view', loaded, settings);
      return can(facts, 'reveal', loaded.facts, settings)
        ? secretsFor(hiddenFields(facts, loaded.facts, settings), await this.secretsOf(loaded.row))
        : null;
    });
  }

  /** One field's value, opening only its own ciphertext; null when the entry has none. */
  private async fieldOf(row: EntryRow, field: CopyField): Promise<CopiedField | null> {
    if (field === 'username') return row.username ? { field, value: new Secret(row.username), secondsLeft: null } : null;
    const secretField: SecretField = field === 'totp' ? 'totpSecret' : field;
    const sealed = row[SECRET_FIELDS[secretField]];
    if (sealed === null) return null;
    const value = this.open(await this.openKey(row), secretField, sealed)!;
    if (field !== 'totp') return { field, value, secondsLeft: null };
    const { code, secondsLeft } = totpCode(value.expose(), new Date(this.ctx.now()));
    return { field, value: new Secret(code), secondsLeft };
  }

  private async secretsOf(row: EntryRow): Promise<RevealedSecrets> {
    const dataKey = await this.openKey(row);
    return {
      password: this.open(dataKey, 'password', row.password_ct),
      notes: this.open(dataKey, 'notes', row.notes_ct),
      totpSecret: this.open(dataKey, 'totpSecret', row.totp_ct),
    };
  }

  private require(facts: ActorFacts, action: EntryAction, loaded: Loaded | undefined, settings: VaultSettings): asserts loaded is Loaded {
    if (!loaded || !can(facts, 'view', loaded.facts, settings)) throw new NotFoundError('entry');
    if (!can(facts, action, loaded.facts, settings)) throw new ForbiddenError(`${action} this entry`);
  }

  /** Who asks, and the entry with the settings: one host look-up and one statement, side by side. */
  private async loadFor(actor: Actor, id: string): Promise<{ facts: ActorFacts; settings: VaultSettings; loaded: Loaded | undefined }> {
    const [facts, loaded] = await Promise.all([this.ctx.actorFacts(actor), this.load(actor, id)]);
    // Without the entry the answer is "not found" whatever the settings say.
    return { facts, settings: loaded?.settings ?? await this.ctx.settings(), loaded };
  }

  /** The entry with its grants, its category's members, its tags and the settings, in one statement of one row. */
  private async load(actor: Actor, id: string): Promise<(Loaded & { settings: VaultSettings }) | undefined> {
    if (isServiceEntryId(id)) {
      // Service credentials are read-only: visible ones are forbidden to change, the rest not found.
      await this.services.get(actor, id);
      throw new ForbiddenError('change the credentials of a service here; change them in the host');
    }
    const t = this.ctx.tables;
    const db = this.ctx.knex;
    const read = await db(`${t.entries} as e`)
      .select('e.*', ...sharingColumns(db, t, this.ctx.dialect), this.ctx.settingsColumn('lk_settings'), tagsColumn(db, t, this.ctx.dialect))
      .where('e.id', id).first() as LoadedRow | undefined;
    if (!read) return undefined;
    const { lk_grants: _g, lk_members: _m, lk_settings: stored, lk_tags: storedTags, ...row } = read;
    const { grants, members } = sharingOf(id, row.category_id, read);
    const linked = await linkedServiceStatuses(this.ctx.host, [row]);
    return {
      row, facts: vaultEntryFacts(row, grants, members, linked.get(row.id) ?? null), tags: tagsFrom(storedTags), settings: settingsFrom(stored),
    };
  }

  private async conflict(trx: Knex.Transaction, id: string): Promise<Error> {
    const current = await trx(this.ctx.tables.entries).select('version').where('id', id).first() as { version: number } | undefined;
    return current ? new ConflictError('entry', current.version) : new NotFoundError('entry');
  }

  /** A new entry's row, its secrets sealed under a data key of its own. */
  private async sealedRow(
    data: ReturnType<typeof createEntrySchema.parse>, owner: { kind: 'admin' | 'client'; id: string }, clientId: string | null,
    settings: VaultSettings, now: number,
  ): Promise<EntryRow> {
    const id = newId(now);
    const { dataKey, wrapped } = await this.ctx.cipher.newDataKey(id);
    return {
      id,
      name: data.name,
      username: data.username,
      website_url: data.websiteUrl ?? null,
      login_url: data.loginUrl ?? null,
      owner_kind: owner.kind,
      owner_id: owner.id,
      client_id: clientId,
      service_id: data.serviceId ?? null,
      contact_id: data.contactId ?? null,
      device_id: data.deviceId ?? null,
      ticket_id: data.ticketId ?? null,
      category_id: data.categoryId ?? null,
      // Read with the lock where the row is written (create, createMany).
      category_name: null,
      shared_with_admin: owner.kind === 'client' && data.sharedWithAdmin,
      is_private: owner.kind === 'admin' && data.private,
      reminder_days: data.reminderDays ?? null,
      notify_on_change: data.notifyOnChange,
      client_field_access: data.clientFieldAccess == null ? null : JSON.stringify(data.clientFieldAccess),
      next_reminder_at: firstReminderAt(
        data.password === undefined ? null : now, reminderPeriod(data.reminderDays ?? null, settings.defaultReminderDays),
      ),
      version: 1,
      kek_id: wrapped.keyId,
      wrapped_key: wrapped.blob,
      key_version: dataKey.keyVersion,
      password_ct: this.seal(dataKey, 'password', data.password),
      notes_ct: this.seal(dataKey, 'notes', data.notes),
      totp_ct: this.seal(dataKey, 'totpSecret', data.totpSecret),
      created_at: now,
      updated_at: now,
      password_changed_at: data.password === undefined ? null : now,
      // Its terms are written with it (create, createMany).
      notes_indexed: true,
    };
  }

  private openKey(row: EntryRow): Promise<OpenDataKey> {
    return this.ctx.cipher.openDataKey(row.id, row.key_version, { keyId: row.kek_id, blob: row.wrapped_key });
  }

  private seal(dataKey: OpenDataKey, field: SecretField, value: string | undefined): string | null {
    return value === undefined ? null : this.ctx.cipher.encrypt(dataKey, FIELD_NAMES[field], value);
  }

  private open(dataKey: OpenDataKey, field: SecretField, sealed: string | null): Secret | null {
    return sealed === null ? null : new Secret(this.ctx.cipher.decrypt(dataKey, FIELD_NAMES[field], sealed));
  }
}

/** An entry to create in bulk, and the import record it came from, if any. */
export interface NewEntry {
  input: CreateEntryInput;
  fingerprint?: { scope: string; fingerprint: string };
}

/** What became of one entry of a bulk create: its id, or why the rules refused it. */
export type CreatedOrRefused = { ok: true; id: string } | { ok: false; issues: Issue[] };

/** The problems a check names, or none. */
async function problemsOf(check: () => Promise<void>): Promise<Issue[]> {
  try {
    await check();
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.issues];
    throw err;
  }
}

function ownerFor(facts: ActorFacts, settings: VaultSettings): { kind: 'admin' | 'client'; id: string } {
  if (facts.kind === 'admin' && facts.active) return { kind: 'admin', id: facts.adminId };
  if (facts.kind === 'client' && clientMayCreate(facts, settings)) return { kind: 'client', id: facts.clientId };
  throw new ForbiddenError('create entries');
}

/** The links an update names with a value other than the stored one. */
function changedLinks(data: LinkFields, row: EntryRow): LinkFields {
  const links: LinkFields = {};
  for (const [field, column] of LINK_COLUMNS) {
    const value = data[field];
    if (value !== undefined && value !== row[column]) links[field] = value;
  }
  return links;
}

function changedBy(actor: Actor): { changed_by_kind: string; changed_by_id: string | null } {
  switch (actor.kind) {
    case 'admin': return { changed_by_kind: 'admin', changed_by_id: actor.adminId };
    case 'client': return { changed_by_kind: 'client', changed_by_id: actor.contactId ? `${actor.clientId}/${actor.contactId}` : actor.clientId };
    case 'system': return { changed_by_kind: 'system', changed_by_id: null };
  }
}

async function countOwned(trx: Knex.Transaction, entries: string, clientId: string): Promise<number> {
  const row = await trx(entries).where({ owner_kind: 'client', owner_id: clientId }).count({ n: '*' }).first() as { n: number | string };
  return Number(row.n);
}

async function pruneHistory(trx: Knex.Transaction, table: string, entryId: string, keep: number): Promise<void> {
  const stale = await trx(table).select('id').where('entry_id', entryId).orderBy('version', 'desc').offset(keep).limit(1000) as Array<{ id: string }>;
  if (stale.length > 0) await trx(table).whereIn('id', stale.map((r) => r.id)).delete();
}

function grantRow(entryId: string, grant: Grant): GrantRow {
  return { entry_id: entryId, principal_kind: grant.kind, principal_id: grant.id, can_edit: grant.canEdit, level: grantLevel(grant) };
}

/** Whether two entries' notes are found by the same terms (titleWordPrefixes gives them in a stable order). */
function sameTerms(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((term, i) => term === b[i]);
}
