// The API tokens page: create a token and show it once, copy it, revoke one.
// The token lives in this page's memory (and its one box) until the page is left.
import { call } from './api-client.ts';
import { closeDialogOf, enclosing, inputOf, required } from './dom.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import { configOf, type PanelConfig } from './panel-config.ts';
import { fill } from './placeholders.ts';

interface CreatedToken {
  token: string;
}

/** The page's forms: a new token, and the revoke dialog's confirmation. */
export async function onTokenSubmit(event: SubmitEvent): Promise<void> {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.matches('[data-lk-token-form]')) {
    event.preventDefault();
    await create(configOf(form), form);
  } else if (form.closest('[data-lk-token-revoke-dialog]')) {
    event.preventDefault();
    await revoke(configOf(form), enclosing(form, 'dialog', HTMLDialogElement), form);
  }
}

/** The page's buttons: copy the new token, ask to revoke one, cancel. */
export async function onTokenClick(event: MouseEvent): Promise<void> {
  const target = event.target instanceof Element ? event.target : null;
  const copyButton = target?.closest('[data-lk-token-copy]');
  const revokeButton = target?.closest('[data-lk-token-revoke]');
  const cancel = target?.closest('[data-lk-token-cancel]');
  if (copyButton instanceof HTMLElement) await copy(configOf(copyButton), copyButton);
  else if (revokeButton instanceof HTMLElement) askRevoke(configOf(revokeButton), revokeButton);
  else if (cancel) closeDialogOf(cancel);
}

async function create(cfg: PanelConfig, form: HTMLFormElement): Promise<void> {
  const input = {
    name: inputOf(form, 'name').value,
    scopes: [...form.querySelectorAll<HTMLInputElement>('input[name="scopes"]:checked')].map((box) => box.value),
    expiresInDays: Number(inputOf(form, 'expiresInDays').value),
  };
  try {
    const created = await call<CreatedToken>(cfg, 'POST', '/tokens', input);
    clearErrors(form);
    const box = required(cfg.panel, '[data-lk-token-created]', HTMLElement);
    required(box, '[data-lk-token-value]', HTMLElement).textContent = created.token;
    box.hidden = false;
    form.reset();
    required(box, '[data-lk-token-copy]', HTMLButtonElement).focus();
  } catch (error) {
    showErrors(form, error);
  }
}

/** Copied as it is: a token is meant to be pasted into a script's configuration, not wiped after seconds. */
async function copy(cfg: PanelConfig, button: HTMLElement): Promise<void> {
  const value = required(cfg.panel, '[data-lk-token-value]', HTMLElement).textContent ?? '';
  const toast = required(cfg.panel, '[data-lk-toast]', HTMLElement);
  try {
    await navigator.clipboard.writeText(value);
    toast.textContent = button.dataset.copied ?? '';
  } catch {
    toast.textContent = button.dataset.copyFailed ?? '';
  }
  toast.classList.add('lk-visible');
  setTimeout(() => toast.classList.remove('lk-visible'), 4000);
}

function askRevoke(cfg: PanelConfig, button: HTMLElement): void {
  const dialog = required(cfg.panel, '[data-lk-token-revoke-dialog]', HTMLDialogElement);
  const text = required(dialog, '[data-lk-token-revoke-text]', HTMLElement);
  text.textContent = fill(text.dataset.template ?? '', { name: button.dataset.name ?? '' });
  dialog.dataset.tokenId = button.dataset.lkTokenRevoke ?? '';
  dialog.showModal();
}

async function revoke(cfg: PanelConfig, dialog: HTMLDialogElement, form: HTMLFormElement): Promise<void> {
  try {
    await call(cfg, 'DELETE', `/tokens/${encodeURIComponent(dialog.dataset.tokenId ?? '')}`);
    dialog.close();
    location.reload();
  } catch (error) {
    showErrors(form, error);
  }
}
