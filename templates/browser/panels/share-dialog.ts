import { call } from './api-client.ts';
import { closeDialogOf, fieldOf, inputOf, required } from './dom.ts';
import type { EditableEntry } from './editable.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import type { PanelConfig } from './panel-config.ts';
import { checkedPrincipals, checkPrincipals } from './principals.ts';

const VIEW = '[data-lk-grant-view]';
const EDIT = '[data-lk-grant-edit]';
const SHARE = '[data-lk-grant-share]';

/** Opens the share dialog with the entry's grants checked. */
export function openShareDialog(cfg: PanelConfig, entry: EditableEntry): void {
  const dialog = required(cfg.panel, '[data-lk-share-dialog]', HTMLDialogElement);
  const form = required(dialog, 'form', HTMLFormElement);
  clearErrors(form);
  inputOf(form, 'id').value = entry.id;
  inputOf(form, 'version').value = String(entry.version);
  const shared = fieldOf(form, 'sharedWithAdmin');
  if (shared instanceof HTMLInputElement) shared.checked = Boolean(entry.sharedWithAdmin);
  checkPrincipals(form, entry.grants || [], VIEW, EDIT, SHARE);
  dialog.showModal();
}

/** Replaces the entry's grants with those checked. */
export async function submitShare(cfg: PanelConfig, form: HTMLFormElement): Promise<void> {
  // Each grant at its level: view, edit, or share (edit and share).
  const grants = checkedPrincipals(form, VIEW, EDIT, SHARE)
    .map((p) => ({ kind: p.kind, id: p.id, level: p.canShare ? 'share' : p.canEdit ? 'edit' : 'view' }));
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
