import type { Knex } from 'knex';
import type { Actor } from '../domain/actor.ts';
import type { Category, CategoryMember } from '../domain/category.ts';
import { mergeDuplicatePrincipals } from '../domain/principal-list.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import type { ActorFacts } from '../policy/facts.ts';
import { toMember, type MemberRow } from '../store/entry-rows.ts';
import { newId } from '../store/ids.ts';
import type { Page } from '../domain/entry.ts';
import {
  clientCategoriesSchema, createCategorySchema, updateCategorySchema,
  type ClientCategoriesQuery, type CreateCategoryInput, type UpdateCategoryInput,
} from '../validation/schemas.ts';
import { validate } from '../validation/validate.ts';
import { issue, type Issue } from '../validation/rules.ts';
import type { VaultContext } from './context.ts';
import { categoryReach, forgetCategoryReach, toCategory, type CategoryRow } from './category-reach.ts';
import { containsPattern } from '../store/like-pattern.ts';
import { movePanelStamp } from './panel-cache.ts';
import { categoryNamesOf } from '../store/category-names.ts';

/**
 * Admin categories are run by addon managers and give their members (admins,
 * admin roles, clients, contacts) access to every entry filed in them. A
 * client's own categories organise its entries and may include its contacts.
 */
export class CategoryService {
  constructor(private readonly ctx: VaultContext) {}

  async create(actor: Actor, input: CreateCategoryInput): Promise<Category> {
    const data = validate(createCategorySchema, input);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      const owner = this.ownerFor(facts, canDo(facts, 'manageAdminCategories', settings));
      await this.checkMembers(facts, data.members);
      const now = this.ctx.now();
      const row: CategoryRow = { id: newId(now), name: data.name, owner_kind: owner.kind, owner_id: owner.id, created_at: now, updated_at: now };
      const members = mergeDuplicatePrincipals(data.members);
      await this.ctx.knex.transaction(async (trx) => {
        await this.ctx.audit.lock(trx, now);
        await trx(this.ctx.tables.categories).insert(row);
        await this.writeMembers(trx, row.id, members);
        await movePanelStamp(trx, this.ctx.tables, now);
        await this.ctx.record(trx, actor, {
          action: 'category.create', categoryId: row.id, clientId: owner.kind === 'client' ? owner.id : null,
          details: { name: row.name, members },
        });
      });
      forgetCategoryReach();
      return toCategory(row, members);
    });
  }

  /**
   * Names of categories by id, for labelling entries the caller already may
   * see (a client's category on a staff page). Names only, never members.
   */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return this.ctx.guard(() => categoryNamesOf(this.ctx.knex, this.ctx.tables, ids));
  }

  /** Admins see every admin category; a client its own and those it is a member of. */
  async list(actor: Actor): Promise<Category[]> {
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      return (await categoryReach(this.ctx.knex, this.ctx.tables, facts, settings)).listed;
    });
  }

  /**
   * Clients' own categories, for the addon's managers, who may rename and
   * delete them: a page at a time by name, optionally one client's, with the total.
   */
  async listOfClients(actor: Actor, query: ClientCategoriesQuery = {}): Promise<Page<Category>> {
    const q = validate(clientCategoriesSchema, query);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'manageAdminCategories', settings)) throw new ForbiddenError('manage clients\' categories');
      const t = this.ctx.tables;
      const base = () => {
        const qb = this.ctx.knex(`${t.categories} as c`).where('c.owner_kind', 'client');
        if (q.clientId !== undefined) qb.andWhere('c.owner_id', q.clientId);
        if (q.search) qb.andWhereRaw(`c.name LIKE ? ESCAPE '!'`, [containsPattern(q.search)]);
        return qb;
      };
      const [rows, total] = await Promise.all([
        base().select('c.*').orderBy([{ column: 'c.name' }, { column: 'c.id' }]).offset(q.offset).limit(q.limit) as Promise<CategoryRow[]>,
        base().count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
      ]);
      const members = rows.length === 0 ? [] : await this.ctx.knex(t.categoryMembers)
        .whereIn('category_id', rows.map((r) => r.id)) as MemberRow[];
      return {
        items: rows.map((row) => toCategory(row, members.filter((m) => m.category_id === row.id).map(toMember))),
        total: Number(total?.n ?? 0), offset: q.offset, limit: q.limit,
      };
    });
  }

  async update(actor: Actor, id: string, input: UpdateCategoryInput): Promise<Category> {
    const data = validate(updateCategorySchema, input);
    return this.ctx.guard(async () => {
      const { facts, row } = await this.loadManaged(actor, id);
      // Staff rename or delete a client's category; who is in it stays the client's choice.
      if (data.members && row.owner_kind === 'client' && facts.kind === 'admin') {
        throw new ValidationError([issue('members', 'clientChoosesMembers')]);
      }
      if (data.members) await this.checkMembers(facts, data.members);
      const now = this.ctx.now();
      const t = this.ctx.tables;
      let next: CategoryRow = row;
      let members: CategoryMember[] = [];
      await this.ctx.knex.transaction(async (trx) => {
        // Queue behind other writers (replacing members is a delete and an insert, which two
        // transactions could otherwise interleave into a deadlock), then change only what was
        // asked: a rename made meanwhile by someone else stays.
        await this.ctx.audit.lock(trx, now);
        const stored = await trx(t.categories).where('id', id).first() as CategoryRow | undefined;
        if (!stored) throw new NotFoundError('category');
        const storedMembers = (await trx(t.categoryMembers).where('category_id', id) as MemberRow[]).map(toMember);
        const renamed = data.name !== undefined && data.name !== stored.name;
        const wanted = data.members ? mergeDuplicatePrincipals(data.members) : null;
        next = stored;
        members = storedMembers;
        // Nothing to change (no field, or each as it is): nothing is written, and there is no event to audit.
        if (!renamed && (!wanted || sameMembers(wanted, storedMembers))) return;
        await trx(t.categories).where('id', id).update({ ...(renamed ? { name: data.name } : {}), updated_at: now });
        // Its entries carry its name for the sort by category (migration 0019).
        if (renamed) await trx(t.entries).where('category_id', id).update({ category_name: data.name });
        await movePanelStamp(trx, t, now);
        next = { ...stored, ...(renamed ? { name: data.name! } : {}), updated_at: now };
        if (wanted) {
          members = wanted;
          await trx(t.categoryMembers).where('category_id', id).delete();
          await this.writeMembers(trx, id, members);
        }
        await this.ctx.record(trx, actor, {
          action: 'category.update', categoryId: id, clientId: row.owner_kind === 'client' ? row.owner_id : null,
          details: {
            name: next.name, ...(next.name !== row.name ? { previousName: row.name } : {}), ...(data.members ? { members } : {}),
            ...(row.owner_kind === 'client' && facts.kind === 'admin' ? { ownerClientId: row.owner_id } : {}),
          },
        });
      });
      forgetCategoryReach();
      return toCategory(next, members);
    });
  }

  /** Entries filed in the category stay, uncategorised. */
  async delete(actor: Actor, id: string): Promise<void> {
    return this.ctx.guard(async () => {
      const { facts, row } = await this.loadManaged(actor, id);
      const t = this.ctx.tables;
      await this.ctx.knex.transaction(async (trx) => {
        const now = this.ctx.now();
        await this.ctx.audit.lock(trx, now);
        await movePanelStamp(trx, t, now);
        await trx(t.entries).where('category_id', id).update({ category_id: null, category_name: null });
        await trx(t.categoryMembers).where('category_id', id).delete();
        await trx(t.categories).where('id', id).delete();
        await this.ctx.record(trx, actor, {
          action: 'category.delete', categoryId: id, clientId: row.owner_kind === 'client' ? row.owner_id : null,
          details: { name: row.name, ...(row.owner_kind === 'client' && facts.kind === 'admin' ? { ownerClientId: row.owner_id } : {}) },
        });
      });
      forgetCategoryReach();
    });
  }

  private async loadManaged(actor: Actor, id: string): Promise<{ facts: ActorFacts; row: CategoryRow }> {
    const { facts, settings } = await this.ctx.decisionInputs(actor);
    const row = await this.ctx.knex(this.ctx.tables.categories).where('id', id).first() as CategoryRow | undefined;
    if (!row) throw new NotFoundError('category');
    // The addon's managers run every category, clients' own included (the host's staff tidy them up).
    const manages = canDo(facts, 'manageAdminCategories', settings)
      || (row.owner_kind === 'client' && facts.kind === 'client' && facts.active && facts.contactId === null && facts.clientId === row.owner_id);
    if (!manages) {
      const sees = (facts.kind === 'admin' && facts.active && row.owner_kind === 'admin')
        || (facts.kind === 'client' && facts.clientId === row.owner_id);
      throw sees ? new ForbiddenError('manage this category') : new NotFoundError('category');
    }
    return { facts, row };
  }

  private ownerFor(facts: ActorFacts, managesAdminCategories: boolean): { kind: 'admin' | 'client'; id: string } {
    if (facts.kind === 'admin' && managesAdminCategories) return { kind: 'admin', id: facts.adminId };
    if (facts.kind === 'client' && facts.active && facts.contactId === null) return { kind: 'client', id: facts.clientId };
    throw new ForbiddenError('create categories');
  }

  /** Client categories hold only the client's own contacts; admin categories anyone the host knows. */
  private async checkMembers(facts: ActorFacts, members: CategoryMember[]): Promise<void> {
    const host = this.ctx.host;
    const ids = (kind: CategoryMember['kind']) => members.filter((m) => m.kind === kind).map((m) => m.id);
    const [admins, roles, clients, contacts] = await Promise.all([
      host.admins(ids('admin')), host.adminRoles(), host.clients(ids('client')), host.contacts(ids('contact')),
    ]);
    const roleIds = new Set(roles.map((r) => r.id));
    const problems: Issue[] = [];
    members.forEach((m, index) => {
      const field = `members.${index}.id`;
      if (facts.kind === 'client') {
        const contact = contacts.get(m.id);
        if (m.kind !== 'contact') problems.push(issue(`members.${index}.kind`, 'clientCategoryContactsOnly'));
        else if (!contact || contact.clientId !== facts.clientId) problems.push(issue(field, 'notYourContact'));
        return;
      }
      const known = m.kind === 'admin' ? admins.has(m.id)
        : m.kind === 'admin_role' ? roleIds.has(m.id)
        : m.kind === 'client' ? clients.has(m.id)
        : contacts.has(m.id);
      if (!known) problems.push(issue(field, 'unknownMember'));
    });
    if (problems.length > 0) throw new ValidationError(problems);
  }

  private async writeMembers(trx: Knex.Transaction, categoryId: string, members: CategoryMember[]): Promise<void> {
    if (members.length === 0) return;
    await trx(this.ctx.tables.categoryMembers).insert(members.map((m) => ({
      category_id: categoryId, member_kind: m.kind, member_id: m.id, can_edit: m.canEdit,
    })));
  }
}

/** The same members with the same rights, in any order. */
function sameMembers(a: readonly CategoryMember[], b: readonly CategoryMember[]): boolean {
  const key = (m: CategoryMember) => `${m.kind}\u0000${m.id}\u0000${m.canEdit}`;
  const left = new Set(a.map(key));
  return a.length === b.length && b.every((m) => left.has(key(m)));
}
