import type { Actor } from '../domain/actor.ts';
import type { Latchkey } from '../latchkey.ts';
import type { AuditEvent, SubjectNames } from '../services/audit-service.ts';
import type { HostAdmin, HostClient, HostContact, HostService } from '../ports/host-directory.ts';

/** Looks a key up in one language, filling `{{name}}` values. */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

/** One audit event as people read it: a sentence, and the names it was made of. */
export interface AuditLine {
  event: AuditEvent;
  sentence: string;
  actorName: string;
  clientName: string;
  entryName: string;
  /** Where it happened, as a phrase ("from the ticket sidebar of #1042"), or empty. */
  place: string;
}

/** The people and things a page of events names, each looked up once for the whole page. */
interface Names {
  admins: Map<string, HostAdmin>;
  clients: Map<string, HostClient>;
  contacts: Map<string, HostContact>;
  services: Map<string, HostService>;
  subjects: SubjectNames;
}

const PLACES = ['clientSummary', 'ticketSidebar', 'clientArea', 'adminPages'];

/**
 * The sentences of a page of events, in one language: names come from the
 * host in a bulk look-up of each kind (admins, clients, contacts, services),
 * entry and category names in two queries, whatever the page holds. Someone
 * or something gone since is named by what the event itself kept (an entry's
 * name at deletion), else as gone; a service the host forgot, by its id.
 * Details never hold a secret, and only the details named below make it into
 * a sentence.
 */
export async function auditLines(lk: Latchkey, actor: Actor, events: readonly AuditEvent[], t: Translate): Promise<AuditLine[]> {
  if (events.length === 0) return [];
  const adminIds = new Set<string>();
  const clientIds = new Set<string>();
  const contactIds = new Set<string>();
  const serviceIds = new Set<string>();
  const addPerson = (kind: string, id: string | null | undefined) => {
    if (!id) return;
    if (kind === 'admin') adminIds.add(id);
    if (kind !== 'client') return;
    const [clientId, contactId] = id.split('/', 2) as [string, string | undefined];
    clientIds.add(clientId);
    if (contactId) contactIds.add(contactId);
  };
  for (const e of events) {
    addPerson(e.actor.kind, e.actor.id);
    if (e.clientId) clientIds.add(e.clientId);
    addPerson('admin', text(e.details?.adminId));
    const service = text(e.details?.serviceId);
    if (service) serviceIds.add(service);
    const person = personKey(e.details?.person);
    if (person) addPerson(person.kind, person.id);
  }
  const [admins, clients, contacts, services, subjects] = await Promise.all([
    lk.host.admins([...adminIds]), lk.host.clients([...clientIds]),
    contactIds.size > 0 ? lk.host.contacts([...contactIds]) : Promise.resolve(new Map<string, HostContact>()),
    serviceIds.size > 0 ? lk.host.services([...serviceIds]) : Promise.resolve(new Map<string, HostService>()),
    lk.audit.subjectNames(actor, {
      entryIds: events.map((e) => e.entryId).filter((id): id is string => id !== null),
      categoryIds: events.map((e) => e.categoryId).filter((id): id is string => id !== null),
    }),
  ]);
  const names: Names = { admins, clients, contacts, services, subjects };
  return events.map((event) => lineOf(event, names, t));
}

function lineOf(event: AuditEvent, names: Names, t: Translate): AuditLine {
  const d = event.details ?? {};
  const actorName = personOf(event, names, t);
  const clientName = event.clientId ? names.clients.get(event.clientId)?.name ?? t('auditLine.goneClient', { id: event.clientId }) : '';
  const entryName = event.entryId
    ? names.subjects.entries.get(event.entryId) ?? text(d.name) ?? t('auditLine.goneEntry')
    : '';
  const category = event.categoryId ? names.subjects.categories.get(event.categoryId) ?? text(d.name) ?? t('auditLine.goneCategory') : text(d.name) ?? '';
  const values: Record<string, unknown> = {
    actor: actorName,
    entry: entryName,
    category,
    fields: fieldList(d.fields, t),
    field: typeof d.field === 'string' ? t(`auditLine.fields.${d.field}`, { defaultValue: d.field }) : '',
    version: numberText(d.version),
    restoredVersion: numberText(d.restoredVersion),
    count: numberText(d.entries ?? d.created ?? d.count),
    format: text(d.format) ?? '',
    section: text(d.section) ?? '',
    change: text(d.action) ?? '',
    token: text(d.name) ?? '',
    method: text(d.method) ?? '',
    reason: text(d.reason) ?? '',
    person: text(d.adminId) ? personName('admin', text(d.adminId)!, names, t) : personNamed(d.person, names, t),
    from: text(d.from) ?? '', to: text(d.to) ?? '',
    service: text(d.serviceId) ? names.services.get(text(d.serviceId)!)?.label ?? text(d.serviceId)! : '',
    changed: Array.isArray(d.changed) ? d.changed.filter((c): c is string => typeof c === 'string').join(', ') : '',
    headSeq: numberText(d.headSeq),
  };
  if (typeof d.rule === 'string') values.rule = t(`alerts.rules.${d.rule}`, { ...values, count: numberText(d.count), minutes: numberText(d.minutes) });
  const place = placeOf(d, t);
  let sentence = t(`auditSentence.${event.action}`, values);
  if (sentence === `auditSentence.${event.action}`) sentence = t('auditSentence.other', { ...values, action: event.action });
  if (clientName) sentence += t('auditLine.forClient', { client: clientName });
  sentence += place;
  const via = text(d.via);
  if (via) sentence += t('auditLine.viaToken', { token: via });
  return { event, sentence: `${sentence}${t('auditLine.end')}`, actorName, clientName, entryName, place };
}

/** Who acted: a staff member, a client or one of its contacts by name; Latchkey itself; or, when gone, by id. */
function personOf(event: AuditEvent, names: Names, t: Translate): string {
  return event.actor.kind === 'system' || event.actor.id === null ? t('auditLine.system') : personName(event.actor.kind, event.actor.id, names, t);
}

/** A person as details key them (`admin:<id>`, `client:<id>/<contact>`); `*` is everyone together. */
function personNamed(value: unknown, names: Names, t: Translate): string {
  if (value === '*') return t('auditLine.everyone');
  const key = personKey(value);
  return key ? personName(key.kind, key.id, names, t) : '';
}

function personKey(value: unknown): { kind: string; id: string } | null {
  if (typeof value !== 'string') return null;
  const at = value.indexOf(':');
  return at > 0 ? { kind: value.slice(0, at), id: value.slice(at + 1) } : null;
}

function personName(kind: string, id: string, names: Names, t: Translate): string {
  if (kind === 'admin') return names.admins.get(id)?.name ?? t('auditLine.goneAdmin', { id });
  if (kind !== 'client') return id;
  const [clientId, contactId] = id.split('/', 2) as [string, string | undefined];
  const client = names.clients.get(clientId)?.name ?? t('auditLine.goneClient', { id: clientId });
  if (!contactId) return client;
  const contact = names.contacts.get(contactId)?.name;
  return contact ? t('auditLine.contactOf', { contact, client }) : t('auditLine.goneContact', { id: contactId, client });
}

/** ", from the ticket sidebar of #1042": where the panel that acted was, when the event says. */
function placeOf(d: Record<string, unknown>, t: Translate): string {
  const place = text(d.place);
  if (!place || !PLACES.includes(place)) return '';
  const ticket = text(d.ticketId);
  return place === 'ticketSidebar' && ticket ? t('auditLine.places.ticketOf', { ticket }) : t(`auditLine.places.${place}`);
}

function fieldList(fields: unknown, t: Translate): string {
  if (!Array.isArray(fields)) return '';
  const named = fields.filter((f): f is string => typeof f === 'string').map((f) => t(`auditLine.fields.${f}`, { defaultValue: f }));
  return named.length > 0 ? named.join(', ') : t('auditLine.nothing');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberText(value: unknown): string {
  return typeof value === 'number' ? String(value) : '';
}
