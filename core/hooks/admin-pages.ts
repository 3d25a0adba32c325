import type { AdminActor } from '../domain/actor.ts';
import { fieldAccessChoices } from './field-access-model.ts';
import { SERVICE_STATUSES } from '../ports/host-directory.ts';
import { ValidationError } from '../errors.ts';
import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import { pickLanguage, type Language } from '../render/languages.ts';
import { DUE_SOON_DAYS, type DueEntry } from '../services/vault-report.ts';
import { API_TOKEN_MAX_DAYS, API_TOKEN_SCOPES } from '../services/api-tokens.ts';
import { checkAddonSections, type AddonSection } from './addon-section.ts';
import { entryRows } from './entry-rows-model.ts';
import { accessPageModel, alertLines, reviewPageModel } from './access-pages.ts';
import type { Hook, HookContext, HookSurface } from './hook-contract.ts';
import { MAIL_PLACEHOLDERS, mailEditors, previewMail } from './mail-preview.ts';
import { transferForms } from './transfer-model.ts';
import { adminShareTargets, namesFrom, panelBase, dialogDefaults } from './panel-model.ts';
import { stepUpChoices } from './step-up-choices.ts';
import { withQuery } from './page-url.ts';
import { entryQuery, isNarrowed, listControls, listedOrRefused, listPager, problemText, readListChoice } from './list-controls.ts';
import { auditPageModel } from './audit-page.ts';
import { EXCLUDED_CLIENT_WORDS, idPickList, RESTRICTED_CONTACT_WORDS } from './id-pick-list.ts';
import { hostId } from '../validation/schemas.ts';

export const ADMIN_PAGES = ['dashboard', 'entries', 'categories', 'settings', 'audit', 'tokens', 'transfer', 'access', 'review'] as const;
type AdminPage = (typeof ADMIN_PAGES)[number];

const PAGE_SIZE = 50;
/** The addon list's fields whose refusal the page shows next to its form, by their label. */
const LIST_FIELD_LABELS: Record<string, string> = {
  search: 'list.search', tag: 'tags.filter', clientId: 'list.client', serviceStatus: 'list.serviceStatus',
};
/** How far the "all access details" page counts before it says "more than" instead. */
const COUNT_UP_TO = 1_000;

/**
 * The addon's own pages, for admins who run the addon: dashboard, all access
 * details, categories, settings and the audit log, then any sections the
 * adapters add (`AddonSection`).
 */
export function adminPagesHook(lk: Latchkey, renderer: Renderer, sections: readonly AddonSection[] = []): Hook {
  checkAddonSections(sections, ADMIN_PAGES);
  return async (actor, context, surface) => {
    if (actor.kind !== 'admin') return null;
    const [admins, mayRun] = await Promise.all([lk.host.admins([actor.adminId]), lk.mayRunAddon(actor)]);
    const admin = admins.get(actor.adminId);
    if (!admin || admin.disabled || !mayRun) return null;
    const section = sections.find((s) => s.name === context.page);
    const page: string = section ? section.name
      : (ADMIN_PAGES as readonly string[]).includes(context.page ?? '') ? context.page! : 'dashboard';
    const language = pickLanguage(context.language, admin.language);
    const nav = [
      ...ADMIN_PAGES.map((name) => ({ name, labelKey: `admin.pages.${name}` })),
      ...sections.map((s) => ({ name: s.name, labelKey: s.navLabelKey })),
    ].map((item) => ({ ...item, current: item.name === page, href: withQuery(surface.pageUrl, { page: item.name }) }));
    if (section) {
      const sectionHtml = renderer.renderSource(section.template, { surface, ...await section.model(actor, context, surface) }, { language });
      return renderer.render('admin/section', {
        ...panelBase(surface, actor, [], {}),
        surface, nav, page, section: { name: section.name, navLabelKey: section.navLabelKey }, sectionHtml,
      }, { language });
    }
    const builtIn = page as AdminPage;
    const body = await PAGE_MODELS[builtIn](lk, actor, context, surface, { renderer, language, adminName: admin.name });
    return renderer.render(`admin/${builtIn}`, { ...body, ...filterForm(surface.pageUrl), surface, nav, page }, { language });
  };
}

interface PageEnv {
  renderer: Renderer;
  language: Language;
  adminName: string;
}

type PageModel = (lk: Latchkey, actor: AdminActor, context: HookContext, surface: HookSurface, env: PageEnv) => Promise<object>;

const PAGE_MODELS: Record<AdminPage, PageModel> = {
  async dashboard(lk, actor) {
    const report = await lk.report.build(actor);
    const listed = [...report.overdue, ...report.dueSoon];
    const mailTo = (kind: string) => report.failedMail.filter((m) => m.recipient.kind === kind).map((m) => m.recipient.id);
    const [admins, clients, categories, contacts] = await Promise.all([
      lk.host.admins(unique([
        ...report.byAdmin.map((r) => r.key ?? ''),
        ...listed.filter((d) => d.entry.owner.kind === 'admin').map((d) => d.entry.owner.id),
        ...mailTo('admin'),
      ])),
      lk.host.clients(unique([
        ...report.byClient.map((r) => r.key ?? ''),
        ...listed.flatMap((d) => [d.entry.clientId ?? '', d.entry.owner.kind === 'client' ? d.entry.owner.id : '']),
        ...mailTo('client'),
      ].filter(Boolean))),
      lk.categories.list(actor),
      lk.host.contacts(unique(mailTo('contact'))),
    ]);
    const people = { admin: admins, client: clients, contact: contacts };
    const categoryNames = new Map(categories.map((c) => [c.id, c.name]));
    const dueRow = (d: DueEntry) => ({
      id: d.entry.id,
      name: d.entry.name,
      // A client's own entry names the client as its owner already.
      clientName: d.entry.clientId && !(d.entry.owner.kind === 'client' && d.entry.owner.id === d.entry.clientId)
        ? clients.get(d.entry.clientId)?.name ?? d.entry.clientId : null,
      ownerName: d.entry.owner.kind === 'admin'
        ? admins.get(d.entry.owner.id)?.name ?? d.entry.owner.id
        : clients.get(d.entry.owner.id)?.name ?? d.entry.owner.id,
      passwordChangedAt: d.entry.passwordChangedAt,
      periodDays: Math.round((d.dueAt.getTime() - (d.entry.passwordChangedAt?.getTime() ?? d.dueAt.getTime())) / 86_400_000),
      dueAt: d.dueAt,
      days: d.days,
    });
    return {
      total: report.total,
      byClient: report.byClient.map((r) => ({ name: clients.get(r.key ?? '')?.name ?? r.key, count: r.count })),
      byAdmin: report.byAdmin.map((r) => ({ name: admins.get(r.key ?? '')?.name ?? r.key, count: r.count })),
      byCategory: report.byCategory.map((r) => ({ name: categoryNames.get(r.key ?? '') ?? r.key, count: r.count })),
      overdue: report.overdue.map(dueRow),
      overdueCount: report.overdueCount,
      overdueMore: report.overdueCount > report.overdue.length,
      dueSoon: report.dueSoon.map(dueRow),
      dueSoonCount: report.dueSoonCount,
      dueSoonMore: report.dueSoonCount > report.dueSoon.length,
      soonDays: DUE_SOON_DAYS,
      failedMail: report.failedMail.map((m) => ({
        id: m.id,
        kindKey: `mailEditor.kinds.${m.kind}`,
        recipientName: people[m.recipient.kind].get(m.recipient.id)?.name ?? m.recipient.id,
        attempts: m.attempts,
        error: m.error,
        failedAt: m.failedAt,
      })),
      failedMailCount: report.failedMailCount,
      failedMailMore: report.failedMailCount > report.failedMail.length,
      alerts: await alertLines(lk, actor),
    };
  },

  async entries(lk, actor, context, surface, env) {
    const params = context.params ?? {};
    const choice = readListChoice(params, '');
    const offset = choice.offset;
    const tag = (params.tag ?? '').trim().slice(0, 255);
    // A search the vault refuses (a control character pasted in, say) gives the page back with what is wrong, not an error page.
    let searchProblem: string | null = null;
    let tagProblem: string | null = null;
    // Counted up to a bound: the whole vault is "more than 1,000", not a count of every entry on every page.
    const query = { ...entryQuery(choice, actor), tag: tag || undefined, offset, limit: PAGE_SIZE };
    const listing = lk.entries.list(actor, query, { countUpTo: COUNT_UP_TO }).catch((err: unknown) => {
      if (!(err instanceof ValidationError) || !(err.field in LIST_FIELD_LABELS)) throw err;
      const problem = err.issues[0]!;
      const t = env.renderer.translator(env.language);
      if (err.field === 'tag') tagProblem = t(`validation.${problem.rule}`, problem.params ?? {});
      // The line under the form names the field, whichever it was (a client id that is no id, a status without a client).
      else searchProblem = problemText(problem, t, LIST_FIELD_LABELS[err.field]);
      return { items: [], total: 0, totalIsAtLeast: false, offset, limit: PAGE_SIZE };
    });
    const [page, categories, targets, dialog, chosenClient] = await Promise.all([
      listing,
      lk.categories.list(actor),
      adminShareTargets(lk, null),
      dialogDefaults(lk),
      // An id edited by hand into something that is no id is refused by the list; the host is not asked about it.
      choice.clientId === null || !hostId.safeParse(choice.clientId).success ? null
        : lk.host.clients([choice.clientId]).then((found) => found.get(choice.clientId!)),
    ]);
    const rows = await entryRows(lk, actor, page.items, categories, undefined, namesFrom(lk, targets));
    return {
      ...panelBase(surface, actor, categories, {}, dialog),
      // Each chip lists the entries carrying its tag.
      rows: rows.map((row) => ({ ...row, tagLinks: row.tags.map((name) => ({ name, href: withQuery(surface.pageUrl, { page: 'entries', tag: name }) })) })),
      controls: listControls(surface.pageUrl, '', choice, {
        categories: categories.map((c) => ({ id: c.id, name: c.name })), owners: ['client', 'staff', 'mine'], statuses: true,
        searchProblem, idPrefix: 'lk-entries', tag: { value: tag, problem: tagProblem },
        // The picker shows the client chosen by name, also on a page opened from a link that carries only the id.
        client: { name: choice.clientId === null ? '' : chosenClient?.name ?? env.renderer.translator(env.language)('settings.unknownClient', { id: choice.clientId }) },
      }),
      pager: listPager(withQuery(surface.pageUrl, { page: 'entries' }), 'offset', {
        offset, shown: page.items.length, more: offset + page.items.length < page.total || page.totalIsAtLeast, total: page.total, totalIsAtLeast: page.totalIsAtLeast,
      }, PAGE_SIZE),
      emptyKey: isNarrowed(choice) || tag !== '' ? 'list.noMatch' : 'entries.empty',
    };
  },

  async categories(lk, actor, context, surface, env) {
    const offset = Math.max(0, Number.parseInt(context.params?.offset ?? '0', 10) || 0);
    const search = (context.params?.search ?? '').trim().slice(0, 255);
    const empty = { items: [], total: 0, offset, limit: PAGE_SIZE };
    const [categories, { listed: ofClients, searchIssue }, admins, roles] = await Promise.all([
      lk.categories.list(actor), listedOrRefused(lk.categories.listOfClients(actor, { search: search || undefined, offset, limit: PAGE_SIZE }), empty),
      lk.host.allAdmins(), lk.host.adminRoles(),
    ]);
    const clientIds = [
      ...categories.flatMap((c) => c.members.filter((m) => m.kind === 'client').map((m) => m.id)),
      ...ofClients.items.map((c) => c.owner.id),
    ];
    const clients = await lk.host.clients(clientIds);
    const adminNames = new Map(admins.map((a) => [a.id, a.name]));
    const roleNames = new Map(roles.map((r) => [r.id, r.name]));
    const nameOf = (kind: string, id: string) => kind === 'admin' ? adminNames.get(id)
      : kind === 'admin_role' ? roleNames.get(id) : kind === 'client' ? clients.get(id)?.name : undefined;
    return {
      ...panelBase(surface, actor, [], {}),
      categoryList: categories.map((c) => ({
        id: c.id,
        name: c.name,
        members: c.members.map((m) => ({ ...m, name: nameOf(m.kind, m.id) ?? m.id })),
        editable: JSON.stringify({ id: c.id, name: c.name, members: c.members.map((m) => ({ ...m, name: nameOf(m.kind, m.id) ?? m.id })) }),
      })),
      clientCategoryList: ofClients.items.map((c) => ({
        id: c.id,
        name: c.name,
        clientName: clients.get(c.owner.id)?.name ?? c.owner.id,
        memberCount: c.members.length,
        // Staff rename and delete a client's category; its members stay the client's choice.
        editable: JSON.stringify({ id: c.id, name: c.name, renameOnly: true }),
      })),
      clientCategories: {
        ...filterForm(surface.pageUrl),
        search,
        searchProblem: problemText(searchIssue, env.renderer.translator(env.language)),
        emptyKey: search === '' ? 'category.noneOfClients' : 'category.noMatch',
      },
      pager: listPager(withQuery(surface.pageUrl, { page: 'categories', search }), 'offset', {
        offset, shown: ofClients.items.length, more: offset + ofClients.items.length < ofClients.total, total: ofClients.total, totalIsAtLeast: false,
      }, PAGE_SIZE),
    };
  },

  async settings(lk, actor, _context, surface, env) {
    const [settings, admins, roles, groups, products, productGroups] = await Promise.all([
      lk.settings.get(actor), lk.host.allAdmins(), lk.host.adminRoles(), lk.host.clientGroups(),
      lk.host.allProducts(), lk.host.productGroups(),
    ]);
    const check = (ids: string[]) => (item: { id: string; name: string }) => ({ id: item.id, name: item.name, checked: ids.includes(item.id) });
    const [excluded, restricted] = await Promise.all([
      lk.host.clients([
        ...settings.clientPrivateEntries.excludedClientIds, ...settings.clientServicePasswords.excludedClientIds,
        ...settings.clientArea.excludedClientIds,
      ]),
      lk.host.contacts(settings.clientArea.restrictedContactIds),
    ]);
    const named = (ids: string[]) => idPickList(ids, excluded, '/clients', EXCLUDED_CLIENT_WORDS);
    const editors = mailEditors(env.renderer, settings, env.language);
    const first = editors[0]!.editors.find((e) => e.selected) ?? editors[0]!.editors[0]!;
    const preview = previewMail(env.renderer, settings, {
      kind: first.kind, language: first.language, subject: first.subject, body: first.body,
    }, env.adminName);
    return {
      ...panelBase(surface, actor, [], {}, {
        reminderDays: settings.defaultReminderDays, generator: settings.passwordPolicy.generator, revealHideSeconds: settings.revealHideSeconds,
      }),
      settings,
      strengthGroups: groups.map((g) => ({ id: g.id, name: g.name, score: settings.passwordPolicy.clientGroupMinimumScores[g.id] ?? 0 })),
      modes: (['full', 'restricted', 'shared'] as const).map((mode) => ({ mode, selected: settings.adminAccessMode === mode })),
      allowedAdmins: admins.map(check(settings.allowedAdminIds)),
      allowedRoles: roles.map(check(settings.allowedAdminRoleIds)),
      extendedRoles: roles.map(check(settings.extendedAdminRoleIds)),
      privateExcludedGroups: groups.map(check(settings.clientPrivateEntries.excludedClientGroupIds)),
      serviceExcludedGroups: groups.map(check(settings.clientServicePasswords.excludedClientGroupIds)),
      serviceExcludedProducts: products.map(check(settings.clientServicePasswords.excludedProductIds)),
      serviceExcludedProductGroups: productGroups.map(check(settings.clientServicePasswords.excludedProductGroupIds)),
      privateExcludedClients: named(settings.clientPrivateEntries.excludedClientIds),
      serviceExcludedClients: named(settings.clientServicePasswords.excludedClientIds),
      areaExcludedGroups: groups.map(check(settings.clientArea.excludedClientGroupIds)),
      areaExcludedClients: named(settings.clientArea.excludedClientIds),
      restrictedContacts: idPickList(settings.clientArea.restrictedContactIds, restricted, '/contacts', RESTRICTED_CONTACT_WORDS),
      defaultFieldAccess: fieldAccessChoices(settings.defaultClientFieldAccess),
      serviceVisibleStatuses: SERVICE_STATUSES.map((status) => ({
        id: status, nameKey: `settings.statuses.${status}`, checked: settings.clientServicePasswords.visibleStatuses.includes(status),
      })),
      ...stepUpChoices(settings.stepUp, roles, groups, admins),
      mailKinds: editors,
      mailEditorList: editors.flatMap((k) => k.editors),
      mailLanguages: editors[0]!.editors.map((e) => ({ language: e.language, name: e.languageName, selected: e.language === first.language })),
      mailPlaceholders: MAIL_PLACEHOLDERS.map((name) => ({ name, token: `{{${name}}}`, hintKey: `mailEditor.placeholders.${name}` })),
      preview: { subject: preview.subject, text: preview.text },
    };
  },

  async audit(lk, actor, context, surface, env) {
    const t = env.renderer.translator(env.language);
    const model = await auditPageModel(lk, actor, context.params ?? {}, t, {
      page: (query) => withQuery(surface.pageUrl, { page: 'audit', ...query }),
      csv: (query) => withQuery(`${surface.apiBase}/audit/csv`, query),
    });
    return { ...panelBase(surface, actor, [], {}), ...model };
  },

  async access(lk, actor, context, surface, env) {
    return { ...panelBase(surface, actor, [], {}), ...await accessPageModel(lk, actor, context, env) };
  },

  async review(lk, actor, _context, surface) {
    return { ...panelBase(surface, actor, [], {}), ...await reviewPageModel(lk, actor) };
  },

  // Addon managers see every admin's tokens here; the token itself only ever shows in the page's script, once.
  async tokens(lk, actor, _context, surface) {
    const tokens = await lk.apiTokens.list(actor, { all: true });
    const admins = await lk.host.admins(unique(tokens.map((t) => t.adminId)));
    return {
      ...panelBase(surface, actor, [], {}),
      tokenScopes: API_TOKEN_SCOPES.map((scope) => ({ scope, labelKey: `apiTokens.scope.${scope}`, checked: scope === 'read' })),
      maxDays: API_TOKEN_MAX_DAYS,
      defaultDays: 90,
      tokenList: tokens.map((t) => ({
        ...t,
        adminName: admins.get(t.adminId)?.name ?? t.adminId,
        scopeKeys: t.scopes.map((scope) => `apiTokens.scopeShort.${scope}`),
        statusKey: `apiTokens.statuses.${t.status}`,
        revocable: t.status !== 'revoked',
      })),
    };
  },

  // Import and export: the file is read and sent by the page's script; the page itself holds no entry.
  async transfer(lk, actor, _context, surface) {
    const categories = await lk.categories.list(actor);
    return {
      ...panelBase(surface, actor, [], {}),
      ...transferForms(categories),
    };
  },
};

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** A GET form that lands on the same page: the page URL's own query becomes hidden fields. */
function filterForm(pageUrl: string): { formAction: string; formHidden: Array<{ name: string; value: string }> } {
  const [path, query] = pageUrl.split('?', 2) as [string, string | undefined];
  const keep = [...new URLSearchParams(query)].filter(([name]) => !FILTER_PARAMS.has(name));
  return { formAction: path, formHidden: keep.map(([name, value]) => ({ name, value })) };
}

const FILTER_PARAMS = new Set(['page', 'search', 'tag', 'offset', 'clientId', 'entryId', 'actorId', 'action', 'beforeSeq', 'actor', 'from', 'to']);

export { withQuery };
