import { readFileSync } from 'node:fs';
import { issue, NotFoundError, packageFile, ValidationError, type AddonSection, type AdminActor, type Issue, type Latchkey } from '../../core/index.ts';
import { normaliseZendeskId, ZENDESK_LINK_KINDS, type ZendeskLink, type ZendeskLinkKind, type ZendeskMapping } from './mapping.ts';

export interface ZendeskLinksSectionOptions {
  latchkey: Latchkey;
  /** The Zendesk account's subdomain (`acme` for acme.zendesk.com): the page's ids then link to Zendesk. */
  subdomain?: string;
}

/** `page=zendesk-links`; its forms post to `<api>/addon/zendesk-links/link` and `…/unlink`. */
export const ZENDESK_LINKS_SECTION = 'zendesk-links';

/** What the installer links by hand; `ticket` links are the sidebar's own (listed, and removable). */
const LINKABLE_KINDS = ['agent', 'user', 'email', 'organization'] as const satisfies readonly ZendeskLinkKind[];
/** Ticket links grow with every ticket opened: the page shows the newest this many. */
const TICKETS_SHOWN = 200;
const HOST_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;
const LABEL_MAX = 200;

const TEMPLATE = readFileSync(packageFile('adapters', 'zendesk', 'templates', 'links-section.hbs'), 'utf8');

/**
 * The addon page "Zendesk links", for `mountLatchkey({ addonSections })`: the
 * installer lists the links of `mapping` by kind (agents with their admin's
 * name, end users, email addresses, organizations and tickets with their
 * client's name), adds one (an agent to an admin chosen from the host's
 * admins, the others to a client found by name or email, or by id), and
 * removes any. Every change is in the audit log (`addon.change`). Latchkey
 * shows the page, and runs its actions, only for admins who may run the addon.
 */
export function zendeskLinksSection(mapping: ZendeskMapping, options: ZendeskLinksSectionOptions): AddonSection {
  const lk = options.latchkey;
  const subdomain = options.subdomain;
  if (subdomain !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/i.test(subdomain)) {
    throw new TypeError('zendeskLinksSection: subdomain is the part before .zendesk.com');
  }
  const zendeskUrl = (kind: ZendeskLinkKind, id: string): string | null => {
    if (!subdomain) return null;
    const path = kind === 'agent' || kind === 'user' ? `users/${id}`
      : kind === 'organization' ? `organizations/${id}` : kind === 'ticket' ? `tickets/${id}` : null;
    return path ? `https://${subdomain}.zendesk.com/agent/${path}` : null;
  };

  return {
    name: ZENDESK_LINKS_SECTION,
    navLabelKey: 'zendeskLinks.title',
    template: TEMPLATE,

    async model() {
      const [links, tickets, allAdmins] = await Promise.all([
        Promise.all(LINKABLE_KINDS.map((kind) => mapping.list(kind))), mapping.newest('ticket', TICKETS_SHOWN), lk.host.allAdmins(),
      ]);
      const byKind = new Map<ZendeskLinkKind, ZendeskLink[]>(LINKABLE_KINDS.map((kind, i) => [kind, links[i]!]));
      byKind.set('ticket', tickets.links);
      const totalOf = (kind: ZendeskLinkKind) => (kind === 'ticket' ? tickets.total : byKind.get(kind)!.length);
      const shown = (kind: ZendeskLinkKind) => byKind.get(kind)!;
      // Names in two bulk look-ups: admins for agents, clients for every other kind.
      const adminIds = unique(shown('agent').map((l) => l.latchkeyId));
      const clientIds = unique(ZENDESK_LINK_KINDS.filter((k) => k !== 'agent').flatMap((k) => shown(k).map((l) => l.latchkeyId)));
      const [admins, clients] = await Promise.all([lk.host.admins(adminIds), lk.host.clients(clientIds)]);
      const groups = ZENDESK_LINK_KINDS.filter((kind) => totalOf(kind) > 0).map((kind) => ({
        kind,
        total: totalOf(kind),
        more: totalOf(kind) > shown(kind).length,
        rows: shown(kind).map((link) => {
          const name = (kind === 'agent' ? admins.get(link.latchkeyId)?.name : clients.get(link.latchkeyId)?.name) ?? null;
          return {
            zendeskId: link.zendeskId,
            zendeskUrl: zendeskUrl(kind, link.zendeskId),
            latchkeyId: link.latchkeyId,
            name,
            displayName: name ?? link.latchkeyId,
            label: link.label ?? '',
            remove: { action: 'unlink', input: { kind, zendeskId: link.zendeskId } },
          };
        }),
      }));
      return {
        kinds: LINKABLE_KINDS,
        admins: allAdmins.filter((a) => !a.disabled).map((a) => ({ id: a.id, name: a.name })).sort((a, b) => a.name.localeCompare(b.name)),
        groups,
      };
    },

    actions: {
      /** `{ kind, zendeskId, adminId (agent) | clientId (the others), label? }`: adds the link, or replaces the one with the same kind and Zendesk id. */
      async link(actor: AdminActor, input: unknown) {
        const body = fields(input, ['kind', 'zendeskId', 'adminId', 'clientId', 'label']);
        const issues: Issue[] = [];
        const kind = oneOf(body, 'kind', LINKABLE_KINDS, issues);
        const zendeskId = kind ? zendeskIdOf(body, kind, issues) : null;
        const targetField = kind === 'agent' ? 'adminId' : 'clientId';
        const latchkeyId = kind ? hostId(body, targetField, issues) : null;
        const label = optionalText(body, 'label', LABEL_MAX, issues);
        if (issues.length > 0 || !kind || !zendeskId || !latchkeyId) throw new ValidationError(issues);
        // The admin or client must exist in the host now (and an admin be enabled).
        if (kind === 'agent') {
          const admin = (await lk.host.admins([latchkeyId])).get(latchkeyId);
          if (!admin || admin.disabled) throw new ValidationError([issue('adminId', 'notAnAdmin')]);
        } else if (!(await lk.host.clients([latchkeyId])).has(latchkeyId)) {
          throw new ValidationError([issue('clientId', 'notInHost')]);
        }
        const before = (await mapping.find(kind, [zendeskId])).get(zendeskId);
        const link = await mapping.link({ kind, zendeskId, latchkeyId, label });
        await lk.audit.recordAddonChange(actor, {
          section: ZENDESK_LINKS_SECTION,
          action: 'link',
          clientId: kind === 'agent' ? null : latchkeyId,
          details: { kind, zendeskId: link.zendeskId, latchkeyId, replaced: before?.latchkeyId ?? null },
        });
      },

      /** `{ kind, zendeskId }`: removes that link (any kind, tickets too); 404 when there is none. */
      async unlink(actor: AdminActor, input: unknown) {
        const body = fields(input, ['kind', 'zendeskId']);
        const issues: Issue[] = [];
        const kind = oneOf(body, 'kind', ZENDESK_LINK_KINDS, issues);
        const zendeskId = kind ? zendeskIdOf(body, kind, issues) : null;
        if (issues.length > 0 || !kind || !zendeskId) throw new ValidationError(issues);
        const before = (await mapping.find(kind, [zendeskId])).get(zendeskId);
        if (!before || !(await mapping.unlink(kind, zendeskId))) throw new NotFoundError('zendesk link');
        await lk.audit.recordAddonChange(actor, {
          section: ZENDESK_LINKS_SECTION,
          action: 'unlink',
          clientId: kind === 'agent' ? null : before.latchkeyId,
          details: { kind, zendeskId, latchkeyId: before.latchkeyId },
        });
      },
    },
  };
}

/** The body as an object with only the `known` fields; anything else is refused by name. */
function fields(input: unknown, known: readonly string[]): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError([issue('(body)', 'mustBeObject')]);
  const unknown = Object.keys(input).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new ValidationError(unknown.map((key) => issue(key.slice(0, 60), 'unknownField')));
  return input as Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string, issues: Issue[]): string | null {
  const value = body[field];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    issues.push(issue(field, 'required'));
    return null;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    issues.push(issue(field, 'mustBeText'));
    return null;
  }
  return String(value).trim();
}

function oneOf<K extends string>(body: Record<string, unknown>, field: string, values: readonly K[], issues: Issue[]): K | null {
  const value = text(body, field, issues);
  if (value === null) return null;
  if ((values as readonly string[]).includes(value)) return value as K;
  issues.push(issue(field, 'oneOf', { values: values.map((v) => JSON.stringify(v)).join(', ') }));
  return null;
}

function zendeskIdOf(body: Record<string, unknown>, kind: ZendeskLinkKind, issues: Issue[]): string | null {
  const value = text(body, 'zendeskId', issues);
  if (value === null) return null;
  const id = normaliseZendeskId(kind, value);
  if (id === null) issues.push(issue('zendeskId', kind === 'email' ? 'invalid' : 'badId'));
  return id;
}

function hostId(body: Record<string, unknown>, field: string, issues: Issue[]): string | null {
  const value = text(body, field, issues);
  if (value === null) return null;
  if (HOST_ID.test(value)) return value;
  issues.push(issue(field, 'hostId'));
  return null;
}

function optionalText(body: Record<string, unknown>, field: string, max: number, issues: Issue[]): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    issues.push(issue(field, 'mustBeText'));
    return null;
  }
  const trimmed = value.trim();
  if (trimmed.length > max) issues.push(issue(field, 'tooLong', { max }));
  return trimmed || null;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
