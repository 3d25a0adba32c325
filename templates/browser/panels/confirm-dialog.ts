import { required } from './dom.ts';
import { clearErrors } from './form-errors.ts';
import type { PanelConfig } from './panel-config.ts';

/** What the confirm form does once confirmed, by form. */
const confirmed = new WeakMap<HTMLFormElement, () => Promise<unknown>>();

/**
 * Opens the panel's confirm dialog, which first says what will happen
 * (`say` fills its title and text); submitting it runs `action`.
 */
export function askToConfirm(cfg: PanelConfig, say: (dialog: HTMLDialogElement) => void, action: () => Promise<unknown>): void {
  const dialog = required(cfg.panel, '[data-lk-confirm-dialog]', HTMLDialogElement);
  resetWording(dialog);
  say(dialog);
  const form = required(dialog, 'form', HTMLFormElement);
  clearErrors(form);
  confirmed.set(form, action);
  dialog.showModal();
}

/** The action the form was opened for, if it is a confirm form. */
export function confirmedAction(form: HTMLFormElement): (() => Promise<unknown>) | undefined {
  return confirmed.get(form);
}

/**
 * Puts back the title and button the dialog was rendered with, remembered at
 * the first opening: one use's wording (a restore's) never leaks into the next.
 */
function resetWording(dialog: HTMLDialogElement): void {
  for (const el of [required(dialog, 'h2', HTMLElement), required(dialog, 'button[type=submit]', HTMLElement)]) {
    el.dataset.lkDefaultText ??= el.textContent ?? '';
    el.textContent = el.dataset.lkDefaultText;
  }
}
