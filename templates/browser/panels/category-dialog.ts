import { call } from './api-client.ts';
import { all, closeDialogOf, inputOf, required } from './dom.ts';
import type { EditableCategory } from './editable.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import { addToGrantList, fillGrantList, grantListPrincipals } from './grant-list.ts';
import type { PanelConfig } from './panel-config.ts';
import { PICK_EVENT, setPickerStatus, startSearchPicker, type PickerHit } from './search-picker.ts';

const listening = new WeakSet<HTMLFormElement>();

/**
 * Opens the add dialog (`category` null) or the edit dialog: its members
 * listed by name, each able to view or edit, and a picker that finds more by
 * name (`/category-members`: staff, roles and clients for an addon manager,
 * a client's own contacts in the client area).
 */
export function openCategoryDialog(cfg: PanelConfig, category: EditableCategory | null): void {
  const dialog = required(cfg.panel, '[data-lk-category-dialog]', HTMLDialogElement);
  const form = required(dialog, 'form', HTMLFormElement);
  form.reset();
  clearErrors(form);
  const title = required(dialog, 'h2', HTMLElement);
  title.textContent = (category ? title.dataset.lkTitleEdit : title.dataset.lkTitleNew) ?? '';
  inputOf(form, 'id').value = category ? category.id : '';
  inputOf(form, 'name').value = category ? category.name : '';
  const list = required(form, '[data-lk-grant-list]', HTMLElement);
  fillGrantList(list, (category?.members ?? []).map((m) => ({ ...m, name: m.name ?? m.id })));
  const picker = required(form, '[data-lk-search-picker]', HTMLElement);
  startSearchPicker(picker);
  setPickerStatus(picker, '');
  if (!listening.has(form)) {
    listening.add(form);
    form.addEventListener(PICK_EVENT, (event) => {
      if (event instanceof CustomEvent) addToGrantList(list, event.detail as PickerHit);
    });
  }
  // A client's category: staff rename it; who is in it is the client's to say, so members are neither shown nor sent.
  const renameOnly = Boolean(category && category.renameOnly);
  form.dataset.lkRenameOnly = renameOnly ? '1' : '';
  for (const part of all(form, '[data-lk-members-part]', HTMLElement)) part.hidden = renameOnly;
  required(form, '[data-lk-rename-only-hint]', HTMLElement).hidden = !renameOnly;
  dialog.showModal();
  inputOf(form, 'name').focus();
}

/** Creates or saves the category: its name, and its members unless staff may only rename it. */
export async function submitCategory(cfg: PanelConfig, form: HTMLFormElement): Promise<void> {
  const members = grantListPrincipals(required(form, '[data-lk-grant-list]', HTMLElement))
    .map((m) => ({ kind: m.kind, id: m.id, canEdit: m.canEdit }));
  const id = inputOf(form, 'id').value;
  const name = inputOf(form, 'name').value;
  const body = form.dataset.lkRenameOnly ? { name } : { name, members };
  try {
    if (id) await call(cfg, 'PATCH', `/categories/${encodeURIComponent(id)}`, body);
    else await call(cfg, 'POST', '/categories', body);
    closeDialogOf(form);
    location.reload();
  } catch (error) {
    showErrors(form, error);
  }
}
