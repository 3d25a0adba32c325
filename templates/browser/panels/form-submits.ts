import { addonFormInput, addonPath } from './addon-sections.ts';
import { call } from './api-client.ts';
import { submitCategory } from './category-dialog.ts';
import { confirmedAction } from './confirm-dialog.ts';
import { all, closeDialogOf } from './dom.ts';
import { submitEntry } from './entry-dialog.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import { revealMailError, showMailState } from './mail-templates.ts';
import { configOf, say } from './panel-config.ts';
import { settingsPayload } from './settings-form.ts';
import { submitShare } from './share-dialog.ts';
import { stepUpResetPayload } from './step-up-reset.ts';
import { toast } from './toast.ts';

/** A panel's form is sent to the JSON API instead of the browser's own submission; a refusal shows beside the fields. */
export async function onPanelSubmit(event: SubmitEvent): Promise<void> {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.closest('[data-lk-api]')) return;
  const cfg = configOf(form);
  const confirm = confirmedAction(form);
  if (form.matches('[data-lk-entry-form]')) {
    event.preventDefault();
    await submitEntry(cfg, form);
  } else if (form.matches('[data-lk-share-form]')) {
    event.preventDefault();
    await submitShare(cfg, form);
  } else if (form.matches('[data-lk-category-form]')) {
    event.preventDefault();
    await submitCategory(cfg, form);
  } else if (form.matches('[data-lk-settings-form]')) {
    event.preventDefault();
    try {
      await call(cfg, 'PATCH', '/settings', settingsPayload(form));
      clearErrors(form);
      for (const editor of all(form, '[data-lk-mail-editor]', HTMLElement)) showMailState(editor);
      toast(cfg, say(cfg, 'saved'));
    } catch (error) {
      showErrors(form, error);
      revealMailError(form);
    }
  } else if (form.matches('[data-lk-step-up-reset]')) {
    event.preventDefault();
    try {
      await call(cfg, 'POST', '/step-up/reset', stepUpResetPayload(form));
      clearErrors(form);
      form.reset();
      toast(cfg, say(cfg, 'stepUpReset'));
    } catch (error) {
      showErrors(form, error);
    }
  } else if (form.matches('[data-lk-addon-form]')) {
    event.preventDefault();
    try {
      await call(cfg, 'POST', addonPath(form, form.dataset.lkAddonForm ?? ''), addonFormInput(form));
      clearErrors(form);
      toast(cfg, say(cfg, 'saved'));
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  } else if (confirm) {
    event.preventDefault();
    try {
      await confirm();
      closeDialogOf(form);
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  }
}
