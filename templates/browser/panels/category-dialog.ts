import { call } from './api-client.ts';
import { all, closeDialogOf, inputOf, optional, required } from './dom.ts';
import type { EditableCategory, Principal } from './editable.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import type { PanelConfig } from './panel-config.ts';
import { checkedPrincipals, checkPrincipals } from './principals.ts';

const VIEW = '[data-lk-member-view]';
const EDIT = '[data-lk-member-edit]';

/** Opens the add dialog (`category` null) or the edit dialog, with the members checked. */
export function openCategoryDialog(cfg: PanelConfig, category: EditableCategory | null): void {
  const dialog = required(cfg.panel, '[data-lk-category-dialog]', HTMLDialogElement);
  const form = required(dialog, 'form', HTMLFormElement);
  form.reset();
  clearErrors(form);
  const title = required(dialog, 'h2', HTMLElement);
  title.textContent = (category ? title.dataset.lkTitleEdit : title.dataset.lkTitleNew) ?? '';
  inputOf(form, 'id').value = category ? category.id : '';
  inputOf(form, 'name').value = category ? category.name : '';
  const members = category?.members || [];
  checkPrincipals(form, members, VIEW, EDIT);
  const clientIds = optional(form, '[data-lk-client-ids]', HTMLInputElement);
  if (clientIds) clientIds.value = uniqueClients(members).join(', ');
  // A client's category: staff rename it; who is in it is the client's to say, so members are neither shown nor sent.
  const renameOnly = Boolean(category && category.renameOnly);
  form.dataset.lkRenameOnly = renameOnly ? '1' : '';
  for (const part of all(form, '[data-lk-members-part]', HTMLElement)) part.hidden = renameOnly;
  required(form, '[data-lk-rename-only-hint]', HTMLElement).hidden = !renameOnly;
  dialog.showModal();
  inputOf(form, 'name').focus();
}

/** The ids of the client members, each once. */
function uniqueClients(members: readonly Principal[]): string[] {
  return [...new Map(members.filter((m) => m.kind === 'client').map((m) => [m.id, m.id])).values()];
}

/** Creates or saves the category: its name, and its members unless staff may only rename it. */
export async function submitCategory(cfg: PanelConfig, form: HTMLFormElement): Promise<void> {
  const members = checkedPrincipals(form, VIEW, EDIT);
  const clientIds = optional(form, '[data-lk-client-ids]', HTMLInputElement);
  if (clientIds) {
    for (const id of clientIds.value.split(/[\s,;]+/).filter(Boolean)) members.push({ kind: 'client', id, canEdit: false });
  }
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
