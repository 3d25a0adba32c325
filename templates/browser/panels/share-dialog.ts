import { call } from './api-client.ts';
import { closeDialogOf, fieldOf, inputOf, required } from './dom.ts';
import type { EditableEntry } from './editable.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import { addToGrantList, fillGrantList, grantListPrincipals, levelOf } from './grant-list.ts';
import type { PanelConfig } from './panel-config.ts';
import { fill } from './placeholders.ts';
import { PICK_EVENT, setPickerStatus, startSearchPicker, type PickerHit } from './search-picker.ts';

const listening = new WeakSet<HTMLFormElement>();

/**
 * Opens the share dialog on the entry: its name in the title, who has access
 * at which level, and a picker that searches whom else the user may share it
 * with (`/entries/:id/share-targets`). A client manages its contacts' access
 * only: what staff gave stays as it is, and is not listed.
 */
export function openShareDialog(cfg: PanelConfig, entry: EditableEntry): void {
  const dialog = required(cfg.panel, '[data-lk-share-dialog]', HTMLDialogElement);
  const form = required(dialog, 'form', HTMLFormElement);
  clearErrors(form);
  const title = required(dialog, 'h2', HTMLElement);
  title.textContent = fill(title.dataset.lkTitleFor ?? '', { name: entry.name });
  inputOf(form, 'id').value = entry.id;
  inputOf(form, 'version').value = String(entry.version);
  const shared = fieldOf(form, 'sharedWithAdmin');
  if (shared instanceof HTMLInputElement) shared.checked = Boolean(entry.sharedWithAdmin);
  const list = required(form, '[data-lk-grant-list]', HTMLElement);
  const grants = entry.grants ?? [];
  const managed = form.dataset.lkActor === 'client' ? grants.filter((g) => g.kind === 'contact') : grants;
  fillGrantList(list, managed.map((g) => ({ ...g, name: g.name ?? g.id })));
  const picker = required(form, '[data-lk-search-picker]', HTMLElement);
  picker.dataset.lkSource = `/entries/${encodeURIComponent(entry.id)}/share-targets`;
  startSearchPicker(picker);
  required(picker, 'input[role=combobox]', HTMLInputElement).value = '';
  setPickerStatus(picker, '');
  if (!listening.has(form)) {
    listening.add(form);
    form.addEventListener(PICK_EVENT, (event) => {
      if (event instanceof CustomEvent) addToGrantList(list, event.detail as PickerHit);
    });
  }
  dialog.showModal();
}

/** Replaces the entry's grants with those listed, each at the level chosen. */
export async function submitShare(cfg: PanelConfig, form: HTMLFormElement): Promise<void> {
  const grants = grantListPrincipals(required(form, '[data-lk-grant-list]', HTMLElement))
    .map((p) => ({ kind: p.kind, id: p.id, level: levelOf(p) }));
  const body: { version: number; grants: typeof grants; sharedWithAdmin?: boolean } = {
    version: Number(inputOf(form, 'version').value),
    grants,
  };
  const shared = fieldOf(form, 'sharedWithAdmin');
  if (shared instanceof HTMLInputElement) body.sharedWithAdmin = shared.checked;
  try {
    await call(cfg, 'PUT', `/entries/${encodeURIComponent(inputOf(form, 'id').value)}/grants`, body);
    closeDialogOf(form);
    location.reload();
  } catch (error) {
    showErrors(form, error);
  }
}
