import { call } from './api-client.ts';
import { all, closeDialogOf, fieldOf, inputOf, required } from './dom.ts';
import type { EditableEntry } from './editable.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import { linksOf, showLinks } from './link-fields.ts';
import { say, type PanelConfig } from './panel-config.ts';
import { showTags, tagsOf } from './tag-input.ts';
import { showStrength } from './password-strength.ts';
import { toast } from './toast.ts';

/** What the entry form sends: a field the dialog does not show is absent. */
type EntryPayload = Record<string, string | number | boolean | null | string[] | Record<string, string>>;

/** How often reminders come: the default period, never, or every n days. */
type ReminderMode = 'default' | 'off' | 'every';

/** The entry a form edits (null for a new one), and the payload it showed when it opened. */
const opened = new WeakMap<HTMLFormElement, { original: EditableEntry | null; shown: EntryPayload | null }>();

/** Opens the add dialog (`entry` null) or the edit dialog, filled with what the entry shows. */
export function openEntryDialog(cfg: PanelConfig, entry: EditableEntry | null): void {
  const dialog = required(cfg.panel, '[data-lk-entry-dialog]', HTMLDialogElement);
  const form = required(dialog, 'form', HTMLFormElement);
  form.reset();
  clearErrors(form);
  const editing = Boolean(entry);
  const title = required(dialog, 'h2', HTMLElement);
  // The edit dialog names its entry: with several open one after another, the user sees which one this is.
  title.textContent = entry ? say(cfg, 'editTitle', { name: entry.name }) : title.dataset.lkTitleNew ?? '';
  for (const hint of all(form, '[data-lk-edit-only]', HTMLElement)) hint.hidden = !editing;
  const set = (name: string, value: unknown) => {
    const input = fieldOf(form, name);
    if (!input) return;
    if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = Boolean(value);
    else input.value = value === null || value === undefined ? '' : String(value);
  };
  showCurrentCategory(cfg, form, entry);
  showTags(cfg, form, entry?.tags ?? []);
  showLinks(cfg, form, entry);
  showStrength(cfg, form);
  if (entry) {
    for (const name of ['id', 'version', 'name', 'username', 'websiteUrl', 'loginUrl', 'categoryId', 'notifyOnChange', 'sharedWithAdmin', 'private'] as const) set(name, entry[name]);
  } else {
    set('id', '');
    set('version', '');
  }
  // Secrets are never loaded into the form: one the entry holds shows as kept until something is typed.
  for (const [name, has] of [['password', 'hasPassword'], ['notes', 'hasNotes'], ['totpSecret', 'hasTotp']] as const) {
    const input = fieldOf(form, name);
    if (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement) input.placeholder = entry && entry[has] ? say(cfg, 'secretKept') : '';
  }
  // null follows the default period, 0 turns reminders off, n reminds every n days.
  const days = entry ? entry.reminderDays : null;
  setReminderMode(form, days === null || days === undefined ? 'default' : days === 0 ? 'off' : 'every');
  set('reminderDays', days ? days : '');
  // "Notify me when the password changes" is the owner's own wish; others use the toggle on the entry.
  for (const box of all(form, '[data-lk-owner-only]', HTMLElement)) box.hidden = Boolean(entry) && entry?.isOwner === false;
  // "Shared with the administration" belongs to a client's own entry; on any other it could only be shown wrong.
  for (const box of all(form, '[data-lk-client-owner-only]', HTMLElement)) {
    box.hidden = Boolean(entry) && (entry?.isOwner === false || entry?.ownerKind !== 'client');
  }
  // "Private" is the author's choice about a staff entry: shown to whoever may change its sharing.
  for (const box of all(form, '[data-lk-staff-private]', HTMLElement)) {
    box.hidden = Boolean(entry) && (entry?.ownerKind !== 'admin' || !entry?.canShare);
  }
  showFieldAccess(form, entry);
  opened.set(form, { original: entry, shown: entry ? entryPayload(form) : null });
  dialog.showModal();
  inputOf(form, 'name').focus();
}

/** The inputs of each field whose access toward the client staff choose. */
const ACCESS_INPUTS: Record<string, readonly string[]> = {
  username: ['username'], password: ['password'], urls: ['websiteUrl', 'loginUrl'], notes: ['notes'], totp: ['totpSecret'],
};

/**
 * Staff see their choice in the selects (none chosen: the default). A client
 * finds the fields it may only read locked, and those hidden from it gone.
 */
function showFieldAccess(form: HTMLFormElement, entry: EditableEntry | null): void {
  const access = entry?.clientFieldAccess ?? null;
  const staffDialog = form.querySelector('[data-lk-field-access]') !== null;
  for (const select of all(form, '[data-lk-field-access-for]', HTMLSelectElement)) {
    select.value = access?.[select.dataset.lkFieldAccessFor ?? ''] ?? '';
  }
  for (const [field, names] of Object.entries(ACCESS_INPUTS)) {
    const level = staffDialog ? 'edit' : access?.[field] ?? 'edit';
    for (const name of names) {
      const input = fieldOf(form, name);
      if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) continue;
      input.readOnly = level === 'read';
      const label = input.closest('label');
      if (label) label.hidden = level === 'hidden';
    }
  }
}

/**
 * The category list holds the categories this user may file into. An entry
 * filed elsewhere (a client's own category, seen by staff) keeps its
 * category: it is shown by name, as an extra choice that only this dialog
 * has, so that saving without touching it keeps it.
 */
function showCurrentCategory(cfg: PanelConfig, form: HTMLFormElement, entry: EditableEntry | null): void {
  const select = fieldOf(form, 'categoryId');
  if (!(select instanceof HTMLSelectElement)) return;
  for (const option of all(select, 'option[data-lk-kept-category]', HTMLOptionElement)) option.remove();
  const id = entry?.categoryId;
  if (!entry || !id || [...select.options].some((option) => option.value === id)) return;
  const option = document.createElement('option');
  option.value = id;
  option.dataset.lkKeptCategory = '';
  const name = entry.categoryName || say(cfg, 'categoryUnnamed');
  option.textContent = say(cfg, cfg.actor === 'admin' ? 'clientCategoryKept' : 'otherCategoryKept', { name });
  select.append(option);
}

export function setReminderMode(form: HTMLFormElement, mode: ReminderMode): void {
  for (const radio of all(form, 'input[name="reminderMode"]', HTMLInputElement)) radio.checked = radio.value === mode;
}

function reminderMode(form: HTMLFormElement): string {
  const chosen = form.querySelector('input[name="reminderMode"]:checked');
  return chosen instanceof HTMLInputElement ? chosen.value : 'default';
}

function entryPayload(form: HTMLFormElement): EntryPayload {
  const value = (name: string) => fieldOf(form, name)?.value;
  const checked = (name: string) => {
    const input = fieldOf(form, name);
    return input instanceof HTMLInputElement ? input.checked : undefined;
  };
  let fieldAccess: Record<string, string> | null | undefined;
  const orNull = (text: string | undefined) => (text === undefined ? undefined : text.trim() === '' ? null : text.trim());
  const payload: Record<string, string | number | boolean | null | string[] | undefined> = {
    name: value('name'),
    username: value('username'),
    websiteUrl: orNull(value('websiteUrl')),
    loginUrl: orNull(value('loginUrl')),
  };
  // A field the dialog does not show is never sent.
  const shown = (name: string) => {
    const input = fieldOf(form, name);
    return Boolean(input) && !input?.closest('[hidden]');
  };
  if (shown('notifyOnChange')) payload.notifyOnChange = checked('notifyOnChange');
  const daysInput = fieldOf(form, 'reminderDays');
  if (daysInput) {
    const mode = reminderMode(form);
    const days = daysInput.value.trim();
    // An empty "every … days" is sent as it is, so the server names the field that needs a number.
    payload.reminderDays = mode === 'off' ? 0 : mode === 'every' ? (days === '' ? '' : Number(days)) : null;
  }
  const category = value('categoryId');
  if (category !== undefined) payload.categoryId = category === '' ? null : category;
  if (shown('sharedWithAdmin')) payload.sharedWithAdmin = checked('sharedWithAdmin');
  if (shown('private')) payload.private = checked('private');
  payload.tags = tagsOf(form);
  Object.assign(payload, linksOf(form));
  const selects = all(form, '[data-lk-field-access-for]', HTMLSelectElement).filter((s) => !s.closest('[hidden]'));
  if (selects.length > 0) {
    // None chosen follows the default; a partial choice is sent as it is, and the server names the field left out.
    const chosen = Object.fromEntries(selects.filter((s) => s.value !== '').map((s) => [s.dataset.lkFieldAccessFor ?? '', s.value]));
    fieldAccess = Object.keys(chosen).length === 0 ? null : chosen;
  }
  for (const secret of ['password', 'notes', 'totpSecret']) {
    const text = value(secret);
    if (text !== undefined && text !== '') payload[secret] = text;
  }
  const sent: EntryPayload = {};
  for (const [key, item] of Object.entries(payload)) if (item !== undefined) sent[key] = item;
  if (fieldAccess !== undefined) sent.clientFieldAccess = fieldAccess;
  return sent;
}

/**
 * What an edit changes: the fields whose value differs from what the dialog
 * showed when it opened. A field the user did not touch is never sent, even
 * where the form could not hold the stored value exactly. Secrets are never
 * loaded, so one is sent only when typed.
 */
function changesFrom(shown: EntryPayload, payload: EntryPayload): EntryPayload {
  const changes: EntryPayload = {};
  for (const [key, value] of Object.entries(payload)) {
    // Compared as JSON: tags are a list (the same chips in the same order are no change), the field access an object.
    if (!Object.hasOwn(shown, key) || JSON.stringify(shown[key]) !== JSON.stringify(value)) changes[key] = value;
  }
  return changes;
}

/** Saves the dialog: a new entry in full, an edit as only what changed (with the version it started from). */
export async function submitEntry(cfg: PanelConfig, form: HTMLFormElement): Promise<void> {
  const { original, shown } = opened.get(form) ?? { original: null, shown: null };
  try {
    if (original) {
      const changes = changesFrom(shown ?? {}, entryPayload(form));
      if (Object.keys(changes).length === 0) {
        // Nothing to save: nothing is sent, and nothing reloads.
        closeDialogOf(form);
        toast(cfg, say(cfg, 'unchanged'));
        return;
      }
      changes.version = Number(inputOf(form, 'version').value);
      await call(cfg, 'PATCH', `/entries/${encodeURIComponent(original.id)}`, changes);
    } else {
      await call(cfg, 'POST', '/entries', { ...withoutEmpty(cfg.defaults), ...entryPayload(form) });
    }
    closeDialogOf(form);
    toast(cfg, say(cfg, 'saved'));
    location.reload();
  } catch (error) {
    showErrors(form, error);
  }
}

/** The panel's defaults for a new entry, without those it has no value for. */
function withoutEmpty(defaults: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}
