import { all, required } from './dom.ts';
import type { EditableEntry } from './editable.ts';
import type { PanelConfig } from './panel-config.ts';
import { setPickerStatus, startSearchPicker } from './search-picker.ts';

/** The entry fields a link picker fills. */
type LinkField = 'contactId' | 'deviceId';

function namesOf(form: HTMLFormElement): Record<string, Record<string, string>> {
  const box = form.querySelector<HTMLElement>('[data-lk-link-fields]');
  return box ? JSON.parse(box.dataset.lkLinkNames || '{}') as Record<string, Record<string, string>> : {};
}

function pickers(form: HTMLFormElement): HTMLElement[] {
  return all(form, '[data-lk-link-field]', HTMLElement);
}

/**
 * Shows the contact and device the entry is linked to (a new entry: the
 * panel's own, on a contact's or device's page) by name in their pickers.
 * A link the panel cannot name (a contact that moved to another client)
 * shows its id, and is kept unless changed.
 */
export function showLinks(cfg: PanelConfig, form: HTMLFormElement, entry: EditableEntry | null): void {
  const names = namesOf(form);
  for (const box of pickers(form)) {
    startSearchPicker(box);
    const field = box.dataset.lkLinkField as LinkField;
    const value = entry ? entry[field] : cfg.defaults[field];
    const id = typeof value === 'string' && value !== '' ? value : null;
    const input = required(box, 'input[role=combobox]', HTMLInputElement);
    input.value = id === null ? '' : names[field]?.[id] ?? id;
    if (id === null) delete input.dataset.lkPickedId;
    else input.dataset.lkPickedId = id;
    setPickerStatus(box, '');
  }
}

/**
 * What the link pickers send: the picked id, null for an emptied field, and
 * text typed but not picked as it is, for the server to refuse by field.
 */
export function linksOf(form: HTMLFormElement): Partial<Record<LinkField, string | null>> {
  const links: Partial<Record<LinkField, string | null>> = {};
  for (const box of pickers(form)) {
    const input = required(box, 'input[role=combobox]', HTMLInputElement);
    const text = input.value.trim();
    links[box.dataset.lkLinkField as LinkField] = text === '' ? null : input.dataset.lkPickedId ?? text;
  }
  return links;
}
