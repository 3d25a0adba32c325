import { fieldAccessChoices } from './field-access-model.ts';
import type { Actor } from '../domain/actor.ts';
import type { Category } from '../domain/category.ts';
import type { HostClient } from '../ports/host-directory.ts';
import type { Latchkey } from '../latchkey.ts';
import { DEFAULT_SETTINGS, type VaultSettings } from '../domain/settings.ts';
import type { HookSurface } from './hook-contract.ts';
import type { EntryRowModel } from './entry-rows-model.ts';
import { NameBook } from './name-book.ts';

interface Option {
  id: string;
  name: string;
}

/** Who an entry can be shared with, for the share dialog. */
export interface ShareTargets {
  admins: Option[];
  roles: Option[];
  clients: Option[];
  contacts: Option[];
}

/** What every panel template gets besides its rows. */
export interface PanelBase {
  surface: HookSurface;
  actorKind: 'admin' | 'client';
  categories: Option[];
  /** Fields a new entry starts with (client, ticket, service of the page). */
  newEntryDefaults: string;
  /** The rotation period an entry follows when it sets none (days), for the dialog's "use the default" choice. */
  defaultReminderDays: number | null;
  /** What the dialog's generator starts from. */
  generator: VaultSettings['passwordPolicy']['generator'];
  /** Whether the actor is a contact (a client's login that does not own the client's entries). */
  actorIsContact: boolean;
  /** The entry dialog's choice of what the client may do with each field (staff only). */
  fieldAccessFields: ReturnType<typeof fieldAccessChoices>;
  /** Seconds a revealed password stays shown; 0 until hidden by hand. */
  revealHideSeconds: number;
  /** The entry dialog's contact and device fields, on a staff panel about one client or a client's main account; else null. */
  linkFields: LinkFields | null;
}

/**
 * The entry dialog's fields that link an entry to a contact or device of the
 * panel's client, chosen by name (the pickers ask the API); `names` names the
 * links entries already have. The device field is left out where the host
 * keeps no devices for the client (WHMCS keeps none).
 */
export interface LinkFields {
  pickers: LinkPicker[];
  /** JSON: `{ contactId: { id: name }, deviceId: { id: name } }`. */
  names: string;
}

/** One link field: the entry's field, where its picker asks, and its strings. */
export interface LinkPicker {
  kind: 'contact' | 'device';
  field: 'contactId' | 'deviceId';
  source: string;
  labelKey: string;
  noneKey: string;
  suggestionsKey: string;
}

export function linkFieldsOf(clientId: string, contacts: readonly Option[], devices: readonly Option[]): LinkFields {
  const byId = (items: readonly Option[]) => Object.fromEntries(items.map((i) => [i.id, i.name]));
  const picker = (kind: 'contact' | 'device', noneKey: string): LinkPicker => ({
    kind, field: `${kind}Id`, source: `/clients/${encodeURIComponent(clientId)}/${kind}s`,
    labelKey: `entry.${kind}`, noneKey, suggestionsKey: `entry.${kind}Suggestions`,
  });
  return {
    pickers: [picker('contact', 'entry.noContactFound'), ...devices.length > 0 ? [picker('device', 'entry.noDeviceFound')] : []],
    names: JSON.stringify({ contactId: byId(contacts), deviceId: byId(devices) }),
  };
}

const SYSTEM = { kind: 'system' } as const;

/**
 * What the entry dialog starts from, whoever opens it (the default rotation
 * period and the generator's rules), and how long a reveal stays shown.
 */
export interface DialogDefaults {
  reminderDays: number | null;
  generator: VaultSettings['passwordPolicy']['generator'];
  revealHideSeconds: number;
}

/** The entry dialog's defaults, read as the system. */
export async function dialogDefaults(lk: Latchkey): Promise<DialogDefaults> {
  const settings = await lk.settings.get(SYSTEM);
  return { reminderDays: settings.defaultReminderDays, generator: settings.passwordPolicy.generator, revealHideSeconds: settings.revealHideSeconds };
}

/**
 * Share targets for an admin: every admin and role, the client and its
 * contacts. The client's record may still be on its way: its contacts are
 * asked for by id meanwhile.
 */
export async function adminShareTargets(
  lk: Latchkey,
  clientId: string | null,
  client: Promise<HostClient | null> = Promise.resolve(null),
): Promise<ShareTargets> {
  const [admins, roles, contacts, found] = await Promise.all([
    lk.host.allAdmins(),
    lk.host.adminRoles(),
    clientId ? lk.host.contactsOfClients([clientId]) : Promise.resolve([]),
    client,
  ]);
  return {
    admins: admins.filter((a) => !a.disabled).map((a) => ({ id: a.id, name: a.name })),
    roles: roles.map((r) => ({ id: r.id, name: r.name })),
    clients: found ? [{ id: found.id, name: found.name }] : [],
    contacts: contacts.map((c) => ({ id: c.id, name: c.name })),
  };
}

/** The names a panel's share targets already hold, so its rows need no second look-up for them. */
export function namesFrom(lk: Latchkey, targets: ShareTargets): NameBook {
  return new NameBook(lk.host)
    .learn('admin', targets.admins)
    .learn('admin_role', targets.roles)
    .learn('client', targets.clients)
    .learn('contact', targets.contacts);
}

export function panelBase(
  surface: HookSurface,
  actor: Actor,
  categories: readonly Category[],
  newEntryDefaults: Record<string, string | null | undefined>,
  dialog: DialogDefaults = { reminderDays: null, generator: DEFAULT_SETTINGS.passwordPolicy.generator, revealHideSeconds: DEFAULT_SETTINGS.revealHideSeconds },
  linkFields: LinkFields | null = null,
): PanelBase {
  return {
    surface,
    actorKind: actor.kind === 'client' ? 'client' : 'admin',
    actorIsContact: actor.kind === 'client' && actor.contactId !== undefined,
    defaultReminderDays: dialog.reminderDays,
    generator: dialog.generator,
    categories: categories.map((c) => ({ id: c.id, name: c.name })),
    newEntryDefaults: JSON.stringify(newEntryDefaults),
    fieldAccessFields: fieldAccessChoices(null),
    revealHideSeconds: dialog.revealHideSeconds,
    linkFields,
  };
}

export type { EntryRowModel };
